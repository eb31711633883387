// The assessment of one station × parameter over a period: for every version of every standard given
// that overlaps the period, the values that count, their statistics and the verdict with its reason.
// Pure: the caller reads the values and the catalog and hands them in.
import type { QualityStandard } from "../../../common/catalog-model.ts";
import { effectiveLimit, type EffectiveLimit } from "../../../common/standards.ts";
import { assessClasses } from "./gb3838.ts";
import { gridOf, type PeriodGrid } from "./period.ts";
import { selectWindow, tagValues, type WindowSelection } from "./select.ts";
import { samplingShortfall, statisticsOf, valuesOf } from "./statistics.ts";
import type { AssessmentOptions, NoteCode, NotAssessableReason, SeriesAssessment, SeriesInput, StandardAssessment, ValueStatistics, Judgement } from "./types.ts";
import { judgeAnnualAverage, judgeEveryValue, judgeMac, judgeWatchList, type RecordShortfall } from "./verdict-eu.ts";
import { versionWindows, type VersionWindow } from "./versions.ts";

/** Defaults of the options, each with the rule it follows (see AssessmentOptions). */
export const ASSESSMENT_DEFAULTS = {
  macMode: "every-value",
  versionRule: "split",
  minFrequency: "monthly",
  minValues: 1,
  classBasis: "period-mean",
} as const satisfies Partial<AssessmentOptions>;

export function assessSeries(series: SeriesInput, standards: readonly QualityStandard[], options: AssessmentOptions): SeriesAssessment {
  const grid = gridOf(options.period);
  const versionRule = options.versionRule ?? ASSESSMENT_DEFAULTS.versionRule;
  const tagged = tagValues(series.values, grid, options.basis, options.approvedOnly);
  const own = standards.filter((s) => s.parameter === series.parameter);
  const { windows, superseded } = versionWindows(own, options.period, versionRule);
  // Standards of one parameter mostly share the span (AA and MAC, EU and national): count once per span.
  const spans = new Map<string, Span>();
  const spanOf = (w: VersionWindow): Span => {
    const key = `${w.from}\t${w.to}`;
    let span = spans.get(key);
    if (!span) {
      const selection = selectWindow(tagged, w.from, w.to);
      span = { selection, statistics: statisticsOf(selection, grid, w.from, w.to) };
      spans.set(key, span);
    }
    return span;
  };
  return {
    station: series.station,
    parameter: series.parameter,
    unit: series.unit,
    period: options.period,
    basis: options.basis,
    approvedOnly: options.approvedOnly,
    versionRule,
    assessments: windows.map((w) => assessWindow(w, spanOf(w), grid, series, options)),
    superseded,
  };
}

/** AA-EQS, MAC-EQS and watch-list limits are upper limits (common/standards.ts effectiveLimit). */
function upperLimit(limit: EffectiveLimit | null): number {
  if (limit?.kind !== "max") throw new Error("an AA-EQS, MAC-EQS or watch-list standard sets an upper limit");
  return limit.value;
}

// The WFD minimum frequency is a rule for monitoring against EQS; other kinds need only minValues.
const FREQUENCY_KINDS: ReadonlySet<QualityStandard["kind"]> = new Set(["AA-EQS", "MAC-EQS"]);

interface Span {
  selection: WindowSelection;
  statistics: ValueStatistics;
}

function assessWindow(w: VersionWindow, span: Span, grid: PeriodGrid, series: SeriesInput, options: AssessmentOptions): StandardAssessment {
  const { standard } = w;
  const { selection, statistics } = span;
  const limit = effectiveLimit(standard, series.unit, options.targetClass);
  const notes: NoteCode[] = [];
  if (w.partial) notes.push("partial-validity");
  if (w.beyondValidity) notes.push("applied-to-whole-period");
  if (statistics.excluded.notApproved > 0) notes.push("unapproved-values-excluded");
  if (statistics.excluded.labPreferred > 0) notes.push("lab-preferred-over-sensor");
  if (standard.kind === "AA-EQS" && options.period.kind !== "calendar-year") notes.push("period-not-calendar-year");
  const result = (j: Judgement, gb: StandardAssessment["gb"] = null): StandardAssessment => ({
    standard,
    limit,
    from: w.from,
    to: w.to,
    basis: options.basis,
    approvedOnly: options.approvedOnly,
    statistics,
    ...j,
    notes: [...new Set([...notes, ...j.notes])],
    gb,
  });
  const noVerdict = (reason: NotAssessableReason): StandardAssessment =>
    result({ verdict: "not-assessable", reason, indicativeVerdict: null, margin: null, exceedances: null, undecided: null, rules: [], notes: [] });

  if (standard.kind === "watch-list-MDL") return result(judgeWatchList(statistics, upperLimit(limit)));
  // "No data" is never "complies" (issue #18): say which kind of nothing it is.
  if (selection.inBasis === 0) return noVerdict("no-data");
  if (selection.qcPassed.length === 0) return noVerdict("no-valid-data");
  if (selection.counted.length === 0) return noVerdict("not-approved");

  const minFrequency = FREQUENCY_KINDS.has(standard.kind) ? (options.minFrequency ?? ASSESSMENT_DEFAULTS.minFrequency) : "none";
  const minValues = options.minValues ?? ASSESSMENT_DEFAULTS.minValues;
  let shortfall: RecordShortfall | null = samplingShortfall(selection.counted, grid, w.from, w.to, minFrequency, minValues);
  // Blame the approval, not the sampling, when the unapproved values would have filled the gap.
  if (shortfall !== null && options.approvedOnly && samplingShortfall(selection.qcPassed, grid, w.from, w.to, minFrequency, minValues) === null) {
    shortfall = "not-approved";
  }
  const values = valuesOf(selection);

  switch (standard.kind) {
    case "AA-EQS":
      return result(judgeAnnualAverage(statistics, upperLimit(limit), shortfall));
    case "MAC-EQS":
      return result(judgeMac(values, statistics, upperLimit(limit), options.macMode ?? ASSESSMENT_DEFAULTS.macMode, shortfall));
    case "max":
    case "min":
    case "range":
      return result(judgeEveryValue(values, statistics, limit!, shortfall));
    case "class-limits": {
      const c = assessClasses(values, statistics, standard, series.unit, options.targetClass, limit, options.classBasis ?? ASSESSMENT_DEFAULTS.classBasis, shortfall);
      return result(c, c.gb);
    }
  }
}
