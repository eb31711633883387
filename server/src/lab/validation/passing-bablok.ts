// Passing–Bablok regression (Passing & Bablok 1983, J Clin Chem Clin Biochem 21:709–720): a line
// fitted without assumptions on the distribution of the errors, robust to outliers, for two methods
// that both measure with error and are expected to be related by a positive slope near 1.
// - Slopes Sᵢⱼ = (yⱼ − yᵢ)/(xⱼ − xᵢ) of all pairs i < j; a pair with xᵢ = xⱼ gives +∞ or −∞ by the
//   sign of yⱼ − yᵢ, a pair of identical points gives none, and slopes of exactly −1 are left out
//   (as in the paper). N slopes remain, sorted.
// - K = the number of slopes below −1. The slope b is the median of the sorted slopes shifted by K
//   (S₍(N+1)/2+K₎ for odd N, the mean of S₍N/2+K₎ and S₍N/2+1+K₎ for even N), which makes the
//   estimator symmetric in x and y.
// - Intercept a = median(yᵢ − b·xᵢ).
// - Confidence interval of the slope from the null distribution of Kendall's statistic:
//   C = z(1 − α/2)·√(n(n − 1)(2n + 5)/18), M₁ = (N − C)/2, M₂ = N − M₁ + 1, bounds S₍M₁+K₎ and
//   S₍M₂+K₎. As in the published reference implementations (Calanas, used by the R package mcr), C
//   is rounded to the nearest integer and the bounds are taken at the positions (N − C + 1)/2 + K and
//   (N + C + 1)/2 + K, with the mean of the two neighbours at a half position; the test fixtures
//   from those references pin this down. The intercept's interval is
//   [median(yᵢ − b_U·xᵢ), median(yᵢ − b_L·xᵢ)].
// The paper's cusum test for linearity is not implemented.
import { zCritical } from "./distributions.ts";
import { atPosition, median } from "./order-statistics.ts";
import type { PassingBablokFit } from "../../../../common/lab-validation.ts";
import { finiteInterval, notComputable, notEnoughPairs, type Outcome } from "./outcome.ts";

export type { PassingBablokFit };

export const PASSING_BABLOK_MIN_PAIRS = 3;

/** Passing–Bablok regression of the sensor (y) on the lab (x). */
export function passingBablok(x: readonly number[], y: readonly number[], confidence = 0.95): Outcome<PassingBablokFit> {
  const n = x.length;
  if (n < PASSING_BABLOK_MIN_PAIRS) return notEnoughPairs(n, PASSING_BABLOK_MIN_PAIRS, "Passing–Bablok regression");
  if (x.every((v) => v === x[0]) || y.every((v) => v === y[0])) {
    return notComputable("no-spread", n, "Passing–Bablok regression needs lab and sensor values that vary");
  }
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let N = 0;
  let K = 0;
  // Kendall's S (concordant minus discordant pairs): the method needs a positive relationship.
  let kendallS = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[j]! - x[i]!;
      const dy = y[j]! - y[i]!;
      kendallS += Math.sign(dx) * Math.sign(dy);
      if (dx === 0 && dy === 0) continue;
      const s = dx === 0 ? (dy > 0 ? Infinity : -Infinity) : dy / dx;
      if (s === -1) continue;
      if (s < -1) K++;
      slopes[N++] = s;
    }
  }
  if (kendallS <= 0) {
    return notComputable("no-positive-correlation", n, "Passing–Bablok regression assumes that sensor and lab values rise together; these pairs do not");
  }
  const sorted = slopes.subarray(0, N).sort();
  const slope = N % 2 === 1 ? atPosition(sorted, (N + 1) / 2 + K) : atPosition(sorted, N / 2 + K + 0.5);
  if (!Number.isFinite(slope)) return notComputable("no-spread", n, "Passing–Bablok regression needs lab values that vary");
  const intercept = median(x.map((xi, i) => y[i]! - slope * xi));
  if (!Number.isFinite(intercept)) return notComputable("no-spread", n, "Passing–Bablok regression needs lab values that vary");
  const C = Math.round(zCritical(confidence) * Math.sqrt((n * (n - 1) * (2 * n + 5)) / 18));
  const lower = atPosition(sorted, (N - C + 1) / 2 + K);
  const upper = atPosition(sorted, (N + C + 1) / 2 + K);
  const slopeCI = finiteInterval(lower, upper);
  const interceptCI =
    slopeCI === null ? null : finiteInterval(median(x.map((xi, i) => y[i]! - upper * xi)), median(x.map((xi, i) => y[i]! - lower * xi)));
  return {
    status: "ok",
    method: "passing-bablok",
    n,
    confidence,
    slope,
    intercept,
    slopeCI,
    interceptCI,
    slopesUsed: N,
    shift: K,
  };
}
