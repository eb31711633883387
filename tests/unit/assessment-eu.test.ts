// EU rules of the assessment engine, each against a hand-computed fixture whose arithmetic is written
// out: AA-EQS annual mean with LOQ/2 (Directive 2008/105/EC Annex I Part B(1), 2009/90/EC Art. 5),
// method sensitivity (2009/90/EC Art. 4(1)), the WFD monthly minimum (2000/60/EC Annex V 1.3.4) and
// MAC-EQS per value vs the percentile option (2008/105/EC Annex I Part B(2)).
import { describe, expect, it } from "vitest";
import { QC } from "../../common/reading.ts";
import type { EffectiveLimit } from "../../common/standards.ts";
import type { CensoredValue } from "../../common/statistics/censored-mean.ts";
import { assessSeries, calendarYear, checkValue, periodRange, type AssessedValue, type AssessmentOptions, type StandardAssessment } from "../../server/src/assessment/index.ts";
import { BERLIN, monthly, repeat, seedStandard, value } from "./assessment-fixtures.ts";

const YEAR = calendarYear(2025, BERLIN);
const DICLOFENAC_AA = seedStandard("diclofenac.AA-EQS.EU-EQS-2022"); // 40 ng/L
const EE2_AA = seedStandard("ethinylestradiol.AA-EQS.EU-EQS-2022"); // 0.017 ng/L
const CLARITHROMYCIN_MAC = seedStandard("clarithromycin.MAC-EQS.EU-EQS-2022"); // 130 ng/L

function assess(parameter: string, values: AssessedValue[], standard = DICLOFENAC_AA, options: Partial<AssessmentOptions> = {}): StandardAssessment {
  const r = assessSeries(
    { station: "DE-ELBE-ZEHREN", parameter, unit: "ng/L", values },
    [standard],
    { period: YEAR, basis: "lab", approvedOnly: false, targetClass: null, ...options },
  );
  expect(r.assessments).toHaveLength(1);
  return r.assessments[0]!;
}

describe("AA-EQS: annual mean with results below the LOQ at half the LOQ", () => {
  it("complies: (30+50+40+20+60+40+30+50+40+20 + 10/2 + 10/2) / 12 = 390/12 = 32.5 ≤ 40, margin 32.5/40 = 0.8125", () => {
    const a = assess("diclofenac", monthly(2025, [30, 50, 40, 20, 60, 40, 30, 50, 40, 20, { loq: 10 }, { loq: 10 }]));
    expect(a.statistics.n).toBe(12);
    expect(a.statistics.nCensored).toBe(2);
    expect(a.statistics.mean.mean).toBeCloseTo(32.5, 12);
    expect(a.statistics.mean.substitution).toBe("LOQ/2");
    // bounds: censored at 0 → 380/12; at their limit → 400/12
    expect(a.statistics.mean.lowerBound).toBeCloseTo(380 / 12, 12);
    expect(a.statistics.upperBound).toBeCloseTo(400 / 12, 12);
    expect(a.verdict).toBe("complies");
    expect(a.reason).toBeNull();
    expect(a.margin).toEqual({ ratio: 0.8125, qualifier: null });
    expect(a.notes).toContain("censored-values-substituted");
    expect(a.rules).toEqual(expect.arrayContaining(["eu-aa-annual-mean", "eu-loq-half"]));
  });

  it("fails: (10 × 50 + 10/2 + 10/2) / 12 = 510/12 = 42.5 > 40, margin 1.0625", () => {
    const a = assess("diclofenac", monthly(2025, [...repeat(10, 50), { loq: 10 }, { loq: 10 }]));
    expect(a.statistics.mean.mean).toBeCloseTo(42.5, 12);
    expect(a.verdict).toBe("fails");
    expect(a.margin!.ratio).toBeCloseTo(1.0625, 12);
  });

  it("complies exactly at the standard: 12 × 40 / 12 = 40 does not exceed 40", () => {
    expect(assess("diclofenac", monthly(2025, repeat(12, 40))).verdict).toBe("complies");
  });

  it("reports a mean below the LOQ as '< LOQ' and complies: (11 × 10/2 + 12) / 12 = 67/12 = 5.58 < 10; margin < 10/40 = 0.25", () => {
    const a = assess("diclofenac", monthly(2025, [...repeat(11, { loq: 10 }), 12]));
    expect(a.statistics.mean.mean).toBeCloseTo(67 / 12, 12);
    expect(a.statistics.mean.reportedBelow).toBe("<LOQ");
    expect(a.statistics.mean.limit).toBe(10);
    expect(a.verdict).toBe("complies");
    expect(a.margin).toEqual({ ratio: 0.25, qualifier: "<" });
    expect(a.notes).toContain("mean-below-limit");
  });
});

