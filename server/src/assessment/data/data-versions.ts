// A cheap "data version" for the assessment cache, per station and stretch of time: bumped whenever
// something that an assessment of that station may read changed — readings written to InfluxDB
// (directly or replayed from the spool), lab results imported or undone, corrections and their undos,
// approvals and un-approvals. Each bump paints the whole UTC days it touches with a new sequence
// number (review/timeline.ts paint: a later bump over the same days wins); the version of [from, to)
// is the highest number painted anywhere in it. A reading in 2026 never changes 2025's results, and a
// correction in mid-December does not change the next local year, which reaches only a few hours into
// December's last UTC day. Whole days keep the painting small: the bumps of a day's live readings
// repaint one segment.
//
// The versions live in memory: they start with the process, as the cache they key does. Writes that
// bypass Water Monitor (straight into InfluxDB) are not seen; only what this process writes or imports
// bumps them. The whole-table `epoch` is for changes that touch everything.
import { paint, type Segment } from "../../review/timeline.ts";

const DAY_MS = 86_400_000;
const dayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

export class DataVersions {
  private readonly painted = new Map<string, Segment<number>[]>();
  private sequence = 0;
  private epoch = 0;

  /** The data of `station` in [from, to] (inclusive) changed. */
  bump(station: string, from: number, to: number): void {
    const segments = this.painted.get(station) ?? [];
    this.painted.set(station, paint(segments, dayStart(from), dayStart(Math.max(from, to)) + DAY_MS, ++this.sequence));
  }

  /** Readings were written: one bump per station of the batch (its earliest to its latest reading). */
  bumpReadings(readings: Iterable<{ station: string; time: number }>): void {
    const spans = new Map<string, { from: number; to: number }>();
    for (const r of readings) {
      const span = spans.get(r.station);
      if (!span) spans.set(r.station, { from: r.time, to: r.time });
      else {
        if (r.time < span.from) span.from = r.time;
        if (r.time > span.to) span.to = r.time;
      }
    }
    for (const [station, s] of spans) this.bump(station, s.from, s.to);
  }

  /** Everything may have changed. */
  bumpAll(): void {
    this.epoch++;
  }

  /** The version of `station`'s data in [from, to): changes whenever a bump touches it. */
  of(station: string, from: number, to: number): string {
    let highest = 0;
    for (const s of this.painted.get(station) ?? []) if (s.from < to && s.to > from && s.value > highest) highest = s.value;
    return `${this.epoch}.${highest}`;
  }
}
