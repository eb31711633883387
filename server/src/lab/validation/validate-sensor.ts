// The sensor validation view's numbers for one station × compound over a period: the pairs, and the
// statistics over the pairs that are not excluded. Pure: the caller loads lab results, readings and
// (for flow-proportional composites) discharge, and passes the sensor's catalog interval.
import type { ExclusionReason, SensorValidation, ValidationOptions } from "../../../../common/lab-validation.ts";
import { agreement } from "./agreement.ts";
import { demingRegression } from "./deming.ts";
import { driftTrend } from "./drift.ts";
import type { DischargeReading } from "./flow-weighting.ts";
import { notEnoughPairs } from "./outcome.ts";
import { buildPairs, DEFAULT_PAIRING, EXCLUSION_REASONS, type LabResult, type SensorAggregate, type SensorReading } from "./pairing.ts";
import { passingBablok } from "./passing-bablok.ts";

export type { SensorValidation, ValidationOptions };

export const DEFAULT_VALIDATION: Omit<ValidationOptions, "sensorIntervalSeconds"> = Object.freeze({
  ...DEFAULT_PAIRING,
  errorRatio: 1,
  confidence: 0.95,
  minPairs: 10,
});

export interface ValidationInput {
  labResults: readonly LabResult[];
  readings: readonly SensorReading[];
  /** Discharge at the station (m³/s), for flow-proportional composites; may be empty. */
  discharge?: readonly DischargeReading[];
  /** Interval means standing in for raw readings that have expired (rollups); may be empty. */
  aggregates?: readonly SensorAggregate[];
}

export function validateSensor(input: ValidationInput, options: Partial<ValidationOptions> & Pick<ValidationOptions, "sensorIntervalSeconds">): SensorValidation {
  const resolved: ValidationOptions = { ...DEFAULT_VALIDATION, ...options };
  const pairs = buildPairs(input.labResults, input.readings, resolved, input.discharge, input.aggregates);
  const used = pairs.filter((p) => p.excluded === null);
  const excludedBy = Object.fromEntries(EXCLUSION_REASONS.map((r) => [r, 0])) as Record<ExclusionReason, number>;
  for (const p of pairs) if (p.excluded !== null) excludedBy[p.excluded]++;
  const counts = { total: pairs.length, used: used.length, excluded: pairs.length - used.length, excludedBy };

  if (used.length < resolved.minPairs) {
    const none = notEnoughPairs(used.length, resolved.minPairs, "The validation statistics");
    return { options: resolved, pairs, counts, regression: { named: "passing-bablok", passingBablok: none, deming: none }, agreement: none, drift: none };
  }
  // Used pairs have both numbers and a positive lab value (pairing.ts).
  const lab = used.map((p) => p.labValue!);
  const sensor = used.map((p) => p.sensor.value!);
  return {
    options: resolved,
    pairs,
    counts,
    regression: {
      named: "passing-bablok",
      passingBablok: passingBablok(lab, sensor, resolved.confidence),
      deming: demingRegression(lab, sensor, { errorRatio: resolved.errorRatio, confidence: resolved.confidence }),
    },
    agreement: agreement(lab, sensor, resolved.confidence),
    drift: driftTrend(
      used.map((p) => ({ time: p.time, relativeDifferencePercent: p.relativeDifferencePercent! })),
      resolved.confidence,
    ),
  };
}
