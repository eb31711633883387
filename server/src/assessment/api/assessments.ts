// Composition of the assessment area: the data source on the review's corrected data, the data
// versions and what bumps them (readings, lab imports, corrections and approvals), the cached service
// and its routes. system.ts builds one.
import type { Router } from "express";
import type { Reading } from "../../../../common/reading.ts";
import type { LabResultsChanged } from "../../../../common/lab.ts";
import type { Logger } from "../../../../common/logger.ts";
import type { CatalogSource } from "../../catalog/catalog-source.ts";
import type { ReadingStore } from "../../influx/store.ts";
import type { LabQueries } from "../../lab/lab-queries.ts";
import { SCHEMA_RETENTION } from "../../query/series-service.ts";
import type { Clock } from "../../util/clock.ts";
import { DataVersions } from "../data/data-versions.ts";
import { ReviewedDataSource } from "../data/reviewed-data-source.ts";
import { ANCHOR_REACH_MS, type CorrectedReader } from "../../review/corrected-reader.ts";
import type { ReviewChange } from "../../review/review-service.ts";
import { assessmentRouter } from "./assessment-routes.ts";
import { AssessmentService } from "./assessment-service.ts";

export interface AssessmentDeps {
  store: ReadingStore;
  lab: { queries: LabQueries; onChange(listener: (change: LabResultsChanged) => void): () => void };
  /** The corrected reader, and the review's changes (corrections, undos, approvals, un-approvals). */
  review: { reader: CorrectedReader; onChange(listener: (change: ReviewChange) => void): void };
  /** Readings once InfluxDB has them (BatchWriter.onWritten). */
  onWritten(listener: (readings: readonly Reading[]) => void): void;
  catalog: CatalogSource;
  clock: Clock;
  logger: Logger;
}

export interface Assessments {
  service: AssessmentService;
  /** Bumped by ingest, lab imports and the review; bump them for any other change of data. */
  versions: DataVersions;
  router: Router;
}

export function createAssessments(deps: AssessmentDeps): Assessments {
  const versions = new DataVersions();
  deps.onWritten((readings) => versions.bumpReadings(readings));
  deps.lab.onChange((change) => {
    for (const station of change.stations) versions.bump(station, change.from, change.to);
  });
  // A correction changes the values of its range — and, through interpolation anchors, up to
  // ANCHOR_REACH_MS around it; an approval changes the levels "approved only" counts.
  deps.review.onChange((change) => {
    const reach = change.kind === "correction" ? ANCHOR_REACH_MS : 0;
    versions.bump(change.series.station, change.from - reach, change.to + reach);
  });
  const data = new ReviewedDataSource(deps.store, deps.review.reader, deps.lab.queries, { rawRetentionMs: SCHEMA_RETENTION.rawMs, now: () => deps.clock.now() });
  const service = new AssessmentService(data, versions, deps.clock, deps.logger.child({ module: "assessment" }));
  // The managed catalog's change events (the same that reach dashboards as "catalogChanged").
  deps.catalog.onChange((snapshot) => service.catalogChanged(snapshot));
  const router = assessmentRouter({ service, data, catalog: () => deps.catalog.current(), clock: deps.clock });
  return { service, versions, router };
}
