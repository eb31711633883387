// The review queue: per station, the series whose data older than N days has not been reviewed
// (approval level raw), with the oldest such reading and how many there are — what a reviewer should
// look at next. One InfluxDB request for the whole network: first and last reading per series, then
// one count per unreviewed stretch.
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { ReviewQueueResponse, ReviewQueueSeries } from "../../../common/review.ts";
import { COL, edgeReadingsQuery, seriesCountQuery, type CatalogSeries } from "../influx/influxql.ts";
import type { ReadingStore, SeriesValues } from "../influx/store.ts";
import type { Clock } from "../util/clock.ts";
import type { AccessPolicy } from "./access-policy.ts";
import { catalogSeries, keyOf, type CorrectedReader } from "./corrected-reader.ts";
import { seriesId } from "./review-repository.ts";
import { gaps } from "./timeline.ts";

const DAY_MS = 86_400_000;

export class ReviewQueue {
  constructor(
    private readonly store: ReadingStore,
    private readonly reader: CorrectedReader,
    private readonly clock: Clock,
    /** How far back raw readings go (InfluxDB's raw retention). */
    private readonly rawRetentionMs: number,
  ) {}

  async list(catalog: CatalogSnapshot, policy: AccessPolicy, olderThanDays: number, station?: string): Promise<ReviewQueueResponse> {
    const now = this.clock.now();
    const cutoff = now - olderThanDays * DAY_MS;
    const horizon = now - this.rawRetentionMs;
    // Only series the reviewer reviews (their organisation's, or all for an admin).
    const series = catalogSeries(catalog, station).filter((s) => policy.isMember(policy.access(keyOf(s)).owner));
    const empty: ReviewQueueResponse = { olderThanDays, cutoff, stations: [] };
    if (series.length === 0 || cutoff <= horizon) return empty;
    const before = { from: horizon, to: cutoff };
    const edges = await this.store.queryEach(series.flatMap((s) => [edgeReadingsQuery(s, before, "first", 1), edgeReadingsQuery(s, before, "last", 1)]));
    const states = await this.reader.states(series.map(keyOf), null);
    const timeOf = (result: readonly SeriesValues[] | undefined): number | undefined => {
      const r = result?.[0];
      const t = r?.values[0]?.[r.columns.indexOf(COL.time)];
      return typeof t === "number" ? t : undefined;
    };
    // The unreviewed stretches between each series' first and last reading before the cut-off.
    const stretches: Array<{ series: CatalogSeries; from: number; to: number }> = [];
    series.forEach((s, i) => {
      const first = timeOf(edges[2 * i]);
      const last = timeOf(edges[2 * i + 1]);
      if (first === undefined || last === undefined) return;
      const state = states.get(seriesId(keyOf(s)))!;
      for (const g of gaps(state.approvals, first, last + 1, (level) => level !== "raw")) stretches.push({ series: s, ...g });
    });
    const counts = await this.store.queryEach(stretches.map((g) => seriesCountQuery(g.series, g)));
    const bySeries = new Map<CatalogSeries, ReviewQueueSeries>();
    stretches.forEach((g, i) => {
      const result = counts[i]?.[0];
      const n = result ? Number(result.values[0]?.[result.columns.indexOf(COL.n)] ?? 0) : 0;
      if (n === 0) return;
      const entry = bySeries.get(g.series);
      if (entry) {
        entry.readings += n;
        entry.from = Math.min(entry.from, g.from);
        entry.to = Math.max(entry.to, g.to);
      } else bySeries.set(g.series, { parameter: g.series.parameter.code, sensor: g.series.sensor.id, from: g.from, to: g.to, readings: n });
    });
    const byStation = new Map<string, ReviewQueueSeries[]>();
    for (const [s, entry] of bySeries) {
      const list = byStation.get(s.station.id) ?? [];
      list.push(entry);
      byStation.set(s.station.id, list);
    }
    const stations = catalog.stations
      .filter((s) => byStation.has(s.id))
      .map((s) => ({ station: s.id, series: byStation.get(s.id)!.sort((a, b) => a.from - b.from) }));
    return { olderThanDays, cutoff, stations };
  }
}
