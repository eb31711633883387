// The one InfluxQL builder: every statement Water Monitor reads InfluxDB with is made here — charts,
// latest values, exports, the alert engine's history, the review queue — and every result column
// is named in one table (COL). Only two kinds of values ever reach a query string: catalog ids that
// were looked up in the catalog snapshot (and are escaped all the same, and refused if they are not
// plain ids), and integer epoch times. Every measurement, field, tag and retention-policy name comes
// from influx/schema.ts and common/wire.ts. Writes go through store.ts's line protocol; the rollup
// rebuild reuses the continuous queries' own SELECT (query/rollup-repair.ts).
import { escape } from "influx";
import type { Parameter, Sensor, Station } from "../../../common/catalog-model.ts";
import type { ExportQcFilter, ExportResolution } from "../../../common/export-options.ts";
import { FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import { QC } from "../../../common/reading.ts";
import { RETENTION, ROLLUP_FIELD, ROLLUP_MEASUREMENT } from "./schema.ts";

/** A station × parameter × sensor series that was found in the catalog (query-params.ts makes them). */
export interface CatalogSeries {
  readonly station: Station;
  readonly parameter: Parameter;
  readonly sensor: Sensor;
  /**
   * Also read points without a sensor tag: data stored before sensors became part of a series
   * belongs to the station's primary sensor (InfluxQL matches a missing tag with '').
   */
  readonly includeUntagged: boolean;
}

/** Result columns of every query built here (tags, fields and aggregates alike). */
export const COL = Object.freeze({
  time: "time",
  station: "station",
  parameter: "parameter",
  sensor: "sensor",
  value: "value",
  qc: "qc",
  lod: "lod",
  loq: "loq",
  uncertainty: "uncertainty",
  raw: "raw",
  calibration: "calibration",
  maintenance: "maintenance",
  mean: "mean",
  min: "min",
  max: "max",
  n: "n",
  nBelowLod: "n_below_lod",
  sum: "sum",
  sumQuantified: "sum_quantified",
  nLod: "n_lod",
  nLoq: "n_loq",
} as const);

// Catalog ids are plain identifiers. Checked again here so a future catalog entry with a quote or
// backslash cannot turn into InfluxQL even if escaping had a gap (node-influx's stringLit does not
// escape backslashes).
const SAFE_ID = /^[A-Za-z0-9_.-]{1,100}$/;

export function tagLiteral(id: string): string {
  if (!SAFE_ID.test(id)) throw new Error(`Refusing to put catalog id ${JSON.stringify(id)} into InfluxQL`);
  return escape.stringLit(id);
}

export function timeLiteral(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new Error(`Time must be an integer epoch in ms, got ${ms}`);
  return `${ms}ms`;
}

export function ident(name: string): string {
  return escape.quoted(name);
}

function intervalLiteral(intervalMs: number): string {
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new Error(`Bad interval ${intervalMs}`);
  return `${intervalMs}ms`;
}

function limitLiteral(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new Error(`Bad limit ${limit}`);
  return String(limit);
}

/** `"field" AS "column"` */
const as = (expression: string, column: string) => `${expression} AS ${ident(column)}`;
const field = (name: string, column: string = name) => as(ident(name), column);

export function rawSource(): string {
  return `${ident(RETENTION.raw.name)}.${ident(MEASUREMENT)}`;
}

/** `sensor = 'S'`, or `(sensor = 'S' OR sensor = '')` when untagged (older) data belongs to it too. */
export function sensorCondition(sensor: string, includeUntagged: boolean): string {
  const tagged = `${ident(TAG.sensor)} = ${tagLiteral(sensor)}`;
  return includeUntagged ? `(${tagged} OR ${ident(TAG.sensor)} = '')` : tagged;
}

/** A half-open [from, to) or, for the chart API's inclusive ranges, closed [from, to] time condition. */
export interface TimeRange {
  from: number;
  to: number;
  /** Include `to` itself (the series API's ranges are inclusive). */
  closed?: boolean;
}

function timeCondition(r: TimeRange): string {
  return `time >= ${timeLiteral(r.from)} AND time ${r.closed ? "<=" : "<"} ${timeLiteral(r.to)}`;
}

function seriesCondition(series: CatalogSeries): string {
  return (
    `${ident(TAG.station)} = ${tagLiteral(series.station.id)} AND ${ident(TAG.parameter)} = ${tagLiteral(series.parameter.code)} ` +
    `AND ${sensorCondition(series.sensor.id, series.includeUntagged)}`
  );
}

/** The fields of a stored reading; `withSignal` adds the raw signal and its calibration (recalibration needs them). */
function readingFields(withSignal: boolean): string {
  const fields = [field(FIELD.value, COL.value), field(FIELD.lod, COL.lod), field(FIELD.loq, COL.loq), field(FIELD.uncertainty, COL.uncertainty), field(FIELD.qc, COL.qc)];
  if (withSignal) fields.push(field(FIELD.raw, COL.raw), field(FIELD.calibration, COL.calibration));
  return fields.join(", ");
}

// ---- One series ------------------------------------------------------------------------------------

/** Raw readings in time order; `limit` lets the caller notice data denser than expected. */
export function rawPointsQuery(series: CatalogSeries, from: number, to: number, limit: number, withSignal = false): string {
  return (
    `SELECT ${readingFields(withSignal)} FROM ${rawSource()} WHERE ${seriesCondition(series)} AND ${timeCondition({ from, to, closed: true })} ` +
    `ORDER BY time ASC LIMIT ${limitLiteral(limit)}`
  );
}

/** Every raw reading of one series in a range, in time order (the corrected reader's input). */
export function seriesReadingsQuery(series: CatalogSeries, range: TimeRange, withSignal: boolean): string {
  return `SELECT ${readingFields(withSignal)} FROM ${rawSource()} WHERE ${seriesCondition(series)} AND ${timeCondition(range)} ORDER BY time ASC`;
}

/**
 * The `limit` readings nearest to `at` on one side within `reachMs`, nearest first: the candidates
 * for an interpolation's anchor (before: time < at; after: time ≥ at).
 */
export function neighboursQuery(series: CatalogSeries, at: number, side: "before" | "after", limit: number, reachMs: number): string {
  const range = side === "before" ? `time >= ${timeLiteral(at - reachMs)} AND time < ${timeLiteral(at)}` : `time >= ${timeLiteral(at)} AND time < ${timeLiteral(at + reachMs)}`;
  return (
    `SELECT ${readingFields(true)} FROM ${rawSource()} WHERE ${seriesCondition(series)} AND ${range} ` +
    `ORDER BY time ${side === "before" ? "DESC" : "ASC"} LIMIT ${limitLiteral(limit)}`
  );
}

/**
 * One statement over raw data, grouped by epoch-aligned time buckets: mean/min/max/count of
 * `mean_value` (half the limit for censored readings), the censored count, the worst QC flag and the
 * highest LOD and LOQ (a mean below them is reported as "< LOQ"/"< LOD"). QC-failed
 * readings carry neither `mean_value` nor `below_lod` (see influx/store.ts), so they count only in
 * the flag, and a bucket whose readings all failed still appears (count 0, qc 4).
 */
export function rawAggregateQuery(series: CatalogSeries, from: number, to: number, intervalMs: number): string {
  const mv = ident(FIELD.meanValue);
  return (
    `SELECT ${as(`mean(${mv})`, COL.mean)}, ${as(`min(${mv})`, COL.min)}, ${as(`max(${mv})`, COL.max)}, ` +
    `${as(`count(${mv})`, COL.n)}, ${as(`sum(${ident(FIELD.belowLod)})`, COL.nBelowLod)}, ${as(`max(${ident(FIELD.qc)})`, COL.qc)}, ` +
    `${as(`max(${ident(FIELD.lod)})`, COL.lod)}, ${as(`max(${ident(FIELD.loq)})`, COL.loq)} ` +
    `FROM ${rawSource()} WHERE ${seriesCondition(series)} AND ${timeCondition({ from, to, closed: true })} GROUP BY time(${intervalLiteral(intervalMs)}) fill(none)`
  );
}

/** A rollup level's retention policy and measurement. */
function rollupSource(source: RollupLevelName): string {
  const [rp, measurement] = ROLLUP_STORAGE[source];
  return `${ident(rp)}.${ident(measurement)}`;
}

const ROLLUP_STORAGE: Readonly<Record<RollupLevelName, readonly [string, string]>> = {
  rollup1m: [RETENTION.oneMinute.name, ROLLUP_MEASUREMENT.oneMinute],
  rollup1h: [RETENTION.oneHour.name, ROLLUP_MEASUREMENT.oneHour],
  rollup6h: [RETENTION.sixHours.name, ROLLUP_MEASUREMENT.sixHours],
};

/** The rollup levels charts read: 1-minute and 1-hour (continuous queries or scheduler), 6-hour (built from the 1-hour rows). */
export type RollupLevelName = "rollup1m" | "rollup1h" | "rollup6h";

/** Rollup rows (filled by the continuous queries) for the range, one per rollup interval. */
export function rollupRowsQuery(series: CatalogSeries, source: RollupLevelName, from: number, to: number, limit?: number): string {
  // `limit` lets a caller notice more rows than it can take.
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit <= 0)) throw new Error(`Bad limit ${limit}`);
  const f = ROLLUP_FIELD;
  return (
    `SELECT ${field(f.mean, COL.mean)}, ${field(f.min, COL.min)}, ${field(f.max, COL.max)}, ${field(f.count, COL.n)}, ` +
    `${field(f.belowLodCount, COL.nBelowLod)}, ${field(f.lod, COL.lod)}, ${field(f.loq, COL.loq)}, ${field(f.qc, COL.qc)} ` +
    `FROM ${rollupSource(source)} WHERE ${seriesCondition(series)} AND ${timeCondition({ from, to, closed: true })} ORDER BY time ASC` +
    (limit === undefined ? "" : ` LIMIT ${limit}`)
  );
}

