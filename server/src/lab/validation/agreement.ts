// Agreement between sensor and lab, the lab being the reference method.
// - Mean bias: mean of (sensor − lab), and mean of the relative differences 100·(sensor − lab)/lab.
// - RMSE: √(mean((sensor − lab)²)): bias and scatter in one number, in the parameter's unit.
// - Bland–Altman (Bland & Altman 1986, Lancet i:307–310): mean difference d̄, its SD s, 95 % limits of
//   agreement d̄ ± 1.96·s. Confidence intervals (Bland & Altman 1999, Stat Methods Med Res
//   8:135–160): SE(d̄) = s/√n; SE(limit) = s·√(1/n + 1.96²/(2(n − 1))); each interval is
//   estimate ± t(1 − α/2, n − 1)·SE. The same analysis on relative differences (%) suits a sensor
//   whose error grows with the concentration (a constant SD in % rather than in ng/L).
import { tCritical } from "./distributions.ts";
import type { Agreement, BlandAltman } from "../../../../common/lab-validation.ts";
import { finiteInterval, notComputable, notEnoughPairs, type Outcome } from "./outcome.ts";

/** The multiplier of the 95 % limits of agreement (Bland & Altman 1986). */
export const LOA_MULTIPLIER = 1.96;

export type { Agreement, BlandAltman };

export const BLAND_ALTMAN_MIN_PAIRS = 2;

/** Bland–Altman statistics of `differences` (test − reference, or their relative form). */
export function blandAltman(differences: readonly number[], scale: BlandAltman["scale"], confidence = 0.95): Outcome<BlandAltman> {
  const n = differences.length;
  if (n < BLAND_ALTMAN_MIN_PAIRS) return notEnoughPairs(n, BLAND_ALTMAN_MIN_PAIRS, "Bland–Altman analysis");
  const mean = differences.reduce((s, d) => s + d, 0) / n;
  const sd = Math.sqrt(differences.reduce((s, d) => s + (d - mean) ** 2, 0) / (n - 1));
  if (!Number.isFinite(sd)) return notComputable("no-spread", n, "the differences are not finite numbers");
  const seMean = sd / Math.sqrt(n);
  const seLimit = sd * Math.sqrt(1 / n + LOA_MULTIPLIER ** 2 / (2 * (n - 1)));
  const t = tCritical(confidence, n - 1);
  const ci = (est: number, se: number) => (t === null ? null : finiteInterval(est - t * se, est + t * se));
  const lowerLimit = mean - LOA_MULTIPLIER * sd;
  const upperLimit = mean + LOA_MULTIPLIER * sd;
  return {
    status: "ok",
    n,
    scale,
    confidence,
    meanDifference: mean,
    sdDifference: sd,
    meanDifferenceCI: ci(mean, seMean),
    lowerLimit,
    upperLimit,
    lowerLimitCI: ci(lowerLimit, seLimit),
    upperLimitCI: ci(upperLimit, seLimit),
    seMeanDifference: seMean,
    seLimit,
  };
}

/**
 * Agreement of sensor values `test` with lab values `reference`. The pairing excludes lab values
 * that are not positive; should one arrive here, it is left out of the relative statistics.
 */
export function agreement(reference: readonly number[], test: readonly number[], confidence = 0.95): Outcome<Agreement> {
  const n = reference.length;
  if (n < BLAND_ALTMAN_MIN_PAIRS) return notEnoughPairs(n, BLAND_ALTMAN_MIN_PAIRS, "Agreement statistics");
  const diff = reference.map((r, i) => test[i]! - r);
  const rel = reference.flatMap((r, i) => (r > 0 ? [(100 * diff[i]!) / r] : []));
  const mean = (v: readonly number[]) => v.reduce((s, d) => s + d, 0) / v.length;
  return {
    status: "ok",
    n,
    meanBias: mean(diff),
    meanRelativeBiasPercent: rel.length > 0 ? mean(rel) : null,
    rmse: Math.sqrt(mean(diff.map((d) => d * d))),
    blandAltman: blandAltman(diff, "absolute", confidence),
    relativeBlandAltman: blandAltman(rel, "relative", confidence),
  };
}
