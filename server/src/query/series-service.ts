// Runs resolution plans against the ReadingStore and shapes the API responses. Thin I/O around the
// pure parts (resolution.ts, envelope.ts, influxql.ts).
import type { LatestResponse, ReviewedReading, SeriesPoint, SeriesResponse } from "../../../common/api-types.ts";
import type { Station } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { QUALIFIER, type Reading } from "../../../common/reading.ts";
import type { ReadingStore } from "../influx/store.ts";
import { storedPoints } from "../review/corrected-reader.ts";
import { reviewedLatest } from "../review/reviewed-latest.ts";
import { SeriesChartReview, provisionalLabel, readingPoint, type ChartReview } from "../review/reviewed-chart.ts";
import { RETENTION } from "../influx/schema.ts";
import { TAG } from "../../../common/wire.ts";
import type { LatestReadings } from "./latest-readings.ts";
import type { Logger } from "../../../common/logger.ts";
import { envelopeToPoint, type Envelope } from "./envelope.ts";
import { COL, latestQuery, rawPointsQuery, type CatalogSeries } from "../influx/influxql.ts";
import { DEFAULT_NATIVE_INTERVAL_MS, chooseResolution, parseInfluxDuration, type ResolutionPlan, type RetentionWindows, type RollupSource } from "./resolution.ts";
import { readAggregates, type AggregateRead } from "./aggregate-reader.ts";
import { availableParallelism } from "node:os";
import { mapLimited } from "../util/map-limited.ts";
import type { RollupCompletenessSource } from "./rollup-scheduler.ts";
import { numberCell, qcCell } from "../influx/result-cells.ts";

export interface SeriesServiceOptions {
  now?: () => number;
  /** The newest reading per series, kept by ingest (latest-readings.ts); without, /latest asks InfluxDB. */
  latestReadings?: Pick<LatestReadings, "of">;
  nativeIntervalMs?: number;
  retention?: RetentionWindows;
  logger?: Logger;
  /** Which rollup hours are complete (rollup-scheduler.ts); without, aggregates come from raw (and from the rollups only where raw may have expired). */
  rollups?: RollupCompletenessSource;
  /**
   * InfluxDB requests a logged-in caller's compare chart is split into, sent at once (readAggregates).
   * Default: the cores of this machine (InfluxDB answers a request's statements on one core).
   */
  chartRequests?: number;
  /** The read slots (READ_CONCURRENCY): a chart holds one slot of the read gate, and sends at most this many requests at once. */
  readSlots?: number;
}

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

export class SeriesService {
  private readonly now: () => number;
  private readonly nativeIntervalMs: number;
  private readonly retention: RetentionWindows;
  private readonly logger: Logger | undefined;
  private readonly latestReadings: Pick<LatestReadings, "of"> | undefined;
  private readonly rollups: RollupCompletenessSource | undefined;
  private readonly chartRequests: number;

  constructor(
    private readonly store: ReadingStore,
    options: SeriesServiceOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.nativeIntervalMs = options.nativeIntervalMs ?? DEFAULT_NATIVE_INTERVAL_MS;
    this.retention = options.retention ?? SCHEMA_RETENTION;
    this.logger = options.logger;
    this.latestReadings = options.latestReadings;
    this.rollups = options.rollups;
    this.chartRequests = Math.min(options.chartRequests ?? availableParallelism(), options.readSlots ?? Infinity);
  }

  /**
   * One series for a chart. `review`: the corrections, labels and visibility to apply (the read API
   * always passes it; without, the stored data as it is). `oneQueryAtATime`: InfluxDB's aggregate and the review's
   * recomputed buckets are asked one after the other (the aggregate's statements go in one request,
   * which InfluxDB answers one statement at a time) — for callers who are not logged in, whose reads
   * must leave InfluxDB room for others.
   */
  async series(series: CatalogSeries, from: number, to: number, width: number, options: { review?: ChartReview; oneQueryAtATime?: boolean } = {}): Promise<SeriesResponse> {
    const now = this.now();
    const input = { from, to, width, now, retention: this.retention, nativeIntervalMs: this.nativeIntervalMs };
    const review = options.review ? await SeriesChartReview.load(series, options.review, from, to) : undefined;
    let plan: ResolutionPlan = chooseResolution(input);
    if (plan.kind === "raw") {
      // One extra row tells us the station reported faster than the native interval; then the
      // raw points would not fit the width and we aggregate instead.
      const rows = storedPoints(await this.store.queryValues(rawPointsQuery(series, from, to, width + 1, review?.needsSignal ?? false)));
      if (rows.length <= width) {
        const points = review ? await review.rawPoints(rows) : rows.map(readingPoint);
        return this.response(series, from, to, null, points, options.review, review);
      }
      this.logger?.debug({ station: series.station.id, parameter: series.parameter.code, sensor: series.sensor.id }, "raw data denser than native interval");
      plan = chooseResolution({ ...input, forceAggregate: true });
    }
    if (plan.kind !== "aggregate") throw new Error("forced aggregate plan expected");
    const { intervalMs, rollup } = plan;
    const oneAtATime = options.oneQueryAtATime ?? false;
    const envelopesOf = () => this.aggregate(series, from, to, intervalMs, rollup, now);
    if (!review) return this.response(series, from, to, intervalMs, (await envelopesOf()).map(envelopeToPoint), options.review, review);
    // The corrected buckets do not depend on InfluxDB's aggregates: both at once (one after the
    // other for callers who are not logged in).
    const recompute = () => review.recompute(intervalMs, now - this.retention.rawMs);
    const [envelopes, recomputed] = oneAtATime ? [await envelopesOf(), await recompute()] : await Promise.all([envelopesOf(), recompute()]);
    const points = review.buckets(envelopes, recomputed);
    return this.response(series, from, to, intervalMs, points, options.review, review);
  }

