// Compare-view query: 20 series × 30 days (and × 1 year) of 10-minute readings at 1,200 px through
// GET /api/v1/series/multi (a real server on port 0; complete 6-hour blocks from the 6-hour rollup,
// complete hours from the 1-hour rollup, the rest aggregated from raw), against the query a Grafana user would run on the same data — per series
// `SELECT mean(value), min(value), max(value) … GROUP BY time($__interval)` with the interval
// Grafana picks for 1,200 px, all in one request as Grafana's InfluxQL data source sends a panel's
// queries — and against fetching the same readings raw.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { QcFlag, Reading } from "../../common/reading.ts";
import type { SeriesResponse } from "../../common/api-types.ts";
import { loadConfig } from "../../server/src/config.ts";
import { createLogger } from "../../common/logger.ts";
import { rawPointsQuery, tagLiteral, type CatalogSeries } from "../../server/src/influx/influxql.ts";
import { FIELD, MEASUREMENT, TAG } from "../../common/wire.ts";
import { RETENTION } from "../../server/src/influx/schema.ts";
import { startSystem } from "../../server/src/system.ts";
import { aggregateStatements } from "../../server/src/query/aggregate-reader.ts";
import { authHeaders } from "../helpers/auth.ts";
import { chooseResolution } from "../../server/src/query/resolution.ts";
import { SCHEMA_RETENTION } from "../../server/src/query/series-service.ts";
import { catalog, median, type Benchmark } from "./bench-kit.ts";

const STEP_MS = 600_000;
const DAY_MS = 86_400_000;
const SERIES = 20;
const WIDTH = 1_200;
const WRITE_BATCH = 5_000;

function benchSeries(): CatalogSeries[] {
  const out: CatalogSeries[] = [];
  for (const parameter of catalog.parameters) {
    for (const station of catalog.stations) {
      const sensor = catalog.primarySensor(station.id, parameter.code, Date.now())!;
      if (out.length < SERIES) out.push({ station, parameter, sensor, includeUntagged: true });
    }
  }
  return out;
}

/** 10-minute readings with the mix a real station produces: some <LOD, some suspect or failed. */
function readingsFor(s: CatalogSeries, start: number, count: number, seed: number): Reading[] {
  const lod = s.sensor.lod;
  return Array.from({ length: count }, (_, i) => {
    const qc: QcFlag = (i + seed) % 97 === 0 ? 4 : (i + seed) % 31 === 0 ? 3 : 1;
    const below = lod !== null && (i + seed) % 19 === 0;
    return {
      station: s.station.id,
      parameter: s.parameter.code,
      sensor: s.sensor.id,
      time: start + i * STEP_MS,
      value: below ? null : 50 + 30 * Math.sin((i + seed) / 24) + ((i * 7) % 11),
      qualifier: below ? ("<LOD" as const) : null,
      limit: below ? lod : null,
      uncertainty: null,
      rawSignal: null,
      calibration: null,
      qc,
    };
  });
}

/**
 * Grafana's interval ladder (`roundInterval` in @grafana/data rangeutil, used for `$__interval`
 * from range / max data points), thresholds and results in ms.
 */
const GRAFANA_LADDER: ReadonlyArray<readonly [number, number]> = [
  [10, 1], [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1_500, 1_000], [3_500, 2_000],
  [7_500, 5_000], [12_500, 10_000], [17_500, 15_000], [25_000, 20_000], [45_000, 30_000], [90_000, 60_000],
  [210_000, 120_000], [450_000, 300_000], [750_000, 600_000], [1_050_000, 900_000], [1_500_000, 1_200_000],
  [2_700_000, 1_800_000], [5_400_000, 3_600_000], [9_000_000, 7_200_000], [16_200_000, 10_800_000],
  [32_400_000, 21_600_000], [86_400_000, 43_200_000], [604_800_000, 86_400_000], [1_814_400_000, 604_800_000],
  [3_628_800_000, 2_592_000_000],
];

export function grafanaInterval(rangeMs: number, maxDataPoints: number): number {
  const raw = rangeMs / maxDataPoints;
  return GRAFANA_LADDER.find(([below]) => raw < below)?.[1] ?? 31_536_000_000;
}

