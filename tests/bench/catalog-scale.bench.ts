// A network of 500 stations × 40 parameters (20,000 sensors) against the shipped 8 stations × 19
// parameters, in the same run: ingest validation throughput (catalog checks and QC per reading,
// readings cycling over every series), GET /api/v1/latest (everything, and one overview page), and
// the overview's first paint in Chromium (navigation until the first page of cards shows data).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CatalogData } from "../../common/catalog-model.ts";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { createLogger } from "../../common/logger.ts";
import { QC } from "../../common/reading.ts";
import { seedCatalogData } from "../../server/src/catalog/seed.ts";
import { loadConfig } from "../../server/src/config.ts";
import { InfluxReadingStore } from "../../server/src/influx/store.ts";
import type { QcEngine } from "../../server/src/ingest/qc/qc-engine.ts";
import { checkCandidate, checkReading, type ReadingCandidate } from "../../server/src/ingest/reading-check.ts";
import { startSystem, type RunningSystem } from "../../server/src/system.ts";
import { median, type BenchFigure, type Benchmark } from "./bench-kit.ts";
import { rawWrite } from "./influx-write.bench.ts";
import { dashboardTimings, type DashboardTimings } from "./dashboard-timings.ts";
import { candidates, largeCatalog, warmQc } from "./large-catalog.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const INGEST_BATCH = 5_000;
const INGEST_SENDERS = 2;

/**
 * Readings per second through ingest's checks: the catalog lookups and QC of every reading. `qc`
 * holds a full history for every series already (see warmQc), so both catalogs run every QC test.
 */
