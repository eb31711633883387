// Which hours of which series the 1-minute and 1-hour rollups hold completely: the pure core of the
// rollup scheduler (rollup-scheduler.ts keeps it current and persisted).
//
// A rollup row is right when it was computed from raw after the last write into its interval. The
// continuous queries recompute every interval of their RESAMPLE window (schema.ts: 2 h for rp_1m
// and rp_1h) on each run, so an hour is settled once it has left that window — plus one run
// interval and a margin — provided every write into it after it left was seen. Writes older than
// the scheduler's `lateAfterMs` (well inside the 1-minute window) are "late": they make their hour
// dirty for their series until `rebuildRollups` has recomputed it from raw. So an hour of a series is
// complete at a rollup level when
//   - it is settled for that level (H + 1 h + settle ≤ now), and
//   - it was watched since before it could take writes the continuous queries would not see (it is
//     at or after the anchor, the hour the tracker started watching with the current continuous
//     queries), or it was rebuilt from raw since, and
//   - it is not dirty for that series.
//
// The 6-hour rollup (rp_6h) is built by Water Monitor from the 1-hour rows (coarse-rollups.ts), one
// epoch-aligned 6-hour block at a time, for every series at once. Invariant — no chart ever reads a
// 6-hour row that misses a reading its 1-hour rows hold: a block of a series is complete at the
// 6-hour level only when
//   (a) every one of its six hours is complete at the 1-hour level for that series (above), and
//   (b) the block is in `coarse`: it was built when all six hours were settled and trusted, no hour
//       of it was dirty for any series when the build was recorded, and none has been marked dirty
//       or rebuilt since (either drops the block until a build is recorded again).
// A settled, trusted hour's 1-hour rows change only through a rebuild (rollup-scheduler.ts
// `rebuild`), which rebuilds the hour's 6-hour block after its 1-hour rows and records it only once
// the hour's marks are cleared; a failed block build leaves the block out. A change of who writes
// the rollups (restartAt without keepRebuilt) forgets every built block.
import { HOUR_MS, SIX_HOURS_MS } from "./resolution.ts";

/** Levels whose rows a continuous query may still rewrite for a while after the interval (settling). */
export type SettlingLevel = "rollup1m" | "rollup1h";
/** Every rollup level charts read: the 6-hour one is built from the 1-hour rows and settles with them. */
export type RollupLevel = SettlingLevel | "rollup6h";

/** Half-open [from, to) in epoch ms; hour-aligned where it describes hours. */
export interface TimeSpan {
  from: number;
  to: number;
}

/** How a stored point is keyed: `station\tparameter\tsensor`, sensor "" for untagged (older) points. */
export function seriesKey(station: string, parameter: string, sensor: string): string {
  return `${station}\t${parameter}\t${sensor}`;
}

export function hourFloor(t: number): number {
  return Math.floor(t / HOUR_MS) * HOUR_MS;
}

export function hourCeil(t: number): number {
  return Math.ceil(t / HOUR_MS) * HOUR_MS;
}

export function blockFloor(t: number): number {
  return Math.floor(t / SIX_HOURS_MS) * SIX_HOURS_MS;
}

export function blockCeil(t: number): number {
  return Math.ceil(t / SIX_HOURS_MS) * SIX_HOURS_MS;
}

/** The whole epoch-aligned 6-hour blocks inside sorted spans. */
export function wholeBlocks(spans: readonly TimeSpan[]): TimeSpan[] {
  const out: TimeSpan[] = [];
  for (const s of spans) {
    const from = blockCeil(s.from);
    const to = blockFloor(s.to);
    if (from < to) out.push({ from, to });
  }
  return out;
}

/** What two sorted, disjoint span lists both cover. */
export function intersectSpans(a: readonly TimeSpan[], b: readonly TimeSpan[]): TimeSpan[] {
  const out: TimeSpan[] = [];
  let j = 0;
  for (const s of a) {
    while (j < b.length && b[j]!.to <= s.from) j++;
    for (let k = j; k < b.length && b[k]!.from < s.to; k++) {
      const from = Math.max(s.from, b[k]!.from);
      const to = Math.min(s.to, b[k]!.to);
      if (from < to) out.push({ from, to });
    }
  }
  return out;
}

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

