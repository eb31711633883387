// Percentiles of censored values, for the MAC-EQS percentile option (Directive 2008/105/EC Annex I
// Part B(2) allows "statistical methods, such as a percentile calculation" without fixing one).
//
// Definition: nearest rank, the inverse of the empirical distribution function (Hyndman & Fan 1996,
// "Sample quantiles in statistical packages", The American Statistician 50(4), definition 1): the
// p-th percentile is the value of rank ⌈p·n⌉ in ascending order. Why this one and not an
// interpolating definition (Excel's PERCENTILE.INC, Hyndman & Fan 7):
// - it is always a value that was measured, so "the 95th percentile is < 0.05 ng/L" can be said
//   when the rank falls on a censored value, where interpolating between a "< LOQ" and a number has
//   no meaning;
// - it reads as a compliance statement: at least p of the values are at or below it.
// Censored values are ordered at half their limit, the same place Directive 2009/90/EC Art. 5(1)
// gives them in a mean; at equal keys the censored value sorts first.
import type { CensoredValue } from "../../../common/statistics/censored-mean.ts";
import type { PercentileValue } from "./types.ts";

const sortKey = (v: CensoredValue): number => (v.qualifier === null ? v.value! : v.limit! / 2);

/** Values ordered for rank statistics (censored values without a limit and empty values are dropped). */
export function rankOrder<T extends CensoredValue>(values: readonly T[]): T[] {
  return values
    .filter((v) => (v.qualifier === null ? v.value !== null : v.limit !== null))
    .sort((a, b) => sortKey(a) - sortKey(b) || Number(a.qualifier === null) - Number(b.qualifier === null));
}

/** The p-th percentile (0 < p ≤ 1) of values already in rankOrder; null without values. */
export function nearestRankPercentile(ordered: readonly CensoredValue[], p: number): PercentileValue | null {
  if (!(p > 0 && p <= 1)) throw new RangeError(`percentile ${p} is not in (0, 1]`);
  const n = ordered.length;
  if (n === 0) return null;
  // The epsilon keeps 0.9 × 10 = 9.000000000000002 at rank 9, not 10.
  const rank = Math.min(n, Math.max(1, Math.ceil(p * n - 1e-9)));
  const v = ordered[rank - 1]!;
  return v.qualifier === null ? { value: v.value!, qualifier: null, rank } : { value: v.limit!, qualifier: v.qualifier, rank };
}