/**
 * Rollup rows of one series added up per epoch-aligned bucket inside InfluxDB: Σ sum / Σ count is
 * the bucket's mean, as a raw aggregate's. Only for rows written by the current continuous queries
 * or rebuilt since (older rows lack `sum` and `qc`); `intervalMs` must be a multiple of the rollup's.
 */
export function rollupAggregateQuery(series: CatalogSeries, source: RollupLevelName, from: number, to: number, intervalMs: number): string {
  const f = (name: string) => ident(name);
  const r = ROLLUP_FIELD;
  return (
    `SELECT ${as(`sum(${f(r.sum)})`, COL.sum)}, ${as(`sum(${f(r.count)})`, COL.n)}, ${as(`min(${f(r.min)})`, COL.min)}, ${as(`max(${f(r.max)})`, COL.max)}, ` +
    `${as(`sum(${f(r.belowLodCount)})`, COL.nBelowLod)}, ${as(`max(${f(r.lod)})`, COL.lod)}, ${as(`max(${f(r.loq)})`, COL.loq)}, ${as(`max(${f(r.qc)})`, COL.qc)} ` +
    `FROM ${rollupSource(source)} WHERE ${seriesCondition(series)} AND ${timeCondition({ from, to, closed: true })} ` +
    `GROUP BY time(${intervalLiteral(intervalMs)}) fill(none)`
  );
}

