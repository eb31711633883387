// Means over series points the way the domain requires, with common/statistics/censored-mean.ts
// (Directive 2009/90/EC Art. 5): failed (QC 4) values are excluded, censored values count as half
// the limit they carry (LOD or LOQ), and a mean below the highest limit is reported as "< LOQ"/"< LOD",
// never as a number. Every mean keeps its count, so it can say what it was computed from.
import type { SeriesPoint } from "../../common/api-types.ts";
import { QC } from "../../common/reading.ts";
import { addValue, aggregateSums, censoredMean, emptySums, mergeSums, type CensoredMean, type CensoredSums } from "../../common/statistics/censored-mean.ts";

export interface MeanPoint {
  t: number;
  mean: CensoredMean;
}

/** What one point adds to a mean, or undefined when it must not count. */
export function pointSums(p: SeriesPoint): CensoredSums | undefined {
  if (p.n !== undefined) {
    // The server's aggregate mean already follows Art. 5(1) and excludes failed values; it sends the
    // interval's highest limit with its kind.
    if (p.v === null || !p.n) return undefined;
    const limit = p.limit ?? null;
    return aggregateSums({
      sum: p.v * p.n,
      n: p.n,
      nCensored: p.nBelowLod ?? 0,
      maxLod: p.qualifier === "<LOD" ? limit : null,
      maxLoq: p.qualifier === "<LOQ" ? limit : null,
    });
  }
  if (p.qc === QC.fail) return undefined;
  const sums = addValue(emptySums(), { value: p.v, qualifier: p.qualifier ?? null, limit: p.limit ?? null });
  return sums.n > 0 ? sums : undefined;
}

/** The censored mean over all points (weighted by n for aggregates); n = 0 when nothing counts. */
export function meanOf(points: readonly SeriesPoint[]): CensoredMean {
  const total = emptySums();
  for (const p of points) {
    const s = pointSums(p);
    if (s) mergeSums(total, s);
  }
  return censoredMean(total);
}

/** Trailing rolling mean: for each counted point, the censored mean over points with t in (t − windowMs, t]. Points sorted by time. */
export function rollingMean(points: readonly SeriesPoint[], windowMs: number): MeanPoint[] {
  const counted: Array<{ t: number; sums: CensoredSums }> = [];
  for (const p of points) {
    const sums = pointSums(p);
    if (sums) counted.push({ t: p.t, sums });
  }
  const out: MeanPoint[] = [];
  let start = 0;
  for (let i = 0; i < counted.length; i++) {
    const t = counted[i]!.t;
    while (counted[start]!.t <= t - windowMs) start++;
    // The highest limit does not subtract out of a running sum: merge the window's sums afresh
    // (a chart has at most a point per pixel).
    const window = emptySums();
    for (let j = start; j <= i; j++) mergeSums(window, counted[j]!.sums);
    out.push({ t, mean: censoredMean(window) });
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
