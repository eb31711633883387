// A cheap "data version" for the assessment cache: one counter per station × UTC calendar year,
// bumped whenever something that an assessment of that station in that year reads may have changed —
// readings written to InfluxDB (directly or replayed from the spool), lab results imported or undone,
// and (once data review lands) corrections and approvals. An assessment of a period depends on the
// counters of the UTC years its [from, to) touches (a local year in Berlin or Chongqing reaches a few
// hours into the UTC year before), so a reading in 2026 never invalidates 2025's results.
//
// The counters live in memory: they start at 0 with the process, as the cache they key does. Writes
// that bypass Water Monitor (straight into InfluxDB) are not seen; only what this process writes or
// imports bumps them. The whole-table `epoch` is for changes that touch everything.

const yearOf = (ms: number): number => new Date(ms).getUTCFullYear();

export class DataVersions {
  private readonly counters = new Map<string, number>();
  private epoch = 0;

  /** The data of `station` in [from, to] (inclusive) changed. */
  bump(station: string, from: number, to: number): void {
    for (let y = yearOf(from); y <= yearOf(Math.max(from, to)); y++) {
      const key = `${station}\t${y}`;
      this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
    }
  }

  /** Readings were written: one bump per station × year of the batch, not per reading. */
  bumpReadings(readings: Iterable<{ station: string; time: number }>): void {
    const spans = new Map<string, { station: string; from: number; to: number }>();
    for (const r of readings) {
      const key = `${r.station}\t${yearOf(r.time)}`;
      const span = spans.get(key);
      if (!span) spans.set(key, { station: r.station, from: r.time, to: r.time });
      else {
        if (r.time < span.from) span.from = r.time;
        if (r.time > span.to) span.to = r.time;
      }
    }
    for (const s of spans.values()) this.bump(s.station, s.from, s.to);
  }

  /** Everything may have changed. */
  bumpAll(): void {
    this.epoch++;
  }

  /** The version of `station`'s data in [from, to): changes whenever a bump touches it. */
  of(station: string, from: number, to: number): string {
    let text = `${this.epoch}`;
    for (let y = yearOf(from); y <= yearOf(Math.max(from, to - 1)); y++) text += `.${this.counters.get(`${station}\t${y}`) ?? 0}`;
    return text;
  }
}
