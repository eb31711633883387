// Rolling mean for AA early-warning rules, kept in time buckets so a year of 10-minute readings per
// series costs a few thousand sums, not fifty thousand values. Each bucket keeps the censored sums of
// common/statistics/censored-mean.ts, so the mean follows Directive 2009/90/EC Art. 5 (a censored
// value counts as half the limit it carries; a mean below the highest limit is "< LOQ"/"< LOD") and
// keeps its lower bound for methods not sensitive enough (Art. 4). QC-failed values never enter (the
// caller filters them).
import { addValue, censoredMean, emptySums, mergeSums, type CensoredMean, type CensoredSums, type CensoredValue } from "../../../common/statistics/censored-mean.ts";

/** Bucket width for a window: fine enough that the window edge is off by at most 0.2 %. */
export function bucketMsFor(windowMs: number): number {
  return Math.min(3_600_000, Math.max(1_000, Math.floor(windowMs / 500)));
}

export class RollingMean {
  private readonly buckets = new Map<number, CensoredSums>();
  readonly bucketMs: number;

  constructor(readonly windowMs: number) {
    this.bucketMs = bucketMsFor(windowMs);
  }

  /** One reading's value: measured, or censored below the limit it carries. */
  add(time: number, value: CensoredValue): void {
    addValue(this.bucketAt(time), value);
  }

  /** Adds pre-aggregated sums (e.g. one bucket from InfluxDB). */
  addAggregate(time: number, sums: CensoredSums): void {
    if (sums.n <= 0) return;
    mergeSums(this.bucketAt(time), sums);
  }

  /** Mean over (now − window, now]; drops buckets that fell out of the window. */
  mean(now: number): CensoredMean {
    const oldest = now - this.windowMs;
    const total = emptySums();
    for (const [start, b] of this.buckets) {
      if (start + this.bucketMs <= oldest) {
        this.buckets.delete(start);
        continue;
      }
      if (start > now) continue;
      mergeSums(total, b);
    }
    return censoredMean(total);
  }

  private bucketAt(time: number): CensoredSums {
    const key = Math.floor(time / this.bucketMs) * this.bucketMs;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = emptySums()));
    return bucket;
  }
}
