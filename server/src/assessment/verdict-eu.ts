// Verdicts against EU-style standards: AA-EQS (annual mean), MAC-EQS (every value, or a percentile),
// plain max/min/range limits (every value) and watch-list detection limits (no verdict).
//
// Censored values, one principle throughout: a value "< L" lies somewhere in [0, L). Where the
// method is sensitive enough (Directive 2009/90/EC Art. 4(1): limit ≤ 30 % of the EQS) the Art. 5
// mean (censored at L/2) is the number compared. Where it is not, a verdict must hold whatever the
// censored values really were — "fails" when the mean with censored values at 0 already exceeds the
// standard, "complies" when the mean with censored values at their full limit does not — and a
// compound never quantified is not assessable (domain README: never "complies").
import type { CensoredValue } from "../../../common/statistics/censored-mean.ts";
import { sensitiveEnough, type EffectiveLimit } from "../../../common/standards.ts";
import type { AssessmentRuleId } from "../../../common/assessment-rules.ts";
import type { Judgement, MacMode, Margin, NoteCode, NotAssessableReason, PercentileValue, ValueStatistics, Verdict } from "./types.ts";

/** What the record lacks for a verdict, as found by the caller. */
export type RecordShortfall = "too-few-values" | "insufficient-sampling" | "not-approved";

export type ValueCheck = "ok" | "breach" | "undecided";

/** One value against a limit; a censored value "< L" is only decided when every value in [0, L) gives the same answer. */
export function checkValue(v: CensoredValue, limit: EffectiveLimit): ValueCheck {
  if (v.qualifier === null) {
    const x = v.value!;
    if (limit.kind === "max") return x > limit.value ? "breach" : "ok";
    if (limit.kind === "min") return x < limit.value ? "breach" : "ok";
    return x < limit.min || x > limit.max ? "breach" : "ok";
  }
  const L = v.limit!;
  if (limit.kind === "max") return L <= limit.value ? "ok" : "undecided";
  if (limit.kind === "min") return L <= limit.value ? "breach" : limit.value <= 0 ? "ok" : "undecided";
  if (L <= limit.min) return "breach";
  return limit.min <= 0 && L <= limit.max ? "ok" : "undecided";
}

const judgement = (verdict: Verdict, reason: NotAssessableReason | null, rest: Partial<Judgement>): Judgement => ({
  verdict,
  reason,
  indicativeVerdict: null,
  margin: null,
  exceedances: null,
  undecided: null,
  rules: [],
  notes: [],
  ...rest,
});

/** A verdict the record is too thin for becomes "not assessable", keeping what it would have been. */
export function withShortfall(j: Judgement, shortfall: RecordShortfall | null): Judgement {
  if (shortfall === null || j.verdict === "not-assessable") return j;
  return { ...j, verdict: "not-assessable", reason: shortfall, indicativeVerdict: j.verdict };
}

function censoringNotes(stats: ValueStatistics): NoteCode[] {
  return stats.nCensored > 0 ? ["censored-values-substituted"] : [];
}

/**
 * AA-EQS: the arithmetic mean over the span (Directive 2008/105/EC Annex I Part B(1)) with censored
 * values at half their limit (2009/90/EC Art. 5(1)). A record below the minimum sampling gives no
 * verdict at all, not even "fails": the mean of a thin record is not an annual average.
 */
export function judgeAnnualAverage(stats: ValueStatistics, eqs: number, shortfall: RecordShortfall | null): Judgement {
  const rules: AssessmentRuleId[] = ["eu-aa-annual-mean", "eu-loq-half", "eu-method-sensitivity", "wfd-min-frequency"];
  const notes = censoringNotes(stats);
  const m = stats.mean;
  let j: Judgement;
  if (sensitiveEnough(stats.maxCensoredLimit, eqs)) {
    if (m.reportedBelow !== null) {
      // Art. 5(2): reported as "< LOQ"; with LOQ ≤ 30 % of the EQS the mean is below the EQS.
      j = judgement("complies", null, { margin: { ratio: m.limit! / eqs, qualifier: "<" }, notes: [...notes, "mean-below-limit"] });
    } else {
      j = judgement(m.mean! > eqs ? "fails" : "complies", null, { margin: { ratio: m.mean! / eqs, qualifier: null }, notes });
    }
  } else {
    const n2 = [...notes, "method-not-sensitive" as const, ...(m.reportedBelow !== null ? (["mean-below-limit"] as const) : [])];
    if (stats.nQuantified === 0) j = judgement("not-assessable", "method-not-sensitive", { notes: n2 });
    else if (m.lowerBound! > eqs) j = judgement("fails", null, { margin: { ratio: m.lowerBound! / eqs, qualifier: ">" }, notes: n2 });
    else if (stats.upperBound! <= eqs) j = judgement("complies", null, { margin: { ratio: stats.upperBound! / eqs, qualifier: "<" }, notes: n2 });
    else j = judgement("not-assessable", "method-not-sensitive", { notes: n2 });
  }
  return withShortfall({ ...j, rules }, shortfall);
}

