// Compare-view query: 20 series × 30 days of 10-minute readings at 1,200 px through
// GET /api/v1/series/multi (a real server on port 0, downsampled by GROUP BY time in InfluxDB),
// against fetching the same readings raw from InfluxDB with the same client library.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { QcFlag, Reading } from "../../common/reading.ts";
import type { SeriesResponse } from "../../common/api-types.ts";
import { loadConfig } from "../../server/src/config.ts";
import { createLogger } from "../../common/logger.ts";
import { rawPointsQuery, type CatalogSeries } from "../../server/src/influx/influxql.ts";
import { startSystem } from "../../server/src/system.ts";
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

export const seriesQuery: Benchmark = {
  name: "Series query: GET /api/v1/series/multi (20 series, 30 days, 1,200 px) vs the raw InfluxDB query",
  async run({ influxUrl, scale }) {
    const days = Math.max(1, Math.round(30 * scale));
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
        for (let i = 0; i < readings.length; i += WRITE_BATCH) await store.writeReadings(readings.slice(i, i + WRITE_BATCH));
      }

      const url =
        `http://127.0.0.1:${server.port}/api/v1/series/multi?series=${list.map((s) => `${s.station.id}:${s.parameter.code}`).join(",")}` +
        `&from=${from}&to=${to}&width=${WIDTH}`;
      let oursPoints = 0;
      const ours = async (): Promise<{ ms: number; serverMs: number }> => {
        const t = performance.now();
        const res = await fetch(url);
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
      let rawPoints = 0;
      const baseline = async (): Promise<number> => {
        const t = performance.now();
        const results = await Promise.all(list.map((s) => store.query(rawPointsQuery(s, from, to, perSeries + 1))));
        rawPoints = results.reduce((sum, r) => sum + r.length, 0);
        return performance.now() - t;
      };

      await ours();
      await baseline();
      const oursRuns: number[] = [];
      const serverRuns: number[] = [];
      const baselineRuns: number[] = [];
      for (let i = 0; i < runs; i++) {
        const o = await ours();
        oursRuns.push(o.ms);
        serverRuns.push(o.serverMs);
        baselineRuns.push(await baseline());
      }
      const oursMs = median(oursRuns);
      const baselineMs = median(baselineRuns);
      return {
        name: `${this.name}, ${days} days × ${list.length} series = ${(perSeries * list.length).toLocaleString("en-US")} readings`,
        ours: { label: "series/multi round trip (median)", value: oursMs, unit: "ms" },
        baseline: { label: "raw SELECT of the same readings (median)", value: baselineMs, unit: "ms" },
        ratio: oursMs / baselineMs,
        higherIsBetter: false,
        target: "< 300 ms",
        extra: [
          { label: "server time (Server-Timing, median)", value: median(serverRuns), unit: "ms" },
          { label: "points returned by series/multi", value: oursPoints, unit: "points" },
          { label: "points returned raw", value: rawPoints, unit: "points" },
        ],
      };
    } finally {
      await store.query(`DROP DATABASE "${database}"`).catch(() => undefined);
      await server.close(2_000);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
