// The query string of GET /api/v1/lab/validation(.csv), checked at the edge: one catalog series, a
// period of at most ten years, and the pairing and statistics options within sensible bounds, or a
// ValidationError (400) naming every bad parameter.
import { z } from "zod";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { ValidationOptions } from "../../../common/lab-validation.ts";
import { QC, type QcFlag } from "../../../common/reading.ts";
import type { ErrorDetail } from "../errors.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import { fail, parseWith, resolveSeries, timeParam } from "../query/query-params.ts";
import { DAY_MS } from "../query/resolution.ts";

/** Ten years: a sensor's whole service life; older readings are hourly rollups by then anyway. */
export const VALIDATION_MAX_RANGE_MS = 3_653 * DAY_MS;
/** When `from` is omitted: a year before `to` (weekly composites give some fifty pairs). */
export const VALIDATION_DEFAULT_RANGE_MS = 365 * DAY_MS;

const number = (name: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, `${name} must be a number`)
    .transform(Number)
    .pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

/** QC flags a validation may accept: pass, not evaluated, suspect (failed readings never). */
const ACCEPTABLE_QC: readonly QcFlag[] = [QC.pass, QC.notEvaluated, QC.suspect];

const qcList = z
  .string()
  .transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x !== ""))
  .pipe(
    z
      .array(z.enum(["1", "2", "3"], { error: "qc lists QARTOD flags to accept: 1 (pass), 2 (not evaluated), 3 (suspect); failed readings (4) never count" }))
      .min(1, "qc must name at least one flag")
      .transform((flags) => [...new Set(flags.map(Number))].sort() as QcFlag[]),
  );

const validationQuery = z.strictObject({
  station: z.string(),
  parameter: z.string(),
  sensor: z.string().optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  grabWindowMinutes: number("grabWindowMinutes", 1, 720).optional(),
  grabAggregation: z.enum(["mean", "nearest"], { error: "grabAggregation must be mean or nearest" }).optional(),
  minCoverage: number("minCoverage", 0, 1).optional(),
  errorRatio: number("errorRatio", 0.001, 1000).optional(),
  confidence: z.enum(["0.9", "0.95", "0.99"], { error: "confidence must be 0.9, 0.95 or 0.99" }).transform(Number).optional(),
  qc: qcList.optional(),
});

export interface ValidationRequest {
  series: CatalogSeries;
  /** Lab samples whose sampling period overlaps [from, to). */
  from: number;
  to: number;
  options: Partial<Omit<ValidationOptions, "sensorIntervalSeconds">>;
}

export function parseValidationQuery(query: unknown, catalog: CatalogSnapshot, now: number): ValidationRequest {
  const q = parseWith(validationQuery, query);
  const details: ErrorDetail[] = [];
  const series = resolveSeries(catalog, { station: q.station, parameter: q.parameter, sensor: q.sensor }, now, "", details);
  const to = q.to ?? now;
  const from = q.from ?? to - VALIDATION_DEFAULT_RANGE_MS;
  if (from >= to) details.push({ path: "from", message: "from must be before to" });
  else if (to - from > VALIDATION_MAX_RANGE_MS) details.push({ path: "to", message: "the period from … to must not exceed 10 years" });
  if (details.length > 0 || !series) fail(details);
  const options: ValidationRequest["options"] = {};
  if (q.grabWindowMinutes !== undefined) options.grabWindowMinutes = q.grabWindowMinutes;
  if (q.grabAggregation !== undefined) options.grabAggregation = q.grabAggregation;
  if (q.minCoverage !== undefined) options.minCoverage = q.minCoverage;
  if (q.errorRatio !== undefined) options.errorRatio = q.errorRatio;
  if (q.confidence !== undefined) options.confidence = q.confidence;
  if (q.qc !== undefined) options.acceptedQc = q.qc.filter((f) => ACCEPTABLE_QC.includes(f));
  return { series, from, to, options };
}
