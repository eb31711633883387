// A chart's points with the review applied: raw points corrected and labelled; aggregate buckets
// that a correction (or, for readers of released data only, an unreleased period) touches
// recomputed from the corrected readings, so an interval's mean is always the mean of the corrected
// values — the same as aggregating the corrected raw data — while untouched intervals keep
// InfluxDB's aggregates (or the rollups beyond raw retention).
import type { SeriesPoint } from "../../../common/api-types.ts";
import { PROVISIONAL_LABEL, type ReviewLabels } from "../../../common/review.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import { envelopeToPoint, type Envelope } from "../query/envelope.ts";
import type { AccessPolicy } from "./access-policy.ts";
import { affectedBuckets, bucketEnvelope, bucketPoints, epochBuckets, type PointBucket } from "./bucket-aggregate.ts";
import { asCorrected, type CorrectedPoint, type StoredPoint } from "./correction-algebra.ts";
import { keyOf, sensorFacts, type CorrectedReader, type ReadOptions } from "./corrected-reader.ts";
import { PointLabeller, reviewLabels, type ReviewedPoint } from "./labels.ts";
import type { SeriesReviewState } from "./review-state.ts";
import { seriesId } from "./review-repository.ts";
import { correctPoints } from "./series-corrector.ts";
import { clip } from "./timeline.ts";

/** What a chart read needs to apply the review: the reader, the view and time, who reads, the grades. */
export interface ChartReview {
  reader: CorrectedReader;
  read: ReadOptions;
  policy: AccessPolicy;
  grades: readonly string[];
}

/** Aggregate buckets recomputed from corrected readings, by start time; `affected`: the InfluxDB buckets they replace. */
export interface RecomputedBuckets {
  intervalMs: number;
  affected: Set<number>;
  buckets: Map<number, PointBucket>;
}

/** The review of one series for one chart read. */
export class SeriesChartReview {
  readonly labeller: PointLabeller;
  readonly corrections: number[];

  private constructor(
    private readonly series: CatalogSeries,
    private readonly review: ChartReview,
    private readonly state: SeriesReviewState,
    private readonly from: number,
    private readonly to: number,
  ) {
    const access = review.policy.access(keyOf(series));
    this.labeller = new PointLabeller(state, access.kind, review.policy, review.grades);
    this.corrections = review.reader
      .corrections(state, review.read.view)
      .filter((c) => c.from <= to && c.to > from)
      .map((c) => c.id);
  }

  static async load(series: CatalogSeries, review: ChartReview, from: number, to: number): Promise<SeriesChartReview> {
    return new SeriesChartReview(series, review, await review.reader.state(keyOf(series), review.read.asOf), from, to);
  }

  /** The reviews of a compare chart's series, their review states read together (three SQL queries, not three a series). */
  static async loadMany(list: readonly CatalogSeries[], review: ChartReview, from: number, to: number): Promise<SeriesChartReview[]> {
    const states = await review.reader.states(list.map(keyOf), review.read.asOf);
    return list.map((series) => new SeriesChartReview(series, review, states.get(seriesId(keyOf(series)))!, from, to));
  }

  /** Whether raw points must be read with their raw signal (a recalibration in the range). */
  get needsSignal(): boolean {
    return this.review.reader.corrections(this.state, this.review.read.view).some((c) => this.corrections.includes(c.id) && c.action.kind === "recalibrate");
  }

  /** Parts of the chart's range this reader does not get. */
  withheld(): Array<{ from: number; to: number }> {
    return this.labeller.withheld(this.from, this.to + 1);
  }

  /** Raw-resolution points: the stored readings (inclusive range) corrected and labelled. */
  async rawPoints(stored: readonly StoredPoint[]): Promise<SeriesPoint[]> {
    let corrected: CorrectedPoint[];
    if (this.corrections.length === 0) corrected = stored.map(asCorrected);
    else {
      const all = this.review.reader.corrections(this.state, this.review.read.view);
      const relevant = all.filter((c) => this.corrections.includes(c.id));
      const interpolations = await this.review.reader.interpolations(this.series, relevant, all);
      corrected = correctPoints(stored, all, interpolations, sensorFacts(this.series.sensor), { from: this.from, to: this.to + 1 });
    }
    const out: SeriesPoint[] = [];
    for (const p of corrected) {
      const reviewed = this.labeller.label(p);
      if (reviewed) out.push(rawSeriesPoint(reviewed));
    }
    return out;
  }

