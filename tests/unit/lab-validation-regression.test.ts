// Deming and Passing–Bablok regression against reference results computed by independent programs
// (Analyse-it, Calanas, Roche's test case; see lab-validation-fixtures.ts), and the cases where no
// line can be fitted.
import { describe, expect, it } from "vitest";
import { demingRegression } from "../../server/src/lab/validation/deming.ts";
import { passingBablok } from "../../server/src/lab/validation/passing-bablok.ts";
import type { Outcome } from "../../server/src/lab/validation/outcome.ts";
import { INTRANET_01, TD15, TD9, type RegressionReference } from "./lab-validation-fixtures.ts";

type Fit = { slope: number; intercept: number; slopeCI: { lower: number; upper: number } | null; interceptCI: { lower: number; upper: number } | null };

function expectMatches(fit: Outcome<Fit>, ref: RegressionReference, relTol: number): void {
  if (fit.status !== "ok") throw new Error(`expected a fit, got ${fit.message}`);
  const rel = (actual: number | undefined, expected: number) => Math.abs((actual ?? Number.NaN) - expected) / Math.abs(expected);
  expect(rel(fit.slope, ref.slope)).toBeLessThan(relTol);
  expect(rel(fit.intercept, ref.intercept)).toBeLessThan(relTol);
  expect(rel(fit.slopeCI?.lower, ref.slopeLower)).toBeLessThan(relTol);
  expect(rel(fit.slopeCI?.upper, ref.slopeUpper)).toBeLessThan(relTol);
  expect(rel(fit.interceptCI?.lower, ref.interceptLower)).toBeLessThan(relTol);
  expect(rel(fit.interceptCI?.upper, ref.interceptUpper)).toBeLessThan(relTol);
}

describe("Deming regression (jackknife CIs) against Analyse-it's results", () => {
  it.each([
    [TD15, "1", 1],
    [TD15, "1.21", 1.21],
    [TD9, "1", 1],
    [TD9, "1.21", 1.21],
  ] as const)("%s with error ratio %s matches to 1e-6 (relative)", (c, key, errorRatio) => {
    expectMatches(demingRegression(c.x, c.y, { errorRatio }), c.deming[key]!, 1e-6);
  });

  it("gives jackknife standard errors that reproduce the intervals: CI = estimate ± t(0.975, n − 2)·SE", () => {
    const fit = demingRegression(TD15.x, TD15.y);
    if (fit.status !== "ok") throw new Error(fit.message);
    // t(0.975, 48) = 2.0106348 (n = 50)
    expect((fit.slopeCI!.upper - fit.slope) / fit.slopeSE!).toBeCloseTo(2.0106348, 6);
    expect((fit.interceptCI!.upper - fit.intercept) / fit.interceptSE!).toBeCloseTo(2.0106348, 6);
  });

  it("fits y = 2x exactly when the points lie on it, for any error ratio", () => {
    for (const errorRatio of [0.25, 1, 4]) {
      const fit = demingRegression([1, 2, 3, 4], [2, 4, 6, 8], { errorRatio });
      expect(fit).toMatchObject({ status: "ok", slope: expect.closeTo(2, 12), intercept: expect.closeTo(0, 12) });
    }
  });

  it.each([
    ["two pairs", [1, 2], [1, 2], "not-enough-pairs"],
    ["identical lab values", [5, 5, 5, 5], [4, 5, 6, 7], "no-spread"],
    ["identical sensor values", [1, 2, 3, 4], [3, 3, 3, 3], "no-spread"],
    ["uncorrelated values (covariance 0)", [1, 2, 3, 4, 5], [1, 3, 5, 3, 1], "no-spread"],
  ])("says why there is no line for %s", (_what, x, y, reason) => {
    expect(demingRegression(x, y)).toMatchObject({ status: "not-computable", reason });
  });

  it("gives the line without intervals when a leave-one-out fit is undefined", () => {
    // Without the point (3, 9), the others (1, 1), (2, 1), (4, 1) have no covariance.
    const fit = demingRegression([1, 2, 4, 3], [1, 1, 1, 9]);
    expect(fit).toMatchObject({ status: "ok", slopeSE: null, slopeCI: null, interceptCI: null });
  });
});

