// Pairing rules: for each lab result, the sensor value over the same period.
// - Composite sample (time- or flow-proportional): the mean of the sensor's QC-passed readings over
//   the sampling period [start, end). Censored readings follow Directive 2009/90/EC Art. 5
//   (common/statistics/censored-mean.ts). A flow-proportional composite is compared with the
//   discharge-weighted mean when discharge readings cover the period (flow-weighting.ts); otherwise
//   with the time-weighted mean, and the pair says so.
// - Grab sample: the readings within ± `grabWindowMinutes` (default 30) of the sampling instant.
//   Default "mean": a grab sample is one instant, but a single sensor reading carries the sensor's
//   short-term noise, and the river does not change much within half an hour at a station away from
//   an outfall; the mean of the window is the better estimate of the concentration at that instant.
//   "nearest" (the reading closest in time) is there for sensors whose interval is as long as the
//   window, or for spills where the concentration changes within minutes.
// Each pair carries the readings used and the coverage: readings found / readings the sensor's
// interval leads one to expect over the period (as for the AA-EQS early warning). A pair is kept but
// excluded from the statistics, with the reason, when the lab or the sensor side is below its limit
// ("< LOQ"/"< LOD": no number to compare), when the coverage is below `minCoverage` (default 0.8),
// or when the lab value is not positive (the relative difference (sensor − lab)/lab is undefined).
import { meanOf, type CensoredMean, type CensoredValue, type CensorQualifier } from "../../../../common/statistics/censored-mean.ts";
import { QC, type QcFlag, type Reading } from "../../../../common/reading.ts";
import { coverageOf } from "../../alerts/aa-early-warning.ts";
import { dischargeAt, dischargeSeries, lowerBound, weightedCensoredMean, type DischargeReading } from "./flow-weighting.ts";

export type SampleKind = "grab" | "time-proportional composite" | "flow-proportional composite";

/** One lab result of one compound, in the parameter's catalog unit. */
export interface LabResult {
  /** The lab's sample id. */
  sampleId: string;
  kind: SampleKind;
  /** Sampling start, epoch ms UTC; a grab sample's instant. */
  start: number;
  /** Sampling end, epoch ms UTC; equal to `start` for a grab sample. */
  end: number;
  /** A value, or "< LOQ" ("< LOD") with its limit. */
  result: CensoredValue;
}

/** A sensor reading as stored (common/reading.ts): value, or null with the qualifier and limit (LOD or LOQ) when censored. */
export type SensorReading = Pick<Reading, "time" | "value" | "qualifier" | "limit" | "qc">;

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

export const DEFAULT_PAIRING: Omit<PairingOptions, "sensorIntervalSeconds"> = Object.freeze({
  grabWindowMinutes: 30,
  grabAggregation: "mean",
  minCoverage: 0.8,
  acceptedQc: [QC.pass],
  dischargeMaxGapSeconds: 3_600,
});

export type ExclusionReason =
  | "lab-below-limit"
  | "no-sensor-readings"
  | "low-coverage"
  | "sensor-below-limit"
  /** Relative difference undefined. */
  | "lab-not-positive";

export const EXCLUSION_REASONS: readonly ExclusionReason[] = ["lab-below-limit", "no-sensor-readings", "low-coverage", "sensor-below-limit", "lab-not-positive"];

export type SensorAggregation = "mean" | "nearest" | "flow-weighted mean";

