// The rolling means of AA early-warning rules, one per window × series (station × parameter ×
// sensor): rules with the same window share one mean, which must see each reading once. After a
// start each window is filled from InfluxDB (history-loader.ts); live readings already inside that
// query are not counted twice.
import type { Reading } from "../../../common/reading.ts";
import type { MeanHistory, SensorOfPoint } from "./history-loader.ts";
import { RollingMean } from "./rolling-mean.ts";
import { seriesKey } from "./suppression.ts";

export class MeanWindows {
  private readonly means = new Map<string, RollingMean>();
  /** windowMs → series key → key of the shared rolling mean (interned: asked per reading and rule). */
  private readonly keys = new Map<number, Map<string, string>>();
  /** Means being filled from InfluxDB: live readings up to this time are already in the query. */
  private readonly loadedUpTo = new Map<string, number>();

  constructor(
    private readonly history: MeanHistory | null,
    /** Highest QC flag that counts (notEvaluated, or suspect when those count too). */
    private readonly maxQc: number,
    private readonly sensorOf: SensorOfPoint,
  ) {}

  /**
   * Adds the reading to the window's mean of its series, unless `fed` says this batch's reading is in
   * it already (another rule with the same window) or the history load covered it; returns the mean.
   */
  feed(windowMs: number, series: string, r: Pick<Reading, "time" | "value" | "qualifier" | "limit">, fed: Set<string>): RollingMean {
    const key = this.key(windowMs, series);
    const mean = this.meanAt(key, windowMs);
    const loadedUpTo = this.loadedUpTo.get(key);
    if (!fed.has(key) && (loadedUpTo === undefined || r.time > loadedUpTo)) mean.add(r.time, r);
    fed.add(key);
    return mean;
  }

  /** Forgets every mean (an engine that starts again, after another instance led, loads them afresh). */
  clear(): void {
    this.means.clear();
    this.keys.clear();
    this.loadedUpTo.clear();
  }

  /** Whether the window of a parameter was loaded (or is loading) from InfluxDB. */
  loaded(windowMs: number, parameter: string): boolean {
    return this.loadedUpTo.has(this.marker(windowMs, parameter));
  }

  /**
   * Fills every series of the parameter with `(now − window, now]` from InfluxDB, once per window and
   * parameter (station-specific rules share it). `retry`: a load that failed (its marker is set) runs
   * again, as of the same `now`.
   */
  async load(windowMs: number, parameter: string, now: number, retry = false): Promise<void> {
    if (!this.history) return;
    const marker = this.marker(windowMs, parameter);
    if (this.loadedUpTo.has(marker) && !retry) return;
    this.loadedUpTo.set(marker, now);
    const sample = new RollingMean(windowMs);
    const buckets = await this.history.meanBuckets(parameter, now - windowMs, now, sample.bucketMs, this.maxQc, this.sensorOf);
    for (const b of buckets) {
      const key = this.key(windowMs, seriesKey(b.station, parameter, b.sensor));
      this.loadedUpTo.set(key, now);
      this.meanAt(key, windowMs).addAggregate(b.time, b.sums);
    }
  }

  /**
   * Refills the windows of one series from history as of `now` (its data was corrected): the means
   * then follow the corrected data; readings that arrive later are added live as before.
   */
  async reload(station: string, parameter: string, sensor: string, now: number): Promise<void> {
    if (!this.history) return;
    const series = seriesKey(station, parameter, sensor);
    for (const [windowMs] of this.keys) {
      if (!this.loadedUpTo.has(this.marker(windowMs, parameter))) continue;
      const key = this.key(windowMs, series);
      // In place before the query: readings arriving meanwhile (after `now`) go into the new mean.
      const fresh = new RollingMean(windowMs);
      this.means.set(key, fresh);
      this.loadedUpTo.set(key, now);
      const buckets = await this.history.meanBuckets(parameter, now - windowMs, now, fresh.bucketMs, this.maxQc, this.sensorOf);
      for (const b of buckets) if (b.station === station && b.sensor === sensor) fresh.addAggregate(b.time, b.sums);
    }
  }

  private marker(windowMs: number, parameter: string): string {
    return this.key(windowMs, seriesKey("", parameter, null));
  }

  private key(windowMs: number, series: string): string {
    let keys = this.keys.get(windowMs);
    if (!keys) this.keys.set(windowMs, (keys = new Map()));
    let key = keys.get(series);
    if (key === undefined) keys.set(series, (key = `${windowMs}|${series}`));
    return key;
  }

  private meanAt(key: string, windowMs: number): RollingMean {
    let mean = this.means.get(key);
    if (!mean) this.means.set(key, (mean = new RollingMean(windowMs)));
    return mean;
  }
}
