// A reading as it moves through Water Monitor after validation: one value of one parameter at
// one station at one instant, with its QARTOD quality flag.
import type { ParameterCode, StationId } from "./catalog.ts";

/** QARTOD flags: 1 pass, 2 not evaluated, 3 suspect, 4 fail, 9 missing. */
export type QcFlag = 1 | 2 | 3 | 4 | 9;

export const QC = Object.freeze({ pass: 1, notEvaluated: 2, suspect: 3, fail: 4, missing: 9 } as const);

export interface Reading {
  station: StationId;
  parameter: ParameterCode;
  /** Epoch milliseconds, UTC. */
  time: number;
  /** Measured value in the parameter's catalog unit; null when below the limit of detection. */
  value: number | null;
  /** Limit of detection when the value is below it, else null. */
  lod: number | null;
  qc: QcFlag;
}

/** Identity of a reading: a resend or replay with the same key overwrites, never duplicates. */
export function readingKey(r: Pick<Reading, "station" | "parameter" | "time">): string {
  return `${r.station}\u0000${r.parameter}\u0000${r.time}`;
}