function validationRate(catalog: CatalogSnapshot, batch: readonly ReadingCandidate[], now: number, qc: QcEngine): number {
  const t0 = performance.now();
  let accepted = 0;
  for (const c of batch) {
    const checked = checkReading(c, catalog, now);
    if (typeof checked === "string") throw new Error(checked);
    checked.reading.qc = qc.evaluate(checked.reading, checked.sensor);
    if (checked.reading.qc !== QC.fail) accepted++;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (accepted === 0) throw new Error("nothing passed QC");
  return batch.length / seconds;
}

/**
 * What InfluxDB alone takes for the same readings: raw /write of our line protocol into a database of
 * its own, every series written once first (so series creation is not timed), then `count` readings
 * cycling over every series. HTTP ingest ends with the writer drained, so this bounds its ratio.
 */
async function rawInfluxRate(influxUrl: string, catalog: CatalogSnapshot, count: number, now: number): Promise<number> {
  const database = `bench_scale_raw_${randomBytes(4).toString("hex")}`;
  const store = new InfluxReadingStore({ url: influxUrl, database, logger: createLogger("silent") });
  await store.ensureSchema();
  try {
    const perCycle = catalog.sensors.length;
    const start = now - 30 * 86_400_000;
    const readings = candidates(catalog, perCycle + count, start).map((c) => {
      const r = checkCandidate(c, catalog, now);
      if (typeof r === "string") throw new Error(r);
      return { ...r, qc: QC.pass };
    });
    await rawWrite(influxUrl, database, readings.slice(0, perCycle));
    const t0 = performance.now();
    await rawWrite(influxUrl, database, readings.slice(perCycle));
    return count / ((performance.now() - t0) / 1000);
  } finally {
    await fetch(`${influxUrl}/query?q=${encodeURIComponent(`DROP DATABASE "${database}"`)}`, { method: "POST" }).catch(() => undefined);
  }
}

type ServerFigures = DashboardTimings & { startMs: number };

/** A server on its own database and data dir, with a station token for everything. */
interface BenchServer {
  system: RunningSystem;
  url: string;
  catalog: CatalogSnapshot;
  token: string;
  startMs: number;
  stop(): Promise<void>;
}

async function startBenchServer(influxUrl: string, seed: CatalogData, clientDir: string): Promise<BenchServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-scale-"));
  const database = `bench_scale_${randomBytes(4).toString("hex")}`;
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, INFLUX_URL: influxUrl, INFLUX_DATABASE: database, SIMULATOR: "off", LOG_LEVEL: "silent" });
  const t0 = performance.now();
  const system = await startSystem({ config, logger: createLogger("silent"), influxUrl, influxMode: "external", catalogSeed: seed, clientDir });
  const startMs = performance.now() - t0;
  const token = (await system.stationTokens.create("bench", ["*"])).token;
  return {
    system,
    url: `http://127.0.0.1:${system.port}`,
    catalog: system.catalog.current(),
    token,
    startMs,
    stop: async () => {
      await system.close(5_000);
      await fetch(`${influxUrl}/query?q=${encodeURIComponent(`DROP DATABASE "${database}"`)}`, { method: "POST" }).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** JSON batches cycling over every series, cycle `first` onwards, one minute apart, the last cycle at `end`. */
function ingestBodies(catalog: CatalogSnapshot, first: number, cycles: number, total: number, end: number): string[] {
  const series = catalog.stations.flatMap((s) => catalog.parametersOf(s.id).map((p) => [s.id, p.code] as const));
  const count = cycles * series.length;
  const bodies: string[] = [];
  for (let i = 0; i < count; i += INGEST_BATCH) {
    const readings = [];
    for (let j = i; j < Math.min(count, i + INGEST_BATCH); j++) {
      const [station, parameter] = series[j % series.length]!;
      const cycle = first + Math.floor(j / series.length);
      readings.push({ station, parameter, time: end - (total - 1 - cycle) * 60_000, value: 50 + ((j * 7) % 23) });
    }
    bodies.push(JSON.stringify({ readings }));
  }
  return bodies;
}

/** POSTs a JSON body of readings, waiting and trying again while the server sheds load (503). */
export async function post(server: { url: string; token: string }, body: string): Promise<void> {
  for (;;) {
    const res = await fetch(`${server.url}/api/v1/readings`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${server.token}` }, body });
    await res.arrayBuffer();
    if (res.status === 202) return;
    if (res.status !== 503) throw new Error(`ingest answered ${res.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Readings per second answered by POST /api/v1/readings (parsing, catalog checks, QC, journal). */
async function timedIngest(server: BenchServer, bodies: readonly string[], readings: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: INGEST_SENDERS }, async () => {
    while (next < bodies.length) await post(server, bodies[next++]!);
  }));
  const seconds = (performance.now() - t0) / 1000;
  await server.system.writer.drained();
  return readings / seconds;
}

/**
 * Ingest through HTTP as stations send it, into both servers by turns (so both feel the same load
 * on a shared machine), median of the rounds. QC's history is filled first (13 readings per
 * series, not timed), so both catalogs run every QC test; the readings stay for /latest and the
 * overview, the last within the last minute.
 */
async function ingestRates(servers: readonly BenchServer[], count: number, rounds: number, warm: boolean): Promise<number[]> {
  const end = Date.now() - 60_000;
  const plans = servers.map((server) => {
    const perCycle = server.catalog.sensors.length;
    const warmCycles = warm ? 13 : 0;
    const perRound = Math.ceil(count / perCycle);
    const total = warmCycles + rounds * perRound;
    return { server, perCycle, warmCycles, perRound, total };
  });
  for (const p of plans) {
    for (const body of ingestBodies(p.server.catalog, 0, p.warmCycles, p.total, end)) await post(p.server, body);
    await p.server.system.writer.drained();
  }
  const rates = servers.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, p] of plans.entries()) {
      const bodies = ingestBodies(p.server.catalog, p.warmCycles + r * p.perRound, p.perRound, p.total, end);
      rates[i]!.push(await timedIngest(p.server, bodies, p.perRound * p.perCycle));
    }
  }
  return rates.map(median);
}

async function measureReads(server: BenchServer, runs: number): Promise<ServerFigures> {
  return { ...(await dashboardTimings(server.url, server.catalog.stations.map((s) => s.id), runs)), startMs: server.startMs };
}

function buildClient(): string {
  const out = mkdtempSync(path.join(os.tmpdir(), "wm-bench-scale-client-"));
  execFileSync("npx", ["vite", "build", "--config", "client/vite.config.ts", "--outDir", out, "--emptyOutDir", "--logLevel", "error"], { cwd: ROOT, stdio: "pipe" });
  return out;
}

