// Scale (issue #20): a national network on one machine. 500 stations × 40 parameters (20,000
// series) get 7 days of 10-minute readings through POST /api/v1/readings, then live readings for
// every series once a minute; then what a reader waits for (GET /api/v1/latest, the overview's first
// paint, a station page, a 30-day compare chart), what the server holds (heap per series, RSS), what
// the live load costs (server CPU per reading) and what InfluxDB holds (series cardinality). Baseline
// in the same run: the shipped 8 stations × 19 parameters through the same steps, the live load at
// the same readings per second. `npm run bench -- scale` runs the full 7 days (20 M readings, tens of
// minutes); `npm run bench` one day.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runInNewContext } from "node:vm";
import v8 from "node:v8";
import type { CatalogData } from "../../common/catalog-model.ts";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { seedCatalogData } from "../../server/src/catalog/seed.ts";
import { influxAdmin, type BenchFigure, type Benchmark } from "./bench-kit.ts";
import { post } from "./catalog-scale.bench.ts";
import { sharedClientBuild } from "./client-build.ts";
import { dashboardTimings, type DashboardTimings } from "./dashboard-timings.ts";
import { largeCatalog, warmQc } from "./large-catalog.ts";
import { startServerProcess, waitForDrain, type ServerProcess } from "./server-process.ts";

const TEN_MINUTES = 600_000;
const WEEK_CYCLES = 7 * 144;
const BATCH = 5_000;
const SENDERS = 2;

/** Sizes of a run: history cycles (10 minutes apart, every series), live seconds, repeated reads. */
export function scalePlan(scale: number, named: boolean): { historyCycles: number; liveSeconds: number; runs: number } {
  return {
    historyCycles: Math.max(1, Math.round(WEEK_CYCLES * scale * (named ? 1 : 1 / 7))),
    liveSeconds: Math.max(2, Math.round((named ? 180 : 60) * scale)),
    runs: scale >= 0.5 ? 5 : 1,
  };
}

type Series = ReadonlyArray<readonly [station: string, parameter: string]>;

function seriesOf(catalog: CatalogSnapshot): Series {
  return catalog.stations.flatMap((s) => catalog.parametersOf(s.id).map((p) => [s.id, p.code] as const));
}

/** JSON bodies of BATCH readings, cycle after cycle over every series, the last cycle at `end`. */
function* historyBodies(series: Series, cycles: number, end: number): Generator<string> {
  const total = cycles * series.length;
  for (let i = 0; i < total; i += BATCH) {
    const readings = [];
    for (let j = i; j < Math.min(total, i + BATCH); j++) {
      const [station, parameter] = series[j % series.length]!;
      const cycle = Math.floor(j / series.length);
      readings.push({ station, parameter, time: end - (cycles - 1 - cycle) * TEN_MINUTES, value: 50 + ((j * 7) % 23) });
    }
    yield JSON.stringify({ readings });
  }
}

interface Phase {
  readings: number;
  seconds: number;
  cpuSeconds: number;
}

/** Writes the history through the API (SENDERS in parallel) until the server has stored it all. */
async function backfill(server: Target, cycles: number, end: number): Promise<Phase> {
  const bodies = historyBodies(server.series, cycles, end);
  const cpu0 = server.process.cpuSeconds();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      for (let next = bodies.next(); !next.done; next = bodies.next()) await post(server, next.value);
    }),
  );
  await server.drained();
  return { readings: cycles * server.series.length, seconds: (performance.now() - t0) / 1000, cpuSeconds: server.process.cpuSeconds() - cpu0 };
}

/**
 * Live load: `perSecond` readings each second for `seconds`, cycling over the server's series (the
 * large network's every series once a minute), stamped with the time they are sent.
 */