  /**
   * The aggregate buckets that a correction (or a withheld period) touches, recomputed from the
   * corrected, visible readings. Buckets before `rawSince` (raw data expired) keep their rollup
   * values. Independent of InfluxDB's envelopes, so callers may ask for both at once.
   */
  async recompute(intervalMs: number, rawSince: number): Promise<RecomputedBuckets> {
    const startOf = epochBuckets(intervalMs);
    const touched = [
      ...this.review.reader.corrections(this.state, this.review.read.view).filter((c) => this.corrections.includes(c.id)),
      ...this.withheld(),
    ];
    const lower = Math.max(this.from, rawSince);
    const ranges = affectedBuckets(touched, startOf, (t) => t + intervalMs)
      .map((r) => ({ from: Math.max(r.from, lower), to: Math.min(r.to, this.to + 1) }))
      .filter((r) => r.from < r.to);
    const buckets = new Map<number, PointBucket>();
    const affected = new Set<number>();
    if (ranges.length === 0) return { intervalMs, affected, buckets };
    for (const r of ranges) for (let t = startOf(r.from); t < r.to; t += intervalMs) affected.add(t);
    // Kept per range: the corrected readings' key, the interval, and what the labels depend on.
    const reader = this.review.reader;
    const id = seriesId(keyOf(this.series));
    const generation = reader.bucketCache.generation(id);
    const all = reader.corrections(this.state, this.review.read.view);
    const keys = ranges.map((r) => {
      const key = reader.rangeKey(this.series, r, all);
      return key === null ? null : `${key}|${intervalMs}|${this.labelKey(r.from, r.to)}`;
    });
    const found = keys.map((key) => (key === null ? undefined : reader.bucketCache.get(key)));
    const missing = ranges.filter((_, i) => found[i] === undefined);
    if (missing.length > 0) {
      const points = await reader.points(this.series, missing, this.state, this.review.read.view);
      let at = 0;
      ranges.forEach((r, i) => {
        if (found[i] !== undefined) return;
        const visible: ReviewedPoint[] = [];
        for (; at < points.length && points[at]!.time < r.to; at++) {
          const reviewed = this.labeller.label(points[at]!);
          if (reviewed && points[at]!.time >= r.from) visible.push(reviewed);
        }
        found[i] = bucketPoints(visible, startOf, "flag");
        if (keys[i] !== null) reader.bucketCache.set(keys[i]!, id, r, found[i]!, generation);
      });
    }
    for (const list of found) for (const b of list!) buckets.set(b.t, b);
    return { intervalMs, affected, buckets };
  }

  /** What the labels of a range's readings depend on: who reads (access, release level), approvals and grades there. */
  private labelKey(from: number, to: number): string {
    const access = this.review.policy.access(keyOf(this.series)).kind;
    return JSON.stringify([access, this.review.policy.release, clip(this.state.approvals, from, to), clip(this.state.grades, from, to), this.review.grades]);
  }

  /** Aggregate points: InfluxDB's `envelopes`, with the recomputed buckets in place of those they replace. */
  buckets(envelopes: readonly Envelope[], recomputed: RecomputedBuckets): SeriesPoint[] {
    const { intervalMs, affected } = recomputed;
    const out: SeriesPoint[] = [];
    for (const e of envelopes) {
      if (affected.has(e.t)) continue;
      out.push(this.labelled(envelopeToPoint(e), e.t, intervalMs));
    }
    for (const b of recomputed.buckets.values()) {
      const point = bucketPoint(b);
      const grade = this.labeller.interval(Math.max(b.t, this.from), Math.min(b.t + intervalMs, this.to + 1), this.review.grades).grade;
      if (grade !== null) point.grade = grade;
      out.push(point);
    }
    return out.sort((a, b) => a.t - b.t);
  }

  private labelled(point: SeriesPoint, t: number, intervalMs: number): SeriesPoint {
    const labels = this.labeller.interval(Math.max(t, this.from), Math.min(t + intervalMs, this.to + 1), this.review.grades);
    point.approval = labels.approval;
    if (labels.provisional) point.provisional = true;
    if (labels.grade !== null) point.grade = labels.grade;
    return point;
  }
}

/** A stored or corrected reading as a chart point (the labels apart). */
export function readingPoint(p: Pick<CorrectedPoint, "time" | "value" | "qualifier" | "limit" | "uncertainty" | "qc">): SeriesPoint {
  const point: SeriesPoint = { t: p.time, v: p.value };
  if (p.qualifier !== null && p.limit !== null) {
    point.qualifier = p.qualifier;
    point.limit = p.limit;
  }
  if (p.uncertainty !== null) point.uncertainty = p.uncertainty;
  point.qc = p.qc;
  return point;
}

function rawSeriesPoint(p: ReviewedPoint): SeriesPoint {
  return Object.assign(readingPoint(p), reviewLabels(p));
}

function bucketPoint(b: PointBucket): SeriesPoint {
  const point = envelopeToPoint(bucketEnvelope(b));
  const labels: ReviewLabels = { approval: b.approval };
  if (b.provisional) labels.provisional = true;
  if (b.estimated > 0) labels.estimated = true;
  if (b.corrections.size > 0) labels.corrections = [...b.corrections].sort((x, y) => x - y);
  return Object.assign(point, labels);
}

/** The label to show with the points, when any of them is provisional. */
export function provisionalLabel(points: readonly { provisional?: true }[]): string | undefined {
  return points.some((p) => p.provisional) ? PROVISIONAL_LABEL : undefined;
}
