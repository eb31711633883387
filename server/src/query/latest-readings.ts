// The newest reading of every series, kept in memory for /api/v1/latest. Asking InfluxDB for it
// (`last()` grouped by every station × parameter × sensor) reads the newest shard of every series: with
// a national network (500 stations × 40 parameters) that took InfluxDB itself 1.5 s per request on
// this project's 2-core machine (tests/bench/catalog-scale.bench.ts), for an answer that ingest
// already knows. So InfluxDB is asked once, the first time someone wants the latest values, and
// from then on every reading ingest accepts, and every reading written to InfluxDB (journal and
// spool replays after a restart too), updates its series here — including readings acknowledged
// but not yet stored (a backfill ahead of the writer, InfluxDB slow or down with readings
// spooled), which /latest shows as the live stream showed them.
//
// One instance sees every accepted reading only while it is the only one. With several instances
// (scale-out) each must be fed every instance's accepted readings, or ask InfluxDB instead.
import type { Reading } from "../../../common/reading.ts";
import { seriesOfBatch } from "../ingest/batch-series.ts";

/**
 * station → parameter → sensor → newest reading. Nested by the readings' own id strings (the
 * catalog's, whose hashes V8 keeps) rather than one combined key: building that key per reading was
 * a sizeable part of ingest's CPU in `npm run bench`.
 */
type Newest = Map<string, Map<string, Map<string, Reading>>>;

export class LatestReadings {
  private readonly bySeries: Newest = new Map();
  /** Batches already taken: the store announces each write batch twice (when it starts and ends). */
  private readonly seen = new WeakSet<readonly Reading[]>();
  private loading: Promise<void> | undefined;

  /**
   * @param load the stored newest reading per series (InfluxDB); a reading of data stored before
   *   sensors were tagged carries sensor "" (the caller maps it to the primary sensor at its time).
   */
  constructor(private readonly load: () => Promise<readonly Reading[]>) {}

  /** Ingest accepted these (validated, QC-flagged, handed to the writer), or they are being written. */
  accepted(readings: readonly Reading[]): void {
    if (this.seen.has(readings)) return;
    this.seen.add(readings);
    // Only each series' newest reading of the batch can be the series' newest (batch-series.ts).
    for (const s of seriesOfBatch(readings).series) this.offer(s.newest);
  }

  /** The newest reading per series, of the given stations (all when undefined). */
  async of(stations?: ReadonlySet<string>): Promise<Reading[]> {
    await this.loaded();
    const out: Reading[] = [];
    for (const [station, byParameter] of this.bySeries) {
      if (stations && !stations.has(station)) continue;
      for (const bySensor of byParameter.values()) for (const r of bySensor.values()) out.push(r);
    }
    return out;
  }

  private offer(r: Reading): void {
    let byParameter = this.bySeries.get(r.station);
    if (!byParameter) this.bySeries.set(r.station, (byParameter = new Map()));
    let bySensor = byParameter.get(r.parameter);
    if (!bySensor) byParameter.set(r.parameter, (bySensor = new Map()));
    const previous = bySensor.get(r.sensor);
    if (!previous || r.time >= previous.time) bySensor.set(r.sensor, r);
  }

  /** Loads the stored newest readings once; readings accepted meanwhile are kept if newer. A failed load is tried again by the next caller. */
  private loaded(): Promise<void> {
    this.loading ??= this.load().then(
      (stored) => {
        for (const r of stored) this.offer(r);
      },
      (err: unknown) => {
        this.loading = undefined;
        throw err;
      },
    );
    return this.loading;
  }
}