/** Every value against the limit: how many breach it and how many a censored limit leaves undecided. */
function countChecks(values: readonly CensoredValue[], limit: EffectiveLimit): { breaches: number; undecided: number } {
  let breaches = 0;
  let undecided = 0;
  for (const v of values) {
    const c = checkValue(v, limit);
    if (c === "breach") breaches++;
    else if (c === "undecided") undecided++;
  }
  return { breaches, undecided };
}

/** The worst value as a ratio to the limit, oriented so that above 1 breaches it. */
function extremeMargin(stats: ValueStatistics, limit: EffectiveLimit): Margin | null {
  if (limit.kind === "max") {
    // The highest measured value; "< L" only when nothing was quantified.
    if (stats.max !== null) return { ratio: stats.max.value / limit.value, qualifier: null };
    return stats.maxCensoredLimit !== null ? { ratio: stats.maxCensoredLimit / limit.value, qualifier: "<" } : null;
  }
  if (limit.kind === "min") {
    if (stats.min !== null && stats.min.value > 0) return { ratio: limit.value / stats.min.value, qualifier: null };
    return null;
  }
  return null;
}

/**
 * MAC-EQS (Annex I Part B(2)): every value, or the 90th/95th percentile as the statistical option. In
 * every-value mode a measured exceedance fails the standard even in a thin record (it happened);
 * "complies" needs the minimum sampling. A percentile needs the minimum sampling either way.
 */
export function judgeMac(values: readonly CensoredValue[], stats: ValueStatistics, mac: number, mode: MacMode, shortfall: RecordShortfall | null): Judgement {
  const limit: EffectiveLimit = { kind: "max", value: mac };
  const { breaches, undecided } = countChecks(values, limit);
  const notes = censoringNotes(stats);
  const sensitive = sensitiveEnough(stats.maxCensoredLimit, mac);
  if (!sensitive) notes.push("method-not-sensitive");
  const rules: AssessmentRuleId[] = [mode === "every-value" ? "eu-mac-every-value" : "eu-mac-percentile", "eu-method-sensitivity", "wfd-min-frequency"];
  const base = { exceedances: breaches, undecided, rules, notes };
  if (mode === "every-value") {
    const margin = extremeMargin(stats, limit);
    if (breaches > 0) {
      const extra: NoteCode[] = shortfall !== null ? ["exceedance-despite-insufficient-sampling"] : [];
      return judgement("fails", null, { ...base, margin, notes: [...notes, ...extra] });
    }
    if ((!sensitive && stats.nQuantified === 0) || undecided > 0) return judgement("not-assessable", "method-not-sensitive", { ...base, margin });
    return withShortfall(judgement("complies", null, { ...base, margin }), shortfall);
  }
  const p: PercentileValue | null = mode === "p90" ? stats.p90 : stats.p95;
  if (p === null) return judgement("not-assessable", "too-few-values", base);
  const margin: Margin = { ratio: p.value / mac, qualifier: p.qualifier === null ? null : "<" };
  if (!sensitive && stats.nQuantified === 0) return judgement("not-assessable", "method-not-sensitive", { ...base, margin });
  const c = checkValue(p.qualifier === null ? { value: p.value, qualifier: null, limit: null } : { value: null, qualifier: p.qualifier, limit: p.value }, limit);
  if (c === "undecided") return judgement("not-assessable", "method-not-sensitive", { ...base, margin });
  return withShortfall(judgement(c === "breach" ? "fails" : "complies", null, { ...base, margin }), shortfall);
}

/** Maximum, minimum and range standards: every single value, a measured breach decides at once. */
export function judgeEveryValue(values: readonly CensoredValue[], stats: ValueStatistics, limit: EffectiveLimit, shortfall: RecordShortfall | null): Judgement {
  const { breaches, undecided } = countChecks(values, limit);
  const base = { exceedances: breaches, undecided, margin: extremeMargin(stats, limit), rules: ["limit-every-value"] as AssessmentRuleId[], notes: censoringNotes(stats) };
  if (breaches > 0) return judgement("fails", null, base);
  if (undecided > 0) return judgement("not-assessable", "method-not-sensitive", base);
  return withShortfall(judgement("complies", null, base), shortfall);
}

/**
 * A watch-list "maximum acceptable method detection limit" says nothing about the water. The margin
 * shows whether the method reached it: highest limit carried by a censored value / the MDL (> 1: not).
 */
export function judgeWatchList(stats: ValueStatistics, mdl: number): Judgement {
  const margin = stats.maxCensoredLimit !== null && mdl > 0 ? { ratio: stats.maxCensoredLimit / mdl, qualifier: null } : null;
  return judgement("not-assessable", "not-a-quality-standard", { margin, rules: ["watch-list-mdl"] });
}