/** Readings of one series in a range (the review queue's count of unreviewed data). */
export function seriesCountQuery(series: CatalogSeries, range: TimeRange): string {
  return `SELECT ${as(`count(${ident(FIELD.qc)})`, COL.n)} FROM ${rawSource()} WHERE ${seriesCondition(series)} AND ${timeCondition(range)}`;
}

/** The oldest or newest readings of one series in a range (latest values of withheld series, the review queue). */
export function edgeReadingsQuery(series: CatalogSeries, range: TimeRange, edge: "first" | "last", limit: number): string {
  return (
    `SELECT ${readingFields(true)} FROM ${rawSource()} WHERE ${seriesCondition(series)} AND ${timeCondition(range)} ` +
    `ORDER BY time ${edge === "first" ? "ASC" : "DESC"} LIMIT ${limitLiteral(limit)}`
  );
}

// ---- Every series ----------------------------------------------------------------------------------

/**
 * The latest reading since `since` of every series (optionally of one station), per sensor.
 * `last(qc)` selects the newest point — every reading has a qc field, while censored readings have no
 * `value` — and the other fields come from that same point, because a query with a single selector
 * returns them alongside. The time bound keeps the scan to the last shard or two instead of every
 * shard of the raw retention (400 days), which a public dashboard could otherwise have InfluxDB read
 * on demand.
 */