/** Adds [from, to) to sorted, disjoint spans, merging what touches or overlaps. */
export function addSpan(spans: readonly TimeSpan[], span: TimeSpan): TimeSpan[] {
  if (span.from >= span.to) return [...spans];
  const out: TimeSpan[] = [];
  let merged = { ...span };
  let placed = false;
  for (const s of spans) {
    if (s.to < merged.from) out.push(s);
    else if (s.from > merged.to) {
      if (!placed) {
        out.push(merged);
        placed = true;
      }
      out.push(s);
    } else merged = { from: Math.min(s.from, merged.from), to: Math.max(s.to, merged.to) };
  }
  if (!placed) out.push(merged);
  return out;
}

/** Every series of an hour: the mark a dirty hour takes when many of its series are dirty. */
export const ALL_SERIES = "*";

/**
 * Beyond this many dirty series in one hour the hour is dirty for all: a backfill of a national
 * network (20,000 series) must not hold a mark per series and hour. The rebuild recomputes every
 * series of an hour anyway; only charts of the other series read that hour from raw meanwhile.
 */
export const MAX_SERIES_PER_DIRTY_HOUR = 64;

/** A dirty hour of a series key, or of every series (key ALL_SERIES). */
export interface DirtyMark {
  hour: number;
  key: string;
}

/** Persisted form of the tracker's knowledge. */
export interface CompletenessState {
  /** First hour watched with the current continuous queries; null before the first start. */
  anchor: number | null;
  /** Hours rebuilt from raw (sorted, disjoint). */
  rebuilt: TimeSpan[];
  dirty: Iterable<DirtyMark>;
  /** 6-hour blocks built while their hours were complete (sorted, disjoint, block-aligned). */
  coarseBuilt?: TimeSpan[];
}

interface DirtyHour {
  /** Sequence number of the newest mark in the hour. */
  seq: number;
  keys: Set<string> | typeof ALL_SERIES;
}

export class RollupCompleteness {
  private anchor: number | null;
  private rebuilt: TimeSpan[];
  private coarse: TimeSpan[];
  private readonly dirty = new Map<number, DirtyHour>();
  private seq = 0;

  constructor(
    /** Per level: how long after an hour's end the continuous queries may still rewrite it. */
    private settleMs: Readonly<Record<SettlingLevel, number>>,
    state: CompletenessState,
    /**
     * Whether hours from the anchor on count as complete when settled (continuous queries write
     * them). Without continuous queries (INFLUX_ROLLUPS=scheduler) nothing writes an hour's rollup
     * but its rebuild: only rebuilt hours count, and only while no write came after the rebuild.
     */
    private anchorTrusted = true,
  ) {
    this.anchor = state.anchor;
    this.rebuilt = [...state.rebuilt];
    this.coarse = [...(state.coarseBuilt ?? [])];
    for (const { key, hour } of state.dirty) this.markDirty(key, hour);
  }

  /** Who writes the rollups was learnt only now (INFLUX_ROLLUPS=auto, InfluxDB answered late): see the constructor. */
  configure(settleMs: Readonly<Record<SettlingLevel, number>>, anchorTrusted: boolean): void {
    this.settleMs = settleMs;
    this.anchorTrusted = anchorTrusted;
  }

  /** Sequence number of the newest mark so far: a rebuild started now clears marks up to it. */
  get currentSeq(): number {
    return this.seq;
  }

  /** Hours with a dirty mark, ascending. */
  dirtyHours(): number[] {
    return [...this.dirty.keys()].sort((a, b) => a - b);
  }

  isDirty(key: string, hour: number): boolean {
    const h = this.dirty.get(hour);
    return h !== undefined && (h.keys === ALL_SERIES || h.keys.has(key));
  }

