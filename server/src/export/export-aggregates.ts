// Aggregate export records (1-minute, hourly, daily): InfluxDB's per-interval aggregates of the
// stored readings, read slice by slice, except for the intervals a correction or a withheld period
// touches — those are recomputed from the corrected, visible readings (review/bucket-aggregate.ts),
// so an exported mean is always the mean of the corrected values. Each record carries its interval's
// review labels.
import { DateTime } from "luxon";
import { QC, type Qualifier } from "../../../common/reading.ts";
import type { ExportResolution } from "../../../common/export-options.ts";
import { COL, aggregateExportQuery, type CatalogSeries } from "../influx/influxql.ts";
import type { ReadingStore } from "../influx/store.ts";
import { affectedBuckets, bucketPoints, epochBuckets, type PointBucket } from "../review/bucket-aggregate.ts";
import type { CorrectedReader } from "../review/corrected-reader.ts";
import type { ReviewedPoint } from "../review/labels.ts";
import type { ExportRequest } from "./export-params.ts";
import { censoring, num, sensorIds, sensorResolver, type RowLabels } from "./export-records.ts";
import type { ExportReview, SeriesExport } from "./export-review.ts";

export interface AggregateRecord extends RowLabels {
  /** Start of the interval (local start when aligned to a station's zone). */
  time: number;
  station: string;
  parameter: string;
  sensor: string;
  /** Mean with censored readings as half their limit; null when every reading was censored. */
  mean: number | null;
  /** Extremes of the measured values; null when there were none above the limit. */
  min: number | null;
  max: number | null;
  n: number;
  /** Of the n readings, how many were censored (below the LOD or LOQ). */
  nBelowLod: number;
  /** Worst QC flag among the aggregated readings. */
  qc: number | null;
  /** "<LOQ" when some censored reading carried an LOQ, else "<LOD"; null when none was censored. */
  qualifier: Qualifier | null;
  /** Highest limit among the censored readings. */
  limit: number | null;
  allBelowLod: boolean;
}

export type AggregateResolution = Exclude<ExportResolution, "raw">;

/** Rows per aggregate slice query: small enough to sort in memory, large enough to amortise a query. */
export const AGGREGATE_SLICE_ROWS = 20_000;

const UNIT: Record<AggregateResolution, "minute" | "hour" | "day"> = { "1m": "minute", "1h": "hour", "1d": "day" };
const UNIT_MS: Record<AggregateResolution, number> = { "1m": 60_000, "1h": 3_600_000, "1d": 86_400_000 };
const NONE: readonly number[] = Object.freeze([]);

/**
 * Slice boundaries for [from, to): every boundary is the start of an interval in `zone` (local
 * midnight for 1d, across DST too, which is how InfluxDB's tz() buckets days), so no interval is
 * ever split between two queries.
 */
export function* aggregateSlices(from: number, to: number, resolution: AggregateResolution, zone: string, intervalsPerSlice: number): Generator<[number, number]> {
  const unit = UNIT[resolution];
  let start = DateTime.fromMillis(from, { zone }).startOf(unit);
  while (start.toMillis() < to) {
    const end = start.plus({ [`${unit}s`]: Math.max(1, intervalsPerSlice) });
    yield [Math.max(from, start.toMillis()), Math.min(to, end.toMillis())];
    start = end;
  }
}

/** Interval starts and the next interval's start, as InfluxDB aligns them: to the epoch (UTC) or a station's zone. */
function intervals(resolution: AggregateResolution, zone: string | null): { startOf: (t: number) => number; next: (start: number) => number } {
  if (zone === null) {
    const ms = UNIT_MS[resolution];
    return { startOf: epochBuckets(ms), next: (t) => t + ms };
  }
  const unit = UNIT[resolution];
  return {
    startOf: (t) => DateTime.fromMillis(t, { zone }).startOf(unit).toMillis(),
    next: (t) => DateTime.fromMillis(t, { zone }).plus({ [`${unit}s`]: 1 }).toMillis(),
  };
}

/** Series grouped by the zone their intervals align to (one group, UTC, unless tz=station). */
function zoneGroups(req: ExportRequest): Array<{ zone: string; series: CatalogSeries[] }> {
  if (req.tz === "UTC") return [{ zone: "UTC", series: req.series }];
  const groups = new Map<string, CatalogSeries[]>();
  for (const s of req.series) {
    const list = groups.get(s.station.timezone) ?? [];
    list.push(s);
    groups.set(s.station.timezone, list);
  }
  return [...groups].map(([zone, series]) => ({ zone, series }));
}

function bucketRecord(s: SeriesExport, b: PointBucket): AggregateRecord {
  const allBelowLod = b.n > 0 && b.nCensored === b.n;
  const censored = b.nCensored > 0 ? censoring(b.maxLod, b.maxLoq) : { qualifier: null, limit: null };
  return {
    time: b.t,
    station: s.series.station.id,
    parameter: s.series.parameter.code,
    sensor: s.series.sensor.id,
    mean: allBelowLod || b.n === 0 ? null : b.sum / b.n,
    min: b.minValue,
    max: b.maxValue,
    n: b.n,
    nBelowLod: b.nCensored,
    qc: b.qc ?? null,
    ...censored,
    allBelowLod,
    approval: b.approval,
    provisional: b.provisional,
    grade: null,
    estimated: b.estimated > 0,
    corrections: b.corrections.size > 0 ? [...b.corrections].sort((x, y) => x - y) : NONE,
  };
}

