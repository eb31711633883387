// The one place where stored readings become corrected readings. Every read path that claims to show
// corrected data — charts, latest values, exports, the alert engine's rolling means, assessments —
// fetches through here: it loads the series' review state (as of a time), reads the stored readings
// it needs through the store and the one InfluxQL builder, finds interpolation anchors, and applies
// the correction algebra. The raw data in InfluxDB is never written.
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { Sensor } from "../../../common/catalog-model.ts";
import { QC, QUALIFIER } from "../../../common/reading.ts";
import type { ReadView, SeriesKey } from "../../../common/review.ts";
import { COL, edgeReadingsQuery, neighboursQuery, seriesReadingsQuery, type CatalogSeries, type TimeRange } from "../influx/influxql.ts";
import type { ReadingStore, SeriesValues } from "../influx/store.ts";
import { asCorrected, pickAnchor, type ActiveCorrection, type CorrectedPoint, type ResolvedInterpolation, type SensorFacts, type StoredPoint } from "./correction-algebra.ts";
import type { ReviewRepository } from "./review-repository.ts";
import { seriesId } from "./review-repository.ts";
import { activeCorrections, reviewStateAt, type SeriesReviewState } from "./review-state.ts";
import { correctPoints } from "./series-corrector.ts";
import type { PointBucket } from "./bucket-aggregate.ts";
import { DEFAULT_MAX_CACHED_VALUES, RangeCache, seriesSpans } from "./corrected-cache.ts";
import { numberCell, qcCell } from "../influx/result-cells.ts";

/** How far an interpolation looks for its neighbours, and how many readings it examines on each side. */
export const ANCHOR_REACH_MS = 7 * 86_400_000;
export const ANCHOR_CANDIDATES = 100;

export interface ReadOptions {
  /** "corrected" (the default everywhere) or "raw": the readings as stored. */
  view: ReadView;
  /** The review state as it stood then (corrections, approvals, grades recorded by then); null: now. */
  asOf: number | null;
}

export const CURRENT_CORRECTED: ReadOptions = Object.freeze({ view: "corrected", asOf: null });

export function sensorFacts(sensor: Sensor): SensorFacts {
  return { lod: sensor.lod, loq: sensor.loq, intervalMs: sensor.intervalSeconds * 1000, calibrations: sensor.calibrations };
}


/** Column positions of a reading query's result. */
export function readingColumns(columns: readonly string[]): (row: readonly unknown[]) => StoredPoint {
  const at = (name: string) => columns.indexOf(name);
  const [iTime, iValue, iLod, iLoq, iUnc, iQc, iRaw, iCal] = [COL.time, COL.value, COL.lod, COL.loq, COL.uncertainty, COL.qc, COL.raw, COL.calibration].map(at) as [
    number, number, number, number, number, number, number, number,
  ];
  return (row) => {
    const value = numberCell(row[iValue]);
    const loq = value === null ? numberCell(row[iLoq]) : null;
    const lod = value === null && loq === null ? numberCell(row[iLod]) : null;
    return {
      time: row[iTime] as number,
      value,
      // The limit field that is present says which: the LOQ wins (a value below it is not quantified).
      qualifier: loq !== null ? QUALIFIER.belowLoq : lod !== null ? QUALIFIER.belowLod : null,
      limit: loq ?? lod,
      uncertainty: numberCell(row[iUnc]),
      qc: qcCell(row[iQc]) ?? QC.notEvaluated,
      rawSignal: iRaw < 0 ? null : numberCell(row[iRaw]),
      calibration: iCal < 0 ? null : numberCell(row[iCal]),
    };
  };
}

export function storedPoints(result: readonly SeriesValues[]): StoredPoint[] {
  const out: StoredPoint[] = [];
  for (const s of result) {
    const toPoint = readingColumns(s.columns);
    for (const row of s.values) out.push(toPoint(row));
  }
  return out;
}

const overlaps = (c: { from: number; to: number }, r: TimeRange) => c.from <= (r.closed ? r.to : r.to - 1) && c.to > r.from;

export class CorrectedReader {
  private readonly cache: RangeCache<CorrectedPoint>;
  /** Aggregate intervals made of corrected readings (review/reviewed-chart.ts), under the same rules. */
  readonly bucketCache: RangeCache<PointBucket>;

  constructor(
    private readonly store: ReadingStore,
    private readonly records: Pick<ReviewRepository, "records">,
    maxCachedValues = DEFAULT_MAX_CACHED_VALUES,
  ) {
    this.cache = new RangeCache(ANCHOR_REACH_MS, maxCachedValues);
    this.bucketCache = new RangeCache(ANCHOR_REACH_MS, maxCachedValues);
    store.onWrite((readings) => {
      const spans = seriesSpans(readings);
      this.cache.writtenSpans(spans);
      this.bucketCache.writtenSpans(spans);
    });
  }

  /** Corrected readings held in the cache (for tests and the benchmark). */
  get cached(): { entries: number; values: number } {
    return this.cache.size;
  }

  /**
   * What a range's corrected readings depend on besides the stored readings: the series, the range,
   * the sensor's facts and every correction near enough to change it (interpolation reach). Null when
   * they must not be kept (a preview's probe correction).
   */
  rangeKey(series: CatalogSeries, range: TimeRange, all: readonly ActiveCorrection[]): string | null {
    if (all.some((c) => c.id < 0)) return null;
    const near = all.filter((c) => c.from - ANCHOR_REACH_MS <= (range.closed ? range.to : range.to - 1) && c.to + ANCHOR_REACH_MS > range.from).map((c) => c.id);
    const facts = `${series.includeUntagged ? 1 : 0}|${JSON.stringify(sensorFacts(series.sensor))}`;
    return `${seriesId(keyOf(series))}|${range.from}|${range.to}|${range.closed ? 1 : 0}|${facts}|${near.join(",")}`;
  }