/** The panel query of a Grafana user, one statement per series. */
function grafanaQuery(s: CatalogSeries, from: number, to: number, intervalMs: number): string {
  const v = `"${FIELD.value}"`;
  return (
    `SELECT mean(${v}), min(${v}), max(${v}) FROM "${RETENTION.raw.name}"."${MEASUREMENT}" ` +
    `WHERE "${TAG.station}" = ${tagLiteral(s.station.id)} AND "${TAG.parameter}" = ${tagLiteral(s.parameter.code)} ` +
    `AND time >= ${from}ms AND time <= ${to}ms GROUP BY time(${intervalMs}ms) fill(null)`
  );
}

function chartBenchmark(name: string, fullDays: number, target: string): Benchmark {
  return {
    name,
    async run({ influxUrl, scale }) {
      const days = Math.max(1, Math.round(fullDays * scale));
      const runs = scale >= 0.5 ? 9 : 3;
      const perSeries = days * 144;
      const end = Math.floor(Date.now() / STEP_MS) * STEP_MS - 3_600_000;
      const from = end - days * DAY_MS;
      const to = end;
      const database = `bench_query_${randomBytes(4).toString("hex")}`;
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-query-"));
      const config = loadConfig({
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        INFLUX_URL: influxUrl,
        INFLUX_DATABASE: database,
        SIMULATOR: "off",
        LOG_LEVEL: "silent",
      });
      const server = await startSystem({ config, logger: createLogger("silent"), influxUrl, influxMode: "external" });
      const store = server.store;
      try {
        const list = benchSeries();
        for (const [index, s] of list.entries()) {
          const readings = readingsFor(s, from, perSeries, index * 13);
          for (let i = 0; i < readings.length; i += WRITE_BATCH) {
            const batch = readings.slice(i, i + WRITE_BATCH);
            await store.writeReadings(batch);
            // As the batch writer reports a stored batch (ingest would take longer than the query).
            server.rollups.written(batch);
          }
        }
        // Written late (as a backfill is): the tracker rebuilds those hours before charts read them.
        const rebuildStart = performance.now();
        await server.rollups.flush();
        const rebuildMs = performance.now() - rebuildStart;

        const url =
          `http://127.0.0.1:${server.port}/api/v1/series/multi?series=${list.map((s) => `${s.station.id}:${s.parameter.code}`).join(",")}` +
          `&from=${from}&to=${to}&width=${WIDTH}`;
        // A visitor's chart (one InfluxDB request) and a signed-in researcher's (one per core).
        const signedIn = await authHeaders(server, "researcher");
        let oursPoints = 0;
        const ours = async (headers: Record<string, string> = {}): Promise<{ ms: number; serverMs: number }> => {
          const t = performance.now();
          const res = await fetch(url, { headers });
          const body = (await res.json()) as { series: SeriesResponse[] };
          const ms = performance.now() - t;
          if (res.status !== 200) throw new Error(`series/multi answered ${res.status}: ${JSON.stringify(body)}`);
          oursPoints = 0;
          for (const s of body.series) {
            if (s.points.length > WIDTH) throw new Error(`${s.station}:${s.parameter} has ${s.points.length} points > ${WIDTH}`);
            oursPoints += s.points.length;
          }
          const serverMs = Number(/dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "")?.[1] ?? ms);
          return { ms, serverMs };
        };
        const interval = grafanaInterval(to - from, WIDTH);
        const grafanaStatements = list.map((s) => grafanaQuery(s, from, to, interval));
        let grafanaPoints = 0;
        const grafana = async (): Promise<number> => {
          const t = performance.now();
          const results = await store.queryEach(grafanaStatements);
          grafanaPoints = results.reduce((sum, r) => sum + r.reduce((n, s) => n + s.values.length, 0), 0);
          return performance.now() - t;
        };
        // The statements our server sends, timed on their own: what InfluxDB's part of our time is.
        const plan = chooseResolution({ from, to, width: WIDTH, now: Date.now(), retention: SCHEMA_RETENTION });
        // (A range short enough for raw points, as in the smoke run, reads them in one statement.)
        const ourStatements = list.map((s) =>
          plan.kind === "raw"
            ? { parts: [], statements: [rawPointsQuery(s, from, to, WIDTH + 1)] }
            : aggregateStatements({ series: s, from, to, intervalMs: plan.intervalMs, rollup: plan.rollup, rawHorizon: Date.now() - SCHEMA_RETENTION.rawMs, completeness: server.rollups }),
        );
        const shareOf = (sources: readonly string[]) =>
          ourStatements.reduce((sum, s) => sum + s.parts.filter((p) => sources.includes(p.source)).reduce((n, p) => n + p.to - p.from, 0), 0) / (list.length * (to + 1 - from));
        const rollupShare = shareOf(["rollup1m", "rollup1h", "rollup6h"]);
        const sixHourShare = shareOf(["rollup6h"]);
        // As the server sends them to a visitor: every series' statements in one request (readAggregates with one request).
        const allStatements = ourStatements.flatMap((s) => s.statements);
        const influxOnly = async (): Promise<number> => {
          const t = performance.now();
          await store.queryEach(allStatements);
          return performance.now() - t;
        };
        let rawPoints = 0;
        const rawSelect = async (): Promise<number> => {
          const t = performance.now();
          const results = await Promise.all(list.map((s) => store.query(rawPointsQuery(s, from, to, perSeries + 1))));
          rawPoints = results.reduce((sum, r) => sum + r.length, 0);
          return performance.now() - t;
        };

        await ours();
        await ours(signedIn);
        await grafana();
        await rawSelect();
        await influxOnly();
        const influxRuns: number[] = [];
        const oursRuns: number[] = [];
        const serverRuns: number[] = [];
        const signedInRuns: number[] = [];
        const grafanaRuns: number[] = [];
        const rawRuns: number[] = [];
        for (let i = 0; i < runs; i++) {
          const o = await ours();
          oursRuns.push(o.ms);
          serverRuns.push(o.serverMs);
          signedInRuns.push((await ours(signedIn)).serverMs);
          grafanaRuns.push(await grafana());
          rawRuns.push(await rawSelect());
          influxRuns.push(await influxOnly());
        }
        const serverMs = median(serverRuns);
        const grafanaMs = median(grafanaRuns);
        const rawMs = median(rawRuns);
        return {
          name: `${this.name}, ${days} days × ${list.length} series = ${(perSeries * list.length).toLocaleString("en-US")} readings`,
          ours: { label: "series/multi server time (Server-Timing, median)", value: serverMs, unit: "ms" },
          baseline: { label: `Grafana-style GROUP BY time(${interval / 60_000}m) over raw, one request (median round trip)`, value: grafanaMs, unit: "ms" },
          ratio: serverMs / grafanaMs,
          higherIsBetter: false,
          target,
          extra: [
            { label: "series/multi round trip (median)", value: median(oursRuns), unit: "ms" },
            { label: "raw SELECT of the same readings (median)", value: rawMs, unit: "ms" },
            { label: "server time / raw SELECT", value: serverMs / rawMs, unit: "×" },
            { label: "series/multi server time for a signed-in researcher, one InfluxDB request per core (median)", value: median(signedInRuns), unit: "ms" },
            { label: "our InfluxQL statements alone, in one request as the server sends a visitor's (median)", value: median(influxRuns), unit: "ms" },
            { label: "share of the range read from the rollups", value: rollupShare * 100, unit: "%" },
            { label: "share of the range read from the 6-hour rollup", value: sixHourShare * 100, unit: "%" },
            { label: "points returned by series/multi", value: oursPoints, unit: "points" },
            { label: "points returned Grafana-style", value: grafanaPoints, unit: "points" },
            { label: "points returned raw", value: rawPoints, unit: "points" },
            { label: "rollup rebuild of the backfilled hours (once)", value: rebuildMs, unit: "ms" },
          ],
        };
      } finally {
        await store.query(`DROP DATABASE "${database}"`).catch(() => undefined);
        await server.close(2_000);
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export const seriesQuery = chartBenchmark(
  "Series query: GET /api/v1/series/multi (20 series, 30 days, 1,200 px) vs the Grafana-style query",
  30,
  "≤ 100 ms server time and ≤ 1.0× Grafana-style",
);

export const seriesQueryYear = chartBenchmark("Series query, one year: GET /api/v1/series/multi (20 series, 365 days, 1,200 px) vs the Grafana-style query", 365, "≤ 300 ms server time");
