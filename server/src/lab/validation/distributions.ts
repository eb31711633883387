// Quantiles and tail probabilities of Student's t and the standard normal distribution, from jStat
// (regularised incomplete beta and inverse error function; within 1e-8 of R's qt/qnorm for the
// degrees of freedom used here). Wrapped so that a degenerate input gives null, never NaN.
import jStat from "jstat";

/** The two-sided (1 − α) quantile of Student's t with `df` degrees of freedom, e.g. 2.1199 for 95 % and 16. */
export function tCritical(confidence: number, df: number): number | null {
  if (!(df >= 1) || !(confidence > 0 && confidence < 1)) return null;
  const q = jStat.studentt.inv(1 - (1 - confidence) / 2, df);
  return Number.isFinite(q) ? q : null;
}

/** The two-sided (1 − α) quantile of the standard normal distribution, e.g. 1.95996 for 95 %. */
export function zCritical(confidence: number): number {
  return jStat.normal.inv(1 - (1 - confidence) / 2, 0, 1);
}

/** Two-sided p-value of a t statistic with `df` degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number | null {
  if (!Number.isFinite(t) || !(df >= 1)) return null;
  return Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(t), df));
}

/** Two-sided p-value of a standard normal statistic. */
export function zTwoSidedP(z: number): number | null {
  if (!Number.isFinite(z)) return null;
  return Math.min(1, 2 * jStat.normal.cdf(-Math.abs(z), 0, 1));
}
