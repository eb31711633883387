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
// Where raw readings have expired (older than the raw retention), the sensor's readings are known only
// as interval means (the 1-minute and 1-hour rollups): `SensorAggregate`s, which count in a mean with
// all their readings (Σ mean·n / Σ n, the same censored sums). An interval counts for a composite when
// it starts inside the sampling period, for a grab window when it overlaps it; a rollup holds the
// readings that did not fail QC, suspect ones included, and each pair says how many of its readings
// came from rollups.
import type { ExclusionReason, PairingOptions, SampleKind, SensorAggregation, SensorSide, ValidationPair } from "../../../../common/lab-validation.ts";
import { QC, type QcFlag, type Reading } from "../../../../common/reading.ts";
import { addValue, censoredMean, emptySums, meanOf, mergeSums, type CensoredMean, type CensoredSums, type CensoredValue } from "../../../../common/statistics/censored-mean.ts";
import { coverageOf } from "../../alerts/aa-early-warning.ts";
import { dischargeAt, dischargeSeries, lowerBound, weightedCensoredMean, type DischargeReading } from "./flow-weighting.ts";

export type { ExclusionReason, PairingOptions, SampleKind, SensorAggregation, SensorSide, ValidationPair };

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

/**
 * Readings of one interval known only through their rollup (raw readings expired): the interval's
 * start and length and its censored sums (n readings, their sum with censored values at half their
 * limit, how many were censored and the highest limit).
 */
export interface SensorAggregate {
  time: number;
  durationMs: number;
  sums: CensoredSums;
}

export const DEFAULT_PAIRING: Omit<PairingOptions, "sensorIntervalSeconds"> = Object.freeze({
  grabWindowMinutes: 30,
  grabAggregation: "mean",
  minCoverage: 0.8,
  acceptedQc: [QC.pass],
  dischargeMaxGapSeconds: 3_600,
});

export const EXCLUSION_REASONS: readonly ExclusionReason[] = ["lab-below-limit", "no-sensor-readings", "low-coverage", "sensor-below-limit", "lab-not-positive"];

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

interface AggregateColumns {
  times: Float64Array;
  items: readonly SensorAggregate[];
  /** The longest interval: how far back of a window an overlapping interval can start. */
  maxDurationMs: number;
}

function aggregateColumns(aggregates: readonly SensorAggregate[]): AggregateColumns {
  const items = aggregates.filter((a) => a.sums.n > 0).sort((a, b) => a.time - b.time);
  return { times: Float64Array.from(items, (a) => a.time), items, maxDurationMs: items.reduce((m, a) => Math.max(m, a.durationMs), 0) };
}

/** Intervals that count for the window: starting in [from, to) for a composite, overlapping [from, to] for a grab window. */
function aggregatesIn(columns: AggregateColumns, from: number, to: number, grab: boolean): SensorAggregate[] {
  if (columns.items.length === 0) return [];
  const out: SensorAggregate[] = [];
  for (let i = lowerBound(columns.times, grab ? from - columns.maxDurationMs : from); i < columns.items.length; i++) {
    const a = columns.items[i]!;
    if (grab ? a.time > to : a.time >= to) break;
    if (!grab || a.time + a.durationMs > from) out.push(a);
  }
  return out;
}

/** Builds one pair per lab result, in the order given. `aggregates` stand in for raw readings that have expired. */
export function buildPairs(
  labResults: readonly LabResult[],
  readings: readonly SensorReading[],
  options: PairingOptions,
  discharge: readonly DischargeReading[] = [],
  aggregates: readonly SensorAggregate[] = [],
): ValidationPair[] {
  if (!(options.sensorIntervalSeconds > 0)) throw new RangeError("sensorIntervalSeconds must be positive (the catalog's sensor interval)");
  const columns = acceptedReadings(readings, options.acceptedQc);
  const rollups = aggregateColumns(aggregates);
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
    const sensor = sensorSide(lab, columns, i0, i1, aggregatesIn(rollups, from, to, grab), options, flow);
    const nExpected = windowMs / intervalMs;
    sensor.nExpected = nExpected;
    sensor.coverage = Math.min(1, coverageOf(sensor.nReadings, windowMs, intervalMs));
    return pairOf(lab, sensor, options.minCoverage);
  });
}

function sensorSide(
  lab: LabResult,
  columns: ReadingColumns,
  i0: number,
  i1: number,
  aggregates: readonly SensorAggregate[],
  options: PairingOptions,
  flow: ReturnType<typeof dischargeSeries> | null,
): SensorSide {
  const values = columns.values.slice(i0, i1);
  const fromAggregates = aggregates.reduce((n, a) => n + a.sums.n, 0);
  const found = values.length + fromAggregates;
  if (lab.kind === "grab" && options.grabAggregation === "nearest" && found > 0) {
    if (values.length > 0) {
      let best = i0;
      for (let i = i0 + 1; i < i1; i++) if (Math.abs(columns.times[i]! - lab.start) < Math.abs(columns.times[best]! - lab.start)) best = i;
      return fromMean(meanOf([columns.values[best]!]), "nearest", null, found, fromAggregates);
    }
    // Only interval means: the interval nearest to the instant (its middle) stands for the reading.
    const mid = (a: SensorAggregate) => Math.abs(a.time + a.durationMs / 2 - lab.start);
    const nearest = aggregates.reduce((best, a) => (mid(a) < mid(best) ? a : best));
    return fromMean(censoredMean(nearest.sums), "nearest", null, found, fromAggregates);
  }
  const mean = (): CensoredMean => {
    if (aggregates.length === 0) return meanOf(values);
    const sums = emptySums();
    for (const v of values) addValue(sums, v);
    for (const a of aggregates) mergeSums(sums, a.sums);
    return censoredMean(sums);
  };
  if (lab.kind !== "flow-proportional composite" || found === 0) return fromMean(mean(), "mean", null, found, fromAggregates);
  if (flow === null) return fromMean(mean(), "mean", "no-discharge-readings", found, fromAggregates);
  if (fromAggregates > 0) return fromMean(mean(), "mean", "aggregated-readings", found, fromAggregates);
  const weights: number[] = [];
  for (let i = i0; i < i1; i++) {
    const q = dischargeAt(flow, columns.times[i]!, options.dischargeMaxGapSeconds * 1000);
    if (q === null) return fromMean(mean(), "mean", "discharge-gap", found, 0);
    weights.push(q);
  }
  return fromMean(weightedCensoredMean(values, weights), "flow-weighted mean", null, found, 0);
}

function fromMean(m: CensoredMean, aggregation: SensorAggregation, timeWeightedBecause: SensorSide["timeWeightedBecause"], inWindow: number, fromAggregates: number): SensorSide {
  return {
    value: m.reportedBelow === null ? m.mean : null,
    aggregation,
    timeWeightedBecause,
    reportedBelow: m.reportedBelow,
    limit: m.limit,
    nReadings: inWindow,
    nFromAggregates: fromAggregates,
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
