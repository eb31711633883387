// The newest reading of each series that ingest acknowledged but the writer has not yet stored in
// InfluxDB (a backfill ahead of the writer, InfluxDB slow or down with readings spooled).
// /api/v1/latest adds them, so a dashboard that loads in that moment shows what was acknowledged, as
// the live stream already showed it to the dashboards open before. One entry per series at most.
import type { Reading } from "../../../common/reading.ts";

const key = (r: Pick<Reading, "station" | "parameter" | "sensor">) => `${r.station}\t${r.parameter}\t${r.sensor}`;

export class UnwrittenLatest {
  private readonly bySeries = new Map<string, Reading>();

  /** Ingest accepted these (validated, QC-flagged, handed to the writer). */
  accepted(readings: readonly Reading[]): void {
    for (const r of readings) {
      const k = key(r);
      const previous = this.bySeries.get(k);
      if (!previous || r.time >= previous.time) this.bySeries.set(k, r);
    }
  }

  /** The writer stored these: a series whose newest unwritten reading is among them (or older) is in InfluxDB now. */
  written(readings: readonly Reading[]): void {
    for (const r of readings) {
      const k = key(r);
      const pending = this.bySeries.get(k);
      if (pending && pending.time <= r.time) this.bySeries.delete(k);
    }
  }

  /** Unwritten newest readings, of the given stations (all when undefined). */
  of(stations?: ReadonlySet<string>): Reading[] {
    const out: Reading[] = [];
    for (const r of this.bySeries.values()) if (!stations || stations.has(r.station)) out.push(r);
    return out;
  }
}
