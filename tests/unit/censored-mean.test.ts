// Directive 2009/90/EC Art. 5 (LOQ/2 substitution, "< LOQ" means) and Art. 4 (sensitivity), with the
// arithmetic of each case written out.
import { describe, expect, it } from "vitest";
import { addValue, censoredMean, comparableMean, emptySums, meanOf, mergeSums, type CensoredValue } from "../../common/statistics/censored-mean.ts";

const q = (value: number): CensoredValue => ({ value, qualifier: null, limit: null });
const lod = (limit: number): CensoredValue => ({ value: null, qualifier: "<LOD", limit });
const loq = (limit: number): CensoredValue => ({ value: null, qualifier: "<LOQ", limit });

describe("censored means (Directive 2009/90/EC Art. 5)", () => {
  it("counts a value below the LOQ as half the LOQ: (10 + 20 + 4/2) / 3 = 32 / 3", () => {
    const m = meanOf([q(10), q(20), loq(4)]);
    expect(m.mean).toBeCloseTo(32 / 3, 12);
    expect(m.n).toBe(3);
    expect(m.nCensored).toBe(1);
    expect(m.substitution).toBe("LOQ/2");
    expect(m.reportedBelow).toBeNull(); // 10.67 is not below the LOQ of 4
  });

  it("reports a mean below the LOQ as '< LOQ' (Art. 5(2)): (3 + 5/2 + 5/2) / 3 = 8/3 = 2.67 < 5", () => {
    const m = meanOf([q(3), loq(5), loq(5)]);
    expect(m.mean).toBeCloseTo(8 / 3, 12);
    expect(m.reportedBelow).toBe("<LOQ");
    expect(m.limit).toBe(5);
    expect(comparableMean(m, true)).toBeNull();
  });

  it("uses half the LOD for a value that carries an LOD, and says so", () => {
    // (0.05/2 × 4) / 4 = 0.025 ng/L, below the LOD of 0.05: "< LOD", whatever the EQS (EE2: 0.017 ng/L)
    const m = meanOf([lod(0.05), lod(0.05), lod(0.05), lod(0.05)]);
    expect(m.mean).toBeCloseTo(0.025, 12);
    expect(m.substitution).toBe("LOD/2");
    expect(m.reportedBelow).toBe("<LOD");
    expect(comparableMean(m, false)).toBeNull();
  });

  it("says both substitutions were used, and holds the mean against the highest limit", () => {
    // (2/2 + 6/2 + 7) / 3 = (1 + 3 + 7) / 3 = 11/3 = 3.67 < 6 (the LOQ, the highest limit): "< LOQ"
    const m = meanOf([lod(2), loq(6), q(7)]);
    expect(m.mean).toBeCloseTo(11 / 3, 12);
    expect(m.substitution).toBe("LOD/2 and LOQ/2");
    expect(m.reportedBelow).toBe("<LOQ");
    expect(m.limit).toBe(6);
  });

  it("gives the lower bound with censored values at 0: (0 + 0 + 9) / 3 = 3", () => {
    const m = meanOf([loq(4), loq(4), q(9)]);
    // mean (2 + 2 + 9) / 3 = 13/3 = 4.33, not below 4
    expect(m.mean).toBeCloseTo(13 / 3, 12);
    expect(m.lowerBound).toBeCloseTo(3, 12);
    expect(m.reportedBelow).toBeNull();
    // A method too coarse for the standard is compared with what is certain only (Art. 4(1)).
    expect(comparableMean(m, false)).toBeCloseTo(3, 12);
    expect(comparableMean(m, true)).toBeCloseTo(13 / 3, 12);
  });

  it("has no mean without values", () => {
    expect(meanOf([])).toMatchObject({ n: 0, mean: null, reportedBelow: null });
    expect(comparableMean(meanOf([]), true)).toBeNull();
  });

  it("gives the same result from merged partial sums as from all values at once", () => {
    const values = [q(1), lod(0.5), loq(3), q(8), q(2.5), lod(1), loq(2)];
    const a = emptySums();
    const b = emptySums();
    values.forEach((v, i) => addValue(i % 2 ? a : b, v));
    expect(censoredMean(mergeSums(a, b))).toEqual(meanOf(values));
  });
});
