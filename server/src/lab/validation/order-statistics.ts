// Order statistics shared by the rank-based estimators (Passing–Bablok, Theil–Sen).
import jStat from "jstat";

/**
 * The order statistic at a 1-based `position` of an ascending array; a position halfway between two
 * ranks (k + ½) is the mean of both. NaN outside 1..length, so callers check with Number.isFinite.
 */
export function atPosition(sorted: ArrayLike<number>, position: number): number {
  if (position < 1 || position > sorted.length) return Number.NaN;
  const lo = Math.floor(position);
  const a = sorted[lo - 1]!;
  if (position === lo) return a;
  const b = sorted[lo]!;
  // Two infinities of the same sign stay infinite; mixed would be NaN, which the callers reject.
  return a === b ? a : (a + b) / 2;
}

/** The median of `values` (mean of the two central ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : jStat.median(values as number[]);
}