describe("Passing–Bablok regression against Calanas' and Roche's results", () => {
  it.each([
    [TD15, 1e-6],
    [TD9, 1e-6],
    [INTRANET_01, 1e-4],
  ] as const)("%s matches to the stated precision", (c, tol) => {
    expectMatches(passingBablok(c.x, c.y), c.passingBablok, tol);
  });

  it("is symmetric: swapping the methods inverts the slope", () => {
    const a = passingBablok(TD15.x, TD15.y);
    const b = passingBablok(TD15.y, TD15.x);
    if (a.status !== "ok" || b.status !== "ok") throw new Error("expected fits");
    expect(b.slope).toBeCloseTo(1 / a.slope, 12);
  });

  it("is not moved by one wild pair, where Deming is", () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const y = x.map((v) => 1.1 * v);
    y[11] = 60; // a fouled sensor
    const pb = passingBablok(x, y);
    const dem = demingRegression(x, y);
    expect(pb).toMatchObject({ status: "ok", slope: expect.closeTo(1.1, 12), intercept: expect.closeTo(0, 12) });
    expect(dem.status === "ok" && dem.slope).toBeGreaterThan(2);
  });

  it("takes identical lab values as infinite slopes and identical points as none (ties)", () => {
    // Points 0..5: (1, 1), (1, 1.5), (1, 1), (2, 2), (3, 3), (4, 4). Of the 15 pairs, 0–2 are identical
    // (no slope), 0–1 gives +∞ and 1–2 gives −∞ (below −1: K = 1); the other 12 are finite:
    // 0.5, 0.75, 0.833 (from (1, 1.5)) and nine slopes of 1. N = 14, even: the mean of the slopes at
    // positions N/2 + K = 8 and 9 of −∞, 0.5, 0.75, 0.833, 1 × 9, +∞, both 1.
    const fit = passingBablok([1, 1, 1, 2, 3, 4], [1, 1.5, 1, 2, 3, 4]);
    expect(fit).toMatchObject({ status: "ok", slopesUsed: 14, shift: 1, slope: 1 });
  });

  it("leaves out slopes of exactly −1 and shifts the median by the slopes below −1", () => {
    // Points (0,0), (1,1), (2,2), (3,3), (4,0): slopes to (4,0) are 0, −1/3, −1, −3; the −1 is left
    // out, −3 is below −1 (K = 1); the six others are 1. Sorted: −3, −1/3, 0, 1 × 6 (N = 9); the
    // median is at position (9 + 1)/2 + K = 6: 1.
    const fit = passingBablok([0, 1, 2, 3, 4], [0, 1, 2, 3, 0]);
    expect(fit).toMatchObject({ status: "ok", slopesUsed: 9, shift: 1, slope: 1 });
    // (0,0), (1,2), (2,1), (3,3): slopes 2, 0.5, 1, 0.5, 2 and (1,2)–(2,1) = −1, left out.
    // Sorted: 0.5, 0.5, 1, 2, 2 (N = 5, K = 0): the median at position 3 is 1.
    expect(passingBablok([0, 1, 2, 3], [0, 2, 1, 3])).toMatchObject({ status: "ok", slopesUsed: 5, shift: 0, slope: 1 });
  });

  it("shifts the median by K: a slope below −1 moves the estimate up one position", () => {
    // (0,0), (1,1), (2,2), (3,0): slopes 1, 2/2 = 1, 0 (from (0,0)-(3,0)), 1 ((1,1)-(2,2)),
    // (1,1)-(3,0) = −0.5, (2,2)-(3,0) = −2 (K = 1). Sorted: −2, −0.5, 0, 1, 1, 1 (N = 6): the mean of
    // positions N/2 + K = 4 and 5 is 1; unshifted (positions 3 and 4) it would be 0.5.
    expect(passingBablok([0, 1, 2, 3], [0, 1, 2, 0])).toMatchObject({ status: "ok", slopesUsed: 6, shift: 1, slope: 1 });
  });

  it.each([
    ["two pairs", [1, 2], [1, 2], "not-enough-pairs"],
    ["falling sensor values", [1, 2, 3, 4, 5], [5, 4, 3, 2, 1], "no-positive-correlation"],
    ["identical lab values", [2, 2, 2, 2], [1, 2, 3, 4], "no-spread"],
    ["identical sensor values", [1, 2, 3, 4], [2, 2, 2, 2], "no-spread"],
    ["no relationship (Kendall's S = 0)", [1, 2, 3, 4], [1, 3, 3, 1], "no-positive-correlation"],
  ])("says why there is no line for %s", (_what, x, y, reason) => {
    expect(passingBablok(x, y)).toMatchObject({ status: "not-computable", reason });
  });

  it("gives no interval, rather than a wrong one, when there are too few pairs for it", () => {
    // n = 3: C = round(1.96·√(3·2·11/18)) = round(3.75) = 4 > N = 3.
    const fit = passingBablok([1, 2, 3], [1.1, 1.9, 3.2]);
    expect(fit).toMatchObject({ status: "ok", slopeCI: null, interceptCI: null });
  });
});
