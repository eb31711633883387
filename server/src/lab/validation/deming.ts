// Deming regression: a straight line when both methods measure with error (Deming 1943; for method
// comparison Cornbleet & Gochman 1979, Clin Chem 25:432–438; Linnet 1990, Stat Med 9:1463–1473,
// and 1993, Clin Chem 39:424–432). It assumes normally distributed errors whose variance ratio is
// known and constant over the range; it minimises the squared distances along the direction given by
// that ratio. (Weighted Deming for errors proportional to the concentration, Linnet 1990, is not
// implemented: Passing–Bablok copes with those without a model of the errors.)
//   errorRatio λ = σ²(lab error) / σ²(sensor error): x is the lab (reference), y the sensor (test),
//   the same convention as the R package mcr's `error.ratio`. λ = 1 (the default) when both are
//   equally precise; λ → 0 makes it ordinary least squares of y on x (an error-free lab).
// Point estimates (Cornbleet & Gochman 1979; Linnet 1993), with u = Σ(x − x̄)², q = Σ(y − ȳ)²,
// p = Σ(x − x̄)(y − ȳ):
//   slope b = [(λq − u) + √((u − λq)² + 4λp²)] / (2λp),   intercept a = ȳ − b x̄.
// Standard errors by the jackknife (Linnet 1990, 1993: closer to the nominal coverage than the
// large-sample formulas): leave each pair out in turn, pseudo-values bᵢ* = n·b − (n − 1)·b₍₋ᵢ₎,
// SE = √(Σ(bᵢ* − b̄*)² / (n(n − 1))), CI = estimate ± t(1 − α/2, n − 2)·SE. With n − 2 degrees of
// freedom the intervals agree with the Analyse-it reference results that the R package mcr ships
// as test cases (tests/unit/lab-validation-regression.test.ts).
import { tCritical } from "./distributions.ts";
import type { DemingFit } from "../../../../common/lab-validation.ts";
import { finiteInterval, notComputable, notEnoughPairs, type Outcome } from "./outcome.ts";

export interface DemingOptions {
  /** σ²(lab error) / σ²(sensor error); 1 when both are equally precise. */
  errorRatio: number;
  /** Confidence level of the intervals, e.g. 0.95. */
  confidence: number;
}

export const DEFAULT_DEMING: DemingOptions = Object.freeze({ errorRatio: 1, confidence: 0.95 });

export type { DemingFit };

/** Three pairs at least: the jackknife interval has n − 2 degrees of freedom. */
export const DEMING_MIN_PAIRS = 3;

interface Line {
  slope: number;
  intercept: number;
}

/** The Deming line through the pairs with index ≠ `skip`; null when it is undefined. */
function fit(x: readonly number[], y: readonly number[], lambda: number, skip = -1): Line | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (i === skip) continue;
    sx += x[i]!;
    sy += y[i]!;
    n++;
  }
  const mx = sx / n;
  const my = sy / n;
  // Centred sums in a second pass: no cancellation at large magnitudes (1e7 ng/L) or small (1e-5).
  let u = 0;
  let q = 0;
  let p = 0;
  for (let i = 0; i < x.length; i++) {
    if (i === skip) continue;
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    u += dx * dx;
    q += dy * dy;
    p += dx * dy;
  }
  if (p === 0) return null;
  const d = lambda * q - u;
  const root = Math.sqrt(d * d + 4 * lambda * p * p);
  // The same root written as 2p / (root − d) where d < 0, so that it never subtracts nearly equal numbers.
  const slope = d >= 0 ? (d + root) / (2 * lambda * p) : (2 * p) / (root - d);
  const intercept = my - slope * mx;
  return Number.isFinite(slope) && Number.isFinite(intercept) ? { slope, intercept } : null;
}

/** Deming regression of the sensor (y) on the lab (x). */
export function demingRegression(x: readonly number[], y: readonly number[], options: Partial<DemingOptions> = {}): Outcome<DemingFit> {
  const { errorRatio, confidence } = { ...DEFAULT_DEMING, ...options };
  const n = x.length;
  if (n < DEMING_MIN_PAIRS) return notEnoughPairs(n, DEMING_MIN_PAIRS, "Deming regression");
  if (x.every((v) => v === x[0]) || y.every((v) => v === y[0])) {
    return notComputable("no-spread", n, "Deming regression needs lab and sensor values that vary");
  }
  const line = fit(x, y, errorRatio);
  if (line === null) return notComputable("no-spread", n, "lab and sensor values are uncorrelated (covariance 0): the Deming slope is undefined");
  const jack = jackknife(x, y, errorRatio, line);
  const t = tCritical(confidence, n - 2);
  const interval = (est: number, se: number | null) => (se === null || t === null ? null : finiteInterval(est - t * se, est + t * se));
  return {
    status: "ok",
    method: "deming",
    n,
    errorRatio,
    confidence,
    slope: line.slope,
    intercept: line.intercept,
    slopeSE: jack?.slopeSE ?? null,
    interceptSE: jack?.interceptSE ?? null,
    slopeCI: interval(line.slope, jack?.slopeSE ?? null),
    interceptCI: interval(line.intercept, jack?.interceptSE ?? null),
  };
}

function jackknife(x: readonly number[], y: readonly number[], lambda: number, full: Line): { slopeSE: number; interceptSE: number } | null {
  const n = x.length;
  const pseudoSlope: number[] = [];
  const pseudoIntercept: number[] = [];
  for (let i = 0; i < n; i++) {
    const loo = fit(x, y, lambda, i);
    if (loo === null) return null;
    pseudoSlope.push(n * full.slope - (n - 1) * loo.slope);
    pseudoIntercept.push(n * full.intercept - (n - 1) * loo.intercept);
  }
  return { slopeSE: pseudoSE(pseudoSlope), interceptSE: pseudoSE(pseudoIntercept) };
}

function pseudoSE(pseudo: readonly number[]): number {
  const n = pseudo.length;
  const mean = pseudo.reduce((s, v) => s + v, 0) / n;
  const ss = pseudo.reduce((s, v) => s + (v - mean) ** 2, 0);
  return Math.sqrt(ss / (n * (n - 1)));
}