async function liveLoad(server: Target, perSecond: number, seconds: number): Promise<Phase> {
  const cpu0 = server.process.cpuSeconds();
  const t0 = performance.now();
  let sent = 0;
  for (let k = 0; k < seconds; k++) {
    const now = Date.now();
    const readings = Array.from({ length: perSecond }, (_, j) => {
      const n = k * perSecond + j;
      const [station, parameter] = server.series[n % server.series.length]!;
      // A series met twice in one second (the small network) gets distinct times.
      return { station, parameter, time: now - Math.floor(j / server.series.length), value: 50 + (n % 23) };
    });
    await post(server, JSON.stringify({ readings }));
    sent += readings.length;
    const wait = t0 + (k + 1) * 1000 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await server.drained();
  return { readings: sent, seconds: (performance.now() - t0) / 1000, cpuSeconds: server.process.cpuSeconds() - cpu0 };
}

/** InfluxDB's series count of a database, exact (summed over measurements) and HyperLogLog-estimated. */
async function cardinality(influxUrl: string, database: string): Promise<{ exact: number; estimated: number }> {
  const count = async (statement: string) => {
    const res = await fetch(`${influxUrl}/query?db=${encodeURIComponent(database)}&q=${encodeURIComponent(statement)}`);
    const body = (await res.json()) as { results: Array<{ series?: Array<{ values: number[][] }> }> };
    return (body.results[0]?.series ?? []).reduce((sum, s) => sum + s.values.reduce((a, v) => a + Number(v[0]), 0), 0);
  };
  return { exact: await count("SHOW SERIES EXACT CARDINALITY"), estimated: await count("SHOW SERIES CARDINALITY") };
}

/** A full collection in this process (the heap figures below are differences). */
const gc = (() => {
  v8.setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();

/** Heap per series of QC's state (each series' history as full as QC keeps it), in this process. */
function qcBytesPerSeries(catalog: CatalogSnapshot, now: number): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const qc = warmQc(catalog, now - 30 * 86_400_000, now);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (!qc) throw new Error("unreachable");
  return (after - before) / seriesOf(catalog).length;
}

interface Target {
  url: string;
  token: string;
  database: string;
  series: Series;
  catalog: CatalogSnapshot;
  process: ServerProcess;
  drained(): Promise<void>;
}

async function startTarget(influxUrl: string, data: CatalogData, clientDir: string, workDir: string, label: string): Promise<Target> {
  const catalogFile = path.join(workDir, `${label}-catalog.json`);
  writeFileSync(catalogFile, JSON.stringify(data));
  const database = `bench_scale_${label}_${randomBytes(4).toString("hex")}`;
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ") ?? [];
  // The backfill measures capacity: its senders share one station token, whose per-token write
  // rate limit (1,200 requests a minute) a faster server would otherwise reach first.
  const env = { INFLUX_DATABASE: database, CATALOG_SEED: catalogFile, WRITE_RATE_LIMIT_PER_MINUTE: "1000000" };
  const proc = await startServerProcess(influxUrl, env, nodeArgs, undefined, clientDir);
  const catalog = new CatalogSnapshot(data, 1);
  const url = proc.url;
  return {
    url,
    token: await proc.stationToken(),
    database,
    series: seriesOf(catalog),
    catalog,
    process: proc,
    drained: () => waitForDrain(url, 3_600_000),
  };
}

interface TargetFigures {
  series: number;
  backfill: Phase;
  live: Phase;
  heapPerSeriesKb: number;
  peakRssMb: number;
  rssMb: number;
  reads: DashboardTimings;
  cardinality: { exact: number; estimated: number };
  qcPerSeriesBytes: number;
}

async function measureTarget(t: Target, influxUrl: string, plan: ReturnType<typeof scalePlan>, livePerSecond: number, screenshot?: string): Promise<TargetFigures> {
  const heap0 = await t.process.heapUsedMb();
  const backfilled = await backfill(t, plan.historyCycles, Date.now() - 2 * 60_000);
  const live = await liveLoad(t, livePerSecond, plan.liveSeconds);
  const heap1 = await t.process.heapUsedMb();
  // BENCH_HEAP_SNAPSHOT=<dir>: what holds the heap now (heap-summary.ts reads the file).
  const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT;
  if (snapshotDir) await t.process.heapSnapshot(path.join(snapshotDir, `scale-${t.series.length}-series.heapsnapshot`));
  const stations = t.catalog.stations.map((s) => s.id);
  // One compound along the first 8 stations (all the shipped network has), for both networks.
  const compareStations = stations.slice(0, 8);
  const parameter = t.catalog.parametersOf(stations[0]!).find((p) => compareStations.every((s) => t.catalog.parametersOf(s).some((q) => q.code === p.code)))!.code;
  const reads = await dashboardTimings(t.url, stations, plan.runs, { station: { id: stations[0]!, parameter }, compare: { parameter, stations: compareStations }, screenshot });
  return {
    series: t.series.length,
    backfill: backfilled,
    live,
    heapPerSeriesKb: ((heap1 - heap0) * 1024) / t.series.length,
    peakRssMb: t.process.peakRssMb(),
    rssMb: t.process.rssMb(),
    reads,
    cardinality: await cardinality(influxUrl, t.database),
    qcPerSeriesBytes: qcBytesPerSeries(t.catalog, Date.now()),
  };
}

export const scaleBench: Benchmark = {
  id: "scale",
  name: "Scale: 500 stations × 40 parameters (20,000 series), history and live load through the API, vs the shipped 8 × 19",
  async run({ influxUrl, scale, named }) {
    const plan = scalePlan(scale, named === true);
    const large = largeCatalog();
    const workDir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-scale-"));
    const clientDir = sharedClientBuild();
    // The large network's every series once a minute; the small one at the same rate.
    const livePerSecond = Math.ceil(large.sensors.length / 60);
    const screenshotDir = process.env.BENCH_SCREENSHOTS;
    const targets: Target[] = [];
    let small: TargetFigures;
    let big: TargetFigures;
    const t0 = performance.now();
    try {
      targets.push(await startTarget(influxUrl, seedCatalogData(), clientDir, workDir, "small"));
      small = await measureTarget(targets[0]!, influxUrl, plan, livePerSecond, screenshotDir && path.join(screenshotDir, "scale-overview-8x19.png"));
      await targets[0]!.process.stop();
      targets.push(await startTarget(influxUrl, large, clientDir, workDir, "large"));
      big = await measureTarget(targets[1]!, influxUrl, plan, livePerSecond, screenshotDir && path.join(screenshotDir, "scale-overview-500x40.png"));
    } finally {
      for (const t of targets) {
        await t.process.stop();
        await influxAdmin(influxUrl, `DROP DATABASE "${t.database}"`).catch(() => undefined);
      }
      rmSync(workDir, { recursive: true, force: true });
    }
    const minutes = (performance.now() - t0) / 60_000;
    const pair = (label: string, pick: (f: TargetFigures) => number | undefined, unit: string): BenchFigure[] => {
      const a = pick(big) ?? Number.NaN;
      const b = pick(small) ?? Number.NaN;
      return [
        { label: `${label}, 500 × 40`, value: a, unit },
        { label: `${label}, 8 × 19`, value: b, unit },
        { label: `${label}, ratio (500 × 40 / 8 × 19)`, value: a / b, unit: "x" },
      ];
    };
    const perReadingUs = (p: Phase) => (p.cpuSeconds * 1e6) / p.readings;
    return {
      name: `${this.name}, ${plan.historyCycles} history cycles (${(big.backfill.readings / 1e6).toFixed(2)} M readings), ${plan.liveSeconds} s live at ${livePerSecond} readings/s, ${minutes.toFixed(1)} min`,
      ours: { label: "server peak RSS (VmHWM), 500 × 40", value: big.peakRssMb, unit: "MB" },
      baseline: { label: "server peak RSS, shipped 8 × 19, same steps", value: small.peakRssMb, unit: "MB" },
      ratio: big.peakRssMb / small.peakRssMb,
      higherIsBetter: false,
      target: "500 × 40 < 500 MB",
      extra: [
        ...pair("server RSS after the live load", (f) => f.rssMb, "MB"),
        ...pair("GET /api/v1/latest (every series), first after start (newest readings loaded from InfluxDB)", (f) => f.reads.latestFirstMs, "ms"),
        ...pair("GET /api/v1/latest (every series)", (f) => f.reads.latestAllMs, "ms"),
        ...pair("GET /api/v1/latest?stations= (one overview page, 24 stations)", (f) => f.reads.latestPageMs, "ms"),
        ...pair("overview first paint with data (Chromium)", (f) => f.reads.firstPaintMs, "ms"),
        ...pair("station page, 7 days, until the chart shows points (Chromium)", (f) => f.reads.stationPageMs, "ms"),
        ...pair("compare chart, one compound at 8 stations, 30 days (Chromium)", (f) => f.reads.compareMs, "ms"),
        ...pair("server heap per series after history + live load (QC, alert engine, latest; heap delta / series)", (f) => f.heapPerSeriesKb, "KB"),
        ...pair("QC state per series (QcEngine with full histories, heap delta / series, in process)", (f) => f.qcPerSeriesBytes / 1024, "KB"),
        ...pair(`server CPU per reading at the live load (${livePerSecond} readings/s)`, (f) => perReadingUs(f.live), "µs"),
        ...pair("server CPU share at the live load (CPU s / wall s)", (f) => (100 * f.live.cpuSeconds) / f.live.seconds, "%"),
        ...pair("server CPU per reading, history backfill", (f) => perReadingUs(f.backfill), "µs"),
        ...pair("history backfill through POST /api/v1/readings", (f) => f.backfill.readings / f.backfill.seconds, "readings/s"),
        ...pair("InfluxDB series cardinality (SHOW SERIES EXACT CARDINALITY, every measurement and retention policy)", (f) => f.cardinality.exact, "series"),
        ...pair("InfluxDB series cardinality (SHOW SERIES CARDINALITY, estimated)", (f) => f.cardinality.estimated, "series"),
        ...pair("GET /api/v1/catalog size (JSON)", (f) => f.reads.catalogBytes / 1024, "KB"),
        ...pair("GET /api/v1/catalog on the wire (gzip, as a browser gets it)", (f) => f.reads.catalogWireBytes / 1024, "KB"),
        ...pair("GET /api/v1/catalog (gzip), median", (f) => f.reads.catalogMs, "ms"),
      ],
    };
  },
};