  /**
   * Marks an hour of a series dirty (again). Returns the marks to store: the new one, or ALL_SERIES
   * when the hour has just become dirty for all (its per-series marks are then replaced); none
   * when the hour was already marked so.
   */
  markDirty(key: string, hour: number): DirtyMark[] {
    const seq = ++this.seq;
    this.dropBlocks({ from: hour, to: hour + HOUR_MS });
    const h = this.dirty.get(hour);
    if (!h) {
      this.dirty.set(hour, { seq, keys: key === ALL_SERIES ? ALL_SERIES : new Set([key]) });
      return [{ hour, key }];
    }
    h.seq = seq;
    if (h.keys === ALL_SERIES || h.keys.has(key)) return [];
    if (key === ALL_SERIES || h.keys.size >= MAX_SERIES_PER_DIRTY_HOUR) {
      h.keys = ALL_SERIES;
      return [{ hour, key: ALL_SERIES }];
    }
    h.keys.add(key);
    return [{ hour, key }];
  }

  /**
   * After a rebuild of the hours in [from, to) that started when `currentSeq` was `upToSeq`: those
   * hours count as rebuilt, and the dirty hours not marked again since are clean (a write that ended
   * after the rebuild started may have missed it, so its hour stays dirty). Returns the hours cleaned.
   */
  rebuiltFrom(span: TimeSpan, upToSeq: number): number[] {
    const from = hourFloor(span.from);
    const to = hourCeil(span.to);
    this.rebuilt = addSpan(this.rebuilt, { from, to });
    this.dropBlocks({ from, to });
    const cleaned: number[] = [];
    for (const [hour, h] of this.dirty) {
      if (hour < from || hour >= to || h.seq > upToSeq) continue;
      this.dirty.delete(hour);
      cleaned.push(hour);
    }
    return cleaned;
  }

  /** Starts watching (first start, or the continuous queries changed): earlier hours count only once rebuilt. */
  restartAt(anchor: number, keepRebuilt: boolean): void {
    this.anchor = hourCeil(anchor);
    if (!keepRebuilt) {
      this.rebuilt = [];
      this.coarse = [];
    }
  }

  get state(): { anchor: number | null; rebuilt: readonly TimeSpan[]; coarseBuilt: readonly TimeSpan[] } {
    return { anchor: this.anchor, rebuilt: this.rebuilt, coarseBuilt: this.coarse };
  }

  /** The built 6-hour blocks as stored (a restart rebuilds none of them). */
  restoreCoarse(spans: readonly TimeSpan[]): void {
    for (const span of spans) this.coarse = addSpan(this.coarse, span);
  }

  /**
   * The 6-hour blocks inside [from, to) whose hours are all complete for every series: settled by
   * `now`, trusted, and without a dirty mark. A block built from the 1-hour rows while this holds
   * (checked with the time the build began, and again for dirty marks once it is done) may be
   * recorded with `coarseBuilt`.
   */
  buildableBlocks(from: number, to: number, now: number): TimeSpan[] {
    const start = blockCeil(from);
    const end = Math.min(blockFloor(to), this.settledEnd("rollup1h", now));
    if (start >= end) return [];
    let trusted: TimeSpan[] = intersectSpans(this.rebuilt, [{ from: start, to: end }]);
    if (this.anchorTrusted && this.anchor !== null && this.anchor < end) trusted = addSpan(trusted, { from: Math.max(this.anchor, start), to: end });
    const holes = [...this.dirty.keys()].filter((hour) => hour >= start && hour < end).sort((a, b) => a - b);
    return wholeBlocks(subtractHours(trusted, holes));
  }

  /** Settled and trusted blocks not built yet, newest first, at most `limit` blocks in all. */
  unbuiltBlocks(now: number, limit: number): TimeSpan[] {
    const out: TimeSpan[] = [];
    let left = limit;
    const todo = this.buildableBlocks(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, now).flatMap((s) => uncovered(this.coarse, s));
    for (let i = todo.length - 1; i >= 0 && left > 0; i--) {
      const span = todo[i]!;
      const from = Math.max(span.from, span.to - left * SIX_HOURS_MS);
      out.push({ from, to: span.to });
      left -= (span.to - from) / SIX_HOURS_MS;
    }
    return out;
  }

