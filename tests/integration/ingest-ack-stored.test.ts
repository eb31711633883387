// No acknowledged reading lost when a machine dies (issue #21, INGEST_ACK=stored): a Water Monitor
// process on PostgreSQL is killed (SIGKILL) during a stream of posts and its data dir deleted, as if
// its machine and disk were gone. Every reading answered 2xx must be in InfluxDB. With
// INGEST_ACK=journal and a slow writer the same kill loses acknowledged readings, which shows that
// the check can fail. While InfluxDB is down, acknowledged readings wait in the shared spool in
// PostgreSQL, and a second instance replays them once InfluxDB is back: each lands exactly once. A
// reading InfluxDB refuses for good is not acknowledged as stored.
import { rmSync } from "node:fs";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { startServerProcess } from "../bench/server-process.ts";
import { eventually } from "../helpers/alert-system.ts";
import { createTestDatabase } from "../helpers/test-meta.ts";
import { startOwnInfluxd, startTestSystem, uniqueDatabase } from "../helpers/test-system.ts";

const STATION = "DE-ELBE-ZEHREN";
const PARAMETER = "carbamazepine";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Reading number `n` of a test: one series, one reading a second, so each has its own point. */
function readingsFrom(base: number, first: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({ station: STATION, parameter: PARAMETER, time: base + (first + i) * 1_000, value: 40 + ((first + i) % 23) }));
}

async function post(url: string, token: string, readings: unknown[]): Promise<Response> {
  return fetch(`${url}/api/v1/readings`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ readings }) });
}

/**
 * A load generator: `senders` loops post `batch` readings at a time until the server stops answering
 * (killed) or `forMs` has passed. `acked` holds the times of the readings answered 2xx.
 */
function stream(url: string, token: string, base: number, senders: number, batch: number, forMs: number) {
  const acked: number[] = [];
  let next = 0;
  const until = Date.now() + forMs;
  const loop = async () => {
    while (Date.now() < until) {
      const readings = readingsFrom(base, next, batch);
      next += batch;
      let res: Response;
      try {
        res = await post(url, token, readings);
      } catch {
        return; // the server is gone
      }
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) acked.push(...readings.map((r) => r.time));
    }
  };
  return { acked, done: Promise.all(Array.from({ length: senders }, loop)) };
}

/** The times of the series' points in InfluxDB, and how many points there are. */
async function storedTimes(influxUrl: string, database: string): Promise<number[]> {
  const q = new URLSearchParams({ db: database, epoch: "ms", q: `SELECT "qc" FROM "raw"."reading" WHERE "station" = '${STATION}' AND "parameter" = '${PARAMETER}'` });
  const body = (await (await fetch(`${influxUrl}/query?${q}`)).json()) as { results: Array<{ series?: Array<{ values: Array<[number, number]> }> }> };
  return (body.results[0]?.series?.[0]?.values ?? []).map((v) => v[0]);
}

describe("INGEST_ACK on PostgreSQL: kill -9 during a stream, data dir deleted", () => {
  it.each<{ ack: string; env: Record<string, string>; loses: boolean }>([
    { ack: "stored", env: {}, loses: false },
    // The writer holds readings for ten minutes: what the journal acknowledged is only on the lost disk.
    { ack: "journal", env: { INGEST_ACK: "journal", WRITE_FLUSH_MS: "600000", WRITE_BATCH_SIZE: "50000" }, loses: true },
  ])("INGEST_ACK=$ack: acknowledged readings lost: $loses", { timeout: 120_000 }, async ({ env, loses }) => {
    const influxUrl = inject("influxUrl");
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const influxDatabase = uniqueDatabase();
    const server = await startServerProcess(influxUrl, { DATABASE_URL: database.url, INFLUX_DATABASE: influxDatabase, ...env });
    cleanups.push(() => server.stop());
    const token = await server.stationToken();
    const load = stream(server.url, token, Date.now() - 2 * 86_400_000, 4, 500, 30_000);
    await eventually(() => load.acked.length >= 5_000, "5,000 acknowledged readings", 30_000);
    await server.kill();
    rmSync(server.dataDir, { recursive: true, force: true });
    await load.done;

    const stored = new Set(await storedTimes(influxUrl, influxDatabase));
    const lost = load.acked.filter((t) => !stored.has(t));
    if (loses) expect(lost.length).toBeGreaterThan(0);
    else expect(lost).toEqual([]);
  });
});

describe("INGEST_ACK=stored while InfluxDB is down", () => {
  it("acknowledges into the shared spool; after a kill -9 another instance replays it, each reading once", { timeout: 180_000 }, async () => {
    const influxd = await startOwnInfluxd();
    cleanups.push(() => influxd.stop());
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const influxDatabase = uniqueDatabase();
    const env = { DATABASE_URL: database.url, INFLUX_DATABASE: influxDatabase };
    const a = await startServerProcess(influxd.url, env);
    cleanups.push(() => a.stop());
    const token = await a.stationToken();
    const base = Date.now() - 2 * 86_400_000;
    expect((await post(a.url, token, readingsFrom(base, 0, 500))).status).toBe(202);

    await influxd.crash();
    for (let i = 1; i <= 4; i++) expect((await post(a.url, token, readingsFrom(base, i * 500, 500))).status).toBe(202);
    const meta = new pg.Client({ connectionString: database.url });
    await meta.connect();
    cleanups.push(() => meta.end());
    const spooled = async () => Number((await meta.query<{ points: string | null }>("SELECT sum(points) AS points FROM ingest_spool")).rows[0]?.points ?? 0);
    expect(await spooled()).toBe(2_000);

    await a.kill();
    rmSync(a.dataDir, { recursive: true, force: true });
    await influxd.restart();
    const b = await startServerProcess(influxd.url, env);
    cleanups.push(() => b.stop());
    await eventually(async () => (await spooled()) === 0, "the shared spool replayed", 90_000);

    const times = await storedTimes(influxd.url, influxDatabase);
    expect(times).toHaveLength(2_500);
    expect(new Set(times)).toEqual(new Set(readingsFrom(base, 0, 2_500).map((r) => r.time)));
    // Replayed once: the second instance wrote each spooled reading one time.
    const health = (await (await fetch(`${b.url}/api/health`)).json()) as { writeQueue: { writtenPoints: number } };
    expect(health.writeQueue.writtenPoints).toBe(2_000);
  });
});

describe("a reading InfluxDB refuses for good", () => {
  it.each([
    { ack: "stored", status: 422 },
    { ack: "journal", status: 202 }, // acknowledged once journaled: the refusal comes later, in the log
  ])("INGEST_ACK=$ack answers $status", async ({ ack, status }) => {
    const system = await startTestSystem({ INGEST_ACK: ack });
    cleanups.push(() => system.stop());
    const token = (await system.stationTokens.create("refusal test", ["*"])).token;
    const base = Date.now() - 2 * 86_400_000;
    // A text `value` in the same shard: InfluxDB refuses our numeric values there (field type conflict).
    const conflict = `reading,station=${STATION},parameter=diclofenac value="broken" ${base}`;
    const q = new URLSearchParams({ db: system.config.influx.database, rp: "raw", precision: "ms" });
    expect((await fetch(`${inject("influxUrl")}/write?${q}`, { method: "POST", body: conflict })).status).toBe(204);

    const res = await post(system.url, token, readingsFrom(base, 1, 10));
    expect(res.status).toBe(status);
    if (status === 422) expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "readings_refused", message: expect.stringMatching(/field type conflict/) });
  });
});
