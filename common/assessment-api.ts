// The assessment API's payloads (server/src/assessment/api/), shared with the dashboard. Results are
// the engine's (common/assessment.ts) with each standard given once in `standards` and referred to by
// its index, so a status table of 500 stations × 20 compounds does not repeat the catalog 10,000 times.
import type { BasisChoice, DailyLoad, DataBasis, LoadResult, MacMode, PeriodKind, StandardAssessment, StationClass, ValueStatistics, VersionRule } from "./assessment.ts";
import type { AssessmentRule, AssessmentRuleId } from "./assessment-rules.ts";
import type { QualityStandard, Source, WaterClass } from "./catalog-model.ts";
import type { CensoredMean, CensorQualifier } from "./statistics/censored-mean.ts";

export const ASSESSMENT_BASES = ["lab", "sensor", "both"] as const satisfies readonly BasisChoice[];
export const MAC_MODES = ["every-value", "p90", "p95"] as const satisfies readonly MacMode[];
export const VERSION_RULES = ["split", "end-of-period"] as const satisfies readonly VersionRule[];
/** Parts of a result beyond the verdicts: monthly means and loads (viewer), the values used (researcher). */
export const ASSESSMENT_INCLUDES = ["monthly", "loads", "values"] as const;
export type AssessmentInclude = (typeof ASSESSMENT_INCLUDES)[number];

/** What was asked, as understood: the period as given (each station's own from/to are in its result). */
export interface AssessmentRequestInfo {
  period: { kind: PeriodKind; year: number | null; from: string | null; to: string | null };
  basis: BasisChoice;
  approvedOnly: boolean;
  asOf: number | null;
  macMode: MacMode;
  versionRule: VersionRule;
  /** Sensors chosen instead of the stations' primary ones. */
  sensors: string[];
  include: AssessmentInclude[];
}

export interface StatisticsDto extends Omit<ValueStatistics, "coverage"> {
  coverage: {
    days: { withData: number; total: number; share: number };
    /** `missing`: labels (YYYY-MM) of the months without a counted value. */
    months: { withData: number; total: number; share: number; missing: string[] };
  };
}

export interface StandardResult extends Omit<StandardAssessment, "standard" | "statistics"> {
  /** Index into the response's `standards`. */
  standard: number;
  statistics: StatisticsDto;
}

/** Where a series' values came from. */
export interface SeriesSources {
  /** Sensor daily means in the period, from raw readings and from the 1-hour rollups (beyond raw retention). */
  sensorDays: number;
  rollupDays: number;
  /** The sensors whose readings made the daily means. */
  sensors: string[];
  labResults: number;
  /** Lab results left out because they were recorded after `asOf`. */
  labRecordedAfterAsOf: number;
}

export interface MonthlyMean {
  /** YYYY-MM (or YYYY-MM-DD for a month-long slice that starts mid-month). */
  label: string;
  from: number;
  to: number;
  mean: CensoredMean;
}

/** One value of the period with what became of it (researcher). */
export interface ValueUsed {
  time: number;
  value: number | null;
  qualifier: CensorQualifier | null;
  limit: number | null;
  basis: DataBasis;
  /** Counted in the results; else why not (other basis, lab preferred that day, QC, not approved). */
  counted: boolean;
  excludedBy: "other-basis" | "lab-preferred" | "qc" | "not-approved" | null;
  /** Sensor daily means: the sensor, the readings behind the mean, raw or rollup. */
  sensor?: string;
  n?: number;
  source?: "raw" | "rollup-1h";
  /** Lab results: Water Monitor's sample id, the lab's sample id and the laboratory. */
  sample?: number;
  labSampleId?: string;
  laboratory?: string;
}

export interface LoadsDto extends Omit<LoadResult, "daily"> {
  /** The daily loads (g/d); left out of the status table, given with `include=loads` for one station or in the loads export. */
  daily: DailyLoad[];
  /** The discharge sensor's daily means the loads rest on. */
  dischargeSensor: string | null;
}

export interface SeriesResult {
  parameter: string;
  unit: string;
  sources: SeriesSources;
  results: StandardResult[];
  /** End-of-period rule: versions not in force at the end (indexes into `standards`). */
  superseded: number[];
  monthly?: MonthlyMean[];
  /** null: no discharge at the station, or not a mass concentration. */
  loads?: LoadsDto | null;
  values?: ValueUsed[];
}

export interface StationResult {
  station: string;
  zone: string;
  from: number;
  to: number;
  targetClass: WaterClass | null;
  /** GB 3838-2002 class of the station over its indicators; null where no class standard applies. */
  class: StationClass | null;
  series: SeriesResult[];
}

/** What the dashboard should say about how the data was read (worded by the client). */
export type DataNoteCode =
  | "sensor-daily-means"
  | "rollup-days-include-suspect"
  | "corrected-sensor-days"
  | "lab-results-not-reviewed"
  | "as-of-review-state"
  | "as-of-sensor-readings-timed-before"
  | "as-of-lab-current-revision"
  | "lab-preferred-over-sensor";

export interface AssessmentResponse {
  request: AssessmentRequestInfo;
  catalogVersion: number;
  generatedAt: number;
  /** The compounds asked for, in catalog order (the status table's columns). */
  parameters: string[];
  standards: QualityStandard[];
  rules: Partial<Record<AssessmentRuleId, AssessmentRule>>;
  /** The catalog sources the standards and rules cite. */
  sources: Source[];
  notes: DataNoteCode[];
  /** Stations in river order (by river, then river kilometre). */
  stations: StationResult[];
  /** Series answered from the cache and computed for this request. */
  cache: { hits: number; misses: number };
}

export interface YearResult {
  year: number;
  /** The Art. 5 mean of the year's first result and its change against the year before. */
  mean: number | null;
  meanChange: number | null;
  results: Array<Pick<StandardResult, "standard" | "verdict" | "reason" | "indicativeVerdict" | "margin" | "from" | "to"> & { n: number; mean: CensoredMean }>;
}

export interface YearsRow {
  parameter: string;
  unit: string;
  standardId: string;
  years: YearResult[];
}

export interface YearsResponse {
  station: string;
  fromYear: number;
  toYear: number;
  basis: BasisChoice;
  standards: QualityStandard[];
  rules: Partial<Record<AssessmentRuleId, AssessmentRule>>;
  rows: YearsRow[];
}

/** GET /api/v1/assessments/loads as JSON: the loads of each station × compound, daily and for the period. */
export interface LoadsResponse {
  request: AssessmentRequestInfo;
  rules: Partial<Record<AssessmentRuleId, AssessmentRule>>;
  sources: Source[];
  stations: Array<Pick<StationResult, "station" | "zone" | "from" | "to"> & { series: Array<{ parameter: string; unit: string; loads: LoadsDto | null }> }>;
}