describe("Art. 4(1): a limit above 30 % of the EQS", () => {
  it("makes a compound never detected 'not assessable': EE2, 12 × < 0.05 ng/L, 0.05 > 0.3 × 0.017 = 0.0051", () => {
    const a = assess("ethinylestradiol", monthly(2025, repeat(12, { lod: 0.05 })), EE2_AA);
    expect(a.verdict).toBe("not-assessable");
    expect(a.reason).toBe("method-not-sensitive");
    expect(a.notes).toContain("method-not-sensitive");
  });

  it("still fails when the mean with censored values at 0 exceeds the EQS: LOQ 16.7 > 12; (11 × 60 + 0) / 12 = 55 > 40, margin ≥ 1.375", () => {
    const a = assess("diclofenac", monthly(2025, [...repeat(11, 60), { loq: 16.7 }]));
    expect(a.statistics.mean.lowerBound).toBeCloseTo(55, 12);
    expect(a.verdict).toBe("fails");
    expect(a.margin).toEqual({ ratio: 1.375, qualifier: ">" });
  });

  it("still complies when the mean with censored values at their limit is within the EQS: (11 × 25 + 20) / 12 = 295/12 = 24.6 ≤ 40", () => {
    const a = assess("diclofenac", monthly(2025, [...repeat(11, 25), { loq: 20 }]));
    expect(a.statistics.upperBound).toBeCloseTo(295 / 12, 12);
    expect(a.verdict).toBe("complies");
    expect(a.margin!.qualifier).toBe("<");
    expect(a.margin!.ratio).toBeCloseTo(295 / 12 / 40, 12);
  });

  it("is not assessable when the bounds straddle the EQS: 6 × 70 + 6 × <20 → 420/12 = 35 ≤ 40 < 540/12 = 45 (the Art. 5 mean 480/12 = 40 would comply)", () => {
    const a = assess("diclofenac", monthly(2025, [...repeat(6, 70), ...repeat(6, { loq: 20 })]));
    expect(a.statistics.mean.mean).toBeCloseTo(40, 12);
    expect(a.verdict).toBe("not-assessable");
    expect(a.reason).toBe("method-not-sensitive");
  });

  it("uses the Art. 5 mean when the limit is within 30 %: LOQ 12 = 0.3 × 40 exactly; (6 × 70 + 6 × 12/2) / 12 = 456/12 = 38 complies", () => {
    const a = assess("diclofenac", monthly(2025, [...repeat(6, 70), ...repeat(6, { loq: 12 })]));
    expect(a.statistics.mean.mean).toBeCloseTo(38, 12);
    expect(a.verdict).toBe("complies");
    expect(a.notes).not.toContain("method-not-sensitive");
  });
});

