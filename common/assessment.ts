// What the assessment engine (server/src/assessment/) takes and gives, shared with the dashboard,
// which shows the results. The engine is pure: the caller reads the values (lab results, sensor daily
// means), the catalog's standards and the station's target class, and gets back one verdict per
// standard with the statistics and the rules it rests on (assessment-rules.ts).
import type { ParameterCode, QualityStandard, StationId, WaterClass } from "./catalog-model.ts";
import type { QcFlag } from "./reading.ts";
import type { CensoredMean, CensoredValue, CensorQualifier } from "./statistics/censored-mean.ts";
import type { EffectiveLimit } from "./standards.ts";
import type { AssessmentRuleId } from "./assessment-rules.ts";

export type PeriodKind = "calendar-year" | "rolling-12-months" | "range";

/** [from, to) in epoch ms, with the zone its days and months are counted in. */
export interface AssessmentPeriod {
  kind: PeriodKind;
  from: number;
  to: number;
  zone: string;
  /** The calendar year for "calendar-year" periods, else null. */
  year: number | null;
}

/** One day or month of a period: [from, to), labelled with its local start (YYYY-MM-DD, or YYYY-MM for a whole month). */
export interface TimeSlice {
  from: number;
  to: number;
  label: string;
}

/** Where a value came from: a laboratory result, or the daily mean of a sensor's QC-passed readings. */
export type DataBasis = "lab" | "sensor-daily";
/** The data basis a user chooses; "both" prefers the lab on a day that has a lab result (the lab is the reference). */
export type BasisChoice = "lab" | "sensor" | "both";
/** Review levels (issue #17): raw → checked → approved. A value without a level counts as raw. */
export type ApprovalLevel = "raw" | "checked" | "approved";

/**
 * One value of the series in the parameter's unit: quantified (`value`, qualifier null) or censored
 * (`qualifier` "<LOD"/"<LOQ" with its `limit`, value null), as in common/statistics/censored-mean.ts.
 */
export interface AssessedValue extends CensoredValue {
  /** Epoch ms: sampling time of a lab result, start of the local day for a sensor daily mean. */
  time: number;
  qc: QcFlag;
  basis: DataBasis;
  approval?: ApprovalLevel;
}

export interface SeriesInput {
  station: StationId;
  parameter: ParameterCode;
  /** The parameter's catalog unit: every value is in it, standards are converted to it. */
  unit: string;
  values: readonly AssessedValue[];
}

/** Which version of a standard assesses a period in which the standard changes. */
export type VersionRule = "split" | "end-of-period";
export type MacMode = "every-value" | "p90" | "p95";
export type MinFrequency = "monthly" | "quarterly" | "none";
/** Which concentration a GB 3838 indicator is classed by for the verdict. */
export type ClassBasis = "period-mean" | "worst-value";

export interface AssessmentOptions {
  period: AssessmentPeriod;
  basis: BasisChoice;
  /** Count only values whose approval level is "approved". */
  approvedOnly: boolean;
  /** Default "every-value" (Directive 2008/105/EC Annex I Part B(2)); p90/p95 are the statistical option. */
  macMode?: MacMode;
  /** Default "split": each version is assessed on the part of the period it was valid. */
  versionRule?: VersionRule;
  /** Minimum sampling for AA-EQS and MAC-EQS standards; default "monthly" (WFD Annex V 1.3.4, priority substances). */
  minFrequency?: MinFrequency;
  /** Fewest QC-passed values a verdict needs (every kind); default 1. */
  minValues?: number;
  /** The station's GB 3838 water-function target class (Station.targetClass). */
  targetClass: WaterClass | null;
  /** Default "period-mean" (环办[2011]22号: several results are assessed by their arithmetic mean). */
  classBasis?: ClassBasis;
}

export type Verdict = "complies" | "fails" | "not-assessable";