export const catalogScale: Benchmark = {
  name: "Catalog scale: 500 stations × 40 parameters vs the shipped 8 × 19 (ingest validation, /api/v1/latest, overview first paint)",
  async run({ influxUrl, scale }) {
    const large = largeCatalog();
    const small = seedCatalogData();
    const largeSnapshot = new CatalogSnapshot(large, 1);
    const smallSnapshot = new CatalogSnapshot(small, 1);
    // Enough readings that the large catalog's every series is met at least once per run.
    const count = Math.max(25_000, Math.round(400_000 * scale));
    const runs = scale >= 0.5 ? 7 : 3;
    const now = Date.now();
    // Well inside the raw retention (ingest refuses readings older than 399 days) and the past.
    const warmStart = now - 380 * 86_400_000;
    const smallQc = warmQc(smallSnapshot, warmStart, now);
    const largeQc = warmQc(largeSnapshot, warmStart, now);
    const ours: number[] = [];
    const base: number[] = [];
    // Each run's readings follow the previous run's in time, so QC sees them as new, in order.
    let start = now - 360 * 86_400_000;
    // Interleaved, so both feel the same machine load; the first round warms the JIT and is not counted.
    for (let r = -1; r < runs; r++) {
      const smallRate = validationRate(smallSnapshot, candidates(smallSnapshot, count, start), now, smallQc);
      const largeRate = validationRate(largeSnapshot, candidates(largeSnapshot, count, start), now, largeQc);
      start += Math.ceil(count / (smallSnapshot.sensors.length || 1) + 1) * 600_000;
      if (r < 0) continue;
      base.push(smallRate);
      ours.push(largeRate);
    }
    const oursRate = median(ours);
    const baseRate = median(base);

    const rawCount = Math.max(20_000, Math.round(100_000 * scale));
    const rawSmall: number[] = [];
    const rawLarge: number[] = [];
    for (let r = 0; r < Math.min(runs, 3); r++) {
      rawSmall.push(await rawInfluxRate(influxUrl, smallSnapshot, rawCount, now));
      rawLarge.push(await rawInfluxRate(influxUrl, largeSnapshot, rawCount, now));
    }

    const clientDir = buildClient();
    const servers: BenchServer[] = [];
    let smallServer: ServerFigures;
    let largeServer: ServerFigures;
    let smallIngest: number;
    let largeIngest: number;
    try {
      servers.push(await startBenchServer(influxUrl, small, clientDir), await startBenchServer(influxUrl, large, clientDir));
      // The same number of readings for both; at a tiny scale (the test suite's smoke run) without warm-up.
      [smallIngest, largeIngest] = (await ingestRates(servers, Math.max(20_000, Math.round(100_000 * scale)), runs, scale >= 0.05)) as [number, number];
      smallServer = await measureReads(servers[0]!, runs);
      largeServer = await measureReads(servers[1]!, runs);
    } finally {
      for (const s of servers) await s.stop();
      rmSync(clientDir, { recursive: true, force: true });
    }
    const pair = (label: string, a: number, b: number, unit: string): BenchFigure[] => [
      { label: `${label}, 500 × 40`, value: a, unit },
      { label: `${label}, 8 × 19`, value: b, unit },
      { label: `${label}, ratio (500 × 40 / 8 × 19)`, value: a / b, unit: "x" },
    ];
    return {
      name: `${this.name}, ${count.toLocaleString("en-US")} readings per in-process run`,
      ours: { label: "ingest, POST /api/v1/readings (JSON parsing, catalog checks, QC, journal), 500 stations × 40 parameters", value: largeIngest, unit: "readings/s" },
      baseline: { label: "the same, shipped 8 stations × 19 parameters", value: smallIngest, unit: "readings/s" },
      ratio: largeIngest / smallIngest,
      higherIsBetter: true,
      target: ">= 0.9x",
      extra: [
        ...pair("ingest validation in process (catalog checks + QC only, no HTTP)", oursRate, baseRate, "readings/s"),
        ...pair("raw InfluxDB /write of the same readings (bounds the HTTP figure: it ends with the writer drained)", median(rawLarge), median(rawSmall), "readings/s"),
        ...pair("GET /api/v1/latest (every series)", largeServer.latestAllMs, smallServer.latestAllMs, "ms"),
        ...pair("GET /api/v1/latest?stations= (one overview page, 24 stations)", largeServer.latestPageMs, smallServer.latestPageMs, "ms"),
        ...pair("overview first paint with data (Chromium, navigation to cards with status)", largeServer.firstPaintMs, smallServer.firstPaintMs, "ms"),
        ...pair("GET /api/v1/catalog size", largeServer.catalogBytes / 1024, smallServer.catalogBytes / 1024, "KB"),
        ...pair("server start incl. seeding the catalog into a new data dir", largeServer.startMs, smallServer.startMs, "ms"),
      ],
    };
  },
};
