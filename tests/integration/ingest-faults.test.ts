// Loss-free ingest under InfluxDB failures: kill -9 and restart while streaming, backpressure when
// the spool is full, shutdown with InfluxDB down, and requests held while InfluxDB stalls.
import { afterEach, describe, expect, it } from "vitest";
import type { IngestReading } from "../../common/api-types.ts";
import { FIELD, MEASUREMENT, TAG } from "../../common/wire.ts";
import type { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { loadConfig } from "../../server/src/config.ts";
import { startSystem } from "../../server/src/system.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { startOwnInfluxd, startTestSystem, testLogger, type TestSystem } from "../helpers/test-system.ts";
import { seed as catalog } from "../helpers/catalog.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** `count` distinct readings (unique station × parameter × time), oldest first. */
function distinctReadings(count: number, start: number): IngestReading[] {
  const series = catalog.stations.flatMap((s) => catalog.parameters.map((p) => [s.id, p] as const));
  return Array.from({ length: count }, (_, i) => {
    const [station, parameter] = series[i % series.length]!;
    const [lo, hi] = parameter.typical;
    return { station, parameter: parameter.code, time: start + Math.floor(i / series.length) * 600_000, value: lo + ((i * 7919) % 1000) / 1000 * (hi - lo) };
  });
}

/** Sends one batch until it is accepted, honouring 503 + Retry-After (shortened for the test). */
async function sendUntilAccepted(url: string, token: string, batch: IngestReading[]): Promise<number> {
  for (let attempt = 0; attempt < 2_000; attempt++) {
    const res = await postReadings(url, token, { readings: batch });
    if (res.status === 202) return ((await res.json()) as { accepted: number }).accepted;
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("batch never accepted");
}

async function storedCount(system: TestSystem): Promise<number> {
  const rows = await system.store.query<{ count: number }>(`SELECT count("${FIELD.qc}") FROM "${MEASUREMENT}"`);
  return rows[0]?.count ?? 0;
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function ownSystem(env: Record<string, string>): Promise<{ influxd: ManagedInfluxd; system: TestSystem; token: string }> {
  const influxd = await startOwnInfluxd();
  cleanups.push(() => influxd.stop());
  const system = await startTestSystem({ WRITE_FLUSH_MS: "100", ...env }, influxd.url);
  cleanups.push(() => system.stop());
  return { influxd, system, token: (await system.stationTokens.create("fault test", ["*"])).token };
}

describe("no accepted reading is lost", () => {
  it("streams 200,000 readings while influxd is killed (SIGKILL) and restarted twice; each is stored exactly once", async () => {
    const { influxd, system, token } = await ownSystem({ WRITE_BATCH_SIZE: "5000" });
    const readings = distinctReadings(200_000, Date.now() - 300 * 86_400_000);
    const batchSize = 2_000;
    let accepted = 0;
    const outages: Promise<void>[] = [];
    for (let i = 0; i < readings.length; i += batchSize) {
      if (i === 40_000 || i === 120_000) {
        await outages.at(-1);
        await influxd.crash();
        outages.push(new Promise((r) => setTimeout(r, 700)).then(() => influxd.restart()));
      }
      accepted += await sendUntilAccepted(system.url, token, readings.slice(i, i + batchSize));
    }
    await Promise.all(outages);
    expect(accepted).toBe(200_000);
    await withTimeout(system.writer.drained(), 60_000, "draining the write queue");
    const stats = system.writer.stats();
    expect(stats.spoolBatches).toBe(0);
    expect(stats.rejectedPoints).toBe(0);
    expect(stats.lastWriteError).toBeTruthy(); // the outages really hit the write path
    expect(stats.writtenPoints).toBeGreaterThanOrEqual(200_000);
    expect(await storedCount(system)).toBe(200_000);
    const perSeries = await system.store.query<{ count: number }>(`SELECT count("${FIELD.qc}") FROM "${MEASUREMENT}" GROUP BY *`);
    const seriesCount = catalog.stations.length * catalog.parameters.length;
    expect(perSeries.groups()).toHaveLength(seriesCount);
  }, 240_000);

  it("answers 503 with Retry-After once queue and spool are full, and stores everything it accepted after recovery", async () => {
    const { influxd, system, token } = await ownSystem({ WRITE_BATCH_SIZE: "500", QUEUE_MAX_POINTS: "3000", SPOOL_MAX_BYTES: "60000" });
    await influxd.crash();
    const readings = distinctReadings(20_000, Date.now() - 10 * 86_400_000);
    let accepted = 0;
    let refused: Response | undefined;
    for (let i = 0; i < readings.length && !refused; i += 250) {
      const res = await postReadings(system.url, token, { readings: readings.slice(i, i + 250) });
      if (res.status === 202) accepted += 250;
      else refused = res;
      // Let the writer try InfluxDB and move batches to the spool.
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(refused?.status).toBe(503);
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused!.json()) as { error: { message: string } }).error.message).toMatch(/queue is full|spool is full/);
    expect(accepted).toBeGreaterThan(0);
    const health = await fetch(`${system.url}/api/health`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { writeQueue: { spoolBytes: number; lastWriteError: string } };
    expect(body.writeQueue.spoolBytes).toBeGreaterThan(0);
    expect(body.writeQueue.lastWriteError).toBeTruthy();

    await influxd.restart();
    await withTimeout(system.writer.drained(), 60_000, "draining after recovery");
    expect(await storedCount(system)).toBe(accepted);
  }, 120_000);

  it("spools on shutdown while InfluxDB is down and replays on the next start", async () => {
    const influxd = await startOwnInfluxd();
    cleanups.push(() => influxd.stop());
    const first = await startTestSystem({ WRITE_FLUSH_MS: "60000" }, influxd.url);
    const token = (await first.stationTokens.create("shutdown test", ["*"])).token;
    await influxd.crash();
    const readings = distinctReadings(3_000, Date.now() - 86_400_000);
    expect((await postReadings(first.url, token, { readings })).status).toBe(202);
    await first.close(500);
    expect(first.writer.stats().spoolBatches).toBeGreaterThan(0);

    await influxd.restart();
    const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: first.dataDir, DATABASE_URL: first.config.databaseUrl, INFLUX_URL: influxd.url, INFLUX_DATABASE: first.config.influx.database, LOG_LEVEL: "silent" });
    const second = await startSystem({ config, logger: testLogger, influxUrl: influxd.url, influxMode: "external" });
    cleanups.push(async () => {
      await second.close(1_000);
      await first.stop();
    });
    await withTimeout(second.writer.drained(), 30_000, "replaying the spool");
    const rows = await second.store.query<{ count: number }>(`SELECT count("${FIELD.qc}") FROM "${MEASUREMENT}"`);
    expect(rows[0]?.count).toBe(3_000);
  }, 60_000);
});

