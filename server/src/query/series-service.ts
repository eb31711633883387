// Runs resolution plans against the ReadingStore and shapes the API responses. Thin I/O around the
// pure parts (resolution.ts, envelope.ts, influxql.ts).
import type { LatestResponse, SeriesPoint, SeriesResponse } from "../../../common/api-types.ts";
import { catalog, type Station } from "../../../common/catalog.ts";
import type { QcFlag, Reading } from "../../../common/reading.ts";
import type { ReadingStore } from "../influx/store.ts";
import { RETENTION } from "../influx/schema.ts";
import { TAG } from "../../../common/wire.ts";
import type { Logger } from "../../../common/logger.ts";
import { envelopeToPoint, preferFuller, rebucket, type Envelope } from "./envelope.ts";
import {
  COL,
  latestQuery,
  rawAggregateQuery,
  rawPointsQuery,
  rollupRowsQuery,
  type CatalogSeries,
} from "./influxql.ts";
import {
  DEFAULT_NATIVE_INTERVAL_MS,
  ROLLUP_INTERVAL_MS,
  chooseResolution,
  parseInfluxDuration,
  type AggregateSource,
  type ResolutionPlan,
  type RetentionWindows,
} from "./resolution.ts";

export interface SeriesServiceOptions {
  now?: () => number;
  nativeIntervalMs?: number;
  retention?: RetentionWindows;
  logger?: Logger;
}

type Row = Record<string, unknown> & { time: Date };

/**
 * How far /api/v1/latest looks back. A week covers a station that is offline over a long weekend
 * (the no-data alert fires after an hour, and the overview calls a station offline then), yet spans
 * at most two of the raw retention policy's shards (InfluxDB's shard group duration is 7 days for
 * retention policies longer than 6 months).
 */
export const LATEST_LOOKBACK_MS = 7 * 86_400_000;

export const SCHEMA_RETENTION: RetentionWindows = Object.freeze({
  rawMs: parseInfluxDuration(RETENTION.raw.duration),
  oneMinuteMs: parseInfluxDuration(RETENTION.oneMinute.duration),
  oneHourMs: parseInfluxDuration(RETENTION.oneHour.duration),
});

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function qcFlag(value: unknown): QcFlag | undefined {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 9 ? value : undefined;
}

export class SeriesService {
  private readonly now: () => number;
  private readonly nativeIntervalMs: number;
  private readonly retention: RetentionWindows;
  private readonly logger: Logger | undefined;

  constructor(
    private readonly store: ReadingStore,
    options: SeriesServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.nativeIntervalMs = options.nativeIntervalMs ?? DEFAULT_NATIVE_INTERVAL_MS;
    this.retention = options.retention ?? SCHEMA_RETENTION;
    this.logger = options.logger;
  }

  /**
   * `oneQueryAtATime`: the sources of an aggregate (raw and a rollup) are asked one after the
   * other — for callers who are not logged in, whose reads must leave InfluxDB room for others.
   */
  async series(series: CatalogSeries, from: number, to: number, width: number, oneQueryAtATime = false): Promise<SeriesResponse> {
    const input = { from, to, width, now: this.now(), retention: this.retention, nativeIntervalMs: this.nativeIntervalMs };
    let plan: ResolutionPlan = chooseResolution(input);
    if (plan.kind === "raw") {
      // One extra row tells us the station reported faster than the native interval; then the
      // raw points would not fit the width and we aggregate instead.
      const rows = await this.store.query<Row>(rawPointsQuery(series, from, to, width + 1));
      if (rows.length <= width) return this.response(series, from, to, null, rows.map(rawPoint));
      this.logger?.debug({ station: series.station.id, parameter: series.parameter.code }, "raw data denser than native interval");
      plan = chooseResolution({ ...input, forceAggregate: true });
    }
    if (plan.kind !== "aggregate") throw new Error("forced aggregate plan expected");
    const envelopes = await this.aggregate(series, from, to, plan.intervalMs, plan.sources, oneQueryAtATime);
    return this.response(series, from, to, plan.intervalMs, envelopes.map(envelopeToPoint));
  }

