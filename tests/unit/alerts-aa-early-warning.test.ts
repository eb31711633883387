import { describe, expect, it } from "vitest";
import { earlyWarningCondition, type EarlyWarningInput } from "../../server/src/alerts/aa-early-warning.ts";
import { meanOf, type CensoredValue } from "../../common/statistics/censored-mean.ts";

const DAY = 86_400_000;
const TEN_MIN = 600_000;
const q = (value: number): CensoredValue => ({ value, qualifier: null, limit: null });
const lod = (limit: number): CensoredValue => ({ value: null, qualifier: "<LOD", limit });

function input(values: CensoredValue[], over: Partial<EarlyWarningInput> = {}): EarlyWarningInput {
  return { mean: meanOf(values), windowMs: 30 * DAY, intervalMs: TEN_MIN, minCoverage: 0.8, threshold: 40, sensitiveEnough: true, clearRatio: 0.9, ...over };
}
const repeat = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

describe("AA-EQS early warning", () => {
  // 30 days of 10-minute readings: 30 × 144 = 4,320 expected; 80 % = 3,456.
  it("does not fire on two days of data however high the mean (2 × 144 = 288 readings = 6.7 % coverage)", () => {
    const r = earlyWarningCondition(input(repeat(288, q(75))));
    expect(r.condition).toBe("unknown");
    expect(r.reason).toBe("insufficient-coverage");
    expect(r.coverage).toBeCloseTo(288 / 4320, 12);
  });

  it("fires once 80 % of the window's readings are there and the mean is above the standard", () => {
    expect(earlyWarningCondition(input(repeat(3455, q(75)))).condition).toBe("unknown");
    const r = earlyWarningCondition(input(repeat(3456, q(75))));
    expect(r.condition).toBe("breach");
    expect(r.compared).toBe(75);
  });

  it("never compares a mean of never-detected values: EE2 at LOD 0.05 ng/L against AA-EQS 0.017 ng/L", () => {
    // mean = 0.05 / 2 = 0.025 > 0.017, but it is below the LOD: reported "< LOD", never an alert
    const r = earlyWarningCondition(input(repeat(4320, lod(0.05)), { threshold: 0.017, sensitiveEnough: false }));
    expect(r.condition).toBe("clear");
    expect(r.reason).toBe("below-limit");
  });

  it("compares only the lower bound when the method is not sensitive enough (Directive 2009/90/EC Art. 4)", () => {
    // 2,160 × 0.1 and 2,160 × <LOD 0.05: mean (2160 × 0.1 + 2160 × 0.025) / 4320 = 0.0625 > 0.05 (not below the LOD),
    // lower bound (2160 × 0.1) / 4320 = 0.05: above 0.017 → breach only because quantified values say so.
    const values = [...repeat(2160, q(0.1)), ...repeat(2160, lod(0.05))];
    const r = earlyWarningCondition(input(values, { threshold: 0.017, sensitiveEnough: false }));
    expect(r.compared).toBeCloseTo(0.05, 12);
    expect(r.condition).toBe("breach");
    // Against a standard of 0.06 the substituted mean (0.0625) would breach, the lower bound (0.05) does not.
    const r2 = earlyWarningCondition(input(values, { threshold: 0.06, sensitiveEnough: false }));
    expect(r2.condition).toBe("clear");
  });

  it("holds in the hysteresis band and clears below it (40 × 0.9 = 36)", () => {
    expect(earlyWarningCondition(input(repeat(4320, q(38)))).condition).toBe("hold");
    expect(earlyWarningCondition(input(repeat(4320, q(35)))).condition).toBe("clear");
  });

  it("says nothing without data", () => {
    expect(earlyWarningCondition(input([])).condition).toBe("unknown");
  });
});
