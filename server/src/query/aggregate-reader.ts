// Reads one series' aggregate buckets: the parts of the range that rollup-plan.ts gives a rollup
// (6-hour blocks, 1-hour or 1-minute rows) from its rows, the rest aggregated from raw with GROUP BY
// time, all statements in one request (InfluxDB answers them one after the other), merged per bucket.
import type { ReadingStore, SeriesValues } from "../influx/store.ts";
import { COL, rawAggregateQuery, rollupAggregateQuery, rollupRowsQuery, type CatalogSeries } from "../influx/influxql.ts";
import { preferFuller, rebucket, rebucketSorted, type Envelope } from "./envelope.ts";
import { ROLLUP_INTERVAL_MS, type RollupSource } from "./resolution.ts";
import { seriesKey, type TimeSpan } from "./rollup-completeness.ts";
import { planParts, type PlanPart } from "./rollup-plan.ts";
import type { RollupCompletenessSource } from "./rollup-scheduler.ts";
import { numberCell, qcCell } from "../influx/result-cells.ts";

export interface AggregateRead {
  series: CatalogSeries;
  /** Inclusive range, epoch ms (the series API's). */
  from: number;
  to: number;
  intervalMs: number;
  /** The coarsest rollup whose rows fit the buckets (rollup6h: and the 1-hour one); null: raw only. */
  rollup: RollupSource | null;
  /** Raw data older than this may have expired. */
  rawHorizon: number;
  completeness?: RollupCompletenessSource;
}

/** The store's series keys a chart series reads: its sensor, and untagged points when they belong to it. */
export function chartSeriesKeys(series: CatalogSeries): string[] {
  const keys = [seriesKey(series.station.id, series.parameter.code, series.sensor.id)];
  if (series.includeUntagged) keys.push(seriesKey(series.station.id, series.parameter.code, ""));
  return keys;
}

/** The parts to read: everything from raw without a rollup level, else split by completeness. */
export function aggregateParts(read: AggregateRead): PlanPart[] {
  const { from, to, rollup } = read;
  const end = to + 1;
  if (rollup === null) return [{ source: "raw", from, to: end }];
  const keys = chartSeriesKeys(read.series);
  const level = fineLevel(rollup);
  const complete: TimeSpan[] = read.completeness?.completeSpans(keys, level, from, end) ?? [];
  const coarse = rollup === "rollup6h" && complete.length > 0 ? (read.completeness?.completeSpans(keys, rollup, from, end) ?? []) : [];
  return planParts({ from, to: end, level, rawHorizon: read.rawHorizon, complete, coarse });
}

/** The level whose complete hours the plan starts from (6-hour blocks are taken from inside them). */
function fineLevel(rollup: RollupSource): "rollup1m" | "rollup1h" {
  return rollup === "rollup6h" ? "rollup1h" : rollup;
}

/** The parts and the InfluxQL statements that read them (a raw and a rollup one for a "fuller" part). */
export function aggregateStatements(read: AggregateRead): { parts: PlanPart[]; statements: string[] } {
  const parts = aggregateParts(read);
  const { series, intervalMs } = read;
  const statements: string[] = [];
  for (const part of parts) {
    // Parts are half-open; the builders take inclusive ranges (times are whole milliseconds).
    const last = part.to - 1;
    if (part.source === "raw" || part.source === "fuller") statements.push(rawAggregateQuery(series, part.from, last, intervalMs));
    if (part.source === "fuller") {
      // Rows from before the current continuous queries lack `sum`: fetched one by one (mean × count).
      // Rollup rows are stamped with the start of their interval: include the one holding `from`.
      const level = fineLevel(read.rollup!);
      const rollupMs = ROLLUP_INTERVAL_MS[level];
      statements.push(rollupRowsQuery(series, level, Math.floor(part.from / rollupMs) * rollupMs, last));
    } else if (part.source !== "raw") {
      statements.push(readAsRows(part.source, intervalMs) ? rollupRowsQuery(series, part.source, part.from, last) : rollupAggregateQuery(series, part.source, part.from, last, intervalMs));
    }
  }
  return { parts, statements };
}

/**
 * Most rollup rows per bucket that are read as they are and added up here; beyond, InfluxDB sums
 * them per bucket. InfluxDB's GROUP BY time costs per bucket and aggregate far more than reading a
 * row: a year of 20 series' 6-hour rows read as rows took 0.3–0.4 s, summed into 12-hour buckets
 * 1.3–2.1 s, into 1-day 0.5–0.9 s, 2-day 0.5 s, 7-day 0.4 s (InfluxDB 1.6, same data, one run on shared cores).
 * A 30-day chart at 1,200 px (hourly) and a year (12-hour buckets) read rows.
 */
