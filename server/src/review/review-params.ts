// Bodies and query strings of the review API, checked at the edge: typed values or a ValidationError
// (400) naming every bad field. Catalog checks (does the series exist?) follow in resolveSeriesKey.
import { z } from "zod";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { REFERENCE_KINDS, type CorrectionAction } from "../../../common/review.ts";
import type { ErrorDetail } from "../errors.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import { parseOrThrow } from "../http/validation.ts";
import { bodyTime, fail, resolveSeries, timeParam } from "../query/query-params.ts";

const reason = z
  .string({ error: "reason is required: say why (it is kept in the audit trail)" })
  .trim()
  .min(1, "reason must not be empty: say why (it is kept in the audit trail)")
  .max(2_000, "reason: at most 2,000 characters");

const finite = (name: string) => z.number({ error: `${name} must be a number` }).refine(Number.isFinite, `${name} must be a finite number`);

const seriesFields = {
  station: z.string().min(1).max(100),
  parameter: z.string().min(1).max(100),
  /** Default: the station's primary sensor for the parameter. */
  sensor: z.string().min(1).max(100).optional(),
};

const rangeFields = {
  from: bodyTime,
  to: bodyTime,
};

export const correctionAction = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("delete") }),
    z.strictObject({ kind: z.literal("offset"), offset: finite("offset") }),
    z.strictObject({
      kind: z.literal("multiply"),
      factor: finite("factor").refine((f) => f > 0, "factor must be positive (a factor of 0 would erase the data, a negative one turns \"< limit\" into \"> limit\")"),
    }),
    z.strictObject({ kind: z.literal("drift"), offsetAtEnd: finite("offsetAtEnd") }),
    z.strictObject({ kind: z.literal("interpolate") }),
    z.strictObject({ kind: z.literal("recalibrate"), calibration: z.number().int().positive("calibration is a version number of the sensor's calibration log") }),
    z.strictObject({ kind: z.literal("qc"), flag: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(9)], { error: "flag must be a QARTOD flag: 1, 2, 3, 4 or 9" }) }),
  ],
  { error: "kind must be one of delete, offset, multiply, drift, interpolate, recalibrate, qc" },
);

const correctionBody = z
  .object({
    ...seriesFields,
    from: bodyTime,
    to: bodyTime.optional(),
    action: correctionAction,
    reason,
    reference: z.strictObject({ kind: z.enum(REFERENCE_KINDS), id: z.string().trim().min(1).max(200) }).nullable().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.to === undefined) {
      const why = b.action.kind === "drift" ? "a drift correction needs an end: the offset grows from 0 at from to offsetAtEnd at to" : "a correction needs an end (to)";
      ctx.addIssue({ code: "custom", path: ["to"], message: why });
    } else if (b.to <= b.from) ctx.addIssue({ code: "custom", path: ["to"], message: "to must be after from (the range is half-open: [from, to))" });
  });

const rangeBody = z
  .object({ ...seriesFields, ...rangeFields, reason })
  .strict()
  .refine((b) => b.to > b.from, { path: ["to"], message: "to must be after from (the range is half-open: [from, to))" });

export const approvalBody = rangeBody.and(z.object({ level: z.enum(["checked", "approved"], { error: "level must be checked or approved" }) }));
export const unapprovalBody = rangeBody.and(z.object({ level: z.enum(["checked", "raw"], { error: "level after un-approving must be checked or raw" }).default("checked") }));
export const gradeBody = rangeBody.and(z.object({ grade: z.string().min(1).max(32) }));
export const undoBody = z.strictObject({ reason });

export const embargoBody = z
  .strictObject({
    sensor: z.string().min(1).max(100).optional(),
    station: z.string().min(1).max(100).optional(),
    /** Readings are withheld until then; null lifts the embargo. */
    until: bodyTime.nullable(),
    reason,
  })
  .refine((b) => (b.sensor === undefined) !== (b.station === undefined), { message: "name exactly one of sensor or station" });

const seriesQueryShape = {
  station: z.string(),
  parameter: z.string(),
  sensor: z.string().optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  asOf: timeParam.optional(),
};
export const seriesQuery = z.strictObject(seriesQueryShape);

export const auditQuery = z.strictObject({
  /** STATION:PARAMETER[:SENSOR] */
  series: z.string().optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
});

export const queueQuery = z.strictObject({
  olderThanDays: z.coerce.number().int().min(0, "olderThanDays must be 0 or more").max(400).default(30),
  station: z.string().optional(),
});

export type CorrectionBody = z.infer<typeof correctionBody> & { to: number; action: CorrectionAction };

export function parseCorrection(body: unknown): CorrectionBody {
  return parseOrThrow(correctionBody, body) as CorrectionBody;
}

/** A series named by station, parameter and (optionally) sensor, checked against the catalog (400 naming what is wrong). */
export function resolveSeriesKey(catalog: CatalogSnapshot, key: { station: string; parameter: string; sensor?: string | undefined }, now: number): CatalogSeries {
  const details: ErrorDetail[] = [];
  const series = resolveSeries(catalog, { station: key.station, parameter: key.parameter, sensor: key.sensor }, now, "", details);
  if (!series) fail(details.length > 0 ? details : [{ path: "station", message: "no such series" }]);
  return series;
}

/** `STATION:PARAMETER[:SENSOR]` as in /api/v1/series/multi. */
export function parseSeriesText(catalog: CatalogSnapshot, text: string, now: number): CatalogSeries {
  const parts = text.split(":");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) fail([{ path: "series", message: "series is STATION:PARAMETER or STATION:PARAMETER:SENSOR" }]);
  return resolveSeriesKey(catalog, { station: parts[0]!, parameter: parts[1]!, sensor: parts[2] }, now);
}
