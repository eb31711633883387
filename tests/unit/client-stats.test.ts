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
    expect(meanOf(points)).toEqual({ v: 6, allBelowLod: false });
  });

  it("reports a mean over only censored values as censored", () => {
    expect(meanOf([{ t: 0, v: null, qualifier: "<LOD", limit: 2, qc: 1 }, { t: 1, v: null, qualifier: "<LOD", limit: 2, qc: 1 }])).toEqual({ v: 1, allBelowLod: true });
    expect(meanOf([])).toBeUndefined();
  });

  it("weights aggregate means by their counts", () => {
    expect(meanOf([{ t: 0, v: 10, n: 1 }, { t: 1, v: 20, n: 3 }])?.v).toBe(17.5);
  });

  it("computes a trailing time-window rolling mean", () => {
    const points: SeriesPoint[] = [0, 1, 2, 3, 4].map((i) => ({ t: i * H, v: i * 10, qc: 1 }));
    const means = rollingMean(points, 2 * H).map((m) => m.v);
    // Window (t-2h, t]: [0], [0,10], [10,20], [20,30], [30,40]
    expect(means).toEqual([0, 5, 15, 25, 35]);
  });

  it("skips failed points in the rolling mean", () => {
    const points: SeriesPoint[] = [
      { t: 0, v: 10, qc: 1 },
      { t: H, v: 999, qc: 4 },
      { t: 2 * H, v: 20, qc: 1 },
    ];
    expect(rollingMean(points, 24 * H)).toEqual([
      { t: 0, v: 10, allBelowLod: false },
      { t: 2 * H, v: 15, allBelowLod: false },
    ]);
  });

  it("widens the window for longer ranges", () => {
    expect(rollingWindowFor(24 * H)).toBe(24 * H);
    expect(rollingWindowFor(30 * 24 * H)).toBe(7 * 24 * H);
    expect(rollingWindowFor(365 * 24 * H)).toBe(30 * 24 * H);
  });
});