export interface SensorSide {
  /** The number compared with the lab; null when there are no readings or the mean is below the limit. */
  value: number | null;
  aggregation: SensorAggregation;
  /** A flow-proportional composite compared with a time-weighted mean, and why. */
  timeWeightedBecause: "no-discharge-readings" | "discharge-gap" | null;
  /** Art. 5(2): the mean is below the limit its values carry and is reported as "< LOD"/"< LOQ". */
  reportedBelow: CensorQualifier | null;
  limit: number | null;
  /** QC-accepted readings found in the period (or grab window): the basis of the coverage. */
  nReadings: number;
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

interface ReadingColumns {
  times: Float64Array;
  values: CensoredValue[];
}

/** QC-accepted readings that carry a value or a censored limit, sorted by time. */
function acceptedReadings(readings: readonly SensorReading[], accepted: readonly QcFlag[]): ReadingColumns {
  const kept = readings.filter((r) => accepted.includes(r.qc) && (r.value !== null || (r.qualifier !== null && r.limit !== null)));
  let sorted = true;
  for (let i = 1; i < kept.length && sorted; i++) sorted = kept[i - 1]!.time <= kept[i]!.time;
  if (!sorted) kept.sort((a, b) => a.time - b.time);
  return {
    times: Float64Array.from(kept, (r) => r.time),
    values: kept.map((r) => (r.value !== null ? { value: r.value, qualifier: null, limit: null } : { value: null, qualifier: r.qualifier, limit: r.limit })),
  };
}

/** Builds one pair per lab result, in the order given. */
export function buildPairs(
  labResults: readonly LabResult[],
  readings: readonly SensorReading[],
  options: PairingOptions,
  discharge: readonly DischargeReading[] = [],
): ValidationPair[] {
  if (!(options.sensorIntervalSeconds > 0)) throw new RangeError("sensorIntervalSeconds must be positive (the catalog's sensor interval)");
  const columns = acceptedReadings(readings, options.acceptedQc);
  const flow = discharge.length > 0 ? dischargeSeries(discharge) : null;
  const intervalMs = options.sensorIntervalSeconds * 1000;
  return labResults.map((lab) => {
    const grab = lab.kind === "grab";
    const halfWindowMs = options.grabWindowMinutes * 60_000;
    // A composite covers [start, end); a grab window is closed on both sides.
    const from = grab ? lab.start - halfWindowMs : lab.start;
    const to = grab ? lab.start + halfWindowMs : lab.end;
    const i0 = lowerBound(columns.times, from);
    const i1 = lowerBound(columns.times, to, grab);
    const windowMs = Math.max(0, to - from);
    const sensor = sensorSide(lab, columns, i0, i1, options, flow);
    const nExpected = windowMs / intervalMs;
    sensor.nExpected = nExpected;
    sensor.coverage = Math.min(1, coverageOf(sensor.nReadings, windowMs, intervalMs));
    return pairOf(lab, sensor, options.minCoverage);
  });
}

function sensorSide(lab: LabResult, columns: ReadingColumns, i0: number, i1: number, options: PairingOptions, flow: ReturnType<typeof dischargeSeries> | null): SensorSide {
  const values = columns.values.slice(i0, i1);
  if (lab.kind === "grab" && options.grabAggregation === "nearest" && values.length > 0) {
    let best = i0;
    for (let i = i0 + 1; i < i1; i++) if (Math.abs(columns.times[i]! - lab.start) < Math.abs(columns.times[best]! - lab.start)) best = i;
    return fromMean(meanOf([columns.values[best]!]), "nearest", null, values.length);
  }
  if (lab.kind !== "flow-proportional composite" || values.length === 0) return fromMean(meanOf(values), "mean", null, values.length);
  if (flow === null) return fromMean(meanOf(values), "mean", "no-discharge-readings", values.length);
  const weights: number[] = [];
  for (let i = i0; i < i1; i++) {
    const q = dischargeAt(flow, columns.times[i]!, options.dischargeMaxGapSeconds * 1000);
    if (q === null) return fromMean(meanOf(values), "mean", "discharge-gap", values.length);
    weights.push(q);
  }
  return fromMean(weightedCensoredMean(values, weights), "flow-weighted mean", null, values.length);
}

function fromMean(m: CensoredMean, aggregation: SensorAggregation, timeWeightedBecause: SensorSide["timeWeightedBecause"], inWindow: number): SensorSide {
  return {
    value: m.reportedBelow === null ? m.mean : null,
    aggregation,
    timeWeightedBecause,
    reportedBelow: m.reportedBelow,
    limit: m.limit,
    nReadings: inWindow,
    nUsed: m.n,
    nCensored: m.nCensored,
    substitution: m.substitution,
    nExpected: 0,
    coverage: 0,
  };
}

function pairOf(lab: LabResult, sensor: SensorSide, minCoverage: number): ValidationPair {
  const labValue = lab.result.qualifier === null ? lab.result.value : null;
  const excluded: ExclusionReason | null =
    labValue === null
      ? "lab-below-limit"
      : sensor.nReadings === 0
        ? "no-sensor-readings"
        : sensor.coverage < minCoverage
          ? "low-coverage"
          : sensor.value === null
            ? "sensor-below-limit"
            : labValue <= 0
              ? "lab-not-positive"
              : null;
  const both = labValue !== null && sensor.value !== null;
  const difference = both ? sensor.value! - labValue : null;
  return {
    sampleId: lab.sampleId,
    kind: lab.kind,
    start: lab.start,
    end: lab.end,
    time: lab.kind === "grab" ? lab.start : lab.start + (lab.end - lab.start) / 2,
    lab: lab.result,
    labValue,
    sensor,
    difference,
    relativeDifferencePercent: both && labValue! > 0 ? (100 * difference!) / labValue! : null,
    average: both ? (sensor.value! + labValue!) / 2 : null,
    excluded,
  };
}
