// The compliance status table (issue #18) for 500 stations × 20 compounds over one calendar year of
// 10-minute readings (52,560 per series, 525.6 million in all), written to InfluxDB in the stored
// schema: GET /api/v1/assessments for the whole table (what the printable report asks), cold and
// cached, and one status-page request (50 stations) cold and cached.
// Baseline, measured in the same run against the same data: InfluxDB's own day aggregation of the
// whole table — the daily-sums queries the assessment sends (GROUP BY time(1d), station, parameter,
// sensor, in the station's zone), issued straight to InfluxDB in the same batches and concurrency,
// with no engine, no cache and no HTTP server: the floor a cold table cannot go below.
// BENCH_SCALE scales the stations (500 × scale, at least 2); below 0.01 (the test suite's smoke run)
// only January is written.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DateTime } from "luxon";
import type { AssessmentResponse } from "../../common/assessment-api.ts";
import type { CatalogData, QualityStandard } from "../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { createLogger } from "../../common/logger.ts";
import type { Reading } from "../../common/reading.ts";
import { loadConfig } from "../../server/src/config.ts";
import { RETENTION } from "../../server/src/influx/schema.ts";
import { toLineProtocol } from "../../server/src/influx/store.ts";
import { dailySumsQuery } from "../../server/src/influx/influxql-daily.ts";
import { startSystem, type RunningSystem } from "../../server/src/system.ts";
import { chunked } from "../../server/src/meta/chunked.ts";
import { authHeaders } from "../helpers/auth.ts";
import { median, type Benchmark } from "./bench-kit.ts";
import { largeCatalog } from "./large-catalog.ts";

const STATIONS = 500;
const COMPOUNDS = 20;
const STEP_MS = 600_000;
const WRITE_LINES = 50_000;
const WRITE_IN_FLIGHT = 2;
/** As the service reads (assessment-service.ts defaults). */
const STATIONS_PER_BATCH = 25;
const BATCHES_IN_FLIGHT = 2;
const PAGE = 50;

/**
 * 500 stations (copies of the shipped ones, German and Chinese) × 20 compounds with standards: the
 * shipped catalog's 14 parameters that have one, and 6 benchmark compounds given an AA-EQS and a
 * MAC-EQS that apply everywhere. One primary sensor per series.
 */
export function assessmentCatalog(stations: number): CatalogData {
  const grown = largeCatalog(stations, 40);
  const withStandards = new Set(grown.standards.map((s) => s.parameter));
  const shipped = grown.parameters.filter((p) => withStandards.has(p.code));
  const extra = grown.parameters.filter((p) => p.code.startsWith("bench_compound_")).slice(0, COMPOUNDS - shipped.length);
  const parameters = [...shipped, ...extra];
  const codes = new Set(parameters.map((p) => p.code));
  const standards: QualityStandard[] = extra.flatMap((p) =>
    (["AA-EQS", "MAC-EQS"] as const).map((kind) => ({
      id: `${p.code}.${kind}.bench`,
      parameter: p.code,
      kind,
      value: kind === "AA-EQS" ? 100 : 500,
      unit: "ng/L",
      source: "EU-2008-105",
      legalStatus: "guidance" as const,
      scope: { kind: "all" as const },
      validFrom: null,
      validTo: null,
    })),
  );
  return { ...grown, parameters, sensors: grown.sensors.filter((s) => codes.has(s.parameter)), standards: [...grown.standards, ...standards] };
}

const SAMPLE_VALUE = 1.0123456789;
const SAMPLE_TIME = 1_234_567_890_123;

/**
 * Line protocol for a series, fast: the pieces come from the store's own encoder (toLineProtocol)
 * applied to one sample reading, so the points are exactly those ingest writes; only the value and
 * the time are put in per point.
 */
function seriesEncoder(station: string, parameter: string, sensor: string, loq: number | null): { value(v: number, t: number): string; censored(t: number): string } {
  const base: Reading = { station, parameter, sensor, time: SAMPLE_TIME, value: SAMPLE_VALUE, qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null, qc: 1 };
  const [head, middle, rest] = toLineProtocol([base]).split(String(SAMPLE_VALUE)) as [string, string, string];
  const [tail, end] = rest.split(String(SAMPLE_TIME)) as [string, string];
  const censoredLine = loq === null ? "" : toLineProtocol([{ ...base, value: null, qualifier: "<LOQ", limit: loq }]);
  const [cHead, cEnd] = censoredLine.split(String(SAMPLE_TIME)) as [string, string];
  return { value: (v, t) => `${head}${v}${middle}${v}${tail}${t}${end}`, censored: (t) => `${cHead}${t}${cEnd}` };
}

