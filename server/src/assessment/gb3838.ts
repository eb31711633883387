// GB 3838-2002 surface-water classes. Each indicator takes the best class whose Table 1 limit its
// concentration meets — upper-limit items (ammonia nitrogen, COD, …): the value does not exceed the
// limit; lower-limit items (dissolved oxygen): the value reaches it; pH: 6–9 for every class — so a
// value exactly on a limit belongs to that class, and where two classes share a limit (COD I and II
// at 15 mg/L) the better one is taken. A value beyond the class V limit meets no class of the table:
// worse than class V (劣Ⅴ类). The station takes the worst class of its indicators and names it
// (单因子评价法, 环办[2011]22号 section 二(一)1).
import { WATER_CLASSES, type ClassLimits, type QualityStandard, type WaterClass } from "../../../common/catalog-model.ts";
import type { CensoredValue } from "../../../common/statistics/censored-mean.ts";
import type { EffectiveLimit } from "../../../common/standards.ts";
import { convertUnit } from "../../../common/units.ts";
import { checkValue, withShortfall, type RecordShortfall } from "./verdict-eu.ts";
import type { AssessedValue, ClassBasis, Exceedance, GbClass, GbIndicator, Judgement, NotAssessableReason, SeriesAssessment, StationClass, ValueStatistics, Verdict } from "./types.ts";

export type { StationClass } from "./types.ts";

export const GB_CLASSES: readonly GbClass[] = [...WATER_CLASSES, "worse-than-V"];
const CLASS_III = 2;

export const gbClassRank = (c: GbClass): number => GB_CLASSES.indexOf(c);
export const worseClass = (a: GbClass, b: GbClass): GbClass => (gbClassRank(a) >= gbClassRank(b) ? a : b);

/** Class limits converted into the parameter's unit. */
export type UnitClassLimits = { direction: "max" | "min"; limits: readonly number[] } | { direction: "range"; range: readonly [number, number] };

export function classLimitsIn(standard: QualityStandard, unit: string): UnitClassLimits {
  const classes: ClassLimits = standard.classes!;
  const conv = (v: number): number => {
    const c = convertUnit(v, standard.unit, unit);
    if (c === undefined) throw new Error(`standard ${standard.id}: unit ${standard.unit} does not convert to ${unit}`);
    return c;
  };
  if (classes.direction === "range") return { direction: "range", range: [conv(classes.range[0]), conv(classes.range[1])] };
  return { direction: classes.direction, limits: classes.limits.map(conv) };
}

/** GB 3838-2002 Table 1: the best class whose limit the value meets (on the limit: that class). */
export function classOf(value: number, limits: UnitClassLimits): GbClass {
  if (limits.direction === "range") return value >= limits.range[0] && value <= limits.range[1] ? "I" : "worse-than-V";
  for (let i = 0; i < WATER_CLASSES.length; i++) {
    const limit = limits.limits[i]!;
    if (limits.direction === "max" ? value <= limit : value >= limit) return WATER_CLASSES[i]!;
  }
  return "worse-than-V";
}

/** (value − limit) / limit where the value exceeds an upper limit (环办[2011]22号 section 二(一)3(1)); else null. */
export function exceedanceMultiple(value: number, limit: number): number | null {
  return limit > 0 && value > limit ? (value - limit) / limit : null;
}

function exceedanceOf(value: number | null, limits: UnitClassLimits, target: WaterClass | null): Exceedance | null {
  if (value === null || limits.direction !== "max") return null;
  const t = target === null ? null : WATER_CLASSES.indexOf(target);
  return {
    overTarget: t === null ? null : exceedanceMultiple(value, limits.limits[t]!),
    overClassIII: exceedanceMultiple(value, limits.limits[CLASS_III]!),
  };
}

/** The number a value stands for in a class: measured, or half its limit (Directive 2009/90/EC Art. 5(1), as for the mean). */
const numberOf = (v: CensoredValue): number => (v.qualifier === null ? v.value! : v.limit! / 2);

/** How far a value lies on the bad side: higher for upper limits, lower for lower limits, outside the range for pH. */
function badness(x: number, limits: UnitClassLimits): number {
  if (limits.direction === "range") return Math.max(limits.range[0] - x, x - limits.range[1], 0);
  return limits.direction === "max" ? x : -x;
}

export interface ClassAssessment extends Judgement {
  gb: GbIndicator;
}

/**
 * One indicator over the span: class of the period mean (the usual basis, 环办[2011]22号 section
 * 一(二)), class of the worst single value, and the verdict against the target class by `basis`.
 */
