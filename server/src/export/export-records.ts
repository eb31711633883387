// Sources of export records: raw readings streamed from one chunked InfluxDB query, or per-interval
// aggregates read slice by slice. Both yield batches in time order, so memory stays at one batch
// whatever the size of the export.
import { DateTime } from "luxon";
import { QUALIFIER, type Qualifier } from "../../../common/reading.ts";
import type { CatalogSeries } from "../query/influxql.ts";
import { EXPORT_COL, aggregateExportQuery, rawExportQuery } from "./export-influxql.ts";
import type { ExportResolution } from "../../../common/export-options.ts";
import type { ExportRequest } from "./export-params.ts";
import { chunkedQuery, type InfluxEndpoint, type SeriesChunk } from "./influx-chunked-query.ts";

export interface RawRecord {
  time: number;
  station: string;
  parameter: string;
  sensor: string;
  /** Null when censored (<LOD, <LOQ). */
  value: number | null;
  qc: number | null;
  qualifier: Qualifier | null;
  /** The LOD or LOQ a censored value lies below. */
  limit: number | null;
  uncertainty: number | null;
}

export interface AggregateRecord {
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

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

const NOT_CENSORED = Object.freeze({ qualifier: null, limit: null });

function sensorIds(req: ExportRequest): string[] | null {
  return req.sensors === null ? null : req.sensors.map((s) => s.id);
}

function columnIndex(chunk: SeriesChunk, name: string): number {
  return chunk.columns.indexOf(name);
}

/** The censoring of a row from the limit fields present (the LOQ wins: a value below it is not quantified). */
function censoring(lod: number | null, loq: number | null): { qualifier: Qualifier | null; limit: number | null } {
  if (loq !== null) return { qualifier: QUALIFIER.belowLoq, limit: loq };
  if (lod !== null) return { qualifier: QUALIFIER.belowLod, limit: lod };
  return { qualifier: null, limit: null };
}

/**
 * The sensor of a row: its tag, or for data stored before sensors were tagged the station's primary
 * sensor at that time. undefined when the row belongs to no sensor the export asked for (an untagged
 * row of another station's primary sensor, matched by the query's `sensor = ''`).
 */
function sensorResolver(req: ExportRequest): (tag: unknown, station: string, parameter: string, time: number) => string | undefined {
  const wanted = req.sensors === null ? null : new Set(req.sensors.map((s) => s.id));
  return (tag, station, parameter, time) => {
    if (typeof tag === "string" && tag !== "") return tag;
    const sensor = req.catalog.defaultSensor(station, parameter, time)?.id;
    return sensor !== undefined && (wanted === null || wanted.has(sensor)) ? sensor : undefined;
  };
}

export async function* rawRecordBatches(
  endpoint: InfluxEndpoint,
  req: ExportRequest,
  signal: AbortSignal,
  chunkSize?: number,
): AsyncGenerator<RawRecord[]> {
  const query = rawExportQuery(req.series, sensorIds(req), req.from, req.to, req.qc);
  const sensorOf = sensorResolver(req);
  for await (const chunk of chunkedQuery(endpoint, query, { signal, chunkSize })) {
    const c = EXPORT_COL;
    const [iTime, iStation, iParameter, iSensor, iValue, iQc, iLod, iLoq, iUncertainty] = [
      "time", c.station, c.parameter, c.sensor, c.value, c.qc, c.lod, c.loq, c.uncertainty,
    ].map((name) => columnIndex(chunk, name)) as [number, number, number, number, number, number, number, number, number];
    const batch: RawRecord[] = [];
    for (let i = 0; i < chunk.values.length; i++) {
      const row = chunk.values[i]!;
      const time = row[iTime] as number;
      const station = row[iStation] as string;
      const parameter = row[iParameter] as string;
      const sensor = sensorOf(row[iSensor], station, parameter, time);
      if (sensor === undefined) continue;
      const value = num(row[iValue]);
      const { qualifier, limit } = value === null ? censoring(num(row[iLod]), num(row[iLoq])) : NOT_CENSORED;
      batch.push({ time, station, parameter, sensor, value, qc: num(row[iQc]), qualifier, limit, uncertainty: num(row[iUncertainty]) });
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
  const order = new Map(req.series.map((s, i) => [`${s.station.id}\u0000${s.parameter.code}\u0000${s.sensor.id}`, i]));
  const sensorOf = sensorResolver(req);
  const c = EXPORT_COL;
  for (const group of zoneGroups(req)) {
    const perSlice = Math.floor(AGGREGATE_SLICE_ROWS / group.series.length);
    for (const [from, to] of aggregateSlices(req.from, req.to, resolution, group.zone, perSlice)) {
      const tz = req.tz === "UTC" ? null : group.zone;
      const query = aggregateExportQuery(group.series, sensorIds(req), resolution, from, to, req.qc, tz);
      const batch: AggregateRecord[] = [];
      for await (const chunk of chunkedQuery(endpoint, query, { signal })) {
        const station = chunk.tags?.[c.station] ?? "";
        const parameter = chunk.tags?.[c.parameter] ?? "";
        const idx = (name: string) => columnIndex(chunk, name);
        const [iTime, iMean, iMin, iMax, iN, iBelow, iLod, iLoq, iQc] = ["time", c.mean, c.min, c.max, c.n, c.nBelowLod, c.lod, c.loq, c.qc].map(idx) as number[];
        for (const row of chunk.values) {
          const time = row[iTime!] as number;
          const sensor = sensorOf(chunk.tags?.[c.sensor], station, parameter, time);
          if (sensor === undefined) continue;
          const n = num(row[iN!]) ?? 0;
          const nBelowLod = Math.min(num(row[iBelow!]) ?? 0, n);
          const allBelowLod = n > 0 && nBelowLod === n;
          const censored = nBelowLod > 0 ? censoring(num(row[iLod!]), num(row[iLoq!])) : NOT_CENSORED;
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
          });
        }
      }
      const position = (r: AggregateRecord) => order.get(`${r.station}\u0000${r.parameter}\u0000${r.sensor}`) ?? Number.MAX_SAFE_INTEGER;
      batch.sort((a, b) => a.time - b.time || position(a) - position(b));
      if (batch.length > 0) yield batch;
    }
  }
}
