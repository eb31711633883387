// The sensor validation's results as they travel from server to client (GET /api/v1/lab/validation):
// pairs of lab results and sensor values, and the statistics over them. The statistics themselves are
// computed in server/src/lab/validation/ (pure, each file cites its method); the shapes live here so
// that the server and the dashboard share one definition.
import type { LabResultInfo, SampleKind } from "./lab.ts";
import type { QcFlag } from "./reading.ts";
import type { CensoredMean, CensoredValue, CensorQualifier } from "./statistics/censored-mean.ts";

export type { SampleKind };

/** Mean Gregorian month, 365.2425 days / 12: the unit of the drift trend (% per month). */
export const MONTH_MS = (365.2425 / 12) * 86_400_000;

export type NotComputableReason =
  /** Fewer pairs than the statistic (or the page's minimum) needs. */
  | "not-enough-pairs"
  /** All lab values (or all sensor values, or all times) are the same: no line can be fitted. */
  | "no-spread"
  /** Passing–Bablok assumes a positive relationship (Passing & Bablok 1983); the pairs show none. */
  | "no-positive-correlation";

export interface NotComputable {
  status: "not-computable";
  reason: NotComputableReason;
  /** Pairs the statistic was given. */
  n: number;
  /** For "not-enough-pairs": how many it needs. */
  required: number | null;
  message: string;
}

export type Outcome<T> = ({ status: "ok" } & T) | NotComputable;

export interface Interval {
  lower: number;
  upper: number;
}

export type ExclusionReason =
  | "lab-below-limit"
  | "no-sensor-readings"
  | "low-coverage"
  | "sensor-below-limit"
  /** Relative difference undefined. */
  | "lab-not-positive";

export type SensorAggregation = "mean" | "nearest" | "flow-weighted mean";

export interface SensorSide {
  /** The number compared with the lab; null when there are no readings or the mean is below the limit. */
  value: number | null;
  aggregation: SensorAggregation;
  /**
   * A flow-proportional composite compared with a time-weighted mean, and why ("aggregated-readings":
   * part of the period is known only as interval means, which cannot be weighted reading by reading).
   */
  timeWeightedBecause: "no-discharge-readings" | "discharge-gap" | "aggregated-readings" | null;
  /** Art. 5(2): the mean is below the limit its values carry and is reported as "< LOD"/"< LOQ". */
  reportedBelow: CensorQualifier | null;
  limit: number | null;
  /** QC-accepted readings found in the period (or grab window): the basis of the coverage. */
  nReadings: number;
  /**
   * Of those, readings known only through interval means (the 1-minute and 1-hour rollups, where raw
   * readings have expired): their QC selection is the rollups' (failed left out, suspect kept).
   */
  nFromAggregates: number;
  /** Readings the value stands on (all of them for a mean, one for "nearest"), and how many of those were censored (counted at half their limit). */
  nUsed: number;
  nCensored: number;
  substitution: CensoredMean["substitution"];
  /** Readings the sensor's interval leads one to expect over the period (or grab window). */
  nExpected: number;
  /** nReadings / nExpected, at most 1. */
  coverage: number;
}

export interface ValidationPair {
  sampleId: string;
  kind: SampleKind;
  start: number;
  end: number;
  /** Time on the drift axis: a composite's mid-point, a grab sample's instant. */
  time: number;
  lab: CensoredValue;
  /** The lab number used (null when the lab result is censored). */
  labValue: number | null;
  sensor: SensorSide;
  /** sensor − lab. */
  difference: number | null;
  /** 100 × (sensor − lab) / lab: the lab is the reference method. */
  relativeDifferencePercent: number | null;
  /** (sensor + lab) / 2: the Bland–Altman x axis. */
  average: number | null;
  /** Why the pair is not in the statistics; null when it is. */
  excluded: ExclusionReason | null;
}

export interface PairingOptions {
  /** The sensor's reading interval (catalog `intervalSeconds`): how many readings a period should hold. */
  sensorIntervalSeconds: number;
  /** Half-width of the window around a grab sample. */
  grabWindowMinutes: number;
  grabAggregation: "mean" | "nearest";
  /** Pairs whose coverage is below this are excluded from the statistics. */
  minCoverage: number;
  /** QC flags whose readings are used (QARTOD; default pass only: a reference comparison uses good data). */
  acceptedQc: readonly QcFlag[];
  /** A reading more than this far from any discharge reading gets no discharge (flow weighting). */
  dischargeMaxGapSeconds: number;
}