describe("WFD Annex V 1.3.4: at least one value in each month", () => {
  it("gives 'insufficient data' for a year without July, however high the mean (11 × 80 = 80 > 40)", () => {
    const values = monthly(2025, [80, 80, 80, 80, 80, 80, undefined, 80, 80, 80, 80, 80]);
    const a = assess("diclofenac", values);
    expect(a.verdict).toBe("not-assessable");
    expect(a.reason).toBe("insufficient-sampling");
    expect(a.indicativeVerdict).toBe("fails");
    expect(a.statistics.coverage.months).toMatchObject({ withData: 11, total: 12 });
    expect(a.statistics.coverage.months.missing.map((m) => m.label)).toEqual(["2025-07"]);
    // 11 sampling days of 365
    expect(a.statistics.coverage.days).toEqual({ withData: 11, total: 365, share: 11 / 365 });
  });

  it("counts twelve values in eleven months as insufficient too (two in June, none in July)", () => {
    const values = [...monthly(2025, [20, 20, 20, 20, 20, 20, undefined, 20, 20, 20, 20, 20]), value("2025-06-28T10:00", 20)];
    const a = assess("diclofenac", values);
    expect(a.statistics.n).toBe(12);
    expect(a.reason).toBe("insufficient-sampling");
    expect(a.indicativeVerdict).toBe("complies");
  });

  it("accepts one value a quarter when asked for the quarterly frequency (other pollutants)", () => {
    const values = monthly(2025, [20, undefined, undefined, 20, undefined, undefined, 20, undefined, undefined, 20, undefined, undefined]);
    expect(assess("diclofenac", values).reason).toBe("insufficient-sampling");
    expect(assess("diclofenac", values, DICLOFENAC_AA, { minFrequency: "quarterly" }).verdict).toBe("complies");
    expect(assess("diclofenac", values, DICLOFENAC_AA, { minFrequency: "none", minValues: 5 }).reason).toBe("too-few-values");
  });

  it("counts months in the station's zone: 31 Dec 23:30 in Berlin is still December of the year", () => {
    const values = [...monthly(2025, [...repeat(11, 20), undefined]), value("2025-12-31T23:30", 20)];
    expect(assess("diclofenac", values).verdict).toBe("complies");
    // …and 1 Jan 00:30 local of the next year is outside it
    const late = [...monthly(2025, [...repeat(11, 20), undefined]), value("2026-01-01T00:30", 20)];
    expect(assess("diclofenac", late).reason).toBe("insufficient-sampling");
  });

  it("notes an AA-EQS assessed over a period that is not a calendar year", () => {
    const period = periodRange(Date.parse("2025-03-01T00:00:00+01:00"), Date.parse("2025-06-01T00:00:00+02:00"), BERLIN);
    const a = assess("diclofenac", monthly(2025, [undefined, undefined, 20, 20, 20]), DICLOFENAC_AA, { period });
    expect(a.verdict).toBe("complies");
    expect(a.statistics.coverage.months.total).toBe(3);
    expect(a.notes).toContain("period-not-calendar-year");
  });
});

describe("no data, QC and approval", () => {
  it("says 'no data' for a year without values, never 'complies'", () => {
    const a = assess("diclofenac", []);
    expect(a).toMatchObject({ verdict: "not-assessable", reason: "no-data", margin: null });
    expect(a.statistics.n).toBe(0);
    expect(a.statistics.mean.mean).toBeNull();
  });

  it("counts only QC-passed values: a failed and a suspect 400 ng/L are left out, 12 × 20 / 12 = 20", () => {
    const values = [...monthly(2025, repeat(12, 20)), value("2025-05-20T10:00", 400, { qc: QC.fail }), value("2025-05-21T10:00", 400, { qc: QC.suspect })];
    const a = assess("diclofenac", values);
    expect(a.statistics.mean.mean).toBe(20);
    expect(a.statistics.excluded.qc).toBe(2);
    expect(a.verdict).toBe("complies");
  });

  it("says 'no valid data' when nothing passed QC", () => {
    expect(assess("diclofenac", monthly(2025, repeat(12, 20), { qc: QC.fail })).reason).toBe("no-valid-data");
  });

  it("with 'approved only': 'not approved' when no value is approved", () => {
    const a = assess("diclofenac", monthly(2025, repeat(12, 20), { approval: "checked" }), DICLOFENAC_AA, { approvedOnly: true });
    expect(a.reason).toBe("not-approved");
    expect(a.statistics.excluded.notApproved).toBe(12);
  });

  it("with 'approved only': 'not approved' when only the unapproved months are missing, and the result says what was left out", () => {
    const values = [...monthly(2025, [...repeat(9, 20), undefined, undefined, undefined], { approval: "approved" }), ...monthly(2025, [...repeat(9, undefined), 90, 90, 90])];
    const a = assess("diclofenac", values, DICLOFENAC_AA, { approvedOnly: true });
    expect(a.reason).toBe("not-approved");
    expect(a.indicativeVerdict).toBe("complies"); // the approved nine months: 20 ≤ 40
    expect(a.notes).toContain("unapproved-values-excluded");
    // without the option all twelve count: (9 × 20 + 3 × 90) / 12 = 450/12 = 37.5
    const all = assess("diclofenac", values);
    expect(all.statistics.mean.mean).toBeCloseTo(37.5, 12);
    expect(all.verdict).toBe("complies");
  });
});

