// QARTOD-style quality tests as pure functions. Each returns a flag: 1 pass, 3 suspect, 4 fail.
// The aggregate flag of a reading is the worst of the tests that ran.
import { QC, type QcFlag } from "../../../../common/reading.ts";

export interface QcSettings {
  /** Minimum history before spike and rate-of-change tests run. */
  minHistory: number;
  /** Spike: deviation from the recent median in robust standard deviations (1.4826 × MAD). */
  spikeSigmas: number;
  /** Spike: and at least this fraction of the median's magnitude, so that tiny noise never counts. */
  spikeMinRelative: number;
  /** Rate of change: step from the previous value in standard deviations of the recent values. */
  rateSigmas: number;
  /** Flat line: identical consecutive values (including this one) for suspect / fail. */
  flatSuspectCount: number;
  flatFailCount: number;
  /** Readings stamped further in the future than this are suspect (clock skew). */
  futureSkewMs: number;
}

export const DEFAULT_QC_SETTINGS: Readonly<QcSettings> = Object.freeze({
  minHistory: 6,
  spikeSigmas: 8,
  spikeMinRelative: 0.5,
  rateSigmas: 6,
  flatSuspectCount: 6,
  flatFailCount: 12,
  futureSkewMs: 5 * 60_000,
});

export function worst(...flags: QcFlag[]): QcFlag {
  let result: QcFlag = QC.pass;
  for (const f of flags) {
    if (f === QC.fail) return QC.fail;
    if (f === QC.suspect) result = QC.suspect;
  }
  return result;
}

/** QARTOD gross range: outside what the sensor can report → fail; outside what the river shows → suspect. */
export function grossRange(value: number, sensorRange: readonly [number, number], expectedRange: readonly [number, number]): QcFlag {
  if (value < sensorRange[0] || value > sensorRange[1]) return QC.fail;
  if (value < expectedRange[0] || value > expectedRange[1]) return QC.suspect;
  return QC.pass;
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function medianOf(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : median([...values].sort((a, b) => a - b));
}

/** Spike against the recent median, robust to the spike itself and to earlier outliers. */
export function spike(value: number, history: readonly number[], s: QcSettings = DEFAULT_QC_SETTINGS): QcFlag {
  if (history.length < s.minHistory) return 1;
  const sorted = [...history].sort((a, b) => a - b);
  const m = median(sorted);
  const deviation = Math.abs(value - m);
  // Cheap test first: most readings are nowhere near the relative floor.
  if (deviation <= s.spikeMinRelative * Math.max(Math.abs(m), Number.EPSILON)) return 1;
  const mad = median(sorted.map((x) => Math.abs(x - m)).sort((a, b) => a - b));
  return deviation > s.spikeSigmas * 1.4826 * mad ? 3 : 1;
}

export function rateOfChange(value: number, history: readonly number[], s: QcSettings = DEFAULT_QC_SETTINGS): QcFlag {
  if (history.length < s.minHistory) return 1;
  const mean = history.reduce((a, b) => a + b, 0) / history.length;
  const step = Math.abs(value - history[history.length - 1]!);
  if (step <= s.spikeMinRelative * Math.max(Math.abs(mean), Number.EPSILON)) return 1;
  const sd = Math.sqrt(history.reduce((a, b) => a + (b - mean) ** 2, 0) / (history.length - 1));
  return step > s.rateSigmas * sd ? 3 : 1;
}

/** `repeats`: how many consecutive identical values end with this one (1 = it differs from the last). */
export function flatLine(repeats: number, s: QcSettings = DEFAULT_QC_SETTINGS): QcFlag {
  if (repeats >= s.flatFailCount) return 4;
  if (repeats >= s.flatSuspectCount) return 3;
  return 1;
}

export function timestamp(time: number, now: number, s: QcSettings = DEFAULT_QC_SETTINGS): QcFlag {
  return time - now > s.futureSkewMs ? 3 : 1;
}

export function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
