// Sensor daily means read from InfluxDB: the QC-passed readings of each station × parameter summed
// per local day by InfluxDB itself (one statement per group of stations, every parameter and sensor
// at once), then reduced to the wanted sensor's daily mean (daily-means.ts). Days older than the raw
// retention are read from the 1-hour rollups instead, and say so.
import { DateTime } from "luxon";
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import { chunked } from "../../meta/chunked.ts";
import type { ReadingStore, SeriesValues } from "../../influx/store.ts";
import { DAILY_COL, dailySumsQuery, rollupDailySumsQuery } from "../../influx/influxql-daily.ts";
import { TAG } from "../../../../common/wire.ts";
import { dailyMeansOf, type DailySumsRow, type SensorPick } from "./daily-means.ts";
import { seriesKey, type DailyMeansRequest, type ReadOptions, type SensorDailyMean } from "./data-source.ts";
import { numberCell } from "../../influx/result-cells.ts";

export interface InfluxDailyMeansOptions {
  /** Raw retention (the `raw` policy's duration): older days are read from the rollups. */
  rawRetentionMs: number;
  now: () => number;
  /** Stations per statement: a year of 10-minute readings of 25 stations × 20 parameters is about 26 million points. */
  stationsPerQuery?: number;
  /** Statements in flight at once. */
  concurrency?: number;
}

/** InfluxDB drops expired shards on its own schedule (the retention check runs every 30 min by default): keep clear of the edge. */
const RETENTION_MARGIN_MS = 3_600_000;
const HALF_DAY_MS = 43_200_000;

function rowsOf(series: readonly SeriesValues[], source: DailySumsRow["source"]): DailySumsRow[] {
  const rows: DailySumsRow[] = [];
  for (const s of series) {
    const station = s.tags?.[TAG.station];
    const parameter = s.tags?.[TAG.parameter];
    if (station === undefined || parameter === undefined) continue;
    const sensor = s.tags?.[TAG.sensor] ?? "";
    const at = (name: string) => s.columns.indexOf(name);
    const [t, n, sum, sq, nc, nLod, nLoq, lod, loq] = ["time", DAILY_COL.n, DAILY_COL.sum, DAILY_COL.sumQuantified, DAILY_COL.nCensored, DAILY_COL.nBelowLod, DAILY_COL.nBelowLoq, DAILY_COL.lod, DAILY_COL.loq].map(at) as [number, number, number, number, number, number, number, number, number];
    for (const v of s.values) {
      const belowLod = nLod >= 0 ? (numberCell(v[nLod]) ?? 0) : null;
      const belowLoq = nLoq >= 0 ? (numberCell(v[nLoq]) ?? 0) : null;
      rows.push({
        station,
        parameter,
        sensor,
        time: v[t] as number,
        n: numberCell(v[n]) ?? 0,
        sum: numberCell(v[sum]) ?? 0,
        sumQuantified: sq >= 0 ? (numberCell(v[sq]) ?? 0) : null,
        nCensored: nc >= 0 ? (numberCell(v[nc]) ?? 0) : (belowLod ?? 0) + (belowLoq ?? 0),
        nBelowLod: belowLod,
        nBelowLoq: belowLoq,
        maxLod: numberCell(v[lod]),
        maxLoq: numberCell(v[loq]),
        source,
      });
    }
  }
  return rows;
}

/** Runs `tasks` with at most `limit` in flight, results in task order. */
async function limited<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** The primary sensor at midday of a local day (a sensor exchanged that day counts from the next). */
export function sensorPick(catalog: CatalogSnapshot, chosen: DailyMeansRequest["sensors"]): SensorPick {
  const primary = (station: string, parameter: string, day: number) =>
    (catalog.primarySensor(station, parameter, day + HALF_DAY_MS) ?? catalog.defaultSensor(station, parameter, day + HALF_DAY_MS))?.id;
  return {
    wanted: (station, parameter, day) => chosen.get(seriesKey(station, parameter))?.id ?? primary(station, parameter, day),
    untaggedOwner: primary,
  };
}

export class InfluxDailyMeans {
  private readonly stationsPerQuery: number;
  private readonly concurrency: number;

  constructor(
    private readonly store: ReadingStore,
    private readonly options: InfluxDailyMeansOptions,
  ) {
    this.stationsPerQuery = options.stationsPerQuery ?? 25;
    this.concurrency = options.concurrency ?? 2;
  }

  /** The first local midnight of `zone` whose day lies wholly inside the raw retention. */
  rawFrom(zone: string): number {
    const oldest = this.options.now() - this.options.rawRetentionMs + RETENTION_MARGIN_MS;
    const day = DateTime.fromMillis(oldest, { zone }).startOf("day");
    return (day.toMillis() < oldest ? day.plus({ days: 1 }) : day).toMillis();
  }

  async read(request: DailyMeansRequest, options: ReadOptions): Promise<Map<string, SensorDailyMean[]>> {
    // Readings timed after asOf cannot have been known then (InfluxDB keeps no arrival time, so
    // readings that arrived late but are timed before it cannot be told apart).
    const to = options.asOf === null ? request.to : Math.min(request.to, options.asOf);
    if (to <= request.from || request.stations.length === 0 || request.parameters.length === 0) return new Map();
    const cut = Math.min(Math.max(this.rawFrom(request.zone), request.from), to);
    const statements: Array<{ query: string; source: DailySumsRow["source"] }> = [];
    for (const stations of chunked(request.stations, this.stationsPerQuery)) {
      if (cut > request.from) statements.push({ query: rollupDailySumsQuery(stations, request.parameters, request.from, cut, request.zone), source: "rollup-1h" });
      if (to > cut) statements.push({ query: dailySumsQuery(stations, request.parameters, cut, to, request.zone), source: "raw" });
    }
    const pick = sensorPick(request.catalog, request.sensors);
    // Each statement's rows become daily means at once (a day is read from one source, a station in
    // one statement), so at most `concurrency` statements' rows are held at a time.
    const parts = await limited(
      statements.map(({ query, source }) => async () => dailyMeansOf(rowsOf(await this.store.queryValues(query), source), pick)),
      this.concurrency,
    );
    const out = new Map<string, SensorDailyMean[]>();
    for (const part of parts) {
      for (const [key, list] of part) {
        const have = out.get(key);
        if (have) have.push(...list);
        else out.set(key, list);
      }
    }
    for (const list of out.values()) list.sort((a, b) => a.time - b.time);
    return out;
  }
}
