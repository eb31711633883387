// Sources of export records: raw readings streamed from one chunked InfluxDB query, or per-interval
// aggregates read slice by slice. Both yield batches in time order, so memory stays at one batch
// whatever the size of the export.
import { DateTime } from "luxon";
import type { CatalogSeries } from "../query/influxql.ts";
import { EXPORT_COL, aggregateExportQuery, rawExportQuery } from "./export-influxql.ts";
import type { ExportResolution } from "../../../common/export-options.ts";
import type { ExportRequest } from "./export-params.ts";
import { chunkedQuery, type InfluxEndpoint, type SeriesChunk } from "./influx-chunked-query.ts";

export interface RawRecord {
  time: number;
  station: string;
  parameter: string;
  /** Null when below the limit of detection. */
  value: number | null;
  qc: number | null;
  lod: number | null;
  qualifier: string | null;
}

export interface AggregateRecord {
  /** Start of the interval (local start when aligned to a station's zone). */
  time: number;
  station: string;
  parameter: string;
  /** Mean with below-LOD readings as LOD/2; null when every reading was below the LOD ("<LOD"). */
  mean: number | null;
  /** Extremes of the measured values; null when there were none above the LOD. */
  min: number | null;
  max: number | null;
  n: number;
  nBelowLod: number;
  /** Worst QC flag among the aggregated readings. */
  qc: number | null;
  /** Highest LOD among the below-LOD readings. */
  lod: number | null;
  allBelowLod: boolean;
}

export type AggregateResolution = Exclude<ExportResolution, "raw">;

/** Rows per aggregate slice query: small enough to sort in memory, large enough to amortise a query. */
export const AGGREGATE_SLICE_ROWS = 20_000;

const UNIT: Record<AggregateResolution, "minute" | "hour" | "day"> = { "1m": "minute", "1h": "hour", "1d": "day" };

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function columnIndex(chunk: SeriesChunk, name: string): number {
  return chunk.columns.indexOf(name);
}

export async function* rawRecordBatches(
  endpoint: InfluxEndpoint,
  req: ExportRequest,
  signal: AbortSignal,
  chunkSize?: number,
): AsyncGenerator<RawRecord[]> {
  const query = rawExportQuery(req.series, req.from, req.to, req.qc);
  for await (const chunk of chunkedQuery(endpoint, query, { signal, chunkSize })) {
    const c = EXPORT_COL;
    const [iTime, iStation, iParameter, iValue, iQc, iLod, iQualifier] = ["time", c.station, c.parameter, c.value, c.qc, c.lod, c.qualifier].map(
      (name) => columnIndex(chunk, name),
    ) as [number, number, number, number, number, number, number];
    const batch: RawRecord[] = new Array(chunk.values.length);
    for (let i = 0; i < chunk.values.length; i++) {
      const row = chunk.values[i]!;
      batch[i] = {
        time: row[iTime] as number,
        station: row[iStation] as string,
        parameter: row[iParameter] as string,
        value: num(row[iValue]),
        qc: num(row[iQc]),
        lod: num(row[iLod]),
        qualifier: str(row[iQualifier]),
      };
    }
    yield batch;
  }
}

/**
 * Slice boundaries for [from, to): every boundary is the start of an interval in `zone` (local
 * midnight for 1d, across DST too, which is how InfluxDB's tz() buckets days), so no interval is
 * ever split between two queries.
 */
export function* aggregateSlices(
  from: number,
  to: number,
  resolution: AggregateResolution,
  zone: string,
  intervalsPerSlice: number,
): Generator<[number, number]> {
  const unit = UNIT[resolution];
  let start = DateTime.fromMillis(from, { zone }).startOf(unit);
  while (start.toMillis() < to) {
    const end = start.plus({ [`${unit}s`]: Math.max(1, intervalsPerSlice) });
    yield [Math.max(from, start.toMillis()), Math.min(to, end.toMillis())];
    start = end;
  }
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

/**
 * Aggregates over intervals, one slice at a time. With tz=station and stations in several zones the
 * zones follow one another (each in time order): one local day is a different instant per zone.
 */
export async function* aggregateRecordBatches(
  endpoint: InfluxEndpoint,
  req: ExportRequest,
  resolution: AggregateResolution,
  signal: AbortSignal,
): AsyncGenerator<AggregateRecord[]> {
  const order = new Map(req.series.map((s, i) => [`${s.station.id}\u0000${s.parameter.code}`, i]));
  const c = EXPORT_COL;
  for (const group of zoneGroups(req)) {
    const perSlice = Math.floor(AGGREGATE_SLICE_ROWS / group.series.length);
    for (const [from, to] of aggregateSlices(req.from, req.to, resolution, group.zone, perSlice)) {
      const tz = req.tz === "UTC" ? null : group.zone;
      const query = aggregateExportQuery(group.series, resolution, from, to, req.qc, tz);
      const batch: AggregateRecord[] = [];
      for await (const chunk of chunkedQuery(endpoint, query, { signal })) {
        const station = chunk.tags?.[c.station] ?? "";
        const parameter = chunk.tags?.[c.parameter] ?? "";
        const idx = (name: string) => columnIndex(chunk, name);
        const [iTime, iMean, iMin, iMax, iN, iBelow, iLod, iQc] = ["time", c.mean, c.min, c.max, c.n, c.nBelowLod, c.lod, c.qc].map(idx) as number[];
        for (const row of chunk.values) {
          const n = num(row[iN!]) ?? 0;
          const nBelowLod = Math.min(num(row[iBelow!]) ?? 0, n);
          const allBelowLod = n > 0 && nBelowLod === n;
          batch.push({
            time: row[iTime!] as number,
            station,
            parameter,
            mean: allBelowLod ? null : num(row[iMean!]),
            min: num(row[iMin!]),
            max: num(row[iMax!]),
            n,
            nBelowLod,
            qc: num(row[iQc!]),
            lod: num(row[iLod!]),
            allBelowLod,
          });
        }
      }
      batch.sort(
        (a, b) => a.time - b.time || order.get(`${a.station}\u0000${a.parameter}`)! - order.get(`${b.station}\u0000${b.parameter}`)!,
      );
      if (batch.length > 0) yield batch;
    }
  }
}
