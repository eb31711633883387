// Rebuilds what the engine keeps in memory from InfluxDB after a start: AA rolling-mean buckets and
// when each series last reported (for no-data), per station × parameter × sensor. Points stored
// before sensors were tagged have no sensor tag; they count as the station's primary sensor's, as on
// the read side. Alert states themselves come from SQLite.
import { aggregateSums, type CensoredSums } from "../../../common/statistics/censored-mean.ts";
import { FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import type { ReadingStore } from "../influx/store.ts";
import { ident, tagLiteral, timeLiteral } from "../query/influxql.ts";
import type { RollingMean } from "./rolling-mean.ts";

/** The sensor a stored point belongs to: its tag, or for untagged (older) points the primary sensor then. */
export type SensorOfPoint = (station: string, parameter: string, tagged: string, time: number) => string | undefined;

interface BucketRow {
  time: { getTime(): number };
  station: string;
  sensor: string;
  /** Sum of mean_value (censored values at half their limit), count, sum of quantified values. */
  s: number | null;
  n: number | null;
  q: number | null;
  /** Censored counts and highest limits: the lod field is set only below the LOD, loq only below the LOQ. */
  nlod: number | null;
  nloq: number | null;
  lod: number | null;
  loq: number | null;
}

function wholeMs(value: number, what: string): string {
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${what} must be a positive whole number of ms, got ${value}`);
  return `${value}ms`;
}

/**
 * The censored sums (censored-mean.ts) of one parameter's values with QC ≤ maxQc in (from, to], per
 * station, sensor and bucket. The parameter is a catalog code: quoted, and refused if it is not a
 * plain id.
 */
export function meanBucketsQuery(parameter: string, from: number, to: number, bucketMs: number, maxQc: number): string {
  if (!Number.isSafeInteger(maxQc)) throw new Error(`maxQc must be a QC flag, got ${maxQc}`);
  const f = (name: string) => ident(name);
  return (
    `SELECT sum(${f(FIELD.meanValue)}) AS s, count(${f(FIELD.meanValue)}) AS n, sum(${f(FIELD.value)}) AS q, ` +
    `count(${f(FIELD.lod)}) AS nlod, count(${f(FIELD.loq)}) AS nloq, max(${f(FIELD.lod)}) AS lod, max(${f(FIELD.loq)}) AS loq FROM ${ident(MEASUREMENT)} ` +
    `WHERE ${ident(TAG.parameter)} = ${tagLiteral(parameter)} AND ${ident(FIELD.qc)} <= ${maxQc} AND time > ${timeLiteral(from)} AND time <= ${timeLiteral(to)} ` +
    `GROUP BY time(${wholeMs(bucketMs, "bucketMs")}), ${ident(TAG.station)}, ${ident(TAG.sensor)} fill(none)`
  );
}

/** The newest reading of every series in (from, to]. */
export function lastSeenQuery(from: number, to: number): string {
  return (
    `SELECT last(${ident(FIELD.qc)}) FROM ${ident(MEASUREMENT)} WHERE time > ${timeLiteral(from)} AND time <= ${timeLiteral(to)} ` +
    `GROUP BY ${ident(TAG.station)}, ${ident(TAG.parameter)}, ${ident(TAG.sensor)}`
  );
}

/** One bucket row as censored sums. */
export function bucketSums(row: Omit<BucketRow, "time" | "station" | "sensor">): CensoredSums {
  const nBelowLod = row.nlod ?? 0;
  const nBelowLoq = row.nloq ?? 0;
  return aggregateSums({
    sum: row.s ?? 0,
    n: row.n ?? 0,
    nCensored: nBelowLod + nBelowLoq,
    maxLod: nBelowLod > 0 ? row.lod : null,
    maxLoq: nBelowLoq > 0 ? row.loq : null,
    sumQuantified: row.q ?? 0,
    nBelowLod,
    nBelowLoq,
  });
}

/**
 * Fills the rolling means of one parameter (one per station × sensor) with `(to − window, to]` of
 * stored data. Only values that count for contamination rules (QC ≤ maxQc) enter.
 */
export async function loadMeanBuckets(
  store: ReadingStore,
  parameter: string,
  windowMs: number,
  bucketMs: number,
  to: number,
  maxQc: number,
  sensorOf: SensorOfPoint,
  meanFor: (station: string, sensor: string) => RollingMean,
): Promise<void> {
  const rows = await store.query<BucketRow>(meanBucketsQuery(parameter, to - windowMs, to, bucketMs, maxQc));
  for (const row of rows) {
    if (!row.n) continue;
    const time = row.time.getTime();
    const sensor = sensorOf(row.station, parameter, row.sensor ?? "", time);
    if (sensor === undefined) continue;
    meanFor(row.station, sensor).addAggregate(time, bucketSums(row));
  }
}

interface LastRow {
  time: { getTime(): number };
  station: string;
  parameter: string;
  sensor: string;
}

export interface LastSeen {
  station: string;
  parameter: string;
  sensor: string;
  time: number;
}

/** When each series (station × parameter × sensor) last reported within `lookbackMs` before `to`. */
export async function loadLastSeen(store: ReadingStore, to: number, lookbackMs: number, sensorOf: SensorOfPoint): Promise<LastSeen[]> {
  const rows = await store.query<LastRow>(lastSeenQuery(to - lookbackMs, to));
  const out = new Map<string, LastSeen>();
  for (const row of rows) {
    const time = row.time.getTime();
    const sensor = sensorOf(row.station, row.parameter, row.sensor ?? "", time);
    if (sensor === undefined) continue;
    // Untagged and tagged points of the primary sensor are one series: the newer counts.
    const key = `${row.station}\t${row.parameter}\t${sensor}`;
    const previous = out.get(key);
    if (!previous || previous.time < time) out.set(key, { station: row.station, parameter: row.parameter, sensor, time });
  }
  return [...out.values()];
}