/** A series' year as line-protocol bodies: values within the parameter's typical range, every 17th "< LOQ" where the sensor has one. */
function* seriesBodies(catalog: CatalogSnapshot, station: string, parameter: string, from: number, to: number): Generator<{ body: string; points: number }> {
  const p = catalog.parameter(parameter)!;
  const sensor = catalog.sensorsOf(station, parameter)[0]!;
  const encode = seriesEncoder(station, parameter, sensor.id, sensor.loq);
  const [lo, hi] = p.typical ?? [1, 10];
  let body = "";
  let points = 0;
  for (let t = from, i = 0; t < to; t += STEP_MS, i++) {
    body += sensor.loq !== null && i % 17 === 0 ? encode.censored(t) : encode.value(Math.round((lo + ((hi - lo) * ((i * 37) % 100)) / 200) * 1000) / 1000, t);
    if (++points === WRITE_LINES) {
      yield { body, points };
      body = "";
      points = 0;
    }
  }
  if (points > 0) yield { body, points };
}

async function writeYear(influxUrl: string, database: string, catalog: CatalogSnapshot, from: (zone: string) => number, to: (zone: string) => number): Promise<number> {
  let points = 0;
  const bodies = (function* () {
    for (const station of catalog.stations) {
      for (const p of catalog.parameters) yield* seriesBodies(catalog, station.id, p.code, from(station.timezone), to(station.timezone));
    }
  })();
  const worker = async () => {
    for (let next = bodies.next(); !next.done; next = bodies.next()) {
      const res = await fetch(`${influxUrl}/write?db=${database}&precision=ms`, { method: "POST", body: next.value.body });
      if (res.status !== 204) throw new Error(`write: ${res.status} ${await res.text()}`);
      points += next.value.points;
    }
  };
  await Promise.all(Array.from({ length: WRITE_IN_FLIGHT }, worker));
  return points;
}

/** Sums of a tsm1 statistic over the raw shards of the database (SHOW STATS). */
async function influxStat(influxUrl: string, database: string, module: string, column: (c: string) => boolean): Promise<number> {
  const res = await fetch(`${influxUrl}/query?q=${encodeURIComponent(`SHOW STATS FOR '${module}'`)}`);
  const body = (await res.json()) as { results: Array<{ series?: Array<{ tags?: Record<string, string>; columns: string[]; values: number[][] }> }> };
  let sum = 0;
  for (const s of body.results[0]?.series ?? []) {
    // The raw readings only: the rollups' continuous queries keep writing to their own policies.
    if (s.tags?.database !== database || s.tags.retentionPolicy !== RETENTION.raw.name) continue;
    s.columns.forEach((c, i) => {
      if (column(c)) sum += Number(s.values[0]![i]) || 0;
    });
  }
  return sum;
}

/**
 * Waits until InfluxDB has moved what was just written from its in-memory cache to TSM files and no
 * compaction runs (the managed influxd snapshots a cache a minute after its last write), so that the
 * baseline and ours read the same on-disk data, as a year's data is read in a running installation.
 */
async function settle(influxUrl: string, database: string, timeoutMs = 15 * 60_000): Promise<number> {
  const t0 = performance.now();
  for (let quiet = 0; quiet < 3 && performance.now() - t0 < timeoutMs; ) {
    await new Promise((r) => setTimeout(r, 2_000));
    const cache = await influxStat(influxUrl, database, "tsm1_cache", (c) => c === "memBytes");
    const active = await influxStat(influxUrl, database, "tsm1_engine", (c) => c.endsWith("CompactionsActive") || c.endsWith("CompactionQueue"));
    quiet = cache === 0 && active === 0 ? quiet + 1 : 0;
  }
  return performance.now() - t0;
}

/** The baseline: the assessment's daily-sums queries straight to InfluxDB, the same batches, the same concurrency. */
async function influxDaySums(influxUrl: string, database: string, catalog: CatalogSnapshot, year: number): Promise<{ ms: number; rows: number }> {
  const byZone = new Map<string, string[]>();
  for (const s of catalog.stations) byZone.set(s.timezone, [...(byZone.get(s.timezone) ?? []), s.id]);
  const batches = [...byZone.entries()].flatMap(([zone, ids]) => [...chunked(ids, STATIONS_PER_BATCH)].map((part) => ({ zone, ids: part })));
  const params = catalog.parameters.map((p) => ({ code: p.code }));
  let rows = 0;
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < batches.length) {
      const { zone, ids } = batches[next++]!;
      const from = DateTime.fromObject({ year }, { zone }).toMillis();
      const to = DateTime.fromObject({ year: year + 1 }, { zone }).toMillis();
      const q = dailySumsQuery(ids.map((id) => ({ id })), params, from, to, zone);
      const res = await fetch(`${influxUrl}/query?db=${database}&epoch=ms`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `q=${encodeURIComponent(q)}` });
      const body = (await res.json()) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
      for (const s of body.results[0]?.series ?? []) rows += s.values.length;
    }
  };
  await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, worker));
  return { ms: performance.now() - t0, rows };
}

