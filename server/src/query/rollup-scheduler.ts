// Keeps the 1-minute and 1-hour rollups complete when history arrives late. The continuous queries
// only revisit the last 2 h (rp_1m) and 2 d (rp_1h); readings written for older times (simulator
// backfill, spool replay after a long outage, imported lab results) would otherwise never reach the
// rollups, and vanish from long-range charts once raw retention drops them. This collects the hours
// such readings fall in and, once writes pause, rebuilds those hours with `rebuildRollups`.
import type { Reading } from "../../../common/reading.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { Logger } from "../../../common/logger.ts";
import { HOUR_MS } from "./resolution.ts";
import { rebuildRollups } from "./rollup-repair.ts";

export interface RollupSchedulerOptions {
  /** Readings older than this behind the wall clock are left to the continuous queries' RESAMPLE. */
  lateAfterMs: number;
  /** Rebuild once no late reading has arrived for this long. */
  quietMs: number;
  now?: () => number;
}

export const DEFAULT_ROLLUP_SCHEDULER_OPTIONS: Readonly<RollupSchedulerOptions> = Object.freeze({
  // The 1-minute continuous query resamples the last 2 h; keep a margin for its run interval.
  lateAfterMs: 90 * 60_000,
  quietMs: 10_000,
});

/** Consecutive hour starts grouped into [from, to] runs (inclusive hour starts). */
export function hourRuns(hours: Iterable<number>): Array<[number, number]> {
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const h of sorted) {
    const last = runs[runs.length - 1];
    if (last && h - last[1] === HOUR_MS) last[1] = h;
    else runs.push([h, h]);
  }
  return runs;
}

export class RollupScheduler {
  private dirty = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ReadingStore,
    private readonly logger: Logger,
    private readonly options: RollupSchedulerOptions = DEFAULT_ROLLUP_SCHEDULER_OPTIONS,
  ) {}

  /** Hours waiting for a rebuild. */
  get pendingHours(): number {
    return this.dirty.size;
  }

  /** Notes the hours of readings too old for the continuous queries to pick up. */
  written(readings: readonly Reading[]): void {
    const lateBefore = (this.options.now ?? Date.now)() - this.options.lateAfterMs;
    let marked = false;
    for (const r of readings) {
      if (r.time >= lateBefore) continue;
      this.dirty.add(Math.floor(r.time / HOUR_MS) * HOUR_MS);
      marked = true;
    }
    if (!marked) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.options.quietMs);
    this.timer.unref();
  }

  /** Rebuilds every noted hour now; resolves when done (also after failures, which are logged and retried later). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const hours = this.dirty;
    this.dirty = new Set();
    this.running = this.running.then(async () => {
      for (const [from, to] of hourRuns(hours)) {
        try {
          await rebuildRollups(this.store, from, to);
        } catch (err) {
          // InfluxDB away: keep the hours for the next pass.
          for (let h = from; h <= to; h += HOUR_MS) this.dirty.add(h);
          this.logger.warn({ err: (err as Error).message, from: new Date(from).toISOString(), to: new Date(to).toISOString() }, "rollup rebuild failed; will retry");
        }
      }
      if (this.dirty.size > 0 && !this.timer) {
        this.timer = setTimeout(() => void this.flush(), this.options.quietMs);
        this.timer.unref();
      }
    });
    return this.running;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
