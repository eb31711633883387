// A standard that changes in the middle of a year, under both version rules, and the year-over-year
// rows that line results up across years.
import { describe, expect, it } from "vitest";
import type { CatalogData } from "../../common/catalog-model.ts";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import seed from "../../server/src/catalog/seed-catalog.json" with { type: "json" };
import { assessSeries, calendarYear, lineUpYears, standardsForPeriod, validitySpan, type AssessmentOptions, type VersionRule } from "../../server/src/assessment/index.ts";
import { BERLIN, CHONGQING, at, monthly, repeat, seedStandard, value } from "./assessment-fixtures.ts";

// Version 1: 40 ng/L until 1 July 2025; version 2 (same id): 20 ng/L from then on.
const V1 = seedStandard("diclofenac.AA-EQS.EU-EQS-2022", { validTo: "2025-07-01" });
const V2 = seedStandard("diclofenac.AA-EQS.EU-EQS-2022", { value: 20, validFrom: "2025-07-01" });
// January–June 30 ng/L, July–December 18 ng/L.
const VALUES = monthly(2025, [...repeat(6, 30), ...repeat(6, 18)]);

function assess(versionRule: VersionRule, options: Partial<AssessmentOptions> = {}) {
  return assessSeries({ station: "DE-ELBE-ZEHREN", parameter: "diclofenac", unit: "ng/L", values: VALUES }, [V1, V2], {
    period: calendarYear(2025, BERLIN),
    basis: "lab",
    approvedOnly: false,
    targetClass: null,
    versionRule,
    ...options,
  });
}

describe("a standard that changes mid-year", () => {
  it("'split': each version on its part of the year — 6 × 30 / 6 = 30 ≤ 40 complies; 6 × 18 / 6 = 18 ≤ 20 complies", () => {
    const r = assess("split");
    expect(r.assessments).toHaveLength(2);
    const [first, second] = r.assessments;
    expect(first!.limit).toEqual({ kind: "max", value: 40 });
    expect(first!.from).toBe(at("2025-01-01T00:00"));
    expect(first!.to).toBe(at("2025-07-01T00:00"));
    expect(first!.statistics.mean.mean).toBe(30);
    expect(first!.statistics.coverage.months).toMatchObject({ withData: 6, total: 6 });
    expect(first!.statistics.coverage.days.total).toBe(181); // 31+28+31+30+31+30
    expect(first!.verdict).toBe("complies");
    expect(second!.limit).toEqual({ kind: "max", value: 20 });
    expect(second!.statistics.mean.mean).toBe(18);
    expect(second!.verdict).toBe("complies");
    expect(second!.margin!.ratio).toBeCloseTo(0.9, 12);
    for (const a of r.assessments) expect(a.notes).toContain("partial-validity");
    expect(r.superseded).toEqual([]);
  });

  it("'end-of-period': the version in force on 31 December for the whole year — (6 × 30 + 6 × 18) / 12 = 288/12 = 24 > 20 fails", () => {
    const r = assess("end-of-period");
    expect(r.assessments).toHaveLength(1);
    const a = r.assessments[0]!;
    expect(a.limit).toEqual({ kind: "max", value: 20 });
    expect(a.statistics.mean.mean).toBe(24);
    expect(a.verdict).toBe("fails");
    expect(a.notes).toContain("applied-to-whole-period");
    expect(r.superseded.map((s) => [s.standard.value, s.reason])).toEqual([[40, "not-valid-at-period-end"]]);
  });

  it("judges each MAC value by the version valid when it was taken ('split')", () => {
    const m1 = seedStandard("clarithromycin.MAC-EQS.EU-EQS-2022", { validTo: "2025-07-01" }); // 130
    const m2 = seedStandard("clarithromycin.MAC-EQS.EU-EQS-2022", { value: 100, validFrom: "2025-07-01" });
    // 120 in June is within 130; 120 in August is above 100.
    const values = monthly(2025, [50, 50, 50, 50, 50, 120, 50, 120, 50, 50, 50, 50]);
    const r = assessSeries({ station: "DE-ELBE-ZEHREN", parameter: "clarithromycin", unit: "ng/L", values }, [m1, m2], {
      period: calendarYear(2025, BERLIN),
      basis: "lab",
      approvedOnly: false,
      targetClass: null,
    });
    expect(r.assessments.map((a) => [a.verdict, a.exceedances])).toEqual([
      ["complies", 0],
      ["fails", 1],
    ]);
  });

  it("does not assess a version outside the period, nor a standard of another parameter", () => {
    const old = seedStandard("diclofenac.AA-EQS.EU-EQS-2022", { validTo: "2024-01-01" });
    const other = seedStandard("clarithromycin.AA-EQS.EU-EQS-2022");
    const r = assessSeries({ station: "DE-ELBE-ZEHREN", parameter: "diclofenac", unit: "ng/L", values: VALUES }, [old, other, V2], {
      period: calendarYear(2025, BERLIN),
      basis: "lab",
      approvedOnly: false,
      targetClass: null,
    });
    expect(r.assessments.map((a) => a.standard.value)).toEqual([20]);
  });

  it("starts a date-only validity at local midnight in the station's zone", () => {
    expect(validitySpan(V2, BERLIN).from).toBe(Date.parse("2025-06-30T22:00:00Z"));
    expect(validitySpan(V2, CHONGQING).from).toBe(Date.parse("2025-06-30T16:00:00Z"));
    expect(validitySpan(seedStandard("diclofenac.AA-EQS.EU-EQS-2022", { validFrom: "2025-07-01T12:00:00Z" }), BERLIN).from).toBe(Date.parse("2025-07-01T12:00:00Z"));
    // 1 July 01:00 in Berlin (30 June 23:00 UTC) belongs to version 2
    const r = assessSeries({ station: "DE-ELBE-ZEHREN", parameter: "diclofenac", unit: "ng/L", values: [value("2025-07-01T01:00", 99)] }, [V1, V2], {
      period: calendarYear(2025, BERLIN),
      basis: "lab",
      approvedOnly: false,
      targetClass: null,
    });
    expect(r.assessments.map((a) => a.statistics.n)).toEqual([0, 1]);
  });
});