export interface ValidationOptions extends PairingOptions {
  /** Deming's σ²(lab error) / σ²(sensor error). */
  errorRatio: number;
  /** Confidence level of every interval. */
  confidence: number;
  /**
   * Fewer usable pairs than this: every statistic says "not enough pairs" instead of numbers. A design
   * choice, not a standard: CLSI EP09 asks for 40 samples for a formal method comparison; below 10 the
   * intervals are too wide to tell anything.
   */
  minPairs: number;
}

export interface PassingBablokFit {
  method: "passing-bablok";
  n: number;
  confidence: number;
  slope: number;
  intercept: number;
  /** Null when too few pairs put the bounds outside the slopes (small n) or a bound is infinite. */
  slopeCI: Interval | null;
  interceptCI: Interval | null;
  /** Slopes used (N) and the shift (K), for the record. */
  slopesUsed: number;
  shift: number;
}

export interface DemingFit {
  method: "deming";
  n: number;
  errorRatio: number;
  confidence: number;
  slope: number;
  intercept: number;
  /** Jackknife standard errors; null when a leave-one-out fit is undefined (e.g. the rest has no spread). */
  slopeSE: number | null;
  interceptSE: number | null;
  slopeCI: Interval | null;
  interceptCI: Interval | null;
}

export interface BlandAltman {
  n: number;
  /** "absolute": sensor − lab in the parameter's unit; "relative": 100·(sensor − lab)/lab in %. */
  scale: "absolute" | "relative";
  confidence: number;
  meanDifference: number;
  sdDifference: number;
  meanDifferenceCI: Interval | null;
  lowerLimit: number;
  upperLimit: number;
  lowerLimitCI: Interval | null;
  upperLimitCI: Interval | null;
  /** Standard errors of the mean difference and of each limit (Bland & Altman 1999). */
  seMeanDifference: number;
  seLimit: number;
}

export interface Agreement {
  n: number;
  /** Mean of sensor − lab, in the parameter's unit. */
  meanBias: number;
  /** Mean of 100·(sensor − lab)/lab; null without a positive lab value. */
  meanRelativeBiasPercent: number | null;
  /** √(mean((sensor − lab)²)), in the parameter's unit. */
  rmse: number;
  blandAltman: Outcome<BlandAltman>;
  relativeBlandAltman: Outcome<BlandAltman>;
}

export interface MannKendall {
  S: number;
  varS: number;
  z: number;
  pValue: number;
}

export interface LeastSquaresTrend {
  slope: number;
  intercept: number;
  slopeSE: number;
  slopeCI: Interval | null;
  /** Null for a perfect fit (no residual scatter: no test statistic). */
  pValue: number | null;
}

export interface DriftTrend {
  method: "theil-sen";
  n: number;
  confidence: number;
  /** t = 0: the time of the first pair, epoch ms. */
  origin: number;
  /** Trend of the relative difference, in % (percentage points) per month. */
  slopePercentPerMonth: number;
  slopeCI: Interval | null;
  /** The trend's relative difference (%) at `origin`. */
  interceptPercent: number;
  mannKendall: MannKendall;
  leastSquares: LeastSquaresTrend | null;
}

export interface SensorValidation {
  options: ValidationOptions;
  /** Every lab result with its sensor value, in the order given; excluded pairs say why. */
  pairs: ValidationPair[];
  counts: {
    total: number;
    used: number;
    excluded: number;
    excludedBy: Record<ExclusionReason, number>;
  };
  /** The regression the page names and draws (see server/src/lab/validation/index.ts for why); Deming is given alongside. */
  regression: {
    named: "passing-bablok";
    passingBablok: Outcome<PassingBablokFit>;
    deming: Outcome<DemingFit>;
  };
  agreement: Outcome<Agreement>;
  drift: Outcome<DriftTrend>;
}

/** Where the sensor's readings of a validation came from (raw readings expire after the raw retention). */
export interface ValidationReadingSources {
  /** Raw readings (each with its QC flag and censoring) from this instant on; null when the range is older. */
  rawFrom: number | null;
  /** Readings read raw, and interval rows read from the 1-minute and 1-hour rollups. */
  raw: number;
  rollup1m: number;
  rollup1h: number;
}

/** GET /api/v1/lab/validation: the validation of one sensor against the lab over [from, to). */
export interface LabValidationResponse {
  station: string;
  parameter: string;
  sensor: string;
  /** The parameter's catalog unit: of lab values, sensor values, differences and RMSE. */
  unit: string;
  from: number;
  to: number;
  readings: ValidationReadingSources;
  /** The lab results, aligned with `validation.pairs` (same order, same length). */
  lab: LabResultInfo[];
  validation: SensorValidation;
}