/**
 * Aggregates over intervals, one slice at a time. With tz=station and stations in several zones the
 * zones follow one another (each in time order): one local day is a different instant per zone.
 */
export async function* aggregateRecordBatches(
  store: ReadingStore,
  reader: CorrectedReader,
  req: ExportRequest,
  review: ExportReview,
  resolution: AggregateResolution,
  signal: AbortSignal,
): AsyncGenerator<AggregateRecord[]> {
  const order = new Map(req.series.map((s, i) => [`${s.station.id}\u0000${s.parameter.code}\u0000${s.sensor.id}`, i]));
  const sensorOf = sensorResolver(req);
  for (const group of zoneGroups(req)) {
    const zone = req.tz === "UTC" ? null : group.zone;
    const { startOf, next } = intervals(resolution, zone);
    const perSlice = Math.floor(AGGREGATE_SLICE_ROWS / group.series.length);
    for (const [from, to] of aggregateSlices(req.from, req.to, resolution, group.zone, perSlice)) {
      signal.throwIfAborted();
      const batch: AggregateRecord[] = [];
      // Per series: the intervals recomputed from corrected readings (skipped in InfluxDB's answer).
      const recomputed = new Map<SeriesExport, Set<number>>();
      for (const s of group.series) {
        const e = review.lookup(s.station.id, s.parameter.code, s.sensor.id);
        if (!e || e.constant) continue;
        const touched = [...e.corrections, ...e.labeller.withheld(from, to)];
        const ranges = affectedBuckets(touched, startOf, next)
          .map((r) => ({ from: Math.max(r.from, from), to: Math.min(r.to, to) }))
          .filter((r) => r.from < r.to);
        const starts = new Set<number>();
        for (const r of ranges) for (let t = startOf(r.from); t < r.to; t = next(t)) starts.add(t);
        recomputed.set(e, starts);
        if (ranges.length === 0) continue;
        const visible: ReviewedPoint[] = [];
        for (const p of await reader.points(s, ranges, e.state, req.view)) {
          const point = e.labeller.label(p);
          if (point && (req.qc !== "pass" || point.qc === QC.pass)) visible.push(point);
        }
        for (const b of bucketPoints(visible, startOf, "drop")) batch.push(bucketRecord(e, b));
      }
      const query = aggregateExportQuery(group.series, sensorIds(req), resolution, from, to, req.qc, zone);
      for await (const chunk of store.queryChunks(query, { signal })) {
        const station = chunk.tags?.[COL.station] ?? "";
        const parameter = chunk.tags?.[COL.parameter] ?? "";
        const idx = (name: string) => chunk.columns.indexOf(name);
        const [iTime, iMean, iMin, iMax, iN, iBelow, iLod, iLoq, iQc] = [COL.time, COL.mean, COL.min, COL.max, COL.n, COL.nBelowLod, COL.lod, COL.loq, COL.qc].map(idx) as number[];
        for (const row of chunk.values) {
          const time = row[iTime!] as number;
          const sensor = sensorOf(chunk.tags?.[COL.sensor], station, parameter, time);
          if (sensor === undefined) continue;
          const e = review.lookup(station, parameter, sensor);
          if (!e || recomputed.get(e)?.has(time)) continue;
          const n = num(row[iN!]) ?? 0;
          const nBelowLod = Math.min(num(row[iBelow!]) ?? 0, n);
          const allBelowLod = n > 0 && nBelowLod === n;
          const censored = nBelowLod > 0 ? censoring(num(row[iLod!]), num(row[iLoq!])) : { qualifier: null, limit: null };
          const labels = e.constant ?? e.labeller.interval(time, next(time), []);
          batch.push({
            time,
            station,
            parameter,
            sensor,
            mean: allBelowLod ? null : num(row[iMean!]),
            min: num(row[iMin!]),
            max: num(row[iMax!]),
            n,
            nBelowLod,
            qc: num(row[iQc!]),
            ...censored,
            allBelowLod,
            approval: labels.approval,
            provisional: labels.provisional,
            grade: null,
            estimated: false,
            corrections: NONE,
          });
        }
      }
      for (const r of batch) {
        const e = review.lookup(r.station, r.parameter, r.sensor);
        if (e && !e.constant) r.grade = e.labeller.interval(r.time, next(r.time), review.grades).grade;
      }
      const position = (r: AggregateRecord) => order.get(`${r.station}\u0000${r.parameter}\u0000${r.sensor}`) ?? Number.MAX_SAFE_INTEGER;
      batch.sort((a, b) => a.time - b.time || position(a) - position(b));
      if (batch.length > 0) yield batch;
    }
  }
}
