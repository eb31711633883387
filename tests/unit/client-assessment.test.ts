// The dashboard's assessment pieces that are pure: what a status-table cell says (fails > complies >
// no data > not assessable; watch-list limits do not count), the margin as text, GB 3838 classes for
// people, the year/basis choice in the URL, the monthly chart's "< LOQ" marks, the routes, and that
// every code the server sends (verdicts, reasons, notes, rules, data notes, exclusions) has words in
// en/de/zh.
import { describe, expect, it } from "vitest";
import type { DataNoteCode, SeriesResult, StandardResult, ValueUsed } from "../../common/assessment-api.ts";
import type { NoteCode, NotAssessableReason, StationClass } from "../../common/assessment.ts";
import { ASSESSMENT_RULES } from "../../common/assessment-rules.ts";
import type { QualityStandard } from "../../common/catalog-model.ts";
import { monthlyModel } from "../../client/src/assessment/charts.ts";
import { choiceQuery, parseChoice, type AssessmentChoice } from "../../client/src/assessment/choice.ts";
import { assessmentQuery, type AssessmentParams } from "../../client/src/assessment-api.ts";
import { cellSummary, classText, marginText, type CellState } from "../../client/src/assessment/summary.ts";
import { catalogues, LANGUAGES, translator } from "../../client/src/i18n/index.ts";
import { parseRoute, assessmentDetailHref, reportHref } from "../../client/src/router.ts";

const std = (id: string, kind: QualityStandard["kind"], legalStatus: QualityStandard["legalStatus"] = "binding"): QualityStandard =>
  ({ id, parameter: "diclofenac", kind, value: 40, unit: "ng/L", source: "EU-2008-105", legalStatus, scope: { kind: "all" }, validFrom: null, validTo: null }) as QualityStandard;

const STANDARDS = [std("aa", "AA-EQS"), std("mac", "MAC-EQS"), std("wl", "watch-list-MDL")];

function result(standard: number, verdict: StandardResult["verdict"], extra: Partial<StandardResult> = {}): StandardResult {
  return {
    standard,
    verdict,
    reason: null,
    indicativeVerdict: null,
    margin: null,
    exceedances: null,
    undecided: null,
    rules: [],
    notes: [],
    limit: { kind: "max", value: 40 },
    from: 0,
    to: 1,
    basis: "sensor",
    approvedOnly: false,
    gb: null,
    statistics: {} as StandardResult["statistics"],
    ...extra,
  };
}

const series = (...results: StandardResult[]): SeriesResult => ({
  parameter: "diclofenac",
  unit: "ng/L",
  sources: { sensorDays: 0, rollupDays: 0, sensors: [], labResults: 0, labRecordedAfterAsOf: 0 },
  results,
  superseded: [],
});

describe("a status-table cell", () => {
  const cases: Array<[string, SeriesResult | undefined, CellState, number | null]> = [
    ["no series: no standard", undefined, "no-standard", null],
    ["a watch-list limit alone is no standard for the water", series(result(2, "not-assessable", { reason: "not-a-quality-standard" })), "no-standard", null],
    ["all comply: complies, headline the one closest to its limit", series(result(0, "complies", { margin: { ratio: 0.5, qualifier: null } }), result(1, "complies", { margin: { ratio: 0.8, qualifier: null } })), "complies", 1],
    ["one fails: fails, even when another is not assessable", series(result(0, "not-assessable", { reason: "insufficient-sampling" }), result(1, "fails", { margin: { ratio: 3.6, qualifier: null } })), "fails", 1],
    ["nothing at all: no data, never complies", series(result(0, "not-assessable", { reason: "no-data" }), result(1, "not-assessable", { reason: "no-valid-data" })), "no-data", 0],
    ["no data for one, too few for the other: not assessable, with the informative reason", series(result(0, "not-assessable", { reason: "no-data" }), result(1, "not-assessable", { reason: "too-few-values" })), "not-assessable", 1],
    ["one complies, one not assessable: not assessable", series(result(0, "complies"), result(1, "not-assessable", { reason: "method-not-sensitive" })), "not-assessable", 1],
  ];
  it.each(cases)("%s", (_name, s, state, headline) => {
    const summary = cellSummary(s, STANDARDS);
    expect(summary.state).toBe(state);
    expect(summary.headline?.standard ?? null).toBe(headline);
  });
});