describe("data basis", () => {
  const sensorDay = (iso: string, v: number) => value(iso, v, { basis: "sensor-daily" });
  const lab = monthly(2025, repeat(12, 30));
  const sensor = [sensorDay("2025-01-15T00:00", 60), sensorDay("2025-01-16T00:00", 60), ...monthly(2025, repeat(12, 10), { basis: "sensor-daily" }).map((v) => ({ ...v, time: v.time + 86_400_000 * 2 }))];

  it("takes only lab results, only sensor daily means, or both, and says which", () => {
    expect(assess("diclofenac", [...lab, ...sensor], DICLOFENAC_AA, { basis: "lab" }).statistics).toMatchObject({ n: 12, excluded: { otherBasis: 14 } });
    const s = assess("diclofenac", [...lab, ...sensor], DICLOFENAC_AA, { basis: "sensor" });
    // (2 × 60 + 12 × 10) / 14 = 240/14
    expect(s.statistics.mean.mean).toBeCloseTo(240 / 14, 12);
    expect(s.basis).toBe("sensor");
  });

  it("'both' drops the sensor mean of a day with a lab result: (12 × 30 + 60 + 12 × 10) / 25 = 540/25 = 21.6", () => {
    // 15 Jan has a lab result and a sensor mean (60): the lab's 30 counts; 16 Jan's sensor 60 counts.
    const a = assess("diclofenac", [...lab, ...sensor], DICLOFENAC_AA, { basis: "both" });
    expect(a.statistics.n).toBe(25);
    expect(a.statistics.excluded.labPreferred).toBe(1);
    expect(a.statistics.mean.mean).toBeCloseTo(21.6, 12);
    expect(a.notes).toContain("lab-preferred-over-sensor");
  });

  it("'both' with 'approved only' keeps the sensor mean of a day whose lab result is not approved", () => {
    const v = [value("2025-01-15T10:00", 30, { approval: "checked" }), value("2025-01-15T00:00", 60, { basis: "sensor-daily", approval: "approved" })];
    const a = assess("diclofenac", v, DICLOFENAC_AA, { basis: "both", approvedOnly: true, minFrequency: "none" });
    expect(a.statistics.mean.mean).toBe(60);
    expect(a.statistics.excluded).toEqual({ otherBasis: 0, labPreferred: 0, qc: 0, notApproved: 1 });
  });
});

