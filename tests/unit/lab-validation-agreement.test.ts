// Bias, RMSE and Bland–Altman limits of agreement: the PEFR data of Bland & Altman (1986) against the
// values published for it, and small tables with the arithmetic written out.
import { describe, expect, it } from "vitest";
import { agreement, blandAltman } from "../../server/src/lab/validation/agreement.ts";
import { PEFR_1986 } from "./lab-validation-fixtures.ts";

describe("Bland–Altman analysis", () => {
  const differences = PEFR_1986.wright.map((w, i) => w - PEFR_1986.miniWright[i]!);

  it("reproduces the paper's mean difference and SD for the PEFR data (Bland & Altman 1986)", () => {
    const ba = blandAltman(differences, "absolute");
    if (ba.status !== "ok") throw new Error(ba.message);
    expect(Number(ba.meanDifference.toFixed(1))).toBe(PEFR_1986.paper.meanDifference);
    expect(Number(ba.sdDifference.toFixed(1))).toBe(PEFR_1986.paper.sdDifference);
  });

  it("matches blandr's limits of agreement and confidence intervals for the PEFR data", () => {
    const ba = blandAltman(differences, "absolute");
    if (ba.status !== "ok") throw new Error(ba.message);
    const e = PEFR_1986.expected;
    // blandr prints 7 significant digits: compare to 4 decimals. Inside SE(limit) blandr uses
    // z = 1.959964 where Bland & Altman (1999) write 1.96, as we do: 16.39511 against 16.39491, so the
    // standard error of the limits and their intervals agree to 3 decimals (< 5e-4 l/min).
    expect(ba.meanDifference).toBeCloseTo(e.meanDifference, 4);
    expect(ba.sdDifference).toBeCloseTo(e.sdDifference, 4);
    expect(ba.seMeanDifference).toBeCloseTo(e.seMeanDifference, 4);
    expect(ba.meanDifferenceCI!.lower).toBeCloseTo(e.meanDifferenceCI.lower, 4);
    expect(ba.meanDifferenceCI!.upper).toBeCloseTo(e.meanDifferenceCI.upper, 4);
    expect(ba.upperLimit).toBeCloseTo(e.upperLimit, 4);
    expect(ba.lowerLimit).toBeCloseTo(e.lowerLimit, 4);
    expect(ba.seLimit).toBeCloseTo(e.seLimit, 3);
    expect(ba.upperLimitCI!.lower).toBeCloseTo(e.upperLimitCI.lower, 3);
    expect(ba.upperLimitCI!.upper).toBeCloseTo(e.upperLimitCI.upper, 3);
    expect(ba.lowerLimitCI!.lower).toBeCloseTo(e.lowerLimitCI.lower, 3);
    expect(ba.lowerLimitCI!.upper).toBeCloseTo(e.lowerLimitCI.upper, 3);
  });

  it("works out on a small table: differences 1, 2, 3, 4, 5", () => {
    // d̄ = 3, s = √(10/4) = 1.5811; limits 3 ± 1.96·1.5811 = −0.0990 and 6.0990;
    // SE(d̄) = 1.5811/√5 = 0.70711; SE(limit) = 1.5811·√(1/5 + 1.96²/8) = 1.5811·0.82474 = 1.30403;
    // t(0.975, 4) = 2.77645: d̄ CI 3 ± 1.96324 = 1.03676 to 4.96324.
    const ba = blandAltman([1, 2, 3, 4, 5], "absolute");
    expect(ba).toMatchObject({
      status: "ok",
      n: 5,
      meanDifference: 3,
      sdDifference: expect.closeTo(1.581139, 5),
      lowerLimit: expect.closeTo(-0.099032, 5),
      upperLimit: expect.closeTo(6.099032, 5),
      seMeanDifference: expect.closeTo(0.707107, 5),
      seLimit: expect.closeTo(1.304032, 5),
      meanDifferenceCI: { lower: expect.closeTo(1.036757, 5), upper: expect.closeTo(4.963243, 5) },
    });
  });

  it("has no SD from one pair", () => {
    expect(blandAltman([2], "absolute")).toMatchObject({ status: "not-computable", reason: "not-enough-pairs", n: 1, required: 2 });
  });

  it("gives zero-width limits when every difference is the same", () => {
    expect(blandAltman([2, 2, 2], "absolute")).toMatchObject({ status: "ok", sdDifference: 0, lowerLimit: 2, upperLimit: 2, upperLimitCI: { lower: 2, upper: 2 } });
  });
});

describe("bias and RMSE", () => {
  it("works out on a small table", () => {
    // lab 10, 20, 40; sensor 12, 18, 44: differences 2, −2, 4 → mean bias 4/3 = 1.3333;
    // relative 20 %, −10 %, 10 % → mean 6.6667 %; RMSE √((4 + 4 + 16)/3) = √8 = 2.8284.
    const a = agreement([10, 20, 40], [12, 18, 44]);
    expect(a).toMatchObject({ status: "ok", n: 3, meanBias: expect.closeTo(4 / 3, 12), meanRelativeBiasPercent: expect.closeTo(20 / 3, 12), rmse: expect.closeTo(Math.sqrt(8), 12) });
    if (a.status !== "ok") return;
    expect(a.blandAltman).toMatchObject({ status: "ok", scale: "absolute", meanDifference: expect.closeTo(4 / 3, 12) });
    expect(a.relativeBlandAltman).toMatchObject({ status: "ok", scale: "relative", meanDifference: expect.closeTo(20 / 3, 12) });
  });

  it("leaves a lab value of 0 out of the relative statistics instead of dividing by it", () => {
    const a = agreement([0, 20, 40], [1, 18, 44]);
    expect(a).toMatchObject({ status: "ok", n: 3, meanRelativeBiasPercent: expect.closeTo(0, 12) });
    if (a.status !== "ok") return;
    expect(a.relativeBlandAltman).toMatchObject({ status: "ok", n: 2 });
  });
});
