// Statistics of the values that count in one assessed span: count, day and month coverage, the
// Directive 2009/90/EC Art. 5 mean (common/statistics/censored-mean.ts) with its bounds, extremes
// and percentiles; and whether the record meets the minimum sampling a verdict needs.
import { addValue, censoredMean, emptySums, type CensoredSums } from "../../../common/statistics/censored-mean.ts";
import { nearestRankPercentile, rankOrder } from "./percentile.ts";
import { clipSlices, quarterSlices, sliceIndex, type PeriodGrid, type TimeSlice } from "./period.ts";
import type { TaggedValue, WindowSelection } from "./select.ts";
import type { AssessedValue, MinFrequency, SliceCoverage, ValueStatistics } from "./types.ts";

/**
 * The mean with censored values at their full limit, from the same running sums: each censored value
 * added limit/2 to `sum` and nothing to `sumQuantified`, so their limits add up to 2 × the difference.
 */
export function upperBoundOf(s: CensoredSums): number | null {
  return s.n === 0 ? null : (s.sumQuantified + 2 * (s.sum - s.sumQuantified)) / s.n;
}

function coverage(slices: readonly TimeSlice[], values: readonly TaggedValue[]): SliceCoverage {
  const hit = new Set<number>();
  for (const t of values) {
    const i = sliceIndex(slices, t.value.time);
    if (i >= 0) hit.add(i);
  }
  const missing = slices.filter((_, i) => !hit.has(i));
  return { withData: hit.size, total: slices.length, share: slices.length === 0 ? 0 : hit.size / slices.length, missing };
}

export function statisticsOf(selection: WindowSelection, grid: PeriodGrid, from: number, to: number): ValueStatistics {
  const values = selection.counted.map((t) => t.value);
  const sums = emptySums();
  let max: { value: number; time: number } | null = null;
  let min: { value: number; time: number } | null = null;
  for (const v of values) {
    addValue(sums, v);
    if (v.qualifier !== null || v.value === null) continue;
    if (max === null || v.value > max.value) max = { value: v.value, time: v.time };
    if (min === null || v.value < min.value) min = { value: v.value, time: v.time };
  }
  const ordered = rankOrder(values);
  const days = coverage(clipSlices(grid.days, from, to), selection.counted);
  return {
    n: sums.n,
    nQuantified: sums.n - sums.nCensored,
    nCensored: sums.nCensored,
    excluded: selection.excluded,
    coverage: {
      days: { withData: days.withData, total: days.total, share: days.share },
      months: coverage(clipSlices(grid.months, from, to), selection.counted),
    },
    mean: censoredMean(sums),
    upperBound: upperBoundOf(sums),
    max,
    min,
    maxCensoredLimit: sums.maxLimit,
    p90: nearestRankPercentile(ordered, 0.9),
    p95: nearestRankPercentile(ordered, 0.95),
  };
}

export type SamplingShortfall = "too-few-values" | "insufficient-sampling";

/**
 * Whether `values` meet the minimum sampling, or what they lack. WFD Annex V 1.3.4 sets a monitoring
 * frequency of once a month for priority substances (every three months for other pollutants); the
 * check is that every month (quarter) of the assessed span holds at least one counted value: the
 * calendar months of a calendar year, month-long slices from the start of any other period, cut to
 * the span a standard version was valid.
 */
export function samplingShortfall(
  values: readonly TaggedValue[],
  grid: PeriodGrid,
  from: number,
  to: number,
  minFrequency: MinFrequency,
  minValues: number,
): SamplingShortfall | null {
  if (values.length < Math.max(1, minValues)) return "too-few-values";
  if (minFrequency === "none") return null;
  const slices = clipSlices(minFrequency === "monthly" ? grid.months : quarterSlices(grid.months), from, to);
  return coverage(slices, values).missing.length > 0 ? "insufficient-sampling" : null;
}

/** The counted values themselves (for per-value checks and classes). */
export const valuesOf = (selection: WindowSelection): AssessedValue[] => selection.counted.map((t) => t.value);
