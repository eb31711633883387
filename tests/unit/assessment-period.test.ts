// Assessment periods in the station's zone, the percentile definition, and the bad periods the
// engine refuses.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../server/src/errors.ts";
import { calendarYear, nearestRankPercentile, periodRange, rankOrder, rollingTwelveMonths } from "../../server/src/assessment/index.ts";
import { gridOf } from "../../server/src/assessment/period.ts";
import { BERLIN, CHONGQING, at } from "./assessment-fixtures.ts";
import type { CensoredValue } from "../../common/statistics/censored-mean.ts";

describe("periods", () => {
  it("runs a calendar year from local midnight on 1 January, with 365 local days and 12 calendar months", () => {
    const p = calendarYear(2025, BERLIN);
    expect(p.from).toBe(Date.parse("2024-12-31T23:00:00Z"));
    expect(p.to).toBe(Date.parse("2025-12-31T23:00:00Z"));
    const g = gridOf(p);
    expect(g.days).toHaveLength(365);
    // 30 March 2025 has 23 hours in Berlin (summer time starts)
    expect(g.days.find((d) => d.label === "2025-03-30")!.to - g.days.find((d) => d.label === "2025-03-30")!.from).toBe(23 * 3_600_000);
    expect(g.months.map((m) => m.label)).toEqual(["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]);
    expect(calendarYear(2024, CHONGQING).from).toBe(Date.parse("2023-12-31T16:00:00Z"));
    expect(gridOf(calendarYear(2024, CHONGQING)).days).toHaveLength(366);
  });

  it("counts rolling twelve months back from the end, months as slices from the start", () => {
    const p = rollingTwelveMonths(at("2025-03-15T00:00"), BERLIN);
    expect(p.from).toBe(at("2024-03-15T00:00"));
    const g = gridOf(p);
    expect(g.months).toHaveLength(12);
    expect(g.months[0]!.label).toBe("2024-03-15");
    expect(g.days).toHaveLength(365);
  });

  it("cuts the first and last day of a range that does not start at midnight", () => {
    const g = gridOf(periodRange(at("2025-05-01T12:00"), at("2025-05-03T06:00"), BERLIN));
    expect(g.days.map((d) => [d.label, (d.to - d.from) / 3_600_000])).toEqual([
      ["2025-05-01", 12],
      ["2025-05-02", 24],
      ["2025-05-03", 6],
    ]);
    expect(g.months).toHaveLength(1);
  });

  it.each([
    ["end before start", () => periodRange(at("2025-05-02T00:00"), at("2025-05-01T00:00"), BERLIN)],
    ["empty", () => periodRange(at("2025-05-01T00:00"), at("2025-05-01T00:00"), BERLIN)],
    ["over 10 years", () => periodRange(at("2010-01-01T00:00"), at("2020-01-02T00:00"), BERLIN)],
    ["unknown zone", () => calendarYear(2025, "Mars/Olympus")],
    ["not a year", () => calendarYear(20.5, BERLIN)],
  ])("refuses a period that is %s", (_name, make) => {
    expect(make).toThrow(ValidationError);
  });

  it("accepts exactly 10 years", () => {
    expect(periodRange(at("2010-01-01T00:00"), at("2020-01-01T00:00"), BERLIN).kind).toBe("range");
  });
});

describe("nearest-rank percentile (Hyndman & Fan definition 1)", () => {
  const q = (value: number): CensoredValue => ({ value, qualifier: null, limit: null });
  const loq = (limit: number): CensoredValue => ({ value: null, qualifier: "<LOQ", limit });
  const ten = [7, 1, 9, 3, 5, 2, 10, 4, 6, 8].map(q);

  it.each([
    [0.9, 9, 9], // ⌈0.9 × 10⌉ = 9 → 9
    [0.95, 10, 10], // ⌈9.5⌉ = 10 → 10
    [0.5, 5, 5],
    [0.1, 1, 1],
    [1, 10, 10],
  ])("p = %s of 1…10: rank %s → %s", (p, rank, value) => {
    expect(nearestRankPercentile(rankOrder(ten), p)).toEqual({ value, qualifier: null, rank });
  });

  it("orders a censored value at half its limit: <8 (at 4) sorts between 3 and 5", () => {
    const ordered = rankOrder([q(5), loq(8), q(3)]);
    expect(ordered.map((v) => v.value ?? `<${v.limit}`)).toEqual([3, "<8", 5]);
    expect(nearestRankPercentile(ordered, 0.6)).toEqual({ value: 8, qualifier: "<LOQ", rank: 2 });
  });

  it("has none without values and refuses p outside (0, 1]", () => {
    expect(nearestRankPercentile([], 0.9)).toBeNull();
    expect(() => nearestRankPercentile(ten, 0)).toThrow(RangeError);
  });
});