describe("margins and classes in words", () => {
  const t = translator("en");
  it.each([
    [{ ratio: 0.8123, qualifier: null }, "0.81 × AA-EQS"],
    [{ ratio: 0.25, qualifier: "<" as const }, "< 0.25 × AA-EQS"],
    [{ ratio: 1.4, qualifier: ">" as const }, "> 1.4 × AA-EQS"],
  ])("%o → %s", (margin, text) => {
    expect(marginText(result(0, "complies", { margin }), STANDARDS, t, "en")).toBe(text);
  });
  it("a GB 3838 class standard names the target class; German decimal comma", () => {
    const cls = { ...std("nh4", "class-limits"), classes: { direction: "max", limits: [0.15, 0.5, 1, 1.5, 2] } } as QualityStandard;
    const gb = { targetClass: "III" } as StandardResult["gb"];
    expect(marginText(result(0, "fails", { margin: { ratio: 1.5, qualifier: null }, gb }), [cls], translator("de"), "de")).toBe("1,5 × Klasse III");
    expect(marginText(result(0, "fails", { margin: null }), [cls], t, "en")).toBe("");
  });
  it("worse than class V is words, not a number; null is a dash", () => {
    expect(classText("worse-than-V", t)).toBe("worse than V");
    expect(classText("worse-than-V", translator("zh"))).toBe("劣Ⅴ");
    expect(classText("IV", t)).toBe("IV");
    expect(classText(null, t)).toBe("–");
  });
});

describe("the choice in the URL and the routes", () => {
  const now = Date.UTC(2026, 10, 29);
  const base = { year: 2026, basis: "both", period: "year", from: "", to: "", approvedOnly: false, asOf: null, macMode: "every-value" };
  it.each([
    ["year=2024&basis=lab", { year: 2024, basis: "lab" }],
    ["year=abc&basis=nonsense", {}],
    ["year=1850", {}],
    ["", {}],
    ["period=rolling&mac=p95&approved=1", { period: "rolling", macMode: "p95", approvedOnly: true }],
    ["period=range&from=2026-01-01&to=2026-07-01", { period: "range", from: "2026-01-01", to: "2026-07-01" }],
    // A range the API would refuse (backwards, over ten years, not dates) falls back to the year.
    ["period=range&from=2026-07-01&to=2026-01-01", {}],
    ["period=range&from=2010-01-01&to=2021-01-02", {}],
    ["period=range&from=2026-02-30&to=2026-07-01", {}],
    ["period=weekly&mac=p99&approved=yes", {}],
    ["asOf=2026-11-01T00:00:00.000Z", { asOf: Date.UTC(2026, 10, 1) }],
    // asOf in the future (the API refuses it) or not a time: as the data stand now.
    ["asOf=2027-01-01T00:00:00Z", {}],
    ["asOf=yesterday", {}],
  ])("%s", (q, choice) => {
    expect(parseChoice(new URLSearchParams(q), now)).toEqual({ ...base, ...choice });
  });

  it.each([
    [{ ...base, year: 2025 }, "year=2025&basis=both"],
    [{ ...base, period: "range", from: "2026-01-01", to: "2026-07-01", approvedOnly: true, asOf: Date.UTC(2026, 10, 1), macMode: "p90" }, "year=2026&basis=both&period=range&from=2026-01-01&to=2026-07-01&approved=1&asOf=2026-11-01T00%3A00%3A00.000Z&mac=p90"],
  ] as const)("writes %j as %s, and reads it back", (choice, query) => {
    const c = choice as AssessmentChoice;
    expect(choiceQuery(c).toString()).toBe(query);
    expect(parseChoice(new URLSearchParams(query), now)).toEqual(c);
  });

  it.each([
    [{ year: 2026, basis: "sensor" }, "year=2026&basis=sensor"],
    [{ year: 2026, basis: "lab", period: "rolling", approvedOnly: true, macMode: "p95" }, "rolling=12m&basis=lab&approvedOnly=true&macMode=p95"],
    [{ year: 2026, basis: "both", period: "range", from: "2026-01-01", to: "2026-07-01", asOf: Date.UTC(2026, 10, 1), stations: ["A", "B"] }, "from=2026-01-01&to=2026-07-01&basis=both&asOf=2026-11-01T00%3A00%3A00.000Z&stations=A%2CB"],
  ] as const)("asks the API for %j as %s", (params, query) => {
    expect(assessmentQuery(params as AssessmentParams).toString()).toBe(query);
  });

  it("detail and report routes round-trip", () => {
    const href = assessmentDetailHref("DE-ELBE-ZEHREN", "diclofenac", new URLSearchParams({ year: "2026", basis: "sensor" }));
    const route = parseRoute(href);
    expect(route).toMatchObject({ page: "assessment-detail", station: "DE-ELBE-ZEHREN", parameter: "diclofenac" });
    expect(route.page === "assessment-detail" && route.query.get("basis")).toBe("sensor");
    expect(parseRoute(reportHref(new URLSearchParams({ year: "2025", station: "X" })))).toMatchObject({ page: "report" });
    expect(parseRoute("#/assessment?year=2025")).toMatchObject({ page: "assessment" });
  });
});