async function timed(url: string, headers: Record<string, string>): Promise<{ ms: number; body: AssessmentResponse }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as AssessmentResponse;
  return { ms: performance.now() - t0, body };
}

export const assessmentBench: Benchmark = {
  name: "Assessment status table: 500 stations × 20 compounds × 1 year of 10-minute readings (GET /api/v1/assessments, cold and cached)",
  async run({ influxUrl, scale }) {
    const stations = Math.max(2, Math.round(STATIONS * scale));
    const data = assessmentCatalog(stations);
    // This calendar year (its days to come included): a past year would lie partly beyond the raw retention (400 days).
    const year = new Date().getUTCFullYear();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-assess-"));
    const database = `bench_assess_${randomBytes(4).toString("hex")}`;
    const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, INFLUX_URL: influxUrl, INFLUX_DATABASE: database, SIMULATOR: "off", LOG_LEVEL: "silent" });
    let system: RunningSystem | undefined;
    try {
      system = await startSystem({ config, logger: createLogger("silent"), influxUrl, influxMode: "external", catalogSeed: data });
      const url = `http://127.0.0.1:${system.port}`;
      const catalog = system.catalog.current();
      const months = scale < 0.01 ? 1 : 12;
      const tWrite = performance.now();
      const points = await writeYear(
        influxUrl,
        database,
        catalog,
        (zone) => DateTime.fromObject({ year }, { zone }).toMillis(),
        (zone) => DateTime.fromObject({ year }, { zone }).plus({ months }).toMillis(),
      );
      const writeSeconds = (performance.now() - tWrite) / 1000;
      const headers = await authHeaders(system, "viewer");
      const table = `${url}/api/v1/assessments?year=${year}&basis=sensor`;
      const page = `${url}/api/v1/assessments?year=${year}&basis=sensor&macMode=p95&stations=${catalog.stations.slice(0, PAGE).map((s) => s.id).join(",")}`;
      const settleMs = await settle(influxUrl, database);
      // Baseline first, then the cold table: both read the settled TSM files.
      const baseline = await influxDaySums(influxUrl, database, catalog, year);
      const rssBefore = process.memoryUsage().rss;
      const cold = await timed(table, headers);
      const rssAfter = process.memoryUsage().rss;
      if (cold.body.cache.misses !== stations * COMPOUNDS) throw new Error(`expected a cold table, got ${JSON.stringify(cold.body.cache)}`);
      const cached: number[] = [];
      for (let r = 0; r < 5; r++) cached.push((await timed(table, headers)).ms);
      // A status page (another MAC mode: the same reads, its own cache keys).
      const pageCold = await timed(page, headers);
      const pageCached: number[] = [];
      for (let r = 0; r < 5; r++) pageCached.push((await timed(page, headers)).ms);
      const cells = cold.body.stations.reduce((n, s) => n + s.series.length, 0);
      return {
        name: `${this.name}, ${stations} stations, ${points.toLocaleString("en-US")} readings`,
        ours: { label: `whole table cold (${cells.toLocaleString("en-US")} series: InfluxDB day sums, engine, JSON)`, value: cold.ms, unit: "ms" },
        baseline: { label: `InfluxDB's day aggregation alone, the same queries (${baseline.rows.toLocaleString("en-US")} station-days)`, value: baseline.ms, unit: "ms" },
        ratio: cold.ms / baseline.ms,
        higherIsBetter: false,
        target: "<= 1.5x",
        extra: [
          { label: "whole table cached (median of 5)", value: median(cached), unit: "ms" },
          { label: "cold / cached", value: cold.ms / median(cached), unit: "x" },
          { label: `status page of ${PAGE} stations cold`, value: pageCold.ms, unit: "ms" },
          { label: `status page of ${PAGE} stations cached (median of 5)`, value: median(pageCached), unit: "ms" },
          { label: "RSS growth over the cold table (in-process server)", value: (rssAfter - rssBefore) / 1024 / 1024, unit: "MB" },
          { label: "writing the year to InfluxDB (setup, not measured against anything)", value: points / writeSeconds, unit: "points/s" },
          { label: "waiting for InfluxDB to move the writes to TSM files (setup)", value: settleMs / 1000, unit: "s" },
        ],
      };
    } finally {
      await system?.close(5_000);
      await fetch(`${influxUrl}/query?q=${encodeURIComponent(`DROP DATABASE "${database}"`)}`, { method: "POST" }).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
