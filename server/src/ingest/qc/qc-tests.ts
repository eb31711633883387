// QARTOD-style quality tests as pure functions. Each returns a flag: QC.pass, QC.suspect or QC.fail.
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

function median(sorted: ArrayLike<number>, n = sorted.length): number {
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Scratch arrays by length, for sorting a history without allocating (QC runs for every reading).
 * Float64Array sorts numerically without a comparator. Two per length: values and deviations.
 */
const SCRATCH = Array.from({ length: 64 }, (_, n) => [new Float64Array(n), new Float64Array(n)] as const);

/**
 * `n` values of `data` from `from`, sorted, in a scratch array (or a new one beyond the scratch sizes).
 * A history is a dozen finite values: sorted by insertion as they are copied, which costs a fraction
 * of a call to the built-in sort (that call was a tenth of ingest's CPU in `npm run bench`). Only -0
 * and 0 may end up in another order than the built-in sort's, which no use of the result tells apart.
 */
function sortedCopy(data: ArrayLike<number>, from: number, n: number, which: 0 | 1): Float64Array {
  if (n >= SCRATCH.length) return Float64Array.from({ length: n }, (_, i) => data[from + i]!).sort();
  const out = SCRATCH[n]![which];
  for (let i = 0; i < n; i++) {
    const v = data[from + i]!;
    let j = i;
    for (; j > 0 && out[j - 1]! > v; j--) out[j] = out[j - 1]!;
    out[j] = v;
  }
  return out;
}

export function medianOf(values: ArrayLike<number>, from = 0, n = values.length - from): number {
  return n <= 0 ? Number.NaN : median(sortedCopy(values, from, n, 0), n);
}

/** Spike against the recent median, robust to the spike itself and to earlier outliers. */
export function spike(value: number, history: ArrayLike<number>, s: QcSettings = DEFAULT_QC_SETTINGS, from = 0, n = history.length - from): QcFlag {
  if (n < s.minHistory) return QC.pass;
  const sorted = sortedCopy(history, from, n, 0);
  const m = median(sorted, n);
  const deviation = Math.abs(value - m);
  // Cheap test first: most readings are nowhere near the relative floor.
  if (deviation <= s.spikeMinRelative * Math.max(Math.abs(m), Number.EPSILON)) return QC.pass;
  for (let i = 0; i < n; i++) sorted[i] = Math.abs(sorted[i]! - m);
  const mad = median(sortedCopy(sorted, 0, n, 1), n);
  return deviation > s.spikeSigmas * 1.4826 * mad ? QC.suspect : QC.pass;
}

export function rateOfChange(value: number, history: ArrayLike<number>, s: QcSettings = DEFAULT_QC_SETTINGS, from = 0, n = history.length - from): QcFlag {
  if (n < s.minHistory) return QC.pass;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += history[from + i]!;
  const mean = sum / n;
  const step = Math.abs(value - history[from + n - 1]!);
  if (step <= s.spikeMinRelative * Math.max(Math.abs(mean), Number.EPSILON)) return QC.pass;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (history[from + i]! - mean) ** 2;
  const sd = Math.sqrt(squares / (n - 1));
  return step > s.rateSigmas * sd ? QC.suspect : QC.pass;
}

/** `repeats`: how many consecutive identical values end with this one (1 = it differs from the last). */
export function flatLine(repeats: number, s: QcSettings = DEFAULT_QC_SETTINGS): QcFlag {
  if (repeats >= s.flatFailCount) return QC.fail;
  if (repeats >= s.flatSuspectCount) return QC.suspect;
  return QC.pass;
}

export function timestamp(time: number, now: number, s: QcSettings = DEFAULT_QC_SETTINGS): QcFlag {
  return time - now > s.futureSkewMs ? QC.suspect : QC.pass;
}

export function sameValue(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}