  /**
   * Records the blocks in `span` built from the 1-hour rows by a build that began at `startedAt`:
   * those buildable then and still free of dirty marks now (a write marked during the build left its
   * hour dirty, so its block waits for the hour's rebuild). Returns the blocks recorded.
   */
  coarseBuilt(span: TimeSpan, startedAt: number): TimeSpan[] {
    const blocks = this.buildableBlocks(span.from, span.to, startedAt);
    for (const block of blocks) this.coarse = addSpan(this.coarse, block);
    return blocks;
  }

  /** Forgets the built 6-hour blocks touching `span`: their rows may no longer match the 1-hour rows. */
  private dropBlocks(span: TimeSpan): void {
    const drop = { from: blockFloor(span.from), to: blockCeil(span.to) };
    if (this.coarse.some((s) => s.from < drop.to && s.to > drop.from)) this.coarse = this.coarse.flatMap((s) => uncovered([drop], s));
  }

  private settledEnd(level: SettlingLevel, now: number): number {
    return hourFloor(now - this.settleMs[level] - HOUR_MS) + HOUR_MS;
  }

  /**
   * The whole hours inside [from, to) in which the rollup of `level` holds every reading of all the
   * given series keys (a chart series may span a tagged and the untagged key), as sorted spans.
   */
  completeSpans(keys: readonly string[], level: RollupLevel, from: number, to: number, now: number): TimeSpan[] {
    // The invariant in the header: (a) all six hours complete at the 1-hour level, (b) built since.
    if (level === "rollup6h") return wholeBlocks(intersectSpans(this.completeSpans(keys, "rollup1h", blockCeil(from), blockFloor(to), now), this.coarse));
    const start = hourCeil(from);
    const end = Math.min(hourFloor(to), this.settledEnd(level, now));
    if (start >= end) return [];
    let trusted: TimeSpan[] = this.rebuilt.filter((s) => s.to > start && s.from < end).map((s) => ({ from: Math.max(s.from, start), to: Math.min(s.to, end) }));
    if (this.anchorTrusted && this.anchor !== null && this.anchor < end) trusted = addSpan(trusted, { from: Math.max(this.anchor, start), to: end });
    const holes: number[] = [];
    for (const [hour, h] of this.dirty) {
      if (hour < start || hour >= end) continue;
      if (h.keys === ALL_SERIES || keys.some((k) => (h.keys as Set<string>).has(k))) holes.push(hour);
    }
    if (holes.length === 0) return trusted;
    return subtractHours(trusted, holes.sort((a, b) => a - b));
  }
}

/** The parts of `span` that none of the sorted, disjoint `spans` covers. */
export function uncovered(spans: readonly TimeSpan[], span: TimeSpan): TimeSpan[] {
  const out: TimeSpan[] = [];
  let from = span.from;
  for (const s of spans) {
    if (s.to <= from) continue;
    if (s.from >= span.to) break;
    if (s.from > from) out.push({ from, to: s.from });
    from = Math.max(from, s.to);
  }
  if (from < span.to) out.push({ from, to: span.to });
  return out;
}

/** Spans minus single hours (both sorted). */
export function subtractHours(spans: readonly TimeSpan[], hours: readonly number[]): TimeSpan[] {
  const out: TimeSpan[] = [];
  let h = 0;
  for (const span of spans) {
    let from = span.from;
    while (h < hours.length && hours[h]! < span.to) {
      const hour = hours[h]!;
      if (hour >= from) {
        if (hour > from) out.push({ from, to: hour });
        from = hour + HOUR_MS;
      }
      h++;
    }
    if (from < span.to) out.push({ from, to: span.to });
  }
  return out;
}

/**
 * How long after an hour's end a continuous query may still rewrite it: its RESAMPLE FOR window,
 * one EVERY interval for the run that covers the window's last instant, and a margin for a run
 * that InfluxDB starts late.
 */
export function settleAfter(resample: string, parse: (duration: string) => number, marginMs: number): number {
  const m = /RESAMPLE EVERY (\S+) FOR (\S+)/.exec(resample);
  if (!m) throw new Error(`Unexpected RESAMPLE clause: ${resample}`);
  return parse(m[2]!) + parse(m[1]!) + marginMs;
}
