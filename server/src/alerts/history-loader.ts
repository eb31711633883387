// Rebuilds what the engine keeps in memory from InfluxDB after a start: AA rolling-mean buckets and
// when each series last reported (for no-data). Alert states themselves come from SQLite.
import { FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import type { ReadingStore } from "../influx/store.ts";
import { ident, tagLiteral, timeLiteral } from "../query/influxql.ts";
import type { RollingMean } from "./rolling-mean.ts";

interface BucketRow {
  time: { getTime(): number };
  station: string;
  s: number | null;
  n: number | null;
  b: number | null;
}

function wholeMs(value: number, what: string): string {
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${what} must be a positive whole number of ms, got ${value}`);
  return `${value}ms`;
}

/**
 * Sum, count and below-LOD count of one parameter's values with QC ≤ maxQc in (from, to], per
 * station and bucket. The parameter is a catalog code: quoted, and refused if it is not a plain id.
 */
export function meanBucketsQuery(parameter: string, from: number, to: number, bucketMs: number, maxQc: number): string {
  if (!Number.isSafeInteger(maxQc)) throw new Error(`maxQc must be a QC flag, got ${maxQc}`);
  return (
    `SELECT sum(${ident(FIELD.meanValue)}) AS s, count(${ident(FIELD.meanValue)}) AS n, sum(${ident(FIELD.belowLod)}) AS b FROM ${ident(MEASUREMENT)} ` +
    `WHERE ${ident(TAG.parameter)} = ${tagLiteral(parameter)} AND ${ident(FIELD.qc)} <= ${maxQc} AND time > ${timeLiteral(from)} AND time <= ${timeLiteral(to)} ` +
    `GROUP BY time(${wholeMs(bucketMs, "bucketMs")}), ${ident(TAG.station)} fill(none)`
  );
}

/** The newest reading of every series in (from, to]. */
export function lastSeenQuery(from: number, to: number): string {
  return (
    `SELECT last(${ident(FIELD.qc)}) FROM ${ident(MEASUREMENT)} WHERE time > ${timeLiteral(from)} AND time <= ${timeLiteral(to)} ` +
    `GROUP BY ${ident(TAG.station)}, ${ident(TAG.parameter)}`
  );
}

/**
 * Fills the rolling means of one parameter (one entry per station) with `(from, to]` of stored data.
 * Only values that count for contamination rules (QC ≤ maxQc) enter, with <LOD as LOD/2 via mean_value.
 */
export async function loadMeanBuckets(
  store: ReadingStore,
  parameter: string,
  windowMs: number,
  bucketMs: number,
  to: number,
  maxQc: number,
  meanFor: (station: string) => RollingMean,
): Promise<void> {
  const rows = await store.query<BucketRow>(meanBucketsQuery(parameter, to - windowMs, to, bucketMs, maxQc));
  for (const row of rows) {
    if (!row.n) continue;
    meanFor(row.station).addAggregate(row.time.getTime(), row.s ?? 0, row.n, row.b ?? 0);
  }
}

interface LastRow {
  time: { getTime(): number };
  station: string;
  parameter: string;
}

/** When each series last reported within `lookbackMs` before `to`. */
export async function loadLastSeen(store: ReadingStore, to: number, lookbackMs: number): Promise<Map<string, { station: string; parameter: string; time: number }>> {
  const rows = await store.query<LastRow>(lastSeenQuery(to - lookbackMs, to));
  const out = new Map<string, { station: string; parameter: string; time: number }>();
  for (const row of rows) out.set(`${row.station}\t${row.parameter}`, { station: row.station, parameter: row.parameter, time: row.time.getTime() });
  return out;
}
