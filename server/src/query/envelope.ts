// Pure merging of aggregate buckets ("envelopes"): min/max keep spikes visible after downsampling,
// the mean is weighted by count so merging never changes what a mean over the raw values would be,
// and the highest LOD and LOQ travel along, so a mean below its limit is reported as "< LOQ"/"< LOD"
// (Directive 2009/90/EC Art. 5(2), via censored-mean.ts) and never as a number.
import type { QcFlag } from "../../../common/reading.ts";
import type { SeriesPoint } from "../../../common/api-types.ts";
import { aggregateSums, censoredMean } from "../../../common/statistics/censored-mean.ts";

export interface Envelope {
  /** Start of the bucket, epoch ms. */
  t: number;
  /** Mean of the non-failed values (below-LOD as LOD/2, Directive 2009/90/EC); null when n = 0. */
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Non-failed values in the bucket. */
  n: number;
  /** How many of the n values were censored (below the LOD or the LOQ). */
  nBelowLod: number;
  /** Highest LOD and LOQ among the bucket's censored readings (null: none, or not known). */
  maxLod: number | null;
  maxLoq: number | null;
  /** Worst QC flag among the bucket's readings, ignoring 9 (missing); unknown for rollup data. */
  qc?: QcFlag;
}

/**
 * Worst of two QC flags. QARTOD orders 1 pass < 2 not evaluated < 3 suspect < 4 fail; 9 (missing)
 * marks a reading without data and is not a verdict on data, so it never wins over a real flag —
 * otherwise one dropped reading would paint a whole bucket of good data as "missing".
 */
export function worstQc(a: QcFlag | undefined, b: QcFlag | undefined): QcFlag | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a === 9) return b;
  if (b === 9) return a;
  return (a >= b ? a : b) as QcFlag;
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

/** Combines two buckets of disjoint readings into one starting at `t` (default: the earlier). */
export function mergeEnvelopes(a: Envelope, b: Envelope, t: number = Math.min(a.t, b.t)): Envelope {
  const n = a.n + b.n;
  let mean: number | null = null;
  if (n > 0) {
    const sum = (a.n > 0 && a.mean !== null ? a.mean * a.n : 0) + (b.n > 0 && b.mean !== null ? b.mean * b.n : 0);
    mean = sum / n;
  }
  const merged: Envelope = {
    t,
    mean,
    min: minOf(a.min, b.min),
    max: maxOf(a.max, b.max),
    n,
    nBelowLod: a.nBelowLod + b.nBelowLod,
    maxLod: maxOf(a.maxLod, b.maxLod),
    maxLoq: maxOf(a.maxLoq, b.maxLoq),
  };
  const qc = worstQc(a.qc, b.qc);
  if (qc !== undefined) merged.qc = qc;
  return merged;
}

/**
 * Regroups finer buckets (e.g. 1-hour rollup rows) into epoch-aligned buckets of `intervalMs`.
 * Input need not be sorted; output is sorted by time. Each input must lie entirely within one
 * output bucket, which holds when `intervalMs` is a multiple of the input's interval.
 */
export function rebucket(envelopes: Iterable<Envelope>, intervalMs: number): Envelope[] {
  const byStart = new Map<number, Envelope>();
  for (const e of envelopes) {
    const start = Math.floor(e.t / intervalMs) * intervalMs;
    const existing = byStart.get(start);
    byStart.set(start, existing ? mergeEnvelopes(existing, e, start) : { ...e, t: start });
  }
  return [...byStart.values()].sort((x, y) => x.t - y.t);
}

/**
 * `rebucket` for buckets already in time order (a chart's parts, each as InfluxDB returns it): one
 * pass that merges neighbours of the same bucket, without a map or a copy of buckets that stay as
 * they are (a 30-day chart's 14,400 hourly rows cost 3–12 ms through `rebucket`). Takes ownership of
 * `envelopes` (their `t` is set to the bucket start). Out of order input goes through `rebucket`.
 */
export function rebucketSorted(envelopes: Envelope[], intervalMs: number): Envelope[] {
  const out: Envelope[] = [];
  let last: Envelope | undefined;
  for (const e of envelopes) {
    const start = Math.floor(e.t / intervalMs) * intervalMs;
    if (last !== undefined && start < last.t) return rebucket(envelopes, intervalMs);
    if (last !== undefined && start === last.t) {
      last = mergeEnvelopes(last, e, start);
      out[out.length - 1] = last;
    } else {
      e.t = start;
      out.push(e);
      last = e;
    }
  }
  return out;
}

/**
 * Combines the same buckets computed from two overlapping sources (rollup and raw) over one range.
 * They describe the same readings, so they must not be added: per bucket the source that saw more
 * readings wins (raw on a tie) — raw is complete where it has not expired yet, the rollup where it has.
 */
export function preferFuller(primary: readonly Envelope[], secondary: readonly Envelope[]): Envelope[] {
  const byStart = new Map<number, Envelope>();
  for (const e of secondary) byStart.set(e.t, e);
  for (const e of primary) {
    const other = byStart.get(e.t);
    if (!other || e.n >= other.n) byStart.set(e.t, e);
  }
  return [...byStart.values()].sort((x, y) => x.t - y.t);
}

export function envelopeToPoint(e: Envelope): SeriesPoint {
  // The rollup CQs count below-LOD readings including failed ones; never claim more than n.
  const nBelowLod = Math.min(e.nBelowLod, e.n);
  const point: SeriesPoint = {
    t: e.t,
    v: e.n > 0 ? e.mean : null,
    min: e.min,
    max: e.max,
    n: e.n,
    nBelowLod,
  };
  if (e.n > 0 && e.mean !== null && nBelowLod > 0) {
    const sums = aggregateSums({ sum: e.mean * e.n, n: e.n, nCensored: nBelowLod, maxLod: e.maxLod, maxLoq: e.maxLoq });
    if (sums.maxLimit !== null && sums.maxLimitQualifier !== null) {
      point.qualifier = sums.maxLimitQualifier;
      point.limit = sums.maxLimit;
      const m = censoredMean(sums);
      if (m.reportedBelow !== null) point.reportedBelow = m.reportedBelow;
    }
  }
  if (e.qc !== undefined) point.qc = e.qc;
  return point;
}
