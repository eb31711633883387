// The AA-EQS rule is an early warning, not a verdict. An AA-EQS is an annual average (Directive
// 2008/105/EC, Annex I Part B: the arithmetic mean of the concentrations measured over a year); the
// annual verdict belongs to the assessment. What an alert may say is "the rolling N-day mean is above
// the annual standard", and only when the mean stands on enough data:
// - a window of at least MIN_AA_WINDOW_MS (a 24-hour or 2-day mean says nothing about a year);
// - coverage: at least `minCoverage` of the readings the sensor's interval leads one to expect;
// - a mean that is a number: a mean below the limit of quantification (or detection) is reported as
//   "< LOQ" and never compared (Directive 2009/90/EC Art. 5(2));
// - a method sensitive enough for the standard (Art. 4(1): limit ≤ 30 % of the EQS), or else the
//   mean's lower bound (censored values as 0) must exceed the standard by itself.
import type { AlertRule } from "../../../common/alerts.ts";
import type { Sensor } from "../../../common/catalog-model.ts";
import { comparableMean, type CensoredMean } from "../../../common/statistics/censored-mean.ts";
import { sensitiveEnough } from "../../../common/standards.ts";
import type { ValueDetail } from "./alert-repository.ts";
import type { Condition } from "./state-machine.ts";

const DAY_MS = 86_400_000;
export const MIN_AA_WINDOW_MS = 30 * DAY_MS;
export const DEFAULT_AA_WINDOW_MS = 30 * DAY_MS;
export const DEFAULT_MIN_COVERAGE = 0.8;

export interface EarlyWarningInput {
  mean: CensoredMean;
  windowMs: number;
  /** The sensor's reading interval: windowMs / intervalMs readings are expected. */
  intervalMs: number;
  minCoverage: number;
  /** The AA-EQS in the parameter's unit. */
  threshold: number;
  /** Whether the limit the values carry is at most 30 % of the EQS. */
  sensitiveEnough: boolean;
  /** Hysteresis: the alert clears below threshold × clearRatio. */
  clearRatio: number;
}

export type EarlyWarningReason = "no-data" | "insufficient-coverage" | "below-limit" | "compared";

export interface EarlyWarningResult {
  condition: Condition;
  reason: EarlyWarningReason;
  /** Share of expected readings present in the window (0–1, may exceed 1 with duplicates or faster sensors). */
  coverage: number;
  /** The number compared with the standard (mean, or its lower bound), when one was. */
  compared: number | null;
}

export function coverageOf(n: number, windowMs: number, intervalMs: number): number {
  const expected = windowMs / intervalMs;
  return expected > 0 ? n / expected : 0;
}

export function earlyWarningCondition(input: EarlyWarningInput): EarlyWarningResult {
  const coverage = coverageOf(input.mean.n, input.windowMs, input.intervalMs);
  if (input.mean.n === 0) return { condition: "unknown", reason: "no-data", coverage, compared: null };
  if (input.mean.reportedBelow !== null) return { condition: "clear", reason: "below-limit", coverage, compared: null };
  const compared = comparableMean(input.mean, input.sensitiveEnough);
  if (compared === null) return { condition: "clear", reason: "below-limit", coverage, compared: null };
  // Too little data neither starts nor ends an alert: an open alert stays until the data says otherwise.
  if (coverage < input.minCoverage) return { condition: "unknown", reason: "insufficient-coverage", coverage, compared };
  const t = input.threshold;
  const condition: Condition = compared > t ? "breach" : compared > t * input.clearRatio ? "hold" : "clear";
  return { condition, reason: "compared", coverage, compared };
}

/** What an aa rule makes of a series' rolling mean: the condition, and the value and detail an alert keeps. */
export interface AaEvaluation {
  condition: Condition;
  /** The mean; when it is below its limit ("< LOQ"), the limit (and `detail.qualifier` says so). */
  value: number | null;
  detail: ValueDetail;
}

/**
 * An aa rule on the rolling mean of one sensor's series. Coverage counts against the sensor's
 * reading interval; sensitivity (Art. 4(1)) is judged with the limit of quantification the catalog
 * gives the sensor, else its limit of detection. A sensor the catalog does not know gives no verdict.
 */
export function evaluateAa(
  rule: Pick<AlertRule, "windowMs" | "minCoverage" | "threshold" | "clearRatio">,
  mean: CensoredMean,
  sensor: Pick<Sensor, "intervalSeconds" | "lod" | "loq"> | undefined,
): AaEvaluation {
  const windowMs = rule.windowMs ?? DEFAULT_AA_WINDOW_MS;
  const detail: ValueDetail = { windowMs, count: mean.n, qualifier: mean.reportedBelow };
  const value = mean.reportedBelow !== null ? mean.limit : mean.mean;
  if (!sensor || rule.threshold === null) return { condition: "unknown", value, detail };
  const threshold = rule.threshold;
  const result = earlyWarningCondition({
    mean,
    windowMs,
    intervalMs: sensor.intervalSeconds * 1_000,
    minCoverage: rule.minCoverage ?? DEFAULT_MIN_COVERAGE,
    threshold,
    sensitiveEnough: sensitiveEnough(sensor.loq ?? sensor.lod, threshold),
    clearRatio: rule.clearRatio,
  });
  return { condition: result.condition, value, detail };
}