describe("year over year", () => {
  const yearOf = (year: number, values: number[]) =>
    assessSeries({ station: "DE-ELBE-ZEHREN", parameter: "diclofenac", unit: "ng/L", values: monthly(year, values) }, [V1, V2], {
      period: calendarYear(year, BERLIN),
      basis: "lab",
      approvedOnly: false,
      targetClass: null,
    });

  it("lines up one standard across years, the year it changed with both versions, and the change of the mean", () => {
    const rows = lineUpYears([yearOf(2026, repeat(12, 15)), yearOf(2024, repeat(12, 30)), yearOf(2025, [...repeat(6, 30), ...repeat(6, 18)])]);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ station: "DE-ELBE-ZEHREN", parameter: "diclofenac", standardId: "diclofenac.AA-EQS.EU-EQS-2022" });
    expect(row.years.map((y) => [y.year, y.results.map((r) => r.limit)])).toEqual([
      [2024, [{ kind: "max", value: 40 }]],
      [2025, [{ kind: "max", value: 40 }, { kind: "max", value: 20 }]],
      [2026, [{ kind: "max", value: 20 }]],
    ]);
    // 2025's first result (Jan–Jun) has mean 30: (30 − 30)/30 = 0; 2026: (15 − 30)/30 = −0.5
    expect(row.years.map((y) => y.meanChange)).toEqual([null, 0, -0.5]);
  });
});

describe("standards for a period from the catalog", () => {
  const catalog = new CatalogSnapshot(seed as unknown as CatalogData);

  it("lists every version overlapping the period with whether its scope covers the station", () => {
    const list = standardsForPeriod(catalog, "DE-ELBE-ZEHREN", "diclofenac", calendarYear(2025, BERLIN));
    expect(list.map((s) => [s.standard.id, s.applicable])).toEqual([
      ["diclofenac.AA-EQS.EU-EQS-2022", true],
      ["diclofenac.AA-EQS.DE-UBA-proposal", true],
      ["diclofenac.AA-EQS.CH-GSchV", false],
    ]);
    expect(standardsForPeriod(catalog, "CN-YANGTZE-CUNTAN", "ammonium", calendarYear(2025, CHONGQING))).toMatchObject([{ applicable: true }]);
    // GB 3838-2002 applies from 1 June 2002: not in 2001
    expect(standardsForPeriod(catalog, "CN-YANGTZE-CUNTAN", "ammonium", calendarYear(2001, CHONGQING))).toEqual([]);
    expect(standardsForPeriod(catalog, "NO-SUCH-STATION", "ammonium", calendarYear(2025, CHONGQING))).toEqual([]);
  });
});
