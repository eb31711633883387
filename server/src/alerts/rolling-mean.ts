// Rolling mean for AA-EQS rules, kept in time buckets so a year of 10-minute readings per series
// costs a few thousand numbers, not fifty thousand. Follows Directive 2009/90/EC Art. 5: values below
// the limit of detection count as half the LOD, and a mean over only such values is "<LOD" (no
// exceedance can be claimed from it). QC-failed values never enter (the caller filters them).

export interface MeanResult {
  mean: number | null;
  n: number;
  nBelowLod: number;
  /** Every value in the window was below the LOD: the mean is reported as "<LOD". */
  allBelowLod: boolean;
}

interface Bucket {
  sum: number;
  n: number;
  nBelowLod: number;
}

/** Bucket width for a window: fine enough that the window edge is off by at most 0.2 %. */
export function bucketMsFor(windowMs: number): number {
  return Math.min(3_600_000, Math.max(1_000, Math.floor(windowMs / 500)));
}

export class RollingMean {
  private readonly buckets = new Map<number, Bucket>();
  readonly bucketMs: number;

  constructor(readonly windowMs: number) {
    this.bucketMs = bucketMsFor(windowMs);
  }

  /** `value` is the measured value, or null when censored below `limit` (its LOD or LOQ; counts as half of it). */
  add(time: number, value: number | null, limit: number | null): void {
    const below = value === null;
    const contribution = below ? (limit ?? 0) / 2 : value;
    this.addAggregate(time, contribution, 1, below ? 1 : 0);
  }

  /** Adds a pre-aggregated bucket (sum of mean values, count, below-LOD count), e.g. from InfluxDB. */
  addAggregate(time: number, sum: number, n: number, nBelowLod: number): void {
    if (n <= 0) return;
    const key = Math.floor(time / this.bucketMs) * this.bucketMs;
    const bucket = this.buckets.get(key);
    if (bucket) {
      bucket.sum += sum;
      bucket.n += n;
      bucket.nBelowLod += nBelowLod;
    } else this.buckets.set(key, { sum, n, nBelowLod });
  }

  /** Mean over (now − window, now]; drops buckets that fell out of the window. */
  mean(now: number): MeanResult {
    const oldest = now - this.windowMs;
    let sum = 0;
    let n = 0;
    let nBelowLod = 0;
    for (const [start, b] of this.buckets) {
      if (start + this.bucketMs <= oldest) {
        this.buckets.delete(start);
        continue;
      }
      if (start > now) continue;
      sum += b.sum;
      n += b.n;
      nBelowLod += b.nBelowLod;
    }
    return { mean: n > 0 ? sum / n : null, n, nBelowLod, allBelowLod: n > 0 && nBelowLod === n };
  }
}
