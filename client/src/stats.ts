// Means over series points the way the domain requires (Directive 2009/90/EC Art. 5): failed (QC 4)
// values are excluded, censored values count as half the limit they carry (LOD or LOQ), and a mean
// over only censored values is itself censored.
import type { SeriesPoint } from "../../common/api-types.ts";
import { QC } from "../../common/reading.ts";

export interface MeanPoint {
  t: number;
  v: number;
  /** Every value in the window was censored (below the LOD or LOQ). */
  allBelowLod: boolean;
}

interface Contribution {
  t: number;
  sum: number;
  weight: number;
  belowLod: number;
}

/** What one point adds to a mean, or undefined when it must not count. */
function contribution(p: SeriesPoint): Contribution | undefined {
  const aggregate = p.n !== undefined;
  if (aggregate) {
    // The server's aggregate mean already follows the LOD convention and excludes failed values.
    if (p.v === null || !p.n) return undefined;
    return { t: p.t, sum: p.v * p.n, weight: p.n, belowLod: p.nBelowLod ?? 0 };
  }
  if (p.qc === QC.fail) return undefined;
  if (p.v !== null) return { t: p.t, sum: p.v, weight: 1, belowLod: 0 };
  if (p.limit !== undefined) return { t: p.t, sum: p.limit / 2, weight: 1, belowLod: 1 };
  return undefined;
}

/** Mean over all points (weighted by n for aggregates), or undefined when nothing counts. */
export function meanOf(points: readonly SeriesPoint[]): { v: number; allBelowLod: boolean } | undefined {
  let sum = 0;
  let weight = 0;
  let belowLod = 0;
  for (const p of points) {
    const c = contribution(p);
    if (!c) continue;
    sum += c.sum;
    weight += c.weight;
    belowLod += c.belowLod;
  }
  if (weight === 0) return undefined;
  return { v: sum / weight, allBelowLod: belowLod === weight };
}

/**
 * Trailing rolling mean: for each counted point, the mean over points with t in (t - windowMs, t].
 * Points must be sorted by time. O(n) with a sliding window.
 */
export function rollingMean(points: readonly SeriesPoint[], windowMs: number): MeanPoint[] {
  const counted: Contribution[] = [];
  for (const p of points) {
    const c = contribution(p);
    if (c) counted.push(c);
  }
  const out: MeanPoint[] = [];
  let start = 0;
  let sum = 0;
  let weight = 0;
  let belowLod = 0;
  for (const c of counted) {
    sum += c.sum;
    weight += c.weight;
    belowLod += c.belowLod;
    while (start < counted.length && counted[start]!.t <= c.t - windowMs) {
      const old = counted[start++]!;
      sum -= old.sum;
      weight -= old.weight;
      belowLod -= old.belowLod;
    }
    out.push({ t: c.t, v: sum / weight, allBelowLod: belowLod === weight });
  }
  return out;
}

/** The rolling-mean window shown for a visible range: a day for short views, longer for long ones. */
export function rollingWindowFor(rangeMs: number): number {
  const day = 86_400_000;
  if (rangeMs <= 2 * day) return day;
  if (rangeMs <= 31 * day) return 7 * day;
  return 30 * day;
}
