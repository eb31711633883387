// A reading as it moves through Water Monitor after validation: one value of one parameter measured
// by one sensor at one station at one instant, with its QARTOD quality flag.
import type { ParameterCode, SensorId, StationId } from "./catalog-model.ts";

/** QARTOD flags: 1 pass, 2 not evaluated, 3 suspect, 4 fail, 9 missing. */
export type QcFlag = 1 | 2 | 3 | 4 | 9;

export const QC = Object.freeze({ pass: 1, notEvaluated: 2, suspect: 3, fail: 4, missing: 9 } as const);

/**
 * Censored results (DIN 32645): "<LOD" not detected; "<LOQ" detected but not quantified. Either way
 * the reading has no value, only the limit it lies below.
 */
export const QUALIFIER = Object.freeze({ belowLod: "<LOD", belowLoq: "<LOQ" } as const);
export type Qualifier = (typeof QUALIFIER)[keyof typeof QUALIFIER];

export interface Reading {
  station: StationId;
  parameter: ParameterCode;
  /** The sensor that measured it; readings sent without one belong to the station's primary sensor. */
  sensor: SensorId;
  /** Epoch milliseconds, UTC. */
  time: number;
  /** Measured value in the parameter's catalog unit; null when censored (see `qualifier`). */
  value: number | null;
  /** "<LOD" or "<LOQ" when the value is censored, else null. */
  qualifier: Qualifier | null;
  /** The limit the qualifier refers to (the LOD for "<LOD", the LOQ for "<LOQ"); null when quantified. */
  limit: number | null;
  /** Expanded measurement uncertainty (k = 2) in the parameter's unit, when the sensor or lab gives one. */
  uncertainty: number | null;
  /** The sensor's raw signal (e.g. current in nA) the value was calculated from, when it sends one. */
  rawSignal: number | null;
  /** Version of the sensor's calibration that turned `rawSignal` into `value` (catalog calibration log). */
  calibration: number | null;
  qc: QcFlag;
  /**
   * Taken during a maintenance window (common/maintenance.ts): the sensor was out of the water or in
   * a calibration standard, so the value says nothing about the river. Set by the server, never sent.
   */
  maintenance?: true;
}

/** Identity of a reading: a resend or replay with the same key overwrites, never duplicates. */
export function readingKey(r: Pick<Reading, "station" | "parameter" | "sensor" | "time">): string {
  return `${r.station}\u0000${r.parameter}\u0000${r.sensor}\u0000${r.time}`;
}

/** The value a mean counts (Directive 2009/90/EC, Art. 5(1)): the value, or half the limit a censored value carries. */
export function valueForMean(r: Pick<Reading, "value" | "limit">): number | null {
  if (r.value !== null) return r.value;
  return r.limit === null ? null : r.limit / 2;
}
