// Keeps the 1-minute and 1-hour rollups complete when history arrives late, and knows which hours
// of which series they hold completely (rollup-completeness.ts), so charts can read them there. It
// also builds the 6-hour rollup from the 1-hour rows (coarse-rollups.ts): a block after every rebuild
// of one of its hours, and settled blocks never built in bounded background passes (leader only).
//
// The continuous queries only revisit the last 2 h (rp_1m and rp_1h); readings written for
// older times (simulator backfill, spool replay after a long outage, imported lab results) would
// otherwise never reach the rollups. The batch writer tells this scheduler of every batch it has
// stored (directly or from the spool): each late reading makes its hour dirty for its series, and
// once writes pause the dirty hours are rebuilt with `rebuildRollups`. Dirty hours, rebuilt hours and
// the hour watching began are kept in the metadata database (rollup-state-repository.ts): after a
// restart a dirty hour stays dirty until rebuilt. The mark is queued for SQLite as soon as the write
// returns, before the writer acknowledges the batch to its journal; only a crash between that
// acknowledgement and the insert's commit (one SQLite insert) loses it.
import type { Reading } from "../../../common/reading.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { Logger } from "../../../common/logger.ts";
import type { RollupMode } from "../influx/schema.ts";
import { DAY_MS, HOUR_MS, SIX_HOURS_MS } from "./resolution.ts";
import { earliestReadingQuery } from "../influx/influxql.ts";
import { coarseRollupSignature, continuousQuerySignature, rebuildRollups, settleTimes } from "./rollup-repair.ts";
import { COARSE_BLOCKS_PER_PASS, COARSE_LOOK_EVERY_MS, COARSE_PASS_PAUSE_MS, buildCoarseRollups } from "./coarse-rollups.ts";
import { ALL_SERIES, RollupCompleteness, blockCeil, blockFloor, hourCeil, hourFloor, hourRuns, uncovered, type DirtyMark, type RollupLevel, type TimeSpan } from "./rollup-completeness.ts";
import type { RollupStateRepository, RollupWatch } from "./rollup-state-repository.ts";
import { markWrittenHours } from "./written-hours.ts";

export interface RollupSchedulerOptions {
  /** Readings older than this behind the wall clock are left to the continuous queries' RESAMPLE. */
  lateAfterMs: number;
  /** Rebuild once no late reading has arrived for this long ... */
  quietMs: number;
  /** ... or at the latest this long after the first unbuilt one arrived (writes that never pause). */
  maxWaitMs?: number;
  /**
   * Who writes the rollups of recent hours (default: continuous queries). "scheduler": nobody else
   * (INFLUX_ROLLUPS, InfluxDB 2.x/3.x): every written hour is dirty, not only late ones, and an hour
   * counts as complete only once rebuilt after its last write. A promise: known once InfluxDB
   * answers (INFLUX_ROLLUPS=auto); until then no hour counts as complete.
   */
  mode?: RollupMode | Promise<RollupMode>;
  /** Added to each continuous query's RESAMPLE window before its hours count as settled. */
  settleMarginMs?: number;
  now?: () => number;
  /**
   * Whether this instance rebuilds (default true). Of several instances only the leader does
   * (cluster/leader-duties.ts); the others note dirty hours in the shared store for it.
   */
  leading?: boolean;
}

export const DEFAULT_ROLLUP_SCHEDULER_OPTIONS: Readonly<RollupSchedulerOptions> = Object.freeze({
  // The 1-minute continuous query resamples the last 2 h; keep a margin for its run interval.
  lateAfterMs: 90 * 60_000,
  quietMs: 10_000,
  maxWaitMs: 60_000,
  // A run InfluxDB starts late (busy, or just restarted) still lands inside this.
  settleMarginMs: 10 * 60_000,
});

/** Which hours of a rollup hold every reading of some series (SeriesService reads them there). */
export interface RollupCompletenessSource {
  completeSpans(keys: readonly string[], level: RollupLevel, from: number, to: number): TimeSpan[];
}