  async latest(station?: Station): Promise<LatestResponse> {
    const since = this.now() - LATEST_LOOKBACK_MS;
    const rows = await this.store.query<Row>(latestQuery(since, station));
    const stationOrder = new Map(catalog.stations.map((s, i) => [s.id, i]));
    const parameterOrder = new Map(catalog.parameters.map((p, i) => [p.code, i]));
    const latest: Reading[] = [];
    for (const row of rows) {
      const stationId = row[TAG.station];
      const parameterCode = row[TAG.parameter];
      const qc = qcFlag(row[COL.qc]);
      // Series outside the catalog (e.g. left over from a renamed station) are not part of the API.
      if (typeof stationId !== "string" || typeof parameterCode !== "string" || qc === undefined) continue;
      if (!stationOrder.has(stationId) || !parameterOrder.has(parameterCode)) continue;
      const value = num(row[COL.value]);
      latest.push({
        station: stationId,
        parameter: parameterCode,
        time: row.time.getTime(),
        value,
        lod: value === null ? num(row[COL.lod]) : null,
        qc,
      });
    }
    latest.sort(
      (a, b) =>
        stationOrder.get(a.station)! - stationOrder.get(b.station)! ||
        parameterOrder.get(a.parameter)! - parameterOrder.get(b.parameter)!,
    );
    return { latest, since };
  }

  private async aggregate(
    series: CatalogSeries,
    from: number,
    to: number,
    intervalMs: number,
    sources: readonly AggregateSource[],
    oneQueryAtATime: boolean,
  ): Promise<Envelope[]> {
    const ask = (source: AggregateSource) =>
      source === "raw" ? this.rawAggregate(series, from, to, intervalMs) : this.rollupAggregate(series, source, from, to, intervalMs);
    const perSource: Envelope[][] = [];
    if (oneQueryAtATime) for (const source of sources) perSource.push(await ask(source));
    else perSource.push(...(await Promise.all(sources.map(ask))));
    const rawIndex = sources.indexOf("raw");
    if (perSource.length === 1) return perSource[0]!;
    const raw = perSource[rawIndex] ?? [];
    const rollup = perSource[rawIndex === 0 ? 1 : 0] ?? [];
    return preferFuller(raw, rollup);
  }

  private async rawAggregate(series: CatalogSeries, from: number, to: number, intervalMs: number): Promise<Envelope[]> {
    const rows = await this.store.query<Row>(rawAggregateQuery(series, from, to, intervalMs));
    return rows.map((row) => {
      const n = num(row[COL.n]) ?? 0;
      const envelope: Envelope = {
        t: row.time.getTime(),
        mean: n > 0 ? num(row[COL.mean]) : null,
        min: n > 0 ? num(row[COL.min]) : null,
        max: n > 0 ? num(row[COL.max]) : null,
        n,
        nBelowLod: num(row[COL.nBelowLod]) ?? 0,
      };
      // A bucket whose readings all failed QC has no values, but the client still sees it (qc 4).
      const qc = qcFlag(row[COL.qc]);
      if (qc !== undefined) envelope.qc = qc;
      return envelope;
    });
  }

  private async rollupAggregate(
    series: CatalogSeries,
    source: Exclude<AggregateSource, "raw">,
    from: number,
    to: number,
    intervalMs: number,
  ): Promise<Envelope[]> {
    // Rollup rows are stamped with the start of their interval, so the row holding `from` starts
    // before it; include it (the response's first bucket starts before `from` anyway).
    const rollupMs = ROLLUP_INTERVAL_MS[source];
    // Five years of hourly rows are ~44k per series: read as arrays, not as an object per row (in
    // `npm run bench` node-influx's row objects cost this process more than InfluxDB's own work).
    const result = await this.store.queryValues(rollupRowsQuery(series, source, Math.floor(from / rollupMs) * rollupMs, to));
    const envelopes: Envelope[] = [];
    for (const { columns, values } of result) {
      const [iTime, iMean, iMin, iMax, iN, iBelow] = ["time", COL.mean, COL.min, COL.max, COL.n, COL.nBelowLod].map((c) => columns.indexOf(c)) as [number, number, number, number, number, number];
      for (const row of values) {
        const n = num(row[iN]) ?? 0;
        envelopes.push({ t: row[iTime] as number, mean: n > 0 ? num(row[iMean]) : null, min: num(row[iMin]), max: num(row[iMax]), n, nBelowLod: num(row[iBelow]) ?? 0 });
      }
    }
    return rebucket(envelopes, intervalMs);
  }

  private response(
    series: CatalogSeries,
    from: number,
    to: number,
    intervalMs: number | null,
    points: SeriesPoint[],
  ): SeriesResponse {
    return {
      station: series.station.id,
      parameter: series.parameter.code,
      unit: series.parameter.unit,
      from,
      to,
      resolution: intervalMs === null ? "raw" : "aggregate",
      intervalMs,
      points,
    };
  }
}

function rawPoint(row: Row): SeriesPoint {
  const value = num(row[COL.value]);
  const point: SeriesPoint = { t: row.time.getTime(), v: value, lod: value === null ? num(row[COL.lod]) : null };
  const qc = qcFlag(row[COL.qc]);
  if (qc !== undefined) point.qc = qc;
  return point;
}
