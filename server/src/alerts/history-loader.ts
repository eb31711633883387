// Rebuilds what the engine keeps in memory from InfluxDB after a start: AA rolling-mean buckets and
// when each series last reported (for no-data), per station × parameter × sensor. Points stored
// before sensors were tagged have no sensor tag; they count as the station's primary sensor's, as on
// the read side. Alert states themselves come from SQLite. Queries come from the one InfluxQL
// builder (influx/influxql.ts); the means are of corrected data where the data review corrected it
// (review/corrected-means.ts implements MeanHistory for the server).
import { aggregateSums, type CensoredSums } from "../../../common/statistics/censored-mean.ts";
import type { ReadingStore } from "../influx/store.ts";
import { COL, lastSeenQuery, meanBucketsQuery } from "../influx/influxql.ts";

/** The sensor a stored point belongs to: its tag, or for untagged (older) points the primary sensor then. */
export type SensorOfPoint = (station: string, parameter: string, tagged: string, time: number) => string | undefined;

/** One bucket of one series' censored sums. */
export interface MeanBucket {
  station: string;
  sensor: string;
  time: number;
  sums: CensoredSums;
}

/**
 * Where the AA windows come from after a start: the censored sums of one parameter's values with
 * QC ≤ maxQc in (from, to], per station, sensor and bucket.
 */
export interface MeanHistory {
  meanBuckets(parameter: string, from: number, to: number, bucketMs: number, maxQc: number, sensorOf: SensorOfPoint): Promise<MeanBucket[]>;
}

type Row = Record<string, unknown> & { time: { getTime(): number } };

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** One bucket row as censored sums (the lod field is set only below the LOD, loq only below the LOQ). */
export function bucketSums(row: Record<string, unknown>): CensoredSums {
  const nBelowLod = num(row[COL.nLod]) ?? 0;
  const nBelowLoq = num(row[COL.nLoq]) ?? 0;
  return aggregateSums({
    sum: num(row[COL.sum]) ?? 0,
    n: num(row[COL.n]) ?? 0,
    nCensored: nBelowLod + nBelowLoq,
    maxLod: nBelowLod > 0 ? num(row[COL.lod]) : null,
    maxLoq: nBelowLoq > 0 ? num(row[COL.loq]) : null,
    sumQuantified: num(row[COL.sumQuantified]) ?? 0,
    nBelowLod,
    nBelowLoq,
  });
}

/** The stored data's buckets, as InfluxDB aggregates them (no corrections). */
export async function storedMeanBuckets(
  store: ReadingStore,
  parameter: string,
  from: number,
  to: number,
  bucketMs: number,
  maxQc: number,
  sensorOf: SensorOfPoint,
): Promise<MeanBucket[]> {
  const rows = await store.query<Row>(meanBucketsQuery(parameter, from, to, bucketMs, maxQc));
  const out: MeanBucket[] = [];
  for (const row of rows) {
    if (!num(row[COL.n])) continue;
    const time = row.time.getTime();
    const station = row[COL.station] as string;
    const sensor = sensorOf(station, parameter, (row[COL.sensor] as string | undefined) ?? "", time);
    if (sensor === undefined) continue;
    out.push({ station, sensor, time, sums: bucketSums(row) });
  }
  return out;
}

/** MeanHistory of the stored data as it is (engines without a data review, e.g. unit tests). */
export function storedMeanHistory(store: ReadingStore): MeanHistory {
  return { meanBuckets: (parameter, from, to, bucketMs, maxQc, sensorOf) => storedMeanBuckets(store, parameter, from, to, bucketMs, maxQc, sensorOf) };
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