export class RollupScheduler implements RollupCompletenessSource {
  private readonly completeness: RollupCompleteness;
  private readonly now: () => number;
  private started = false;
  private closed = false;
  private leading: boolean;
  /** The background rebuild of older history: to run (raw retention) once this instance leads. */
  private history: { retentionMs: number; started: boolean } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The next look for settled 6-hour blocks not built yet. */
  private coarseTimer: NodeJS.Timeout | undefined;
  /** When the oldest write not rebuilt since arrived: the longest wait counts from there. */
  private pendingSince: number | undefined;
  private decided: RollupMode | undefined;
  private running: Promise<void> = Promise.resolve();
  /** Writes to the state repository, in order. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ReadingStore,
    private readonly logger: Logger,
    private readonly options: RollupSchedulerOptions = DEFAULT_ROLLUP_SCHEDULER_OPTIONS,
    private readonly repository?: RollupStateRepository,
  ) {
    this.now = options.now ?? Date.now;
    this.leading = options.leading ?? true;
    this.completeness = new RollupCompleteness(settleTimes(this.settleMargin), { anchor: null, rebuilt: [], dirty: [] });
    const mode = options.mode ?? "continuous-queries";
    if (typeof mode === "string") this.decide(mode);
  }

  private decide(mode: RollupMode): void {
    this.decided = mode;
    // Without continuous queries nothing rewrites an hour after its rebuild: no settling time.
    if (mode === "scheduler") this.completeness.configure({ rollup1m: 0, rollup1h: 0 }, false);
  }

  private get settleMargin(): number {
    return this.options.settleMarginMs ?? DEFAULT_ROLLUP_SCHEDULER_OPTIONS.settleMarginMs!;
  }

  /** Who writes the rollups; undefined until known (INFLUX_ROLLUPS=auto before InfluxDB answered). */
  get mode(): RollupMode | undefined {
    return this.decided;
  }

  /**
   * Loads what is known from earlier runs and starts watching. Until then no rollup hour counts as
   * complete (charts aggregate raw). Dirty hours found are rebuilt once writes pause. When who
   * writes the rollups is known only once InfluxDB answers, watching starts then.
   */
  async start(): Promise<void> {
    const stored = this.repository ? await this.repository.load() : { watch: null, rebuilt: [], dirty: [], coarseBuilt: [] };
    for (const span of stored.rebuilt) this.completeness.rebuiltFrom(span, -1);
    if (!stored.watch || stored.watch.coarseSignature === coarseRollupSignature()) this.completeness.restoreCoarse(stored.coarseBuilt);
    else {
      // This release builds the 6-hour blocks differently: those built before are rebuilt.
      this.logger.info({ blocks: stored.coarseBuilt.length }, "the 6-hour rollup changed; its blocks are rebuilt from the 1-hour rows");
      this.save((repo) => repo.saveCoarse([], coarseRollupSignature()));
    }
    for (const mark of stored.dirty) this.completeness.markDirty(mark.key, mark.hour);
    const mode = this.options.mode ?? "continuous-queries";
    if (typeof mode === "string") return this.begin(mode, stored.watch);
    void mode.then(
      (decided) => this.begin(decided, stored.watch),
      (err: unknown) => this.logger.error({ err }, "who builds the rollups was not decided; charts read raw data"),
    );
  }

  private async begin(mode: RollupMode, watch: RollupWatch | null): Promise<void> {
    if (this.closed) return;
    this.decide(mode);
    const signature = continuousQuerySignature(mode);
    const stored = { watch };
    if (stored.watch && stored.watch.signature === signature) this.completeness.restartAt(stored.watch.anchor, true);
    else {
      // First start, or the continuous queries compute something else now: rows written before
      // are not what they would write, so only hours from now on (and hours rebuilt later) count.
      this.completeness.restartAt(this.now(), false);
      const state = this.completeness.state;
      if (stored.watch) this.logger.info({ anchor: new Date(state.anchor!).toISOString(), mode: this.mode }, "continuous queries changed (or INFLUX_ROLLUPS); older rollup hours are read from raw until rebuilt");
      this.save((repo) => repo.saveWatch({ anchor: state.anchor!, signature, coarseSignature: coarseRollupSignature() }, state.rebuilt, state.coarseBuilt));
    }
    await this.saving;
    this.started = true;
    if (this.completeness.dirtyHours().length > 0) this.schedule();
    this.startHistory();
    this.lookForCoarse(0);
  }

  /**
   * This instance leads now: the hours other instances marked dirty meanwhile are read from the
   * store, and rebuilds (and the history rebuild, if due) run here.
   */
  async lead(): Promise<void> {
    if (this.leading || this.closed) return;
    this.leading = true;
    if (this.repository) {
      for (const mark of (await this.repository.load()).dirty) this.completeness.markDirty(mark.key, mark.hour);
    }
    if (this.completeness.dirtyHours().length > 0) this.schedule();
    this.startHistory();
    this.lookForCoarse(0);
  }

  /** Another instance leads: no more rebuilds here (a rebuild under way finishes). */
  standBy(): void {
    this.leading = false;
    clearTimeout(this.timer);
    clearTimeout(this.coarseTimer);
    this.timer = undefined;
    this.pendingSince = undefined;
  }

  /**
   * The leader of several instances: hours the others marked dirty since (they write readings too)
   * are read from the shared store, so they are rebuilt and not read from the rollup meanwhile.
   */
  async refreshDirty(): Promise<void> {
    if (!this.repository || !this.leading || this.closed) return;
    let fresh = false;
    for (const mark of (await this.repository.load()).dirty) {
      if (this.completeness.isDirty(mark.key, mark.hour)) continue;
      this.completeness.markDirty(mark.key, mark.hour);
      fresh = true;
    }
    if (fresh) this.schedule();
  }

