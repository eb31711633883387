// Sensor validation against lab results over HTTP.
//   GET /api/v1/lab/validation?station&parameter[&sensor]&from&to[&grabWindowMinutes&grabAggregation
//       &minCoverage&errorRatio&confidence&qc]   researcher → LabValidationResponse
//   GET /api/v1/lab/validation.csv?…same…        researcher → the pairs as CSV
import { Router, type Response } from "express";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { requireRole } from "../auth/access.ts";
import { contentDisposition } from "../export/export-file-name.ts";
import type { Clock } from "../util/clock.ts";
import { validateAgainstLab, type SensorValidationDeps } from "./sensor-validation.ts";
import { validationCsv, validationCsvName } from "./validation-csv.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import { parseValidationQuery } from "./validation-params.ts";

export interface ValidationRouterDeps extends SensorValidationDeps {
  catalog: () => CatalogSnapshot;
  clock: Clock;
  /** Refuses (403) a reader the series' readings are withheld from (an embargo). */
  mayRead?: (res: Response, series: CatalogSeries) => Promise<void>;
}

export function validationRouter(deps: ValidationRouterDeps): Router {
  const router = Router();
  const run = async (res: Response, query: unknown) => {
    const now = deps.clock.now();
    const request = parseValidationQuery(query, deps.catalog(), now);
    await deps.mayRead?.(res, request.series);
    return validateAgainstLab(deps, request, now);
  };

  router.get("/api/v1/lab/validation", requireRole("researcher"), async (req, res) => {
    res.json(await run(res, req.query));
  });

  router.get("/api/v1/lab/validation.csv", requireRole("researcher"), async (req, res) => {
    const body = await run(res, req.query);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Type", "text/csv; charset=utf-8; header=present");
    res.setHeader("Content-Disposition", contentDisposition(validationCsvName(body)));
    res.send(validationCsv(body));
  });

  return router;
}