export function latestQuery(since: number, station?: Station | readonly Station[]): string {
  const stations = station === undefined ? [] : Array.isArray(station) ? station : [station as Station];
  const stationWhere = stations.length > 0 ? `(${stations.map((s) => `${ident(TAG.station)} = ${tagLiteral(s.id)}`).join(" OR ")}) AND ` : "";
  return (
    `SELECT ${as(`last(${ident(FIELD.qc)})`, COL.qc)}, ${field(FIELD.value, COL.value)}, ${field(FIELD.lod, COL.lod)}, ${field(FIELD.loq, COL.loq)}, ` +
    `${field(FIELD.uncertainty, COL.uncertainty)} FROM ${rawSource()} WHERE ${stationWhere}time >= ${timeLiteral(since)} ` +
    `GROUP BY ${ident(TAG.station)}, ${ident(TAG.parameter)}, ${ident(TAG.sensor)}`
  );
}

/** The oldest reading of any series in [from, to) (how far back the rollup tracker has history to rebuild). */
export function earliestReadingQuery(from: number, to: number): string {
  return `SELECT ${as(`first(${ident(FIELD.qc)})`, COL.qc)} FROM ${rawSource()} WHERE ${timeCondition({ from, to })}`;
}

/** When each series last reported in (from, to] (the alert engine's no-data state after a start). */
export function lastSeenQuery(from: number, to: number): string {
  return (
    `SELECT ${as(`last(${ident(FIELD.qc)})`, COL.qc)} FROM ${rawSource()} WHERE time > ${timeLiteral(from)} AND time <= ${timeLiteral(to)} ` +
    `GROUP BY ${ident(TAG.station)}, ${ident(TAG.parameter)}, ${ident(TAG.sensor)}`
  );
}

/**
 * The censored sums (common/statistics/censored-mean.ts) of one parameter's values with QC ≤ maxQc in
 * (from, to], per station, sensor and bucket (the AA rolling means after a start).
 */
export function meanBucketsQuery(parameter: string, from: number, to: number, bucketMs: number, maxQc: number): string {
  if (!Number.isSafeInteger(maxQc)) throw new Error(`maxQc must be a QC flag, got ${maxQc}`);
  const f = (name: string) => ident(name);
  return (
    `SELECT ${as(`sum(${f(FIELD.meanValue)})`, COL.sum)}, ${as(`count(${f(FIELD.meanValue)})`, COL.n)}, ${as(`sum(${f(FIELD.value)})`, COL.sumQuantified)}, ` +
    `${as(`count(${f(FIELD.lod)})`, COL.nLod)}, ${as(`count(${f(FIELD.loq)})`, COL.nLoq)}, ${as(`max(${f(FIELD.lod)})`, COL.lod)}, ${as(`max(${f(FIELD.loq)})`, COL.loq)} ` +
    `FROM ${rawSource()} WHERE ${f(TAG.parameter)} = ${tagLiteral(parameter)} AND ${f(FIELD.qc)} <= ${maxQc} AND time > ${timeLiteral(from)} AND time <= ${timeLiteral(to)} ` +
    `GROUP BY time(${intervalLiteral(bucketMs)}), ${f(TAG.station)}, ${f(TAG.sensor)} fill(none)`
  );
}

// ---- Exports ---------------------------------------------------------------------------------------

const GROUP_INTERVAL: Readonly<Record<Exclude<ExportResolution, "raw">, string>> = Object.freeze({ "1m": "1m", "1h": "1h", "1d": "1d" });

function groupInterval(resolution: string): string {
  const interval = (GROUP_INTERVAL as Record<string, string | undefined>)[resolution];
  if (interval === undefined) throw new Error(`Refusing resolution ${JSON.stringify(resolution)} in InfluxQL`);
  return interval;
}

// IANA names only (Europe/Berlin, Asia/Shanghai, UTC, Etc/GMT+1): checked again before quoting.
const SAFE_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

export function zoneLiteral(zone: string): string {
  if (!SAFE_ZONE.test(zone)) throw new Error(`Refusing to put time zone ${JSON.stringify(zone)} into InfluxQL`);
  return escape.stringLit(zone);
}

const unique = (values: string[]): string[] => [...new Set(values)];

/**
 * `(station = A OR …) AND (parameter = x OR …)`: the cross product of the requested stations and
 * parameters, which is the set of series an export covers; with `sensors` (an export of chosen
 * sensors) also `AND (sensor = S OR …)`, plus untagged data when one of them is a primary sensor
 * (the export then drops untagged rows of other stations' primary sensors).
 */
