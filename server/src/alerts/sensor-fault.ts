// Sensor-fault detection per series: a run of QC-failed (4) readings, or a flat line of identical
// values, means the instrument and not the river is the problem.
import { QC, type Reading } from "../../../common/reading.ts";

export interface FaultRun {
  failed: number;
  repeats: number;
  lastValue: number | null;
  /** Consecutive sound readings (passed QC, changing value). */
  sound: number;
}

/** Sound readings needed before a fault counts as over: one good value after a stuck run proves little. */
export const SOUND_READINGS_TO_CLEAR = 3;

export const emptyFaultRun = (): FaultRun => ({ failed: 0, repeats: 0, lastValue: null, sound: 0 });

export function nextFaultRun(run: FaultRun, r: Pick<Reading, "value" | "qc">): FaultRun {
  if (r.qc === QC.missing) return run;
  const failed = r.qc === QC.fail ? run.failed + 1 : 0;
  if (r.value === null) return { failed, repeats: 0, lastValue: null, sound: failed ? 0 : run.sound + 1 };
  const same = run.lastValue !== null && Math.abs(run.lastValue - r.value) <= 1e-9 * Math.max(1, Math.abs(r.value));
  return { failed, repeats: same ? run.repeats + 1 : 1, lastValue: r.value, sound: failed || same ? 0 : run.sound + 1 };
}

/** The length of the current fault run: the longer of the failed run and the flat line. */
export function faultLength(run: FaultRun): number {
  // A single value is not a flat line; repeats counts identical readings including the first.
  return Math.max(run.failed, run.repeats > 1 ? run.repeats : 0);
}

/** Fault condition with hysteresis: a fault ends after SOUND_READINGS_TO_CLEAR sound readings. */
export function faultCondition(run: FaultRun, runLength: number): "breach" | "hold" | "clear" {
  if (faultLength(run) >= runLength) return "breach";
  return run.sound >= SOUND_READINGS_TO_CLEAR ? "clear" : "hold";
}
