// Drift: the Theil–Sen trend of the relative difference against SciPy's implementation of the same
// estimators, the Mann–Kendall test with its arithmetic written out, and a sensor that drifts by
// 20 % a month.
import { describe, expect, it } from "vitest";
import { driftTrend, kendallVarianceS, MONTH_MS, type DriftPoint } from "../../server/src/lab/validation/drift.ts";

const DAY_MS = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);

// 26 weekly pairs sampled at slightly different hours: 20 %/month of drift plus noise, one outlying
// pair (index 10, +80 %), and one tie (59.06 twice).
const HOUR_JITTER = [0, 5, -3, 2, 7, -6, 1, 4, -2, 3, -5, 6, 0, -4, 2, 5, -1, 3, -7, 4, 1, -3, 6, -2, 0, 2];
const WEEKLY_R = [
  3.13, 2.33, 10.89, 9.59, 19.41, 25.78, 26.26, 28.7, 41.22, 41.72, 123.57, 51.91, 59.06, 59.06, 59.48, 71.64, 73.64, 76.45, 85.99, 84.78,
  93.46, 95.53, 105.48, 102.57, 111.05, 113.46,
];
const weekly: DriftPoint[] = WEEKLY_R.map((r, i) => ({ time: T0 + (i * 7 * 24 + HOUR_JITTER[i]!) * 3_600_000, relativeDifferencePercent: r }));

describe("drift trend (Theil–Sen)", () => {
  it("matches SciPy 1.17.1 for the weekly series", () => {
    // Computed with scipy.stats.theilslopes(r, t, 0.95) and scipy.stats.linregress(t, r), t = days / 30.436875:
    //   theilslopes: slope 19.810787758722654, intercept 2.3721407451212215,
    //                CI 19.051143719545212 to 20.66805609425786;
    //   linregress:  slope 19.333058566468747, stderr 1.7885906355072756, p 1.0530628652992035e-10.
    // No two slopes near the CI's positions are equal, so an off-by-one position would show.
    const d = driftTrend(weekly);
    if (d.status !== "ok") throw new Error(d.message);
    expect(d.slopePercentPerMonth).toBeCloseTo(19.810787758722654, 9);
    expect(d.interceptPercent).toBeCloseTo(2.3721407451212215, 9);
    expect(d.slopeCI!.lower).toBeCloseTo(19.051143719545212, 9);
    expect(d.slopeCI!.upper).toBeCloseTo(20.66805609425786, 9);
    expect(d.leastSquares!.slope).toBeCloseTo(19.333058566468747, 9);
    expect(d.leastSquares!.slopeSE).toBeCloseTo(1.7885906355072756, 9);
    expect(d.leastSquares!.pValue! / 1.0530628652992035e-10).toBeCloseTo(1, 5);
    expect(d.origin).toBe(T0);
  });

  it("is not tilted by the outlying pair, where least squares is", () => {
    const d = driftTrend(weekly);
    if (d.status !== "ok" || !d.leastSquares) throw new Error("expected a trend");
    expect(Math.abs(d.slopePercentPerMonth - 20)).toBeLessThan(Math.abs(d.leastSquares.slope - 20));
  });

  it("shows a sensor drifting by 20 % a month as a trend of 20 %/month", () => {
    // Sensor = lab × (1 + 0.2 × months): the relative difference is 20 × months, exactly.
    const points = Array.from({ length: 12 }, (_, i) => ({ time: T0 + i * 7 * DAY_MS, relativeDifferencePercent: (20 * (i * 7 * DAY_MS)) / MONTH_MS }));
    const d = driftTrend(points);
    expect(d).toMatchObject({ status: "ok", slopePercentPerMonth: expect.closeTo(20, 9), interceptPercent: expect.closeTo(0, 9) });
  });

  it("computes the Mann–Kendall test for four rising values", () => {
    // S = 6 (all 6 pairs rise); Var(S) = 4·3·13/18 = 8.6667; Z = (6 − 1)/√8.6667 = 1.69842;
    // two-sided p = 2·(1 − Φ(1.69842)) = 0.08943.
    const d = driftTrend([1, 2, 4, 8].map((r, i) => ({ time: T0 + i * 30 * DAY_MS, relativeDifferencePercent: r })));
    if (d.status !== "ok") throw new Error(d.message);
    expect(d.mannKendall.S).toBe(6);
    expect(d.mannKendall.varS).toBeCloseTo(104 / 12, 12);
    expect(d.mannKendall.z).toBeCloseTo(1.698416, 5);
    expect(d.mannKendall.pValue).toBeCloseTo(0.089429, 5);
    // n = 4: C = 1.96·√8.6667 = 5.77, positions round(0.11) = 0 and round(5.89) + 1 = 7: outside the 6 slopes.
    expect(d.slopeCI).toBeNull();
  });

  it.each([
    // n = 5, ties in r: groups of 2 and 3 → [5·4·15 − 2·1·9 − 3·2·11]/18 = (300 − 18 − 66)/18 = 12.
    ["ties in the relative differences", [0, 1, 2, 3, 4], [1, 1, 2, 2, 2], 12],
    // Ties in both: t groups {2}, r groups {2}: (300 − 18 − 18)/18 + 0 + (2·2)/(2·5·4) = 14.6667 + 0.1.
    ["ties in time and in the relative differences", [0, 0, 1, 2, 3], [5, 5, 6, 7, 8], 264 / 18 + 0.1],
    ["no ties", [0, 1, 2, 3, 4], [5, 1, 4, 2, 3], 300 / 18],
  ])("corrects Var(S) for %s", (_what, t, r, expected) => {
    expect(kendallVarianceS(t, r)).toBeCloseTo(expected, 12);
  });

  it("gives a p-value of 1 and a flat trend when the relative difference never changes", () => {
    const d = driftTrend([0, 1, 2, 3].map((i) => ({ time: T0 + i * 7 * DAY_MS, relativeDifferencePercent: 5 })));
    expect(d).toMatchObject({ status: "ok", slopePercentPerMonth: 0, interceptPercent: 5, mannKendall: { S: 0, pValue: 1 } });
    if (d.status === "ok") expect(d.leastSquares).toMatchObject({ slope: 0, slopeSE: 0, pValue: null });
  });

  it.each([
    ["two pairs", [0, 7], "not-enough-pairs"],
    ["pairs all at one time", [0, 0, 0], "no-spread"],
  ])("says why there is no trend for %s", (_what, days, reason) => {
    const points = days.map((day, i) => ({ time: T0 + day * DAY_MS, relativeDifferencePercent: i }));
    expect(driftTrend(points)).toMatchObject({ status: "not-computable", reason });
  });
});