  /** Rebuilds the history before the anchor in the background once this instance leads. */
  rebuildHistoryWhenLeading(rawRetentionMs: number): void {
    this.history = { retentionMs: rawRetentionMs, started: false };
    this.startHistory();
  }

  private startHistory(): void {
    if (!this.history || this.history.started || !this.leading || !this.started) return;
    this.history.started = true;
    void this.rebuildHistory(this.history.retentionMs, HISTORY_PAUSE_MS);
  }

  /** Hours waiting for a rebuild. */
  get pendingHours(): number {
    return this.completeness.dirtyHours().length;
  }

  /** Resolves once every dirty mark and rebuild noted so far is stored. */
  saved(): Promise<void> {
    return this.saving;
  }

  completeSpans(keys: readonly string[], level: RollupLevel, from: number, to: number): TimeSpan[] {
    if (!this.started) return [];
    return this.completeness.completeSpans(keys, level, from, to, this.now());
  }

  /** Notes the hours of readings too old for the continuous queries to pick up (without them: of every reading). */
  written(readings: readonly Reading[]): void {
    // Undecided yet (no write can succeed before InfluxDB answered): every hour, to be safe.
    const lateBefore = this.decided !== "continuous-queries" ? Infinity : this.now() - this.options.lateAfterMs;
    let fresh: DirtyMark[] | undefined;
    const marked = markWrittenHours(readings, lateBefore, (key, hour) => {
      const marks = this.completeness.markDirty(key, hour);
      if (marks.length > 0) (fresh ??= []).push(...marks);
    });
    if (fresh) {
      const marks = fresh;
      this.save((repo) => repo.addDirty(marks, ALL_SERIES));
    }
    if (marked) this.schedule();
  }

