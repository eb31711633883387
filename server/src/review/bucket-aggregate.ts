// Aggregates of corrected readings per time bucket, computed here because InfluxDB only knows the
// stored values. They follow exactly what the InfluxQL aggregates compute from stored readings
// (influx/influxql.ts), so a bucket is the same number whichever side computed it: a mean over
// `mean_value` (the value, or half the limit a censored value carries; Directive 2009/90/EC
// Art. 5(1)) of the readings that did not fail QC, their count and censored count, the worst flag and
// the highest LOD and LOQ. Pure.
import { QC, QUALIFIER, type QcFlag } from "../../../common/reading.ts";
import { lowerApproval, type ApprovalLevel } from "../../../common/review.ts";
import type { Envelope } from "../query/envelope.ts";
import type { ReviewedPoint } from "./labels.ts";

export interface PointBucket {
  t: number;
  sum: number;
  n: number;
  /** Extremes of the mean values (the chart's envelope) and of the quantified values (exports). */
  minMean: number | null;
  maxMean: number | null;
  minValue: number | null;
  maxValue: number | null;
  nCensored: number;
  /** Worst flag of the bucket's readings, failed ones included (InfluxQL's max(qc)). */
  qc: QcFlag | undefined;
  /** Highest LOD and LOQ of censored readings, failed ones included (InfluxQL's max(lod), max(loq)). */
  maxLod: number | null;
  maxLoq: number | null;
  approval: ApprovalLevel;
  provisional: boolean;
  corrections: Set<number>;
  estimated: number;
}

const min = (a: number | null, b: number) => (a === null || b < a ? b : a);
const max = (a: number | null, b: number) => (a === null || b > a ? b : a);

function empty(t: number): PointBucket {
  return { t, sum: 0, n: 0, minMean: null, maxMean: null, minValue: null, maxValue: null, nCensored: 0, qc: undefined, maxLod: null, maxLoq: null, approval: "approved", provisional: false, corrections: new Set(), estimated: 0 };
}

/**
 * Buckets of `points` (in time order) keyed by `startOf(time)`. `failed`: "flag" counts QC-failed
 * readings in the flag and limits only (the chart's aggregate), "drop" leaves them out entirely (the
 * export's `qc < 4`).
 */
export function bucketPoints(points: Iterable<ReviewedPoint>, startOf: (time: number) => number, failed: "flag" | "drop"): PointBucket[] {
  const buckets = new Map<number, PointBucket>();
  for (const p of points) {
    if (failed === "drop" && p.qc === QC.fail) continue;
    const t = startOf(p.time);
    let b = buckets.get(t);
    if (!b) buckets.set(t, (b = empty(t)));
    b.qc = b.qc === undefined || p.qc > b.qc ? p.qc : b.qc;
    if (p.qualifier === QUALIFIER.belowLod && p.limit !== null) b.maxLod = max(b.maxLod, p.limit);
    if (p.qualifier === QUALIFIER.belowLoq && p.limit !== null) b.maxLoq = max(b.maxLoq, p.limit);
    b.approval = lowerApproval(b.approval, p.approval);
    if (p.provisional) b.provisional = true;
    for (const id of p.corrections) b.corrections.add(id);
    if (p.estimated) b.estimated++;
    if (p.qc === QC.fail) continue;
    const meanValue = p.value ?? (p.limit === null ? null : p.limit / 2);
    if (meanValue === null) continue;
    b.sum += meanValue;
    b.n++;
    b.minMean = min(b.minMean, meanValue);
    b.maxMean = max(b.maxMean, meanValue);
    if (p.value !== null) {
      b.minValue = min(b.minValue, p.value);
      b.maxValue = max(b.maxValue, p.value);
    } else b.nCensored++;
  }
  return [...buckets.values()];
}

/** A bucket as the chart's envelope (query/envelope.ts). */
export function bucketEnvelope(b: PointBucket): Envelope {
  const envelope: Envelope = {
    t: b.t,
    mean: b.n > 0 ? b.sum / b.n : null,
    min: b.minMean,
    max: b.maxMean,
    n: b.n,
    nBelowLod: b.nCensored,
    maxLod: b.maxLod,
    maxLoq: b.maxLoq,
  };
  if (b.qc !== undefined) envelope.qc = b.qc;
  return envelope;
}

/** Epoch-aligned bucket starts of `intervalMs` (InfluxDB's GROUP BY time alignment). */
export function epochBuckets(intervalMs: number): (time: number) => number {
  return (time) => Math.floor(time / intervalMs) * intervalMs;
}

/**
 * The bucket-aligned ranges covering every bucket that `ranges` touch, merged; each is half-open.
 * `startOf` aligns a time to its bucket's start, `next` gives the following bucket's start.
 */
export function affectedBuckets(
  ranges: ReadonlyArray<{ from: number; to: number }>,
  startOf: (time: number) => number,
  next: (start: number) => number,
): Array<{ from: number; to: number }> {
  const spans = ranges
    .filter((r) => r.from < r.to)
    .map((r) => ({ from: startOf(r.from), to: next(startOf(r.to - 1)) }))
    .sort((a, b) => a.from - b.from);
  const merged: Array<{ from: number; to: number }> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else merged.push({ ...s });
  }
  return merged;
}