export function assessClasses(
  values: readonly AssessedValue[],
  stats: ValueStatistics,
  standard: QualityStandard,
  unit: string,
  targetClass: WaterClass | null,
  targetLimit: EffectiveLimit | null,
  basis: ClassBasis,
  shortfall: RecordShortfall | null,
): ClassAssessment {
  const limits = classLimitsIn(standard, unit);
  const valuesPerClass = Object.fromEntries(GB_CLASSES.map((c) => [c, 0])) as Record<GbClass, number>;
  let worst: { value: number; time: number; censored: boolean } | null = null;
  for (const v of values) {
    const x = numberOf(v);
    valuesPerClass[classOf(x, limits)]++;
    if (worst === null || badness(x, limits) > badness(worst.value, limits)) worst = { value: x, time: v.time, censored: v.qualifier !== null };
  }
  const mean = stats.mean.mean;
  const classOfMean = mean === null ? null : classOf(mean, limits);
  const classOfWorstValue = worst === null ? null : classOf(worst.value, limits);
  const gb: GbIndicator = {
    direction: limits.direction,
    limits: limits.direction === "range" ? null : limits.limits,
    range: limits.direction === "range" ? limits.range : null,
    classOfMean,
    classOfWorstValue,
    worstValue: worst,
    valuesPerClass,
    targetClass,
    classBasis: basis,
    exceedance: limits.direction === "max" ? { periodMean: exceedanceOf(mean, limits, targetClass), worstValue: exceedanceOf(worst?.value ?? null, limits, targetClass) } : null,
  };
  const rules: Judgement["rules"] = ["gb3838-class", "gb3838-period-mean", "eu-loq-half", ...(limits.direction === "max" ? (["gb3838-exceedance-multiple"] as const) : [])];
  const notes: Judgement["notes"] = stats.nCensored > 0 ? ["censored-values-substituted"] : [];
  const judged = (verdict: Verdict, reason: NotAssessableReason | null, margin: Judgement["margin"] = null): ClassAssessment => ({
    verdict,
    reason,
    indicativeVerdict: null,
    margin,
    exceedances: null,
    undecided: null,
    rules,
    notes,
    gb,
  });
  if (targetLimit === null) return judged("not-assessable", "no-target-class");
  // Never quantified, with a limit that leaves the target undecided: no class claim can be made.
  if (stats.nQuantified === 0 && values.some((v) => checkValue(v, targetLimit) === "undecided")) return judged("not-assessable", "method-not-sensitive");
  const x = basis === "period-mean" ? mean : (worst?.value ?? null);
  const cls = basis === "period-mean" ? classOfMean : classOfWorstValue;
  if (x === null || cls === null) return judged("not-assessable", "no-data");
  const targetRank = limits.direction === "range" ? 0 : WATER_CLASSES.indexOf(targetClass!);
  const margin =
    targetLimit.kind === "max"
      ? { ratio: x / targetLimit.value, qualifier: null }
      : targetLimit.kind === "min" && x > 0
        ? { ratio: targetLimit.value / x, qualifier: null }
        : null;
  const verdict: Verdict = gbClassRank(cls) <= targetRank ? "complies" : "fails";
  const j = withShortfall(judged(verdict, null, margin), shortfall);
  return { ...j, gb };
}

// A class from these reasons rests on too little or too coarse data to count for the station.
const UNCLASSED: ReadonlySet<NotAssessableReason> = new Set(["no-data", "no-valid-data", "not-approved", "too-few-values", "insufficient-sampling", "method-not-sensitive"]);

/**
 * The station's class: the worst class over its GB 3838 indicators (single-factor method), with the
 * indicators that set it, and the verdict against its target class. Indicators without data take no
 * part (only monitored indicators are assessed); an indicator with data but no verdict leaves the
 * station "not assessable" unless another indicator already fails.
 */
export function stationClass(series: readonly SeriesAssessment[], targetClass: WaterClass | null, basis: ClassBasis = "period-mean"): StationClass {
  const indicators: StationClass["indicators"] = [];
  for (const s of series) {
    const list = s.assessments.filter((a) => a.standard.kind === "class-limits");
    if (list.length === 0) continue;
    // Versions of a standard within the period: the worst class and the strictest verdict count.
    let cls: GbClass | null = null;
    let verdict: Verdict = "complies";
    let reason: NotAssessableReason | null = null;
    for (const a of list) {
      const c = a.gb === null || (a.reason !== null && UNCLASSED.has(a.reason)) ? null : basis === "period-mean" ? a.gb.classOfMean : a.gb.classOfWorstValue;
      if (c !== null) cls = cls === null ? c : worseClass(cls, c);
      if (a.verdict === "fails") verdict = "fails";
      else if (a.verdict === "not-assessable" && verdict !== "fails") {
        verdict = "not-assessable";
        reason = a.reason;
      }
    }
    indicators.push({ parameter: s.parameter, class: cls, verdict, reason: verdict === "not-assessable" ? reason : null });
  }
  const classed = indicators.filter((i) => i.class !== null);
  const worst = classed.reduce<GbClass | null>((w, i) => (w === null ? i.class : worseClass(w, i.class!)), null);
  const determinedBy = worst === null ? [] : classed.filter((i) => i.class === worst).map((i) => i.parameter);
  const base = { targetClass, basis, class: worst, determinedBy, indicators };
  if (indicators.some((i) => i.verdict === "fails")) return { ...base, verdict: "fails", reason: null };
  if (targetClass === null && indicators.some((i) => i.reason === "no-target-class")) return { ...base, verdict: "not-assessable", reason: "no-target-class" };
  const participating = indicators.filter((i) => i.reason !== "no-data" && i.reason !== "no-valid-data");
  if (participating.length === 0) return { ...base, verdict: "not-assessable", reason: "no-data" };
  if (participating.some((i) => i.verdict === "not-assessable")) return { ...base, verdict: "not-assessable", reason: "indicators-not-assessable" };
  return { ...base, verdict: "complies", reason: null };
}
