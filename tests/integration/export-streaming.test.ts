// Streaming behaviour of GET /api/v1/export on a larger data set: bounded memory (measured as live
// memory after garbage collection, with a bound well below the export's size), the InfluxDB query
// stops when the client disconnects, and at most two exports per user run at once.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { authHeaders } from "../helpers/auth.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { seed as catalog, testReading } from "../helpers/catalog.ts";

const STATIONS = catalog.stations.slice(0, 4).map((s) => s.id);
const PARAMETER = "carbamazepine";
const PER_SERIES = 150_000;
const STEP = 1_000;
const START = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 5 * 86_400_000;
const END = START + PER_SERIES * STEP;
const TOTAL = PER_SERIES * STATIONS.length;

let system: TestSystem;
let headers: Record<string, string>;

function exportUrl(extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    stations: STATIONS.join(","),
    parameters: PARAMETER,
    from: new Date(START).toISOString(),
    to: new Date(END).toISOString(),
    ...extra,
  });
  return `${system.url}/api/v1/export?${params}`;
}

/** Export queries InfluxDB is running for this test's database right now. */
async function runningExportQueries(): Promise<number> {
  const res = await fetch(`${inject("influxUrl")}/query?q=${encodeURIComponent("SHOW QUERIES")}`);
  const body = (await res.json()) as { results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }> }> };
  const series = body.results[0]?.series?.[0];
  if (!series) return 0;
  const iQuery = series.columns.indexOf("query");
  const iDb = series.columns.indexOf("database");
  return series.values.filter((v) => v[iDb] === system.config.influx.database && String(v[iQuery]).startsWith("SELECT")).length;
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** Starts an export and reads only its first bytes, so backpressure holds it open. */
async function openExport(): Promise<AbortController> {
  const controller = new AbortController();
  const res = await fetch(exportUrl(), { headers, signal: controller.signal });
  expect(res.status).toBe(200);
  await res.body!.getReader().read();
  return controller;
}

beforeAll(async () => {
  system = await startTestSystem();
  headers = await authHeaders(system, "researcher");
  for (let offset = 0; offset < PER_SERIES; offset += 20_000) {
    const batch: Reading[] = [];
    for (let i = offset; i < Math.min(PER_SERIES, offset + 20_000); i++) {
      for (const station of STATIONS) batch.push(testReading({ station, parameter: PARAMETER, time: START + i * STEP, value: 10 + (i % 500) / 4 }));
    }
    await system.store.writeReadings(batch);
  }
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

/**
 * Live memory of this process (JS heap plus Buffers), measured right after a full garbage
 * collection, so garbage waiting to be collected does not count: what the process holds on to.
 * The server runs in this process, so an export it buffered would be live here.
 */
function liveBytes(gc: () => void): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** global.gc without --expose-gc on the command line (vitest starts the worker). */
function exposedGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Streaming holds a chunk or two (1,000 rows, ~70 kB each) plus socket buffers: far below this. */
const LIVE_GROWTH_LIMIT = 12 * 1024 * 1024;

describe("streamed export", () => {
  it(`streams ${TOTAL.toLocaleString("en-US")} rows holding at most ${LIVE_GROWTH_LIMIT / 1024 / 1024} MB, a fraction of the export`, async () => {
    const gc = exposedGc();
    const baseline = liveBytes(gc);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, liveBytes(gc));
    }, 250);
    let lines = 0;
    let bytes = 0;
    try {
      const res = await fetch(exportUrl(), { headers });
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
      }
    } finally {
      clearInterval(sampler);
    }
    expect(lines).toBe(TOTAL + 1);
    // The bound must be tight: an exporter that buffered the CSV (or its rows) would hold more.
    expect(bytes).toBeGreaterThan(3 * LIVE_GROWTH_LIMIT);
    expect(peak - baseline).toBeLessThan(LIVE_GROWTH_LIMIT);
  }, 180_000);

  it("stops the InfluxDB query quickly when the client disconnects mid-export", async () => {
    const controller = await openExport();
    await new Promise((r) => setTimeout(r, 200));
    // The client is not reading: backpressure keeps the query open in InfluxDB.
    expect(await runningExportQueries()).toBe(1);
    controller.abort();
    const ms = await eventually(async () => (await runningExportQueries()) === 0, 3_000);
    expect(ms).toBeLessThan(3_000);
  });

  it("runs at most two exports per user at once and answers 429 with a clear message beyond", async () => {
    const first = await openExport();
    const second = await openExport();
    const third = await fetch(exportUrl(), { headers });
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("10");
    const body = (await third.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("too_many_exports");
    expect(body.error.message).toMatch(/already have 2 exports running/);
    // Another researcher is not affected.
    const other = await fetch(exportUrl({ resolution: "1h" }), { headers: await authHeaders(system, "researcher") });
    expect(other.status).toBe(200);
    await other.arrayBuffer();
    first.abort();
    second.abort();
    // Slots free as soon as the server sees the disconnects.
    await eventually(async () => {
      const res = await fetch(exportUrl({ resolution: "1d" }), { headers });
      await res.arrayBuffer();
      return res.status === 200;
    }, 3_000);
  });
});
