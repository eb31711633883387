// GB 3838-2002 in the assessment engine: classes I–V per indicator (Table 1; a value exactly on a limit
// belongs to that class), worse than class V, the station's worst indicator, the verdict against the
// target class and the exceedance multiple ((value − limit) / limit, 环办[2011]22号 二(一)3(1)).
import { describe, expect, it } from "vitest";
import type { QualityStandard } from "../../common/catalog-model.ts";
import { assessSeries, calendarYear, classOf, exceedanceMultiple, stationClass, type AssessedValue, type AssessmentOptions, type GbClass, type SeriesAssessment } from "../../server/src/assessment/index.ts";
import { classLimitsIn } from "../../server/src/assessment/gb3838.ts";
import { CHONGQING, monthly, repeat, seedStandard } from "./assessment-fixtures.ts";

const AMMONIUM = seedStandard("ammonium.class-limits.CN-GB3838-2002"); // max [0.15, 0.5, 1.0, 1.5, 2.0] mg/L
const DO = seedStandard("dissolved_oxygen.class-limits.CN-GB3838-2002"); // min [7.5, 6, 5, 3, 2] mg/L
const PH = seedStandard("ph.class-limits.CN-GB3838-2002"); // 6–9 for every class
// COD, Table 1: classes I and II share 15 mg/L.
const COD: QualityStandard = { ...AMMONIUM, id: "cod.class-limits.CN-GB3838-2002", parameter: "cod", classes: { direction: "max", limits: [15, 15, 20, 30, 40] } };
const YEAR = calendarYear(2025, CHONGQING);

describe("class of one concentration (GB 3838-2002 Table 1)", () => {
  const cases: [string, number, string, GbClass, QualityStandard][] = [
    ["ammonia N", 0, "mg/L", "I", AMMONIUM],
    ["ammonia N", 0.15, "mg/L", "I", AMMONIUM],
    ["ammonia N", 0.151, "mg/L", "II", AMMONIUM],
    ["ammonia N", 0.5, "mg/L", "II", AMMONIUM],
    ["ammonia N", 1.0, "mg/L", "III", AMMONIUM],
    ["ammonia N", 1.0000001, "mg/L", "IV", AMMONIUM],
    ["ammonia N", 1.5, "mg/L", "IV", AMMONIUM],
    ["ammonia N", 2.0, "mg/L", "V", AMMONIUM],
    ["ammonia N", 2.01, "mg/L", "worse-than-V", AMMONIUM],
    ["ammonia N in µg/L", 1000, "µg/L", "III", AMMONIUM],
    ["ammonia N in µg/L", 1001, "µg/L", "IV", AMMONIUM],
    ["dissolved oxygen", 9, "mg/L", "I", DO],
    ["dissolved oxygen", 7.5, "mg/L", "I", DO],
    ["dissolved oxygen", 7.49, "mg/L", "II", DO],
    ["dissolved oxygen", 6, "mg/L", "II", DO],
    ["dissolved oxygen", 5, "mg/L", "III", DO],
    ["dissolved oxygen", 4.99, "mg/L", "IV", DO],
    ["dissolved oxygen", 3, "mg/L", "IV", DO],
    ["dissolved oxygen", 2, "mg/L", "V", DO],
    ["dissolved oxygen", 1.99, "mg/L", "worse-than-V", DO],
    ["pH", 6, "pH", "I", PH],
    ["pH", 9, "pH", "I", PH],
    ["pH", 5.99, "pH", "worse-than-V", PH],
    ["pH", 9.01, "pH", "worse-than-V", PH],
    ["COD (I and II share 15)", 15, "mg/L", "I", COD],
    ["COD (I and II share 15)", 15.1, "mg/L", "III", COD],
    ["COD", 40, "mg/L", "V", COD],
  ];
  it.each(cases)("%s: %s %s → %s", (_name, value, unit, expected, standard) => {
    expect(classOf(value, classLimitsIn(standard, unit))).toBe(expected);
  });
});

describe("exceedance multiple (value − limit) / limit", () => {
  it.each([
    [1.2, 1.0, 0.2],
    [3.4, 1.0, 2.4],
    [0.75, 0.5, 0.5],
  ])("%s over %s → %s", (value, limit, multiple) => {
    expect(exceedanceMultiple(value, limit)).toBeCloseTo(multiple, 12);
  });
  it("is null when the value does not exceed the limit (on the limit included)", () => {
    expect(exceedanceMultiple(1.0, 1.0)).toBeNull();
    expect(exceedanceMultiple(0.4, 1.0)).toBeNull();
  });
});

