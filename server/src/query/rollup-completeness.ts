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
import { HOUR_MS } from "./resolution.ts";

export type RollupLevel = "rollup1m" | "rollup1h";

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
}

interface DirtyHour {
  /** Sequence number of the newest mark in the hour. */
  seq: number;
  keys: Set<string> | typeof ALL_SERIES;
}

export class RollupCompleteness {
  private anchor: number | null;
  private rebuilt: TimeSpan[];
  private readonly dirty = new Map<number, DirtyHour>();
  private seq = 0;

  constructor(
    /** Per level: how long after an hour's end the continuous queries may still rewrite it. */
    private settleMs: Readonly<Record<RollupLevel, number>>,
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
    for (const { key, hour } of state.dirty) this.markDirty(key, hour);
  }

  /** Who writes the rollups was learnt only now (INFLUX_ROLLUPS=auto, InfluxDB answered late): see the constructor. */
  configure(settleMs: Readonly<Record<RollupLevel, number>>, anchorTrusted: boolean): void {
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
    if (!keepRebuilt) this.rebuilt = [];
  }

  get state(): { anchor: number | null; rebuilt: readonly TimeSpan[] } {
    return { anchor: this.anchor, rebuilt: this.rebuilt };
  }

  /**
   * The whole hours inside [from, to) in which the rollup of `level` holds every reading of all the
   * given series keys (a chart series may span a tagged and the untagged key), as sorted spans.
   */
  completeSpans(keys: readonly string[], level: RollupLevel, from: number, to: number, now: number): TimeSpan[] {
    const start = hourCeil(from);
    const end = Math.min(hourFloor(to), hourFloor(now - this.settleMs[level] - HOUR_MS) + HOUR_MS);
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