describe("MAC-EQS: every value, or the percentile option", () => {
  // 20 values, at least one each month: 18 × 100, then 140 and 200 (clarithromycin MAC-EQS 130 ng/L)
  const values = [...monthly(2025, repeat(12, 100)), ...monthly(2025, [100, 100, 100, 100, 100, 100, 140, 200]).map((v) => ({ ...v, time: v.time + 86_400_000 }))];

  it("fails on every single value above the MAC: 140 and 200 > 130; margin 200/130", () => {
    const a = assess("clarithromycin", values, CLARITHROMYCIN_MAC);
    expect(a.verdict).toBe("fails");
    expect(a.exceedances).toBe(2);
    expect(a.margin!.ratio).toBeCloseTo(200 / 130, 12);
    expect(a.statistics.max!.value).toBe(200);
    expect(a.rules).toContain("eu-mac-every-value");
  });

  it("complies by the 90th percentile: rank ⌈0.9 × 20⌉ = 18 → 100 ≤ 130", () => {
    const a = assess("clarithromycin", values, CLARITHROMYCIN_MAC, { macMode: "p90" });
    expect(a.statistics.p90).toEqual({ value: 100, qualifier: null, rank: 18 });
    expect(a.verdict).toBe("complies");
    expect(a.margin!.ratio).toBeCloseTo(100 / 130, 12);
    expect(a.rules).toContain("eu-mac-percentile");
  });

  it("fails by the 95th percentile: rank ⌈0.95 × 20⌉ = 19 → 140 > 130", () => {
    const a = assess("clarithromycin", values, CLARITHROMYCIN_MAC, { macMode: "p95" });
    expect(a.statistics.p95).toEqual({ value: 140, qualifier: null, rank: 19 });
    expect(a.verdict).toBe("fails");
  });

  it("gives '< LOQ' as the percentile when its rank falls on a censored value: 19 × <5 and one 300 → p95 = rank 19 = '< 5'", () => {
    const v = [...monthly(2025, repeat(12, { loq: 5 })), ...monthly(2025, [...repeat(7, { loq: 5 }), 300]).map((x) => ({ ...x, time: x.time + 86_400_000 }))];
    const p = assess("clarithromycin", v, CLARITHROMYCIN_MAC, { macMode: "p95" });
    expect(p.statistics.p95).toEqual({ value: 5, qualifier: "<LOQ", rank: 19 });
    expect(p.verdict).toBe("complies");
    expect(p.margin).toEqual({ ratio: 5 / 130, qualifier: "<" });
    expect(assess("clarithromycin", v, CLARITHROMYCIN_MAC).verdict).toBe("fails");
  });

  it("fails on a measured exceedance even in a thin record, but needs the monthly minimum to comply", () => {
    const thin = [value("2025-03-01T10:00", 20), value("2025-04-01T10:00", 150)];
    const f = assess("clarithromycin", thin, CLARITHROMYCIN_MAC);
    expect(f.verdict).toBe("fails");
    expect(f.notes).toContain("exceedance-despite-insufficient-sampling");
    const c = assess("clarithromycin", [value("2025-03-01T10:00", 20)], CLARITHROMYCIN_MAC);
    expect(c).toMatchObject({ verdict: "not-assessable", reason: "insufficient-sampling", indicativeVerdict: "complies" });
  });

  it("leaves a censored value with a limit above the MAC undecided: < 200 against 130 → not assessable", () => {
    const a = assess("clarithromycin", monthly(2025, [...repeat(11, 50), { loq: 200 }]), CLARITHROMYCIN_MAC);
    expect(a.verdict).toBe("not-assessable");
    expect(a.reason).toBe("method-not-sensitive");
    expect(a.undecided).toBe(1);
  });
});

describe("watch-list detection limits", () => {
  it("give no verdict on the water; the margin is the method's limit over the MDL: 150 / 100 = 1.5", () => {
    const a = assess("sulfamethoxazole", monthly(2025, [...repeat(11, 300), { lod: 150 }]), seedStandard("sulfamethoxazole.watch-list-MDL.EU-WL-2022"));
    expect(a).toMatchObject({ verdict: "not-assessable", reason: "not-a-quality-standard", margin: { ratio: 1.5, qualifier: null } });
  });
});

describe("one value against a limit: a censored '< L' lies in [0, L) and is decided only when all of it agrees", () => {
  const q = (value: number): CensoredValue => ({ value, qualifier: null, limit: null });
  const lod = (limit: number): CensoredValue => ({ value: null, qualifier: "<LOD", limit });
  const max: EffectiveLimit = { kind: "max", value: 10 };
  const min: EffectiveLimit = { kind: "min", value: 5 };
  const range: EffectiveLimit = { kind: "range", min: 6, max: 9 };
  it.each([
    ["10 against max 10", q(10), max, "ok"],
    ["10.1 against max 10", q(10.1), max, "breach"],
    ["< 10 against max 10", lod(10), max, "ok"],
    ["< 12 against max 10", lod(12), max, "undecided"],
    ["5 against min 5", q(5), min, "ok"],
    ["4.9 against min 5", q(4.9), min, "breach"],
    ["< 5 against min 5", lod(5), min, "breach"],
    ["< 6 against min 5", lod(6), min, "undecided"],
    ["6 against 6–9", q(6), range, "ok"],
    ["9.1 against 6–9", q(9.1), range, "breach"],
    ["< 6 against 6–9", lod(6), range, "breach"],
    ["< 7 against 6–9", lod(7), range, "undecided"],
    ["< 7 against 0–9", lod(7), { kind: "range", min: 0, max: 9 } as EffectiveLimit, "ok"],
  ])("%s → %s", (_name, v, limit, expected) => {
    expect(checkValue(v, limit)).toBe(expected);
  });
});
