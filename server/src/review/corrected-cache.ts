// Corrected readings (and the aggregate intervals made of them) of past ranges, kept in memory so that a chart shown again (a dashboard
// refreshing, a reviewer stepping through a year) does not read and correct the same raw readings
// every time. Always consistent with the corrections and the stored readings:
//   - the key names every correction that can change the range (those within the interpolation
//     reach of it) and the sensor's facts, so a new correction, an undo, another "as of" time or a
//     catalog change of the sensor asks for a different entry;
//   - every write of readings (InfluxReadingStore is the only writer) drops the entries of that
//     series near the written times, and an entry read while a write of its series was under way is
//     not kept (a per-series generation, bumped when a write starts and when it ends).
// Bounded by the number of values held (least recently used go first).
import type { Reading } from "../../../common/reading.ts";
import { seriesOfBatch, type SeriesReading } from "../ingest/batch-series.ts";

interface Entry<T> {
  series: string;
  /** The range the entry's readings can depend on (the range widened by the interpolation reach). */
  from: number;
  to: number;
  values: readonly T[];
}

export const DEFAULT_MAX_CACHED_VALUES = 500_000;

const seriesOf = (r: Pick<Reading, "station" | "parameter" | "sensor">) => `${r.station}\u0000${r.parameter}\u0000${r.sensor}`;

export interface Span {
  from: number;
  to: number;
}

/**
 * Each written series' time span, by series key: from the batch's series (ingest/batch-series.ts,
 * found once per batch), so the combined key is built once per series, not per reading: built per
 * reading it was a sizeable part of ingest's CPU in `npm run bench`.
 */
export function seriesSpans(readings: readonly SeriesReading[]): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const s of seriesOfBatch(readings).series) spans.set(seriesOf(s), { from: s.from, to: s.to });
  return spans;
}

export class RangeCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** Keys by series: a write looks at its own series' entries only. */
  private readonly bySeries = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  private held = 0;

  constructor(
    /** How far an entry's readings can depend on readings outside its range (interpolation anchors). */
    private readonly reachMs: number,
    private readonly maxValues = DEFAULT_MAX_CACHED_VALUES,
  ) {}

  /** The series' write generation: pass it back to set() so a read that overlapped a write is not kept. */
  generation(series: string): number {
    return this.generations.get(series) ?? 0;
  }

  get(key: string): readonly T[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.values;
  }

  set(key: string, series: string, range: { from: number; to: number }, values: readonly T[], generation: number): void {
    if (generation !== this.generation(series) || values.length > this.maxValues) return;
    this.drop(key);
    this.entries.set(key, { series, from: range.from - this.reachMs, to: range.to + this.reachMs, values });
    let keys = this.bySeries.get(series);
    if (!keys) this.bySeries.set(series, (keys = new Set()));
    keys.add(key);
    this.held += values.length;
    for (const oldest of this.entries.keys()) {
      if (this.held <= this.maxValues) break;
      this.drop(oldest);
    }
  }

  /** Readings of these series are being (or were) written: their entries near those times go. */
  written(readings: readonly Pick<Reading, "station" | "parameter" | "sensor" | "time">[]): void {
    this.writtenSpans(seriesSpans(readings));
  }

  /** As written(), with the spans computed once for several caches. */
  writtenSpans(spans: ReadonlyMap<string, Span>): void {
    for (const [series, span] of spans) {
      this.generations.set(series, this.generation(series) + 1);
      const keys = this.bySeries.get(series);
      if (!keys) continue;
      for (const key of [...keys]) {
        const entry = this.entries.get(key)!;
        if (entry.from <= span.to && entry.to > span.from) this.drop(key);
      }
    }
  }

  get size(): { entries: number; values: number } {
    return { entries: this.entries.size, values: this.held };
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.held -= entry.values.length;
    const keys = this.bySeries.get(entry.series)!;
    keys.delete(key);
    if (keys.size === 0) this.bySeries.delete(entry.series);
  }
}
