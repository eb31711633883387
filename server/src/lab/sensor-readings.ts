// A sensor's readings over the periods the validation pairs with lab results, read through the
// ReadingStore with the query builders of query/influxql.ts. Inside the raw retention every reading
// comes with its QC flag and censoring; older periods exist only as the rollups the continuous queries
// left behind (1-minute for 800 days, 1-hour for ever, influx/schema.ts), read as censored sums
// (validation/pairing.ts `SensorAggregate`). Source boundaries fall on whole hours, so a rollup
// interval never straddles one.
import type { ValidationReadingSources } from "../../../common/lab-validation.ts";
import { QUALIFIER, type QcFlag } from "../../../common/reading.ts";
import { emptySums, type CensoredSums } from "../../../common/statistics/censored-mean.ts";
import { UnprocessableError } from "../errors.ts";
import type { ReadingStore, SeriesValues } from "../influx/store.ts";
import { COL, rawPointsQuery, rollupRowsQuery, type CatalogSeries } from "../query/influxql.ts";
import { HOUR_MS, ROLLUP_INTERVAL_MS, type RetentionWindows } from "../query/resolution.ts";
import type { SensorAggregate, SensorReading } from "./validation/index.ts";

/**
 * Most readings (raw readings plus rollup rows) one validation reads: a 1-minute sensor over the whole
 * raw retention (400 days) is 576,000. Bounds the memory of one request (~100 bytes a reading).
 */
export const MAX_VALIDATION_READINGS = 600_000;

export interface SensorReadings {
  readings: SensorReading[];
  aggregates: SensorAggregate[];
  sources: ValidationReadingSources;
}

interface Segment {
  source: "raw" | "rollup1m" | "rollup1h";
  from: number;
  /** Inclusive, like the builders' time conditions. */
  to: number;
}

/** Which source supplies which part of [from, to]: raw inside its retention, then 1-minute, then 1-hour rollups. */
export function readingSegments(from: number, to: number, now: number, retention: RetentionWindows): Segment[] {
  const rawFrom = Math.ceil((now - retention.rawMs) / HOUR_MS) * HOUR_MS;
  const minuteFrom = Math.ceil((now - retention.oneMinuteMs) / HOUR_MS) * HOUR_MS;
  const segments: Segment[] = [];
  const add = (source: Segment["source"], a: number, b: number) => {
    if (a <= b) segments.push({ source, from: a, to: b });
  };
  add("rollup1h", from, Math.min(to, minuteFrom - 1));
  add("rollup1m", Math.max(from, minuteFrom), Math.min(to, rawFrom - 1));
  add("raw", Math.max(from, rawFrom), to);
  return segments;
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function qcFlag(v: unknown): QcFlag | null {
  return v === 1 || v === 2 || v === 3 || v === 4 || v === 9 ? v : null;
}

function columnsOf(series: SeriesValues, names: readonly string[]): number[] {
  return names.map((n) => series.columns.indexOf(n));
}

function rawReadings(result: readonly SeriesValues[]): SensorReading[] {
  const out: SensorReading[] = [];
  for (const s of result) {
    const [iTime, iValue, iLod, iLoq, iQc] = columnsOf(s, ["time", COL.value, COL.lod, COL.loq, COL.qc]) as [number, number, number, number, number];
    for (const row of s.values) {
      const qc = qcFlag(row[iQc]);
      if (qc === null) continue;
      const value = num(row[iValue]);
      const loq = num(row[iLoq]);
      const lod = num(row[iLod]);
      // The limit field present says which censoring it is (influx/store.ts writes one of them).
      const qualifier = value !== null ? null : loq !== null ? QUALIFIER.belowLoq : lod !== null ? QUALIFIER.belowLod : null;
      out.push({ time: row[iTime] as number, value, qualifier, limit: qualifier === null ? null : (loq ?? lod), qc });
    }
  }
  return out;
}

/**
 * Rollup rows as censored sums. A rollup keeps the mean (censored values at half their limit), the
 * count, the censored count and the highest LOD and LOQ, not each value: the sum of the quantified
 * values alone is estimated with every censored value at that highest limit (the validation uses the
 * mean, not this lower bound).
 */
function rollupAggregates(result: readonly SeriesValues[], durationMs: number): SensorAggregate[] {
  const out: SensorAggregate[] = [];
  for (const s of result) {
    const [iTime, iMean, iN, iBelow, iLod, iLoq] = columnsOf(s, ["time", COL.mean, COL.n, COL.nBelowLod, COL.lod, COL.loq]) as [number, number, number, number, number, number];
    for (const row of s.values) {
      const n = num(row[iN]) ?? 0;
      const mean = num(row[iMean]);
      if (n <= 0 || mean === null) continue;
      const nCensored = Math.min(n, num(row[iBelow]) ?? 0);
      const lod = num(row[iLod]);
      const loq = num(row[iLoq]);
      const maxLimit = nCensored > 0 ? (loq !== null && (lod === null || loq >= lod) ? loq : lod) : null;
      const qualifier = maxLimit === null ? null : maxLimit === loq ? QUALIFIER.belowLoq : QUALIFIER.belowLod;
      const sums: CensoredSums = {
        ...emptySums(),
        sum: mean * n,
        sumQuantified: Math.max(0, mean * n - (nCensored * (maxLimit ?? 0)) / 2),
        n,
        nCensored,
        maxLimit,
        maxLimitQualifier: qualifier,
        // Which limit each censored reading carried is not kept; the higher one stands for all.
        nBelowLod: qualifier === QUALIFIER.belowLod ? nCensored : 0,
        nBelowLoq: qualifier === QUALIFIER.belowLoq ? nCensored : 0,
      };
      out.push({ time: row[iTime] as number, durationMs, sums });
    }
  }
  return out;
}

function tooMany(series: CatalogSeries): never {
  throw new UnprocessableError(
    "too_many_readings",
    `${series.sensor.id} has more than ${MAX_VALIDATION_READINGS.toLocaleString("en-US")} readings in the periods of these lab results: choose a shorter period`,
  );
}

/** The sensor's readings over [from, to] (inclusive), from whichever sources hold them. */
export async function readSensorReadings(
  store: ReadingStore,
  series: CatalogSeries,
  from: number,
  to: number,
  now: number,
  retention: RetentionWindows,
): Promise<SensorReadings> {
  const sources: ValidationReadingSources = { rawFrom: null, raw: 0, rollup1m: 0, rollup1h: 0 };
  const readings: SensorReading[] = [];
  const aggregates: SensorAggregate[] = [];
  let budget = MAX_VALIDATION_READINGS;
  for (const segment of readingSegments(from, to, now, retention)) {
    if (segment.source === "raw") {
      sources.rawFrom = segment.from;
      const rows = rawReadings(await store.queryValues(rawPointsQuery(series, segment.from, segment.to, budget + 1)));
      if (rows.length > budget) tooMany(series);
      budget -= rows.length;
      sources.raw = rows.length;
      readings.push(...rows);
      continue;
    }
    const durationMs = ROLLUP_INTERVAL_MS[segment.source];
    // A rollup row is stamped with the start of its interval: the one holding `from` starts before it.
    const start = Math.floor(segment.from / durationMs) * durationMs;
    const result = await store.queryValues(rollupRowsQuery(series, segment.source, start, segment.to, budget + 1));
    const read = result.reduce((n, s) => n + s.values.length, 0);
    if (read > budget) tooMany(series);
    budget -= read;
    const rows = rollupAggregates(result, durationMs);
    sources[segment.source] = rows.length;
    aggregates.push(...rows);
  }
  return { readings, aggregates, sources };
}
