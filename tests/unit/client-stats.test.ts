// Client means go through common/statistics/censored-mean.ts (Directive 2009/90/EC Art. 5): failed
// values out, censored values at half the limit they carry, a mean below its highest limit reported
// as "< LOQ"/"< LOD", and every mean with its count.
import { describe, expect, it } from "vitest";
import type { SeriesPoint } from "../../common/api-types.ts";
import { meanOf, rollingMean, rollingWindowFor } from "../../client/src/stats.ts";

const H = 3_600_000;

describe("client means (Directive 2009/90/EC conventions)", () => {
  it("excludes failed values and counts censored values as half the limit they carry (LOD/2, LOQ/2)", () => {
    const points: SeriesPoint[] = [
      { t: 0, v: 10, qc: 1 },
      { t: 1, v: null, qualifier: "<LOD", limit: 4, qc: 1 },
      { t: 2, v: 1000, qc: 4 },
      // (10 + 4/2 + 12/2) / 3 = 6
      { t: 3, v: null, qualifier: "<LOQ", limit: 12, qc: 1 },
    ];
    // 6 is below the highest limit (the LOQ of 12): reported "< LOQ" (Art. 5(2)).
    expect(meanOf(points)).toMatchObject({ mean: 6, n: 3, nCensored: 2, substitution: "LOD/2 and LOQ/2", reportedBelow: "<LOQ", limit: 12 });
  });

  it("reports a mean over only censored values as below the limit, and none without values", () => {
    expect(meanOf([{ t: 0, v: null, qualifier: "<LOD", limit: 2, qc: 1 }, { t: 1, v: null, qualifier: "<LOD", limit: 2, qc: 1 }])).toMatchObject({ mean: 1, n: 2, reportedBelow: "<LOD", limit: 2 });
    expect(meanOf([])).toMatchObject({ n: 0, mean: null });
  });

  it("weights aggregate means by their counts and holds them against the interval's highest limit", () => {
    expect(meanOf([{ t: 0, v: 10, n: 1 }, { t: 1, v: 20, n: 3 }])).toMatchObject({ mean: 17.5, n: 4, reportedBelow: null });
    // (2 × 8.35 + 1 × 20) / 3 = 12.23 < 16.7: the servers' limits travel with the aggregates.
    const m = meanOf([{ t: 0, v: 8.35, n: 2, nBelowLod: 2, qualifier: "<LOQ", limit: 16.7, reportedBelow: "<LOQ" }, { t: 1, v: 20, n: 1, nBelowLod: 0 }]);
    expect(m.mean).toBeCloseTo(36.7 / 3, 12);
    expect(m).toMatchObject({ reportedBelow: "<LOQ", limit: 16.7, n: 3 });
  });

  it("computes a trailing time-window rolling mean with its count", () => {
    const points: SeriesPoint[] = [0, 1, 2, 3, 4].map((i) => ({ t: i * H, v: i * 10, qc: 1 }));
    const means = rollingMean(points, 2 * H).map((m) => [m.mean.mean, m.mean.n]);
    // Window (t-2h, t]: [0], [0,10], [10,20], [20,30], [30,40]
    expect(means).toEqual([[0, 1], [5, 2], [15, 2], [25, 2], [35, 2]]);
  });

  it("skips failed points in the rolling mean, and reports a window of censored values as such", () => {
    const points: SeriesPoint[] = [
      { t: 0, v: 10, qc: 1 },
      { t: H, v: 999, qc: 4 },
      { t: 2 * H, v: 20, qc: 1 },
      { t: 30 * H, v: null, qualifier: "<LOQ", limit: 16.7, qc: 1 },
    ];
    expect(rollingMean(points, 24 * H).map((m) => [m.t, m.mean.mean, m.mean.n, m.mean.reportedBelow])).toEqual([
      [0, 10, 1, null],
      [2 * H, 15, 2, null],
      [30 * H, 8.35, 1, "<LOQ"],
    ]);
  });

  it("widens the window for longer ranges", () => {
    expect(rollingWindowFor(24 * H)).toBe(24 * H);
    expect(rollingWindowFor(30 * 24 * H)).toBe(7 * 24 * H);
    expect(rollingWindowFor(365 * 24 * H)).toBe(30 * 24 * H);
  });
});
