// Composition of the assessment area: the data source on today's data, the data versions and what
// bumps them, the cached service and its routes. system.ts builds one.
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
import { RawDataSource } from "../data/raw-data-source.ts";
import { assessmentRouter } from "./assessment-routes.ts";
import { AssessmentService } from "./assessment-service.ts";

export interface AssessmentDeps {
  store: ReadingStore;
  lab: { queries: LabQueries; onChange(listener: (change: LabResultsChanged) => void): () => void };
  /** Readings once InfluxDB has them (BatchWriter.onWritten). */
  onWritten(listener: (readings: readonly Reading[]) => void): void;
  catalog: CatalogSource;
  clock: Clock;
  logger: Logger;
}

export interface Assessments {
  service: AssessmentService;
  /** Bump these when data changes outside ingest and lab imports (corrections, approvals). */
  versions: DataVersions;
  router: Router;
}

export function createAssessments(deps: AssessmentDeps): Assessments {
  const versions = new DataVersions();
  deps.onWritten((readings) => versions.bumpReadings(readings));
  deps.lab.onChange((change) => {
    for (const station of change.stations) versions.bump(station, change.from, change.to);
  });
  const data = new RawDataSource(deps.store, deps.lab.queries, { rawRetentionMs: SCHEMA_RETENTION.rawMs, now: () => deps.clock.now() });
  const service = new AssessmentService(data, versions, deps.clock, deps.logger.child({ module: "assessment" }));
  // The managed catalog's change events (the same that reach dashboards as "catalogChanged").
  deps.catalog.onChange((snapshot) => service.catalogChanged(snapshot));
  const router = assessmentRouter({ service, data, catalog: () => deps.catalog.current(), clock: deps.clock });
  return { service, versions, router };
}