export type NotAssessableReason =
  /** No value of the chosen basis in the period at all: "no data", never "complies". */
  | "no-data"
  /** Values exist but none passed QC. */
  | "no-valid-data"
  /** "Approved only" was asked and the approved values do not suffice (all values would). */
  | "not-approved"
  | "too-few-values"
  /** A month (quarter) of the period without a value: below the WFD minimum frequency. */
  | "insufficient-sampling"
  /** Directive 2009/90/EC Art. 4(1): the limit is too coarse for the standard and the values cannot decide. */
  | "method-not-sensitive"
  /** A watch-list detection limit: a requirement on the method, not a standard for the water. */
  | "not-a-quality-standard"
  /** A GB 3838 class standard at a station without a target class. */
  | "no-target-class";

export type NoteCode =
  /** Art. 5(2): the mean is below the limit and is reported as "< LOQ"/"< LOD". */
  | "mean-below-limit"
  /** The mean or a class rests in part on censored values at half their limit. */
  | "censored-values-substituted"
  /** The method's limit is above 30 % of the standard (Art. 4(1)); the verdict held with the bounds. */
  | "method-not-sensitive"
  /** The standard was valid for part of the period only; it was assessed on that part. */
  | "partial-validity"
  /** An AA-EQS over a period that is not a calendar year: the annual-average rule is applied to another span. */
  | "period-not-calendar-year"
  /** A MAC-EQS exceedance found in a record too thin for a "complies": the exceedance alone decides. */
  | "exceedance-despite-insufficient-sampling"
  /** Values not yet approved were left out ("approved only"). */
  | "unapproved-values-excluded"
  /** "Both" bases: a sensor daily mean was dropped on a day with a lab result. */
  | "lab-preferred-over-sensor"
  /** End-of-period rule: this version was applied to the whole period, including time before it was valid. */
  | "applied-to-whole-period";

/** A ratio oriented so that above 1 breaches the limit; "<" / ">" when it rests on a censored value. */
export interface Margin {
  ratio: number;
  qualifier: "<" | ">" | null;
}

/** An order statistic of censored values: a measured value, or "< limit" when the rank falls on a censored one. */
export interface PercentileValue {
  value: number;
  qualifier: CensorQualifier | null;
  /** 1-based rank in ascending order (nearest rank: ⌈p·n⌉). */
  rank: number;
}

export interface SliceCoverage {
  withData: number;
  total: number;
  /** withData / total (0 when total is 0). */
  share: number;
  /** Slices (days or months) of the assessed span without any counted value. */
  missing: TimeSlice[];
}

export interface ExclusionCounts {
  /** Values of the other basis ("lab" when the user chose "sensor", and so on). */
  otherBasis: number;
  /** Sensor daily means dropped on days with a lab result ("both"). */
  labPreferred: number;
  /** Values whose QC flag is not pass. */
  qc: number;
  /** QC-passed values left out because they are not approved ("approved only"). */
  notApproved: number;
}

export interface ValueStatistics {
  /** Values counted (QC-passed, basis chosen, approved if asked) in the assessed span. */
  n: number;
  nQuantified: number;
  nCensored: number;
  excluded: ExclusionCounts;
  coverage: { days: Omit<SliceCoverage, "missing">; months: SliceCoverage };
  /** Directive 2009/90/EC Art. 5 mean (censored values at half their limit), with its lower bound. */
  mean: CensoredMean;
  /** The mean with censored values at their full limit: the highest the true mean can be. */
  upperBound: number | null;
  /** Highest and lowest quantified values. */
  max: { value: number; time: number } | null;
  min: { value: number; time: number } | null;
  /** Highest limit among censored values (a "< L" that may hide a value above `max`). */
  maxCensoredLimit: number | null;
  p90: PercentileValue | null;
  p95: PercentileValue | null;
}

/** GB 3838-2002 classes, best to worst; "worse-than-V" (劣Ⅴ类) meets no class of Table 1. */
export type GbClass = WaterClass | "worse-than-V";

export interface Exceedance {
  /** (value − target-class limit) / limit; null when the value does not exceed it. */
  overTarget: number | null;
  /** (value − class III limit) / limit, the multiple Chinese reports give; null when not exceeded. */
  overClassIII: number | null;
}