describe("the monthly chart", () => {
  it("draws a month whose mean is below its limit as a mark at the limit, never as a number", () => {
    const m = (label: string, mean: number | null, reportedBelow: "<LOQ" | null, limit: number | null) => ({
      label,
      from: Date.UTC(2026, Number(label.slice(5)) - 1, 1),
      to: Date.UTC(2026, Number(label.slice(5)), 1),
      mean: { n: 30, nCensored: reportedBelow ? 30 : 0, mean, lowerBound: mean, reportedBelow, limit, substitution: reportedBelow ? ("LOQ/2" as const) : null },
    });
    const s = { ...series(result(0, "complies")), monthly: [m("2026-01", 20, null, null), m("2026-02", 2.5, "<LOQ", 5)] };
    const model = monthlyModel(s, STANDARDS, 0.001, { mean: "mean", belowLimit: "below", line: (k, v) => `${k} ${v}` });
    const [means, below] = model.datasets;
    expect(means!.data.map((p) => p.y)).toEqual([0.02, null]);
    expect(below!.data.map((p) => p.y)).toEqual([0.005]);
    // The AA-EQS line at 40 ng/L in µg/L.
    expect(model.lines.map((l) => l.value)).toContain(0.04);
  });
});

describe("every code the server sends has words in every language", () => {
  // Records keyed by the union types: adding a code to common/ without words here fails typecheck.
  const reasons: Record<NotAssessableReason | StationClass["reason"] & string, true> = {
    "no-data": true, "no-valid-data": true, "not-approved": true, "too-few-values": true, "insufficient-sampling": true,
    "method-not-sensitive": true, "not-a-quality-standard": true, "no-target-class": true, "indicators-not-assessable": true,
  };
  const notes: Record<NoteCode, true> = {
    "mean-below-limit": true, "censored-values-substituted": true, "method-not-sensitive": true, "partial-validity": true, "period-not-calendar-year": true,
    "exceedance-despite-insufficient-sampling": true, "unapproved-values-excluded": true, "lab-preferred-over-sensor": true, "applied-to-whole-period": true,
  };
  const dataNotes: Record<DataNoteCode, true> = {
    "sensor-daily-means": true, "rollup-days-include-suspect": true, "corrected-sensor-days": true, "lab-results-not-reviewed": true, "as-of-review-state": true,
    "as-of-sensor-readings-timed-before": true, "as-of-lab-current-revision": true, "lab-preferred-over-sensor": true,
  };
  const excluded: Record<NonNullable<ValueUsed["excludedBy"]>, true> = { "other-basis": true, "lab-preferred": true, qc: true, "not-approved": true };
  const states: Record<CellState, true> = { complies: true, fails: true, "not-assessable": true, "no-data": true, "no-standard": true };
  const keys = [
    ...Object.keys(reasons).map((k) => `reason.${k}`),
    ...Object.keys(notes).map((k) => `note.${k}`),
    ...Object.keys(dataNotes).map((k) => `datanote.${k}`),
    ...Object.keys(excluded).map((k) => `excluded.${k}`),
    ...Object.keys(states).flatMap((k) => [`verdict.${k}`, `assess.legend.${k}`]),
    ...Object.keys(ASSESSMENT_RULES).map((k) => `rule.${k}`),
    ...["lab", "sensor", "both"].flatMap((b) => [`assess.basis.${b}`, `report.basis.${b}`]),
    ...["lab", "sensor-daily"].map((b) => `basis.${b}`),
  ];
  it.each(LANGUAGES)("%s", (lang) => {
    const messages = catalogues[lang] as Record<string, string>;
    expect(keys.filter((k) => !messages[k])).toEqual([]);
  });
});
