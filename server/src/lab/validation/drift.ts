// Drift: does the sensor's relative difference from the lab, rᵢ = 100·(sensor − lab)/lab, change over
// time? The trend is fitted against tᵢ in months since the first pair (a month = 365.2425/12 days),
// so a sensor that drifts by 20 % of the lab value a month shows a slope of about 20 (% per month).
// Chosen estimator: Theil–Sen (Theil 1950; Sen 1968, J Am Stat Assoc 63:1379–1389), the trend
// estimator of environmental monitoring (Gilbert 1987, Statistical Methods for Environmental
// Pollution Monitoring, ch. 16; Helsel & Hirsch 2002, Statistical Methods in Water Resources, USGS
// TWRI 4-A3). With a pair a week, one outlying lab result or a pair spoiled by a spike tilts a
// least-squares line; the median of the pairwise slopes is not moved by it.
// - Slope: median of (rⱼ − rᵢ)/(tⱼ − tᵢ) over the N′ pairs i < j with tᵢ ≠ tⱼ.
// - Intercept (Conover 1980): median(r) − slope·median(t), the trend's value at the first pair.
// - Confidence interval (Sen 1968; Gilbert 1987, ch. 16): C = z(1 − α/2)·√Var(S), the bounds are the
//   slopes at the ascending positions round((N′ − C)/2) and round((N′ + C)/2) + 1; null when those
//   fall outside the slopes (too few pairs).
// - p-value: Mann–Kendall test (Mann 1945; Kendall 1975; Gilbert 1987, ch. 16): S = Σᵢ<ⱼ sign(rⱼ − rᵢ)
//   over pairs in time order; Var(S) with Kendall's (1975) correction for ties in r and in t;
//   Z = (S − sign(S))/√Var(S) (continuity correction); two-sided p from the normal distribution.
// Least squares (slope, t-based CI and p-value with n − 2 degrees of freedom) is given alongside,
// for readers who expect it.
import { tCritical, tTwoSidedP, zCritical, zTwoSidedP } from "./distributions.ts";
import { atPosition, median } from "./order-statistics.ts";
import { MONTH_MS, type DriftTrend, type LeastSquaresTrend, type MannKendall } from "../../../../common/lab-validation.ts";
import { finiteInterval, notComputable, notEnoughPairs, type Outcome } from "./outcome.ts";

export { MONTH_MS };

export interface DriftPoint {
  /** Epoch ms, UTC. */
  time: number;
  relativeDifferencePercent: number;
}

export type { DriftTrend, LeastSquaresTrend, MannKendall };

export const DRIFT_MIN_PAIRS = 3;

export function driftTrend(points: readonly DriftPoint[], confidence = 0.95): Outcome<DriftTrend> {
  const n = points.length;
  if (n < DRIFT_MIN_PAIRS) return notEnoughPairs(n, DRIFT_MIN_PAIRS, "A drift trend");
  const sorted = [...points].sort((a, b) => a.time - b.time);
  const origin = sorted[0]!.time;
  const t = sorted.map((p) => (p.time - origin) / MONTH_MS);
  const r = sorted.map((p) => p.relativeDifferencePercent);
  if (t[n - 1] === t[0]) return notComputable("no-spread", n, "all pairs are at the same time: no trend can be fitted");

  const slopes: number[] = [];
  let S = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (t[j] === t[i]) continue;
      slopes.push((r[j]! - r[i]!) / (t[j]! - t[i]!));
      S += Math.sign(r[j]! - r[i]!);
    }
  }
  slopes.sort((a, b) => a - b);
  const N = slopes.length;
  const slope = median(slopes);
  const varS = kendallVarianceS(t, r);
  const C = zCritical(confidence) * Math.sqrt(varS);
  const slopeCI = finiteInterval(atPosition(slopes, Math.round((N - C) / 2)), atPosition(slopes, Math.round((N + C) / 2) + 1));
  const z = varS > 0 ? (S - Math.sign(S)) / Math.sqrt(varS) : 0;
  return {
    status: "ok",
    method: "theil-sen",
    n,
    confidence,
    origin,
    slopePercentPerMonth: slope,
    slopeCI,
    interceptPercent: median(r) - slope * median(t),
    mannKendall: { S, varS, z, pValue: zTwoSidedP(z) ?? 1 },
    leastSquares: leastSquares(t, r, confidence),
  };
}

/** Sizes of the groups of equal values (only groups of two or more matter). */
function tieGroups(values: readonly number[]): number[] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.values()].filter((c) => c > 1);
}

/**
 * Var(S) of Kendall's S under independence with ties in both rankings (Kendall 1975, Rank
 * Correlation Methods, ch. 4): with n values, tie groups u in t and v in r,
 * [n(n−1)(2n+5) − Σu(u−1)(2u+5) − Σv(v−1)(2v+5)]/18
 * + Σu(u−1)(u−2)·Σv(v−1)(v−2) / (9n(n−1)(n−2)) + Σu(u−1)·Σv(v−1) / (2n(n−1)).
 */
export function kendallVarianceS(t: readonly number[], r: readonly number[]): number {
  const n = t.length;
  const sum = (groups: number[], f: (g: number) => number) => groups.reduce((s, g) => s + f(g), 0);
  const u = tieGroups(t);
  const v = tieGroups(r);
  const base = (n * (n - 1) * (2 * n + 5) - sum(u, (g) => g * (g - 1) * (2 * g + 5)) - sum(v, (g) => g * (g - 1) * (2 * g + 5))) / 18;
  const triple = n > 2 ? (sum(u, (g) => g * (g - 1) * (g - 2)) * sum(v, (g) => g * (g - 1) * (g - 2))) / (9 * n * (n - 1) * (n - 2)) : 0;
  const double = (sum(u, (g) => g * (g - 1)) * sum(v, (g) => g * (g - 1))) / (2 * n * (n - 1));
  return base + triple + double;
}

function leastSquares(t: readonly number[], r: readonly number[], confidence: number): LeastSquaresTrend | null {
  const n = t.length;
  const mt = t.reduce((s, v) => s + v, 0) / n;
  const mr = r.reduce((s, v) => s + v, 0) / n;
  let stt = 0;
  let str = 0;
  for (let i = 0; i < n; i++) {
    stt += (t[i]! - mt) ** 2;
    str += (t[i]! - mt) * (r[i]! - mr);
  }
  if (!(stt > 0)) return null;
  const slope = str / stt;
  const intercept = mr - slope * mt;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (r[i]! - intercept - slope * t[i]!) ** 2;
  const slopeSE = Math.sqrt(sse / (n - 2) / stt);
  const tc = tCritical(confidence, n - 2);
  return {
    slope,
    intercept,
    slopeSE,
    slopeCI: tc === null ? null : finiteInterval(slope - tc * slopeSE, slope + tc * slopeSE),
    pValue: slopeSE > 0 ? tTwoSidedP(slope / slopeSE, n - 2) : null,
  };
}