  /** Rebuilds every dirty hour now; resolves when done (also after failures, which are logged and retried later). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.running.then(async () => {
      if (!this.leading || !this.decided) return;
      this.pendingSince = undefined;
      // InfluxDB away: the hours stay dirty for the next pass.
      for (const [from, to] of hourRuns(this.completeness.dirtyHours())) await this.rebuild(from, to);
      await this.saving;
      if (this.completeness.dirtyHours().length > 0 && !this.timer) this.schedule();
    });
    return this.running;
  }

  /**
   * Rebuilds the hours between the raw horizon and the anchor that are not rebuilt yet, newest day
   * first, one day per step with `pauseMs` between steps (interleaved with the rebuilds of late
   * data): the upgrade path for rollups written before the current continuous queries (without `qc`
   * and `sum`), which charts read from raw until then. Resolves when done or closed.
   */
  async rebuildHistory(rawRetentionMs: number, pauseMs: number): Promise<void> {
    const anchor = this.completeness.state.anchor;
    if (anchor === null) return;
    const horizon = hourCeil(this.now() - rawRetentionMs);
    const earliest = await earliestRawReading(this.store, horizon, anchor).catch((err: unknown) => {
      this.logger.warn({ err: (err as Error).message }, "could not look for rollup history to rebuild");
      return null;
    });
    if (earliest === null) return;
    const stop = Math.max(horizon, hourFloor(earliest));
    this.logger.info({ from: new Date(stop).toISOString(), to: new Date(anchor).toISOString() }, "rebuilding older rollups");
    for (let to = anchor; to > stop && !this.closed && this.leading; to -= DAY_MS) {
      const from = Math.max(stop, to - DAY_MS);
      const todo = uncovered(this.completeness.state.rebuilt, { from, to });
      for (const span of todo) {
        this.running = this.running.then(async () => void (await this.rebuild(span.from, span.to - HOUR_MS)));
        await this.running;
      }
      if (todo.length > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs).unref());
    }
  }

  /**
   * Rebuilds the hours [from, to] (inclusive hour starts), then the 6-hour blocks holding them, and
   * only then clears their dirty marks (rollup-completeness.ts's invariant); false when InfluxDB
   * failed (the hours stay dirty, and charts read them from raw).
   */
  private async rebuild(from: number, to: number): Promise<boolean> {
    if (this.closed) return false;
    const upToSeq = this.completeness.currentSeq;
    const blocks = { from: blockFloor(from), to: blockCeil(to + HOUR_MS) };
    let coarseStartedAt: number;
    try {
      await rebuildRollups(this.store, from, to, this.decided);
      coarseStartedAt = this.now();
      await buildCoarseRollups(this.store, blocks.from, blocks.to, this.decided);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, from: new Date(from).toISOString(), to: new Date(to).toISOString() }, "rollup rebuild failed; will retry");
      return false;
    }
    const cleaned = this.completeness.rebuiltFrom({ from, to: to + HOUR_MS }, upToSeq);
    this.completeness.coarseBuilt(blocks, coarseStartedAt);
    // The state's spans are replaced, never changed in place: these stay as they are now.
    const { rebuilt, coarseBuilt } = this.completeness.state;
    this.save((repo) => repo.cleaned(cleaned, rebuilt, coarseBuilt));
    return true;
  }

  /**
   * Builds settled 6-hour blocks not built yet (after an upgrade, and in continuous-query mode as
   * hours settle), newest first, COARSE_BLOCKS_PER_PASS per pass with a pause between passes;
   * resolves when none is left (or on failure, retried at the next look).
   */
  async buildCoarse(pauseMs = COARSE_PASS_PAUSE_MS): Promise<void> {
    let built = 1;
    while (built > 0 && !this.closed) {
      built = 0;
      this.running = this.running.then(async () => {
        if (!this.leading || !this.started || this.closed || !this.decided) return;
        try {
          for (const span of this.completeness.unbuiltBlocks(this.now(), COARSE_BLOCKS_PER_PASS)) {
            const startedAt = this.now();
            built += await buildCoarseRollups(this.store, span.from, span.to, this.decided);
            this.completeness.coarseBuilt(span, startedAt);
          }
        } catch (err) {
          this.logger.warn({ err: (err as Error).message }, "building 6-hour rollups failed; will retry");
          built = 0;
        }
        if (built === 0) return;
        const { coarseBuilt } = this.completeness.state;
        this.save((repo) => repo.saveCoarse(coarseBuilt, coarseRollupSignature()));
        const left = this.completeness.unbuiltBlocks(this.now(), Number.POSITIVE_INFINITY).reduce((n, s) => n + (s.to - s.from) / SIX_HOURS_MS, 0);
        this.logger.info({ blocks: built, left }, "built 6-hour rollups from the 1-hour rows");
      });
      await this.running;
      if (built > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs).unref());
    }
  }

  /** Looks for settled 6-hour blocks after `delayMs`, and then every COARSE_LOOK_EVERY_MS. */
  private lookForCoarse(delayMs: number): void {
    if (this.closed || !this.leading) return;
    clearTimeout(this.coarseTimer);
    this.coarseTimer = setTimeout(() => void this.buildCoarse().finally(() => this.lookForCoarse(COARSE_LOOK_EVERY_MS)), delayMs);
    this.coarseTimer.unref();
  }

  /** Stops rebuilding; resolves once what was noted so far is stored (nothing is stored after). */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.coarseTimer);
    this.timer = undefined;
    return this.saving;
  }

  /** Rebuilds once writes pause for quietMs, but never later than maxWaitMs after the first write waiting. */
  private schedule(): void {
    if (this.closed || !this.leading) return;
    clearTimeout(this.timer);
    const now = this.now();
    this.pendingSince ??= now;
    const maxWait = this.options.maxWaitMs ?? DEFAULT_ROLLUP_SCHEDULER_OPTIONS.maxWaitMs!;
    const delay = Math.max(0, Math.min(this.options.quietMs, this.pendingSince + maxWait - now));
    this.timer = setTimeout(() => void this.flush(), delay);
    this.timer.unref();
  }

  private save(work: (repo: RollupStateRepository) => Promise<void>): void {
    const repo = this.repository;
    if (!repo || this.closed) return;
    this.saving = this.saving.then(() =>
      work(repo).catch((err: unknown) => {
        this.logger.error({ err: (err as Error).message }, "storing the rollup state failed; the hours concerned will be rebuilt or read from raw");
      }),
    );
  }
}

/** Time of the oldest raw reading in [from, to), or null when there is none. */
async function earliestRawReading(store: ReadingStore, from: number, to: number): Promise<number | null> {
  const [series] = await store.queryValues(earliestReadingQuery(from, to));
  const t = series?.values[0]?.[0];
  return typeof t === "number" ? t : null;
}

/** Pause between the days of the background history rebuild: InfluxDB stays free for reads and writes. */
const HISTORY_PAUSE_MS = 1_000;

/**
 * A started scheduler; with `historyRetentionMs` (the raw retention; null when InfluxDB did not
 * answer) it also rebuilds, in the background, the hours before its anchor that raw data still
 * covers — looked up at once, so only history from before this start counts.
 */
export async function startRollupScheduler(
  store: ReadingStore,
  repository: RollupStateRepository,
  logger: Logger,
  options: RollupSchedulerOptions & { historyRetentionMs: number | null },
): Promise<RollupScheduler> {
  const scheduler = new RollupScheduler(store, logger, options, repository);
  await scheduler.start();
  if (options.historyRetentionMs !== null) scheduler.rebuildHistoryWhenLeading(options.historyRetentionMs);
  return scheduler;
}
