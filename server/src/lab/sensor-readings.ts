// A sensor's readings over the periods the validation pairs with lab results, read through the
// ReadingStore with the query builders of influx/influxql.ts. Inside the raw retention every reading
// comes with its QC flag and censoring; older periods exist only as the rollups the continuous queries
// left behind (1-minute for 800 days, 1-hour for ever, influx/schema.ts), read as censored sums
// (validation/pairing.ts `SensorAggregate`). Source boundaries fall on whole hours, so a rollup
// interval never straddles one.
import type { ValidationReadingSources } from "../../../common/lab-validation.ts";
import { QUALIFIER } from "../../../common/reading.ts";
import { emptySums, type CensoredSums } from "../../../common/statistics/censored-mean.ts";
import { UnprocessableError } from "../errors.ts";
import type { ReadingStore, SeriesValues } from "../influx/store.ts";
import { COL, rawPointsQuery, rollupRowsQuery, type CatalogSeries } from "../influx/influxql.ts";
import { HOUR_MS, ROLLUP_INTERVAL_MS, type RetentionWindows } from "../query/resolution.ts";
import type { SensorAggregate, SensorReading } from "./validation/index.ts";
import { numberCell, qcCell } from "../influx/result-cells.ts";

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
  const rawFrom = rawBoundary(now, retention);
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

function columnsOf(series: SeriesValues, names: readonly string[]): number[] {
  return names.map((n) => series.columns.indexOf(n));
}

function rawReadings(result: readonly SeriesValues[]): SensorReading[] {
  const out: SensorReading[] = [];
  for (const s of result) {
    const [iTime, iValue, iLod, iLoq, iQc] = columnsOf(s, ["time", COL.value, COL.lod, COL.loq, COL.qc]) as [number, number, number, number, number];
    for (const row of s.values) {
      const qc = qcCell(row[iQc]) ?? null;
      if (qc === null) continue;
      const value = numberCell(row[iValue]);
      const loq = numberCell(row[iLoq]);
      const lod = numberCell(row[iLod]);
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
      const n = numberCell(row[iN]) ?? 0;
      const mean = numberCell(row[iMean]);
      if (n <= 0 || mean === null) continue;
      const nCensored = Math.min(n, numberCell(row[iBelow]) ?? 0);
      const lod = numberCell(row[iLod]);
      const loq = numberCell(row[iLoq]);
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

/** Windows closer than this are read as one (a grab sample inside a composite's period, back-to-back composites). */
const MERGE_GAP_MS = HOUR_MS;
/** SELECT statements per InfluxDB request (one request per source and batch). */
const STATEMENTS_PER_REQUEST = 100;

export interface ReadingWindow {
  from: number;
  /** Inclusive. */
  to: number;
}

/** The windows sorted, with overlapping or nearly touching ones merged. */
export function mergeWindows(windows: readonly ReadingWindow[], gapMs = MERGE_GAP_MS): ReadingWindow[] {
  const sorted = [...windows].sort((a, b) => a.from - b.from);
  const out: ReadingWindow[] = [];
  for (const w of sorted) {
    const last = out.at(-1);
    if (last && w.from <= last.to + gapMs) last.to = Math.max(last.to, w.to);
    else out.push({ ...w });
  }
  return out;
}

/**
 * The sensor's readings in the given windows (the lab samples' periods and grab windows), from
 * whichever sources hold them. Only the windows are read: weekly 24-hour composites need a seventh of
 * the sensor's record. One SELECT per window and source, sent to InfluxDB in batches of statements.
 */
export async function readSensorReadings(
  store: ReadingStore,
  series: CatalogSeries,
  windows: readonly ReadingWindow[],
  now: number,
  retention: RetentionWindows,
): Promise<SensorReadings> {
  const sources: ValidationReadingSources = { rawFrom: null, raw: 0, rollup1m: 0, rollup1h: 0 };
  const readings: SensorReading[] = [];
  const aggregates: SensorAggregate[] = [];
  let budget = MAX_VALIDATION_READINGS;
  const bySource: Record<Segment["source"], Segment[]> = { raw: [], rollup1m: [], rollup1h: [] };
  for (const w of mergeWindows(windows)) for (const segment of readingSegments(w.from, w.to, now, retention)) bySource[segment.source].push(segment);
  for (const source of ["rollup1h", "rollup1m", "raw"] as const) {
    const segments = bySource[source];
    if (source === "raw" && segments.length > 0) sources.rawFrom = rawBoundary(now, retention);
    for (let i = 0; i < segments.length; i += STATEMENTS_PER_REQUEST) {
      const batch = segments.slice(i, i + STATEMENTS_PER_REQUEST);
      const statements =
        source === "raw"
          ? batch.map((seg) => rawPointsQuery(series, seg.from, seg.to, budget + 1))
          : // A rollup row is stamped with the start of its interval: the one holding `from` starts before it.
            batch.map((seg) => rollupRowsQuery(series, source, Math.floor(seg.from / ROLLUP_INTERVAL_MS[source]) * ROLLUP_INTERVAL_MS[source], seg.to, budget + 1));
      const result = await store.queryValues(statements.join("; "));
      const read = result.reduce((n, r) => n + r.values.length, 0);
      if (read > budget) tooMany(series);
      budget -= read;
      if (source === "raw") {
        const rows = rawReadings(result);
        sources.raw += rows.length;
        for (const r of rows) readings.push(r);
      } else {
        const rows = rollupAggregates(result, ROLLUP_INTERVAL_MS[source]);
        sources[source] += rows.length;
        for (const r of rows) aggregates.push(r);
      }
    }
  }
  return { readings, aggregates, sources };
}

/** The first instant read raw: the raw retention's start, on a whole hour. */
function rawBoundary(now: number, retention: RetentionWindows): number {
  return Math.ceil((now - retention.rawMs) / HOUR_MS) * HOUR_MS;
}
