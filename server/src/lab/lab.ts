// Composition of the lab results area: store, queries, mapping presets, the import service, the
// sensor validation and their routes. system.ts builds one with the metadata store, the reading
// store, the catalog provider and the clock.
import { Router } from "express";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { LabResultsChanged } from "../../../common/lab.ts";
import type { Logger } from "../../../common/logger.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { MetaStore } from "../meta/store.ts";
import { SCHEMA_RETENTION } from "../query/series-service.ts";
import type { Clock } from "../util/clock.ts";
import { LabImportService } from "./lab-import-service.ts";
import { SqlLabQueries, type LabQueries } from "./lab-queries.ts";
import { labRouter } from "./lab-routes.ts";
import { SqlLabStore, type LabStore } from "./lab-store.ts";
import { SqlMappingPresetRepository, type MappingPresetRepository } from "./mapping-presets.ts";
import { validationRouter, type ValidationRouterDeps } from "./validation-routes.ts";

/** Rejected rows and changes listed in one import report (the counts are always complete). */
export const LAB_REPORT_LIST_LIMIT = 10_000;

export interface LabDeps {
  meta: MetaStore;
  /** Sensor readings, for the validation against lab results. */
  readings: ReadingStore;
  catalog: () => CatalogSnapshot;
  clock: Clock;
  logger: Logger;
  /** LAB_IMPORT_MAX_BYTES. */
  maxBytes: number;
  /** Refuses (403) a reader a series' readings are withheld from (data review: embargoes). */
  mayRead?: ValidationRouterDeps["mayRead"];
}

export interface Lab {
  store: LabStore;
  queries: LabQueries;
  presets: MappingPresetRepository;
  imports: LabImportService;
  router: Router;
  /** Imports applied and undone, for live clients. */
  onChange(listener: (change: LabResultsChanged) => void): () => void;
}

export function createLab(deps: LabDeps): Lab {
  const listeners = new Set<(change: LabResultsChanged) => void>();
  const logger = deps.logger.child({ module: "lab" });
  const store = new SqlLabStore(deps.meta.db);
  const queries = new SqlLabQueries(deps.meta.db);
  const presets = new SqlMappingPresetRepository(deps.meta.db, () => deps.clock.now());
  const imports = new LabImportService({
    meta: deps.meta,
    store,
    catalog: deps.catalog,
    clock: deps.clock,
    logger,
    // A 100,000-row workbook is about 4 MB and unpacks to about 42 MB of XML (measured with the
    // benchmark's columns): four times the upload limit admits some 300,000 rows by default and
    // refuses a "zip bomb" before it is inflated.
    maxUnpackedBytes: 4 * deps.maxBytes,
    listLimit: LAB_REPORT_LIST_LIMIT,
    onChange: (change) => {
      for (const listener of listeners) listener(change);
    },
  });
  const router = Router();
  router.use(labRouter({ imports, queries, presets, catalog: deps.catalog, clock: deps.clock, maxBytes: deps.maxBytes }));
  router.use(validationRouter({ store: deps.readings, queries, retention: SCHEMA_RETENTION, catalog: deps.catalog, clock: deps.clock, mayRead: deps.mayRead }));
  return {
    store,
    queries,
    presets,
    imports,
    router,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