  /**
   * The newest reading of every station × parameter × sensor. Data stored before sensors were tagged
   * counts as the primary sensor's; when a sensor has both, the newer reading wins. With `review`,
   * each corrected and labelled, and only what the reader may see.
   */
  async latest(catalog: CatalogSnapshot, station?: Station | readonly Station[], review?: ChartReview): Promise<LatestResponse> {
    const since = this.now() - LATEST_LOOKBACK_MS;
    const asked = station === undefined ? undefined : Array.isArray(station) ? (station as readonly Station[]) : [station as Station];
    const newest = this.latestReadings ? await this.latestReadings.of(asked && new Set(asked.map((s) => s.id))) : await storedLatest(this.store, since, asked);
    const stationOrder = new Map(catalog.stations.map((s, i) => [s.id, i]));
    const parameterOrder = new Map(catalog.parameters.map((p, i) => [p.code, i]));
    const bySeries = new Map<string, Reading>();
    for (const r of newest) {
      // Series outside the catalog (e.g. left over from a renamed station) are not part of the API.
      if (r.time < since || !stationOrder.has(r.station) || !parameterOrder.has(r.parameter)) continue;
      const sensor = r.sensor !== "" ? r.sensor : catalog.defaultSensor(r.station, r.parameter, r.time)?.id;
      if (sensor === undefined) continue;
      const key = `${r.station}\t${r.parameter}\t${sensor}`;
      const previous = bySeries.get(key);
      if (previous && previous.time >= r.time) continue;
      // As InfluxDB returns it: no raw signal or calibration in /latest.
      bySeries.set(key, { ...r, sensor, rawSignal: null, calibration: null });
    }
    const reviewed: ReviewedReading[] = review ? await reviewedLatest(catalog, [...bySeries.values()], since, this.now(), review) : [...bySeries.values()].map((r) => ({ ...r, approval: "raw" as const }));
    const latest = reviewed.sort(
      (a, b) =>
        stationOrder.get(a.station)! - stationOrder.get(b.station)! ||
        parameterOrder.get(a.parameter)! - parameterOrder.get(b.parameter)! ||
        (a.sensor < b.sensor ? -1 : a.sensor > b.sensor ? 1 : 0),
    );
    const label = provisionalLabel(latest);
    return { latest, since, ...reviewFields(review), ...(label ? { provisionalLabel: label } : {}) };
  }

  /**
   * The series of one compare chart. When the range is aggregated, every series' statements go to
   * InfluxDB in one request per core (readAggregates; one for callers who are not logged in);
   * a range short enough for raw points reads each series on its own, `concurrency` at a time.
   */
  async seriesMany(
    list: readonly CatalogSeries[],
    from: number,
    to: number,
    width: number,
    options: { review?: ChartReview; oneQueryAtATime?: boolean; concurrency: number },
  ): Promise<SeriesResponse[]> {
    const now = this.now();
    const plan = chooseResolution({ from, to, width, now, retention: this.retention, nativeIntervalMs: this.nativeIntervalMs });
    if (plan.kind !== "aggregate") return mapLimited(list, options.concurrency, (s) => this.series(s, from, to, width, options));
    const { intervalMs, rollup } = plan;
    const chart = options.review;
    const reviews = chart ? await SeriesChartReview.loadMany(list, chart, from, to) : undefined;
    // Callers who are not logged in: one request, answered statement by statement (one query slot in InfluxDB).
    const requests = options.oneQueryAtATime ? 1 : Math.min(this.chartRequests, options.concurrency);
    const envelopesOf = () => readAggregates(this.store, list.map((s) => this.aggregateRead(s, from, to, intervalMs, rollup, now)), requests);
    const recompute = (limit: number) => mapLimited(reviews ?? [], limit, (r) => r.recompute(intervalMs, now - this.retention.rawMs));
    const [envelopes, recomputed] = options.oneQueryAtATime
      ? [await envelopesOf(), await recompute(1)]
      : await Promise.all([envelopesOf(), recompute(options.concurrency)]);
    return list.map((series, i) => {
      const review = reviews?.[i];
      const points = review ? review.buckets(envelopes[i]!, recomputed[i]!) : envelopes[i]!.map(envelopeToPoint);
      return this.response(series, from, to, intervalMs, points, chart, review);
    });
  }

