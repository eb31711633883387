// Pure choice of where a series' points come from and at what resolution, so that no response has
// more points than the client has pixels (Grafana's "max data points = panel width").
//
// Short ranges are raw readings. Longer ones are aggregated into epoch-aligned buckets of a nice
// interval; from 1 minute up the buckets are whole rollup intervals, so the 1-minute or 1-hour
// rollups (rp_1m / rp_1h, filled by the continuous queries) can supply them. The rollups are used
// only for the hours they hold completely: the continuous queries revisit only their RESAMPLE
// window, and anything written later than that — simulator backfill, a station's spool replayed
// after an outage, late lab results — reaches the rollups only when rollup-scheduler.ts has rebuilt
// its hours (rollup-repair.ts `rebuildRollups`). Intervals of whole 6-hour multiples (6 h, 12 h,
// 1 d … 364 d) also read the 6-hour rollup (rp_6h, built from the 1-hour rows, coarse-rollups.ts)
// for the blocks it holds completely: a year chart sums 1,460 rows a series instead of 8,760.
// rollup-completeness.ts says which hours (and blocks) of which series are complete; rollup-plan.ts
// splits the range into those (read from the rollups) and the rest (aggregated from raw with GROUP
// BY time), and hours older than the raw retention, where
// raw may have expired, take per bucket whichever source saw more readings (envelope.ts
// `preferFuller`). Read either way, a bucket describes the same readings, so the chart is the same.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The native reporting interval of a station (BfUL's stations report 10-minute values). */
export const DEFAULT_NATIVE_INTERVAL_MS = 10 * MINUTE_MS;

/**
 * GROUP BY intervals we snap to. All are whole seconds; from 1m up they are whole minutes and from
 * 1h up whole hours, so rollup rows (1m / 1h) always fall entirely inside one bucket. InfluxDB aligns
 * these buckets to the Unix epoch (UTC), which `bucketCount` mirrors.
 */
export const NICE_INTERVALS_MS: readonly number[] = Object.freeze([
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
  MINUTE_MS, 2 * MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS,
  HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS,
  DAY_MS, 2 * DAY_MS, 7 * DAY_MS, 14 * DAY_MS, 28 * DAY_MS, 91 * DAY_MS, 182 * DAY_MS, 364 * DAY_MS,
]);

export const SIX_HOURS_MS = 6 * HOUR_MS;

export type AggregateSource = "raw" | "rollup1m" | "rollup1h" | "rollup6h";
export type RollupSource = Exclude<AggregateSource, "raw">;

export const ROLLUP_INTERVAL_MS: Readonly<Record<Exclude<AggregateSource, "raw">, number>> = Object.freeze({
  rollup1m: MINUTE_MS,
  rollup1h: HOUR_MS,
  rollup6h: SIX_HOURS_MS,
});

export interface RetentionWindows {
  /** How long raw readings are kept (RETENTION.raw.duration). */
  rawMs: number;
  /** How long 1-minute rollups are kept; Infinity for INF. */
  oneMinuteMs: number;
  /** How long 1-hour rollups are kept; Infinity for INF. */
  oneHourMs: number;
}

export interface ResolutionInput {
  /** Inclusive range, epoch ms. */
  from: number;
  to: number;
  /** Pixel width of the chart: the most points the response may have. */
  width: number;
  now: number;
  retention: RetentionWindows;
  nativeIntervalMs?: number;
  /** Skip the raw option (used when raw data turned out denser than the native interval). */
  forceAggregate?: boolean;
}

export type ResolutionPlan =
  | { kind: "raw" }
  | {
      kind: "aggregate";
      intervalMs: number;
      /**
       * The rollup whose rows fit the buckets (null below 1 minute): read for the hours it holds
       * completely, and for hours older than the raw retention.
       */
      rollup: RollupSource | null;
      /** Raw data may have expired for part of the range (it starts before the raw horizon). */
      beyondRaw: boolean;
    };

/** Number of epoch-aligned buckets of `intervalMs` touched by the inclusive range [from, to]. */
export function bucketCount(from: number, to: number, intervalMs: number): number {
  return Math.floor(to / intervalMs) - Math.floor(from / intervalMs) + 1;
}

/** The smallest nice interval, at least `minMs`, whose buckets over [from, to] number ≤ width. */
export function niceInterval(from: number, to: number, width: number, minMs = 0): number {
  for (const interval of NICE_INTERVALS_MS) {
    if (interval >= minMs && bucketCount(from, to, interval) <= width) return interval;
  }
  // Beyond the list (only reachable with ranges far above the API's 5-year limit): whole years.
  const year = 364 * DAY_MS;
  let interval = year * Math.max(1, Math.ceil((to - from) / year / Math.max(1, width - 1)));
  while (bucketCount(from, to, interval) > width) interval += year;
  return interval;
}

/** Readings expected in [from, to] at the native interval (both ends inclusive). */
export function expectedRawCount(from: number, to: number, nativeIntervalMs: number): number {
  return Math.floor((to - from) / nativeIntervalMs) + 1;
}

export function chooseResolution(input: ResolutionInput): ResolutionPlan {
  const { from, to, width, now, retention } = input;
  if (!(from <= to)) throw new RangeError(`from (${from}) must not be after to (${to})`);
  if (!(width >= 1)) throw new RangeError(`width must be at least 1, got ${width}`);
  const native = input.nativeIntervalMs ?? DEFAULT_NATIVE_INTERVAL_MS;
  const rawHorizon = now - retention.rawMs;
  const inRaw = from >= rawHorizon;

  if (inRaw && !input.forceAggregate && expectedRawCount(from, to, native) <= width) return { kind: "raw" };

  let intervalMs = niceInterval(from, to, width);
  if (inRaw) return { kind: "aggregate", intervalMs, rollup: rollupFor(intervalMs), beyondRaw: false };

  // Part of the range is older than raw retention: a rollup must supply it, so the interval has to
  // be a whole multiple of the rollup's. 1-minute rollups are kept shorter than 1-hour ones.
  let rollup: RollupSource;
  if (intervalMs >= HOUR_MS || from < now - retention.oneMinuteMs) {
    intervalMs = Math.max(intervalMs, HOUR_MS);
    rollup = rollupFor(intervalMs)!;
  } else {
    rollup = "rollup1m";
    intervalMs = Math.max(intervalMs, MINUTE_MS);
  }
  return { kind: "aggregate", intervalMs, rollup, beyondRaw: true };
}

/**
 * The coarsest rollup whose interval divides `intervalMs` (all nice intervals from 1m up are whole
 * minutes, from 1h up whole hours, from 6h up whole 6-hour blocks). Epoch-aligned 6-hour blocks lie
 * inside one bucket of every such interval because each is a multiple of 6 h and both are aligned
 * to the Unix epoch.
 */
export function rollupFor(intervalMs: number): RollupSource | null {
  if (intervalMs % SIX_HOURS_MS === 0) return "rollup6h";
  if (intervalMs % HOUR_MS === 0) return "rollup1h";
  if (intervalMs % MINUTE_MS === 0) return "rollup1m";
  return null;
}

/** Parses an InfluxDB duration as used in retention policies ("400d", "2h", "INF"). */
export function parseInfluxDuration(duration: string): number {
  if (duration.toUpperCase() === "INF" || duration === "0s") return Number.POSITIVE_INFINITY;
  const units: Record<string, number> = { s: 1_000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS };
  let total = 0;
  let rest = duration;
  const part = /^(\d+)([smhdw])/;
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (!m) throw new RangeError(`Unsupported InfluxDB duration "${duration}"`);
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}
