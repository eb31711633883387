// A flow-proportional composite sample takes sub-samples whose volume is proportional to discharge,
// so its concentration is the discharge-weighted mean of the river's concentration over the sampling
// period (Σ cᵢQᵢ / Σ Qᵢ; composite sampling as described in ISO 5667-1, water quality sampling).
// The sensor value it is compared with is weighted the same way, each reading by the discharge at
// its time.
import type { CensoredMean, CensoredValue } from "../../../../common/statistics/censored-mean.ts";

/** A discharge reading (m³/s) at the station. */
export interface DischargeReading {
  /** Epoch milliseconds, UTC. */
  time: number;
  value: number;
}

/** Index of the first element of `times` (ascending) that is ≥ t, or > t when `strict`. */
export function lowerBound(times: ArrayLike<number>, t: number, strict = false): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t || (strict && times[mid] === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Discharge readings sorted by time, in columns for binary search. */
export interface DischargeSeries {
  times: Float64Array;
  values: Float64Array;
}

export function dischargeSeries(readings: readonly DischargeReading[]): DischargeSeries {
  const sorted = [...readings].sort((a, b) => a.time - b.time);
  return { times: Float64Array.from(sorted, (d) => d.time), values: Float64Array.from(sorted, (d) => d.value) };
}

/**
 * Discharge at `t`: linear interpolation between the readings either side when both are within
 * `maxGapMs`, else the one that is; null when neither is (a gauge outage is not bridged).
 * Discharges that are not positive carry no weight and count as missing.
 */
export function dischargeAt(series: DischargeSeries, t: number, maxGapMs: number): number | null {
  const { times, values } = series;
  const i = lowerBound(times, t);
  if (i < times.length && times[i] === t) return values[i]! > 0 ? values[i]! : null;
  const prevOk = i > 0 && t - times[i - 1]! <= maxGapMs && values[i - 1]! > 0;
  const nextOk = i < times.length && times[i]! - t <= maxGapMs && values[i]! > 0;
  if (prevOk && nextOk) {
    const t0 = times[i - 1]!;
    const q0 = values[i - 1]!;
    return q0 + ((values[i]! - q0) * (t - t0)) / (times[i]! - t0);
  }
  if (prevOk) return values[i - 1]!;
  if (nextOk) return values[i]!;
  return null;
}

/**
 * The weighted mean of censored values under the rules of common/statistics/censored-mean.ts
 * (Directive 2009/90/EC Art. 5): a censored value counts as half its limit; a mean below the highest
 * limit is reported as "< LOQ"/"< LOD"; the lower bound counts censored values as 0.
 */
export function weightedCensoredMean(values: readonly CensoredValue[], weights: readonly number[]): CensoredMean {
  let sum = 0;
  let sumQuantified = 0;
  let sumWeights = 0;
  let n = 0;
  let nCensored = 0;
  let nLod = 0;
  let nLoq = 0;
  let maxLimit: number | null = null;
  let maxQualifier: CensoredMean["reportedBelow"] = null;
  values.forEach((v, i) => {
    const w = weights[i]!;
    if (v.qualifier === null) {
      if (v.value === null) return;
      sum += w * v.value;
      sumQuantified += w * v.value;
    } else {
      if (v.limit === null) return;
      sum += (w * v.limit) / 2;
      nCensored++;
      if (v.qualifier === "<LOD") nLod++;
      else nLoq++;
      if (maxLimit === null || v.limit > maxLimit || (v.limit === maxLimit && v.qualifier === "<LOQ")) {
        maxLimit = v.limit;
        maxQualifier = v.qualifier;
      }
    }
    sumWeights += w;
    n++;
  });
  const substitution = nLod > 0 && nLoq > 0 ? "LOD/2 and LOQ/2" : nLoq > 0 ? "LOQ/2" : nLod > 0 ? "LOD/2" : null;
  if (n === 0 || !(sumWeights > 0)) return { n: 0, nCensored: 0, mean: null, lowerBound: null, reportedBelow: null, limit: null, substitution };
  const mean = sum / sumWeights;
  const below = maxLimit !== null && mean < maxLimit;
  return {
    n,
    nCensored,
    mean,
    lowerBound: sumQuantified / sumWeights,
    reportedBelow: below ? maxQualifier : null,
    limit: below ? maxLimit : null,
    substitution,
  };
}