export function seriesFilter(series: readonly CatalogSeries[], sensors: readonly string[] | null = null): string {
  const stations = unique(series.map((s) => s.station.id)).map((id) => `${ident(TAG.station)} = ${tagLiteral(id)}`);
  const parameters = unique(series.map((s) => s.parameter.code)).map((c) => `${ident(TAG.parameter)} = ${tagLiteral(c)}`);
  const base = `(${stations.join(" OR ")}) AND (${parameters.join(" OR ")})`;
  if (sensors === null) return base;
  const untagged = series.some((s) => s.includeUntagged);
  const conditions = unique([...sensors]).map((id, i) => sensorCondition(id, untagged && i === 0));
  return `${base} AND (${conditions.join(" OR ")})`;
}

/** Readings that pass the QC filter: "pass" = flag 1 only. */
function qcCondition(qc: ExportQcFilter): string {
  return qc === "pass" ? ` AND ${ident(FIELD.qc)} = ${QC.pass}` : "";
}

/**
 * Every reading of the series in [from, to), merged across series in time order (no GROUP BY), with
 * the tags selected as columns so a single chunked response carries everything a row needs. The QC
 * filter is not applied here when corrections may change flags (the corrected reader applies it).
 */
export function rawExportQuery(
  series: readonly CatalogSeries[],
  sensors: readonly string[] | null,
  from: number,
  to: number,
  qc: ExportQcFilter,
  withSignal = false,
): string {
  const tags = [TAG.station, TAG.parameter, TAG.sensor].map((t) => ident(t)).join(", ");
  return `SELECT ${tags}, ${readingFields(withSignal)}, ${field(FIELD.maintenance, COL.maintenance)} FROM ${rawSource()} WHERE ${seriesFilter(series, sensors)} AND ${timeCondition({ from, to })}${qcCondition(qc)}`;
}

/**
 * Per-interval aggregates from raw data (the rollups can miss late-written data, see
 * query/resolution.ts), grouped per series:
 * - mean of `mean_value` (half the limit for censored readings, Directive 2009/90/EC Art. 5(1));
 * - min/max of measured `value`s: half a limit is a convention for means, not a measurement;
 * - n and the censored count (all censored when equal), the highest LOD and LOQ, the worst flag.
 * QC-failed readings (4) never enter aggregates (`qc < 4`), so the counts describe the same readings.
 * `tz` aligns day (and hour) buckets to the stations' local time; null = UTC.
 */
export function aggregateExportQuery(
  series: readonly CatalogSeries[],
  sensors: readonly string[] | null,
  resolution: Exclude<ExportResolution, "raw">,
  from: number,
  to: number,
  qc: ExportQcFilter,
  tz: string | null,
): string {
  const f = FIELD;
  const select =
    `${as(`mean(${ident(f.meanValue)})`, COL.mean)}, ${as(`min(${ident(f.value)})`, COL.min)}, ${as(`max(${ident(f.value)})`, COL.max)}, ` +
    `${as(`count(${ident(f.meanValue)})`, COL.n)}, ${as(`sum(${ident(f.belowLod)})`, COL.nBelowLod)}, ${as(`max(${ident(f.lod)})`, COL.lod)}, ` +
    `${as(`max(${ident(f.loq)})`, COL.loq)}, ${as(`max(${ident(f.qc)})`, COL.qc)}`;
  const qcWhere = qc === "pass" ? qcCondition(qc) : ` AND ${ident(f.qc)} < ${QC.fail}`;
  return (
    `SELECT ${select} FROM ${rawSource()} WHERE ${seriesFilter(series, sensors)} AND ${timeCondition({ from, to })}${qcWhere} ` +
    `GROUP BY time(${groupInterval(resolution)}), ${ident(TAG.station)}, ${ident(TAG.parameter)}, ${ident(TAG.sensor)} fill(none)` +
    (tz === null ? "" : ` tz(${zoneLiteral(tz)})`)
  );
}

/** Readings per series in [from, to) after the QC filter: the basis of export estimates. */
export function countQuery(series: readonly CatalogSeries[], sensors: readonly string[] | null, from: number, to: number, qc: ExportQcFilter): string {
  return (
    `SELECT ${as(`count(${ident(FIELD.qc)})`, COL.n)} FROM ${rawSource()} ` +
    `WHERE ${seriesFilter(series, sensors)} AND ${timeCondition({ from, to })}${qcCondition(qc)} ` +
    `GROUP BY ${ident(TAG.station)}, ${ident(TAG.parameter)}, ${ident(TAG.sensor)}`
  );
}
