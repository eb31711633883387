// InfluxQL for the read side. Only two kinds of values ever reach a query string: catalog ids that
// were looked up in the catalog snapshot (and are escaped all the same), and integer epoch times.
// Every measurement, field, tag and retention-policy name comes from influx/schema.ts.
import { escape } from "influx";
import type { Parameter, Sensor, Station } from "../../../common/catalog-model.ts";
import { RETENTION, ROLLUP_FIELD, ROLLUP_MEASUREMENT } from "../influx/schema.ts";
import { FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import type { AggregateSource } from "./resolution.ts";

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

/** Column aliases of our own queries' results. */
export const COL = Object.freeze({
  mean: "mean",
  min: "min",
  max: "max",
  n: "n",
  nBelowLod: "n_below_lod",
  qc: "qc",
  value: "value",
  lod: "lod",
  loq: "loq",
  uncertainty: "uncertainty",
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

export function rawSource(): string {
  return `${ident(RETENTION.raw.name)}.${ident(MEASUREMENT)}`;
}

/** `sensor = 'S'`, or `(sensor = 'S' OR sensor = '')` when untagged (older) data belongs to it too. */
export function sensorCondition(sensor: string, includeUntagged: boolean): string {
  const tagged = `${ident(TAG.sensor)} = ${tagLiteral(sensor)}`;
  return includeUntagged ? `(${tagged} OR ${ident(TAG.sensor)} = '')` : tagged;
}

function seriesWhere(series: CatalogSeries, from: number, to: number): string {
  return (
    `${ident(TAG.station)} = ${tagLiteral(series.station.id)} AND ${ident(TAG.parameter)} = ${tagLiteral(series.parameter.code)} ` +
    `AND ${sensorCondition(series.sensor.id, series.includeUntagged)} AND time >= ${timeLiteral(from)} AND time <= ${timeLiteral(to)}`
  );
}

function intervalLiteral(intervalMs: number): string {
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new Error(`Bad interval ${intervalMs}`);
  return `${intervalMs}ms`;
}

/** Raw readings in time order; `limit` lets the caller notice data denser than expected. */
export function rawPointsQuery(series: CatalogSeries, from: number, to: number, limit: number): string {
  if (!Number.isSafeInteger(limit) || limit <= 0) throw new Error(`Bad limit ${limit}`);
  return (
    `SELECT ${ident(FIELD.value)} AS ${ident(COL.value)}, ${ident(FIELD.lod)} AS ${ident(COL.lod)}, ${ident(FIELD.loq)} AS ${ident(COL.loq)}, ` +
    `${ident(FIELD.uncertainty)} AS ${ident(COL.uncertainty)}, ${ident(FIELD.qc)} AS ${ident(COL.qc)} FROM ${rawSource()} WHERE ${seriesWhere(series, from, to)} ` +
    `ORDER BY time ASC LIMIT ${limit}`
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
    `SELECT mean(${mv}) AS ${ident(COL.mean)}, min(${mv}) AS ${ident(COL.min)}, max(${mv}) AS ${ident(COL.max)}, ` +
    `count(${mv}) AS ${ident(COL.n)}, sum(${ident(FIELD.belowLod)}) AS ${ident(COL.nBelowLod)}, max(${ident(FIELD.qc)}) AS ${ident(COL.qc)}, ` +
    `max(${ident(FIELD.lod)}) AS ${ident(COL.lod)}, max(${ident(FIELD.loq)}) AS ${ident(COL.loq)} ` +
    `FROM ${rawSource()} WHERE ${seriesWhere(series, from, to)} GROUP BY time(${intervalLiteral(intervalMs)}) fill(none)`
  );
}

function rollupSource(source: Exclude<AggregateSource, "raw">): string {
  const [rp, measurement] =
    source === "rollup1m"
      ? [RETENTION.oneMinute.name, ROLLUP_MEASUREMENT.oneMinute]
      : [RETENTION.oneHour.name, ROLLUP_MEASUREMENT.oneHour];
  return `${ident(rp)}.${ident(measurement)}`;
}

/**
 * Rollup rows (filled by the continuous queries) for the range, one per rollup interval: mean
 * (censored values at half their limit), min, max, count, censored count and the highest LOD and LOQ.
 * `limit` lets a caller notice more rows than it can take.
 */
export function rollupRowsQuery(
  series: CatalogSeries,
  source: Exclude<AggregateSource, "raw">,
  from: number,
  to: number,
  limit?: number,
): string {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit <= 0)) throw new Error(`Bad limit ${limit}`);
  const f = ROLLUP_FIELD;
  return (
    `SELECT ${ident(f.mean)} AS ${ident(COL.mean)}, ${ident(f.min)} AS ${ident(COL.min)}, ${ident(f.max)} AS ${ident(COL.max)}, ` +
    `${ident(f.count)} AS ${ident(COL.n)}, ${ident(f.belowLodCount)} AS ${ident(COL.nBelowLod)}, ${ident(f.lod)} AS ${ident(COL.lod)}, ${ident(f.loq)} AS ${ident(COL.loq)} ` +
    `FROM ${rollupSource(source)} WHERE ${seriesWhere(series, from, to)} ORDER BY time ASC${limit === undefined ? "" : ` LIMIT ${limit}`}`
  );
}

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
    `SELECT last(${ident(FIELD.qc)}) AS ${ident(COL.qc)}, ${ident(FIELD.value)} AS ${ident(COL.value)}, ` +
    `${ident(FIELD.lod)} AS ${ident(COL.lod)}, ${ident(FIELD.loq)} AS ${ident(COL.loq)}, ${ident(FIELD.uncertainty)} AS ${ident(COL.uncertainty)} ` +
    `FROM ${rawSource()} WHERE ${stationWhere}time >= ${timeLiteral(since)} GROUP BY ${ident(TAG.station)}, ${ident(TAG.parameter)}, ${ident(TAG.sensor)}`
  );
}