function series(parameter: string, unit: string, values: AssessedValue[], standard: QualityStandard, options: Partial<AssessmentOptions> = {}): SeriesAssessment {
  return assessSeries({ station: "CN-YANGTZE-CUNTAN", parameter, unit, values }, [standard], {
    period: YEAR,
    basis: "lab",
    approvedOnly: false,
    targetClass: "III",
    ...options,
  });
}

// Ammonia N: 11 × 1.0 and one 3.4 → mean 14.4 / 12 = 1.2 (class IV), worst value 3.4 (worse than V).
const ammonium = (o: Partial<AssessmentOptions> = {}) => series("ammonium", "mg/L", monthly(2025, [...repeat(11, 1.0), 3.4], { zone: CHONGQING }), AMMONIUM, o);
// DO: mean (6 × 6 + 6 × 5) / 12 = 66/12 = 5.5 (class III, ≥ 5), worst value 5 (III).
const oxygen = (o: Partial<AssessmentOptions> = {}) => series("dissolved_oxygen", "mg/L", monthly(2025, [...repeat(6, 6), ...repeat(6, 5)], { zone: CHONGQING }), DO, o);
// pH always 7.5 → class I.
const ph = (o: Partial<AssessmentOptions> = {}) => series("ph", "pH", monthly(2025, repeat(12, 7.5), { zone: CHONGQING }), PH, o);

describe("one indicator over the year", () => {
  it("classes the period mean (14.4/12 = 1.2 → IV) and the worst value (3.4 → worse than V), and fails target III", () => {
    const a = ammonium().assessments[0]!;
    expect(a.statistics.mean.mean).toBeCloseTo(1.2, 12);
    expect(a.gb!.classOfMean).toBe("IV");
    expect(a.gb!.classOfWorstValue).toBe("worse-than-V");
    expect(a.gb!.worstValue!.value).toBe(3.4);
    expect(a.gb!.valuesPerClass).toMatchObject({ III: 11, "worse-than-V": 1, I: 0 });
    expect(a.verdict).toBe("fails");
    expect(a.limit).toEqual({ kind: "max", value: 1.0 });
    expect(a.margin!.ratio).toBeCloseTo(1.2, 12);
  });

  it("gives the exceedance multiple over the target-class (III) limit: mean (1.2 − 1.0)/1.0 = 0.2, worst (3.4 − 1.0)/1.0 = 2.4", () => {
    const ex = ammonium().assessments[0]!.gb!.exceedance!;
    expect(ex.periodMean!.overTarget).toBeCloseTo(0.2, 12);
    expect(ex.periodMean!.overClassIII).toBeCloseTo(0.2, 12);
    expect(ex.worstValue!.overTarget).toBeCloseTo(2.4, 12);
  });

  it("with target class II the multiple is over 0.5: (1.2 − 0.5)/0.5 = 1.4, and over class III still 0.2", () => {
    const ex = ammonium({ targetClass: "II" }).assessments[0]!.gb!.exceedance!;
    expect(ex.periodMean!.overTarget).toBeCloseTo(1.4, 12);
    expect(ex.periodMean!.overClassIII).toBeCloseTo(0.2, 12);
  });

  it("complies with target IV by the mean, fails it by the worst value", () => {
    expect(ammonium({ targetClass: "IV" }).assessments[0]!.verdict).toBe("complies");
    expect(ammonium({ targetClass: "IV", classBasis: "worst-value" }).assessments[0]!.verdict).toBe("fails");
  });

  it("gives dissolved oxygen a class (66/12 = 5.5 → III) but no exceedance multiple", () => {
    const a = oxygen().assessments[0]!;
    expect(a.gb!.classOfMean).toBe("III");
    expect(a.gb!.classOfWorstValue).toBe("III"); // 5 is exactly the class III limit
    expect(a.gb!.exceedance).toBeNull();
    expect(a.verdict).toBe("complies");
    // margin oriented like the others: limit / value = 5 / 5.5
    expect(a.margin!.ratio).toBeCloseTo(5 / 5.5, 12);
  });

  it("classes without a verdict at a station without a target class, except pH (the same range for every class)", () => {
    const a = ammonium({ targetClass: null }).assessments[0]!;
    expect(a).toMatchObject({ verdict: "not-assessable", reason: "no-target-class" });
    expect(a.gb!.classOfMean).toBe("IV");
    expect(ph({ targetClass: null }).assessments[0]!.verdict).toBe("complies");
  });

  it("uses half the limit for a censored value in the mean: (11 × 0.05/2 + 0.2) / 12 = 0.475/12 = 0.0396 → I", () => {
    const a = series("ammonium", "mg/L", monthly(2025, [...repeat(11, { lod: 0.05 }), 0.2], { zone: CHONGQING }), AMMONIUM).assessments[0]!;
    expect(a.statistics.mean.mean).toBeCloseTo(0.475 / 12, 12);
    expect(a.gb!.classOfMean).toBe("I");
    expect(a.notes).toContain("censored-values-substituted");
  });

  it("cannot class an indicator never quantified with a limit above the target limit: 12 × < 1.2 mg/L vs class III 1.0", () => {
    const a = series("ammonium", "mg/L", monthly(2025, repeat(12, { lod: 1.2 }), { zone: CHONGQING }), AMMONIUM).assessments[0]!;
    expect(a).toMatchObject({ verdict: "not-assessable", reason: "method-not-sensitive" });
    // with a limit below it: 12 × < 0.05 → mean 0.025 → class I, complies
    const b = series("ammonium", "mg/L", monthly(2025, repeat(12, { lod: 0.05 }), { zone: CHONGQING }), AMMONIUM).assessments[0]!;
    expect(b).toMatchObject({ verdict: "complies", gb: { classOfMean: "I" } });
  });

  it("says 'no data' for an indicator without values", () => {
    expect(series("ammonium", "mg/L", [], AMMONIUM).assessments[0]).toMatchObject({ verdict: "not-assessable", reason: "no-data" });
  });
});