  /** Each series' review state as of `asOf`, by seriesId(). */
  async states(series: readonly SeriesKey[], asOf: number | null): Promise<Map<string, SeriesReviewState>> {
    const records = await this.records.records(series);
    return new Map(series.map((s) => [seriesId(s), reviewStateAt(records.get(seriesId(s)), asOf)]));
  }

  async state(series: SeriesKey, asOf: number | null): Promise<SeriesReviewState> {
    return (await this.states([series], asOf)).get(seriesId(series))!;
  }

  /** The corrections of `state` that apply to a read in `view`. */
  corrections(state: SeriesReviewState, view: ReadView): ActiveCorrection[] {
    return view === "raw" ? [] : activeCorrections(state.corrections);
  }

  /**
   * The readings of one series in each of `ranges` (sorted, disjoint), corrected unless the view is
   * raw, in time order. One request to InfluxDB for all ranges not in the cache, one more for
   * interpolation anchors; corrected ranges are kept in the cache (corrected-cache.ts).
   */
  async points(series: CatalogSeries, ranges: readonly TimeRange[], state: SeriesReviewState, view: ReadView): Promise<CorrectedPoint[]> {
    if (ranges.length === 0) return [];
    const all = this.corrections(state, view);
    const relevant = all.filter((c) => ranges.some((r) => overlaps(c, r)));
    if (relevant.length === 0) {
      const results = await this.store.queryEach(ranges.map((r) => seriesReadingsQuery(series, r, false)));
      return results.flatMap((r) => storedPoints(r).map(asCorrected));
    }
    const id = seriesId(keyOf(series));
    const generation = this.cache.generation(id);
    const keys = ranges.map((r) => this.rangeKey(series, r, all));
    const cached = keys.map((key) => (key === null ? undefined : this.cache.get(key)));
    const missing = ranges.map((r, i) => ({ r, i })).filter((m) => cached[m.i] === undefined);
    if (missing.length > 0) {
      const wanted = missing.map((m) => m.r);
      const needed = all.filter((c) => wanted.some((r) => overlaps(c, r)));
      const withSignal = needed.some((c) => c.action.kind === "recalibrate");
      const [results, interpolations] = await Promise.all([
        this.store.queryEach(wanted.map((r) => seriesReadingsQuery(series, r, withSignal))),
        this.interpolations(series, needed, all),
      ]);
      const sensor = sensorFacts(series.sensor);
      missing.forEach(({ r, i }, j) => {
        const corrected = correctPoints(storedPoints(results[j]!), all, interpolations, sensor, { from: r.from, to: r.closed ? r.to + 1 : r.to });
        cached[i] = corrected;
        const key = keys[i];
        if (key !== null && key !== undefined) this.cache.set(key, id, { from: r.from, to: r.closed ? r.to + 1 : r.to }, corrected, generation);
      });
    }
    return cached.flatMap((points) => points!);
  }

  /** The newest stored reading of a series in a range (no corrections: callers check there are none). */
  async lastReading(series: CatalogSeries, range: TimeRange): Promise<StoredPoint | undefined> {
    return storedPoints(await this.store.queryValues(edgeReadingsQuery(series, range, "last", 1)))[0];
  }

  /**
   * The interpolations among `relevant` with their anchors: the nearest readings before the range
   * and at or after its end that the other corrections keep and that did not fail QC (within
   * ANCHOR_REACH_MS, among ANCHOR_CANDIDATES readings on each side).
   */
  async interpolations(series: CatalogSeries, relevant: readonly ActiveCorrection[], all: readonly ActiveCorrection[]): Promise<ResolvedInterpolation[]> {
    const wanted = relevant.filter((c) => c.action.kind === "interpolate");
    if (wanted.length === 0) return [];
    const statements = wanted.flatMap((c) => [
      neighboursQuery(series, c.from, "before", ANCHOR_CANDIDATES, ANCHOR_REACH_MS),
      neighboursQuery(series, c.to, "after", ANCHOR_CANDIDATES, ANCHOR_REACH_MS),
    ]);
    const results = await this.store.queryEach(statements);
    const facts = sensorFacts(series.sensor);
    return wanted.map((c, i) => ({
      id: c.id,
      from: c.from,
      to: c.to,
      before: pickAnchor(storedPoints(results[2 * i]!), all, facts),
      after: pickAnchor(storedPoints(results[2 * i + 1]!), all, facts),
    }));
  }
}

/** Every series of the catalog snapshot as a SeriesKey (station × parameter × sensor ever deployed). */
export function catalogSeries(catalog: CatalogSnapshot, station?: string): CatalogSeries[] {
  const out: CatalogSeries[] = [];
  for (const s of catalog.stations) {
    if (station !== undefined && s.id !== station) continue;
    for (const p of catalog.parametersOf(s.id)) {
      for (const sensor of catalog.sensorsOf(s.id, p.code)) {
        out.push({ station: s, parameter: p, sensor, includeUntagged: catalog.isPrimaryAt(s.id, p.code, sensor.id) });
      }
    }
  }
  return out;
}

export const keyOf = (s: CatalogSeries): SeriesKey => ({ station: s.station.id, parameter: s.parameter.code, sensor: s.sensor.id });