describe("backpressure before the body is read (ingest/queue-room.ts)", () => {
  /** Readings as line protocol for /write, as a gateway sends them. */
  const lines = (rs: IngestReading[]) => rs.map((r) => `${MEASUREMENT},${TAG.station}=${r.station},${TAG.parameter}=${r.parameter} ${FIELD.value}=${r.value} ${r.time}`).join("\n");

  it.each(["POST /api/v1/readings", "POST /write"])("%s: held while the write queue is at its mark (InfluxDB stalled), answered once InfluxDB takes writes again; everything stored", async (route) => {
    // Mark: 4 × WRITE_BATCH_SIZE × WRITE_CONCURRENCY = 2,000 queued readings. Answered once journaled
    // (with TEST_META=postgres the default is INGEST_ACK=stored, which waits for InfluxDB itself).
    const { influxd, system, token } = await ownSystem({ WRITE_BATCH_SIZE: "500", WRITE_CONCURRENCY: "1", INGEST_ACK: "journal" });
    const readings = distinctReadings(3_000, Date.now() - 20 * 86_400_000);
    const send = (rs: IngestReading[]) =>
      route === "POST /write"
        ? fetch(`${system.url}/write?db=${system.config.influx.database}&precision=ms`, { method: "POST", headers: { authorization: `Token ${token}` }, body: lines(rs) })
        : postReadings(system.url, token, { readings: rs });
    const accepted = route === "POST /write" ? 204 : 202;
    process.kill(influxd.pid!, "SIGSTOP");
    let resumed = false;
    try {
      // 500 in flight (InfluxDB does not answer), then 2,000 queued: each answered at once.
      for (let i = 0; i < 2_500; i += 500) expect((await send(readings.slice(i, i + 500))).status).toBe(accepted);
      expect(system.writer.stats().queueDepth).toBe(2_500);
      const sent = Date.now();
      let answeredAt: number | undefined;
      const held = send(readings.slice(2_500)).then((res) => ((answeredAt = Date.now()), res));
      await new Promise((r) => setTimeout(r, 500));
      const resumedAt = Date.now();
      process.kill(influxd.pid!, "SIGCONT");
      resumed = true;
      expect((await held).status).toBe(accepted);
      // Answered once InfluxDB took the write in flight and the queue drained below the mark, or
      // (on a machine too loaded to look in time) after the longest hold of 2 s: never before either.
      expect(answeredAt! >= resumedAt || answeredAt! - sent >= 2_000, `answered ${answeredAt! - sent} ms after sending, InfluxDB resumed after ${resumedAt - sent} ms`).toBe(true);
    } finally {
      if (!resumed) process.kill(influxd.pid!, "SIGCONT");
    }
    await withTimeout(system.writer.drained(), 30_000, "draining");
    expect(await storedCount(system)).toBe(3_000);
  }, 60_000);
});