  /** InfluxDB's buckets: complete rollup hours from the rollup, the rest from raw (one request, answered statement by statement). */
  private async aggregate(series: CatalogSeries, from: number, to: number, intervalMs: number, rollup: RollupSource | null, now: number): Promise<Envelope[]> {
    return (await readAggregates(this.store, [this.aggregateRead(series, from, to, intervalMs, rollup, now)]))[0]!;
  }

  private aggregateRead(series: CatalogSeries, from: number, to: number, intervalMs: number, rollup: RollupSource | null, now: number): AggregateRead {
    return { series, from, to, intervalMs, rollup, rawHorizon: now - this.retention.rawMs, ...(this.rollups ? { completeness: this.rollups } : {}) };
  }

  private response(
    series: CatalogSeries,
    from: number,
    to: number,
    intervalMs: number | null,
    points: SeriesPoint[],
    review: ChartReview | undefined,
    seriesReview: SeriesChartReview | undefined,
  ): SeriesResponse {
    const label = provisionalLabel(points);
    const withheld = seriesReview?.withheld() ?? [];
    return {
      ...reviewFields(review),
      ...(label ? { provisionalLabel: label } : {}),
      corrections: seriesReview?.corrections ?? [],
      ...(withheld.length > 0 ? { withheld } : {}),
      station: series.station.id,
      parameter: series.parameter.code,
      sensor: series.sensor.id,
      unit: series.parameter.unit,
      from,
      to,
      resolution: intervalMs === null ? "raw" : "aggregate",
      intervalMs,
      points,
    };
  }
}

/**
 * The stored newest reading of every series since `since` (of the given stations), as InfluxDB's
 * last() finds it; data stored before sensors were tagged comes back with sensor "". Read in chunks
 * (`queryChunks`), a series' cells straight from InfluxDB's value arrays: for a national catalog
 * (20,000 series) the whole answer parsed at once, as objects per row, was the server's memory peak
 * in `npm run bench -- scale` (some 110 MB of heap above what it kept, issue #20).
 */
export async function storedLatest(store: ReadingStore, since: number, stations?: readonly Station[]): Promise<Reading[]> {
  const out: Reading[] = [];
  for await (const chunk of store.queryChunks(latestQuery(since, stations))) {
    const station = chunk.tags?.[TAG.station];
    const parameter = chunk.tags?.[TAG.parameter];
    if (!station || !parameter) continue;
    const sensor = chunk.tags?.[TAG.sensor] ?? "";
    const at = (name: string) => chunk.columns.indexOf(name);
    const [time, qcAt, valueAt, lodAt, loqAt, uncertaintyAt] = [at("time"), at(COL.qc), at(COL.value), at(COL.lod), at(COL.loq), at(COL.uncertainty)];
    for (const row of chunk.values) {
      const qc = qcCell(row[qcAt]);
      if (qc === undefined || typeof row[time] !== "number") continue;
      const cell = (i: number) => (i < 0 ? null : numberCell(row[i]));
      out.push({ station, parameter, sensor, time: row[time], ...censoring(cell(valueAt), cell(lodAt), cell(loqAt), cell(uncertaintyAt)), qc });
    }
  }
  return out;
}

/** Value, qualifier and limit of a stored reading: the limit field that is present says which. */
function censoring(value: number | null, lod: number | null, loq: number | null, uncertainty: number | null): Pick<Reading, "value" | "qualifier" | "limit" | "uncertainty" | "rawSignal" | "calibration"> {
  const qualifier = value !== null ? null : loq !== null ? QUALIFIER.belowLoq : lod !== null ? QUALIFIER.belowLod : null;
  return { value, qualifier, limit: qualifier === null ? null : (loq ?? lod), uncertainty, rawSignal: null, calibration: null };
}

/** The review fields of an answer: view, as-of time and release level (the stored data as it is without a review). */
function reviewFields(review: ChartReview | undefined): Pick<SeriesResponse, "view" | "asOf" | "releaseLevel"> {
  return review
    ? { view: review.read.view, asOf: review.read.asOf, releaseLevel: review.policy.release.releaseLevel }
    : { view: "raw", asOf: null, releaseLevel: "raw" };
}