export const MAX_ROWS_PER_BUCKET = 8;

function readAsRows(level: RollupSource, intervalMs: number): boolean {
  return intervalMs / ROLLUP_INTERVAL_MS[level] <= MAX_ROWS_PER_BUCKET;
}

/**
 * Several series' buckets. Every statement goes to InfluxDB in at most `requests` requests (series
 * split evenly between them, each series' statements together), sent at once: InfluxDB answers the
 * statements of one request one after the other on one core, so a compare chart on a machine with
 * two cores is answered by two requests in about half the time (measured: 20 series × 30 days, one
 * request 60–79 ms, two at once 38–70 ms). One request (the default) is what a Grafana panel sends,
 * for callers whose reads must leave InfluxDB room for others. A failed request fails the chart
 * with that request's error, as one request would.
 */
export async function readAggregates(store: Pick<ReadingStore, "queryEach">, reads: readonly AggregateRead[], requests = 1): Promise<Envelope[][]> {
  const planned = reads.map(aggregateStatements);
  const answers = await Promise.all(evenSplit(planned.length, requests).map(([a, b]) => store.queryEach(planned.slice(a, b).flatMap((p) => p.statements))));
  const results = answers.flat();
  let at = 0;
  return planned.map(({ parts }, i) => {
    const mine = results.slice(at, at + planned[i]!.statements.length);
    at += mine.length;
    return mergeParts(parts, mine, reads[i]!.intervalMs);
  });
}

/** [start, end) index ranges splitting `count` items into at most `groups` contiguous runs whose sizes differ by at most one. */
export function evenSplit(count: number, groups: number): Array<[number, number]> {
  const k = Math.max(1, Math.min(Math.floor(groups), count));
  const out: Array<[number, number]> = [];
  for (let g = 0, at = 0; g < k; g++) {
    const size = Math.floor(count / k) + (g < count % k ? 1 : 0);
    out.push([at, at + size]);
    at += size;
  }
  return count === 0 ? [] : out;
}

/** One series' part results (in aggregateStatements' order) as buckets. */
function mergeParts(parts: readonly PlanPart[], results: readonly SeriesValues[][], intervalMs: number): Envelope[] {
  const all: Envelope[] = [];
  let at = 0;
  let rows = false;
  for (const part of parts) {
    if (part.source === "raw") all.push(...envelopes(results[at++]!));
    else if (part.source === "fuller") {
      const raw = envelopes(results[at++]!);
      all.push(...preferFuller(raw, rebucket(envelopes(results[at++]!), intervalMs)));
    } else {
      all.push(...envelopes(results[at++]!));
      rows ||= readAsRows(part.source, intervalMs) && intervalMs !== ROLLUP_INTERVAL_MS[part.source];
    }
  }
  // Parts are disjoint: buckets they share, and rollup rows read as rows, add up (mean weighted by count, min of mins, …).
  return parts.length === 1 && !rows ? all : rebucketSorted(all, intervalMs);
}

function divided(sum: number | null, n: number): number | null {
  return sum === null ? null : sum / n;
}

const COLUMNS = ["time", COL.mean, COL.min, COL.max, COL.n, COL.nBelowLod, COL.lod, COL.loq, COL.qc, COL.sum] as const;

/** Rows of a raw GROUP BY time aggregate or of a rollup as envelopes (same columns either way). */
function envelopes(result: readonly SeriesValues[]): Envelope[] {
  const out: Envelope[] = [];
  for (const { columns, values } of result) {
    const [iTime, iMean, iMin, iMax, iN, iBelow, iLod, iLoq, iQc, iSum] = COLUMNS.map((c) => columns.indexOf(c)) as [
      number, number, number, number, number, number, number, number, number, number,
    ];
    for (const row of values) {
      const n = numberCell(row[iN]) ?? 0;
      const envelope: Envelope = {
        t: row[iTime] as number,
        // Summed rollup rows carry Σ and n instead of the mean.
        mean: n === 0 ? null : iMean >= 0 ? numberCell(row[iMean]) : divided(numberCell(row[iSum]), n),
        min: n > 0 ? numberCell(row[iMin]) : null,
        max: n > 0 ? numberCell(row[iMax]) : null,
        n,
        nBelowLod: numberCell(row[iBelow]) ?? 0,
        maxLod: numberCell(row[iLod]),
        maxLoq: numberCell(row[iLoq]),
      };
      // A bucket whose readings all failed QC has no values, but the client still sees it (qc 4).
      const qc = iQc < 0 ? undefined : qcCell(row[iQc]);
      if (qc !== undefined) envelope.qc = qc;
      out.push(envelope);
    }
  }
  return out;
}