export interface GbIndicator {
  /** Class limits in the parameter's unit. */
  direction: "max" | "min" | "range";
  limits: readonly number[] | null;
  range: readonly [number, number] | null;
  /** Class of the period mean (Art. 5 substitution for censored values). */
  classOfMean: GbClass | null;
  /** Worst class of any single value, and that value. */
  classOfWorstValue: GbClass | null;
  worstValue: { value: number; time: number; censored: boolean } | null;
  valuesPerClass: Record<GbClass, number>;
  targetClass: WaterClass | null;
  /** Which class the verdict was taken from. */
  classBasis: ClassBasis;
  /** Null for lower-limit and range items (pH, dissolved oxygen): 环办[2011]22号 gives them no multiple. */
  exceedance: { periodMean: Exceedance | null; worstValue: Exceedance | null } | null;
}

/** The verdict on one standard and what it rests on. */
export interface Judgement {
  verdict: Verdict;
  /** Set when the verdict is "not-assessable". */
  reason: NotAssessableReason | null;
  /** What the verdict would be if the record were sufficient (only with insufficient/too few/not approved). */
  indicativeVerdict: "complies" | "fails" | null;
  /** The number held against the limit (mean, lower bound, maximum or percentile), as a ratio to it. */
  margin: Margin | null;
  /** MAC-EQS / per-value kinds: values above (below) the limit, and values a censored limit leaves undecided. */
  exceedances: number | null;
  undecided: number | null;
  rules: AssessmentRuleId[];
  notes: NoteCode[];
}

export interface StandardAssessment extends Judgement {
  standard: QualityStandard;
  /** The limit at this station in the parameter's unit (class-limits: the target class's). */
  limit: EffectiveLimit | null;
  /** The span assessed: the period, or the part of it the version was valid ("split"). */
  from: number;
  to: number;
  basis: BasisChoice;
  approvedOnly: boolean;
  statistics: ValueStatistics;
  gb: GbIndicator | null;
}

export interface SupersededVersion {
  standard: QualityStandard;
  reason: "not-valid-at-period-end";
}

export interface SeriesAssessment {
  station: StationId;
  parameter: ParameterCode;
  unit: string;
  period: AssessmentPeriod;
  basis: BasisChoice;
  approvedOnly: boolean;
  versionRule: VersionRule;
  assessments: StandardAssessment[];
  /** End-of-period rule: versions of a standard not in force at the period's end (not assessed). */
  superseded: SupersededVersion[];
}

/** Loads (server/src/assessment/loads.ts): daily g/d and the period's kg by the flow-weighted method. */
export interface DailyLoad {
  /** Local day, YYYY-MM-DD. */
  day: string;
  from: number;
  /** The day's concentration in the parameter's unit (censored values at half their limit). */
  concentration: number;
  /** Daily mean discharge, m³/s. */
  discharge: number;
  /** g/d, and its bounds with censored values at 0 and at their limit. */
  load: number;
  lower: number;
  upper: number;
  /** The day's concentration rests in part on censored values. */
  substituted: boolean;
}

export interface LoadResult {
  daily: DailyLoad[];
  coverage: { daysWithLoad: number; daysWithConcentration: number; daysWithDischarge: number; totalDays: number; share: number };
  /** kg over the period (kg/a for a calendar year), null without a day that has both. */
  periodLoad: {
    kg: number;
    lowerKg: number;
    upperKg: number;
    /** Σ(Cᵢ·Qᵢ)/ΣQᵢ in the parameter's unit. */
    flowWeightedConcentration: number;
    /** Mean daily discharge over the days with discharge, m³/s. */
    meanDischarge: number;
    /** Days with a load fewer than the period's days: the load is an estimate over unobserved days. */
    extrapolated: boolean;
  } | null;
  substitutedDays: number;
  rules: AssessmentRuleId[];
}

/** A station's GB 3838-2002 class over its indicators (server/src/assessment/gb3838.ts stationClass). */
export interface StationClass {
  targetClass: WaterClass | null;
  basis: ClassBasis;
  /** Worst class over the classed indicators; null when none was classed. */
  class: GbClass | null;
  /** The indicator(s) with that class. */
  determinedBy: ParameterCode[];
  verdict: Verdict;
  reason: NotAssessableReason | "indicators-not-assessable" | null;
  indicators: { parameter: ParameterCode; class: GbClass | null; verdict: Verdict; reason: NotAssessableReason | null }[];
}