describe("the station's class: the worst indicator", () => {
  it("is IV, set by ammonia N, and fails target III", () => {
    const s = stationClass([ammonium(), oxygen(), ph()], "III");
    expect(s.class).toBe("IV");
    expect(s.determinedBy).toEqual(["ammonium"]);
    expect(s.verdict).toBe("fails");
    expect(s.indicators.map((i) => [i.parameter, i.class])).toEqual([
      ["ammonium", "IV"],
      ["dissolved_oxygen", "III"],
      ["ph", "I"],
    ]);
  });

  it("is worse than V by the worst single values", () => {
    const s = stationClass([ammonium({ classBasis: "worst-value" }), oxygen(), ph()], "III", "worst-value");
    expect(s.class).toBe("worse-than-V");
    expect(s.determinedBy).toEqual(["ammonium"]);
  });

  it("names every indicator that sets the class when two share it", () => {
    // DO mean 3.2 → IV, like ammonia N's 1.2
    const lowOxygen = series("dissolved_oxygen", "mg/L", monthly(2025, repeat(12, 3.2), { zone: CHONGQING }), DO);
    const s = stationClass([ammonium(), lowOxygen, ph()], "III");
    expect(s.class).toBe("IV");
    expect(s.determinedBy).toEqual(["ammonium", "dissolved_oxygen"]);
  });

  it("complies when every indicator meets the target, and leaves out indicators without data", () => {
    const s = stationClass([oxygen(), ph(), series("ammonium", "mg/L", [], AMMONIUM)], "III");
    expect(s.class).toBe("III");
    expect(s.determinedBy).toEqual(["dissolved_oxygen"]);
    expect(s.verdict).toBe("complies");
    expect(s.indicators.find((i) => i.parameter === "ammonium")).toMatchObject({ class: null, reason: "no-data" });
  });

  it("has no verdict without a target class, but still a class", () => {
    const s = stationClass([ammonium({ targetClass: null }), ph({ targetClass: null })], null);
    expect(s).toMatchObject({ class: "IV", verdict: "not-assessable", reason: "no-target-class" });
  });

  it("ignores standards that are not GB 3838 classes", () => {
    const eu = assessSeries({ station: "CN-YANGTZE-CUNTAN", parameter: "diclofenac", unit: "ng/L", values: monthly(2025, repeat(12, 90)) }, [seedStandard("diclofenac.AA-EQS.EU-EQS-2022")], {
      period: YEAR,
      basis: "lab",
      approvedOnly: false,
      targetClass: "III",
    });
    expect(stationClass([oxygen(), eu], "III")).toMatchObject({ class: "III", verdict: "complies" });
  });
});
