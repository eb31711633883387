// Sensor validation against laboratory results: the pure statistical core of the validation view
// (issue #16). No I/O: the caller loads lab results, sensor readings and discharge, and calls
// `validateSensor`; the single statistics are exported for other uses (alerts, exports, tests).
//
// Which regression the page names: Passing–Bablok.
// - Passing–Bablok (Passing & Bablok 1983) makes no assumption about the distribution of the errors,
//   is robust against outliers (a fouled sensor, a contaminated sample), treats both methods alike,
//   and needs no knowledge of either method's precision. Errors that grow with the concentration,
//   usual for both LC-MS/MS and the sensors, do not bias it.
// - Deming regression (Cornbleet & Gochman 1979; Linnet 1990, 1993) assumes normally distributed
//   errors whose variance ratio λ = σ²(lab)/σ²(sensor) is known and the same over the whole range.
//   Neither holds reliably for a research sensor; one outlier moves the line. It is given alongside,
//   with its λ, as a second opinion: when the two lines disagree, look for outliers or for errors that
//   change with the concentration.
// So the page draws and names "Passing–Bablok regression", with its 95 % confidence intervals: a
// slope interval containing 1 and an intercept interval containing 0 mean no proportional and no
// constant difference could be shown.
// Agreement follows Bland & Altman (1986, 1999); drift is the Theil–Sen trend of the relative
// difference (drift.ts says why it is preferred to least squares).
export { agreement, blandAltman, LOA_MULTIPLIER, type Agreement, type BlandAltman } from "./agreement.ts";
export { DEFAULT_DEMING, demingRegression, type DemingFit, type DemingOptions } from "./deming.ts";
export { driftTrend, MONTH_MS, type DriftPoint, type DriftTrend, type LeastSquaresTrend, type MannKendall } from "./drift.ts";
export type { DischargeReading } from "./flow-weighting.ts";
export type { Interval, NotComputable, NotComputableReason, Outcome } from "./outcome.ts";
export {
  buildPairs,
  DEFAULT_PAIRING,
  EXCLUSION_REASONS,
  type ExclusionReason,
  type LabResult,
  type PairingOptions,
  type SampleKind,
  type SensorAggregate,
  type SensorAggregation,
  type SensorReading,
  type SensorSide,
  type ValidationPair,
} from "./pairing.ts";
export { passingBablok, type PassingBablokFit } from "./passing-bablok.ts";
export { DEFAULT_VALIDATION, validateSensor, type SensorValidation, type ValidationInput, type ValidationOptions } from "./validate-sensor.ts";
