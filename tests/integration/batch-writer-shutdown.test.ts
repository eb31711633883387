// Shutdown with an InfluxDB that accepts writes but never answers (a real influxd, paused with
// SIGSTOP: the kernel accepts the connection and the request, nothing answers): the writer must not
// wait out the request timeout (the server has a 10 s shutdown budget); the hanging batch goes to
// the spool.
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { InfluxReadingStore } from "../../server/src/influx/store.ts";
import { BatchWriter } from "../../server/src/ingest/batch-writer.ts";
import { Spool } from "../../server/src/ingest/spool.ts";
import { testReading } from "../helpers/catalog.ts";
import { startOwnInfluxd, tempDir, testLogger, uniqueDatabase } from "../helpers/test-system.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const readings = (n: number): Reading[] =>
  Array.from({ length: n }, (_, i) => testReading({ station: "DE-ELBE-ZEHREN", parameter: "ph", time: Date.UTC(2026, 10, 1) + i * 600_000, value: 7.5 }));

describe("batch writer shutdown", () => {
  it("spools a batch InfluxDB never answers instead of waiting out the request timeout", async () => {
    const influxd = await startOwnInfluxd();
    cleanups.push(() => influxd.stop());
    const dir = tempDir("wm-writer-shutdown-");
    cleanups.push(dir.remove);
    const store = new InfluxReadingStore({ url: influxd.url, database: uniqueDatabase(), logger: testLogger, requestTimeoutMs: 60_000 });
    await store.ensureSchema();
    process.kill(influxd.pid!, "SIGSTOP");
    cleanups.push(() => void process.kill(influxd.pid!, "SIGCONT"));
    const spoolDir = path.join(dir.dir, "spool");
    const writer = new BatchWriter(
      store,
      new Spool(spoolDir),
      { batchSize: 100, flushMs: 10, concurrency: 1, queueMaxPoints: 10_000, spoolMaxBytes: 10_000_000 },
      testLogger,
    );
    writer.enqueue(readings(50));
    await expect.poll(() => writer.stats().inFlightPoints, { timeout: 5_000 }).toBe(50);
    await new Promise((r) => setTimeout(r, 200));
    expect(writer.stats().inFlightPoints).toBe(50);

    const started = Date.now();
    await writer.close(200);
    expect(Date.now() - started).toBeLessThan(3_000);

    const segment = await new Spool(spoolDir).oldest();
    expect(segment?.readings).toEqual(readings(50));
    expect(writer.stats().writtenPoints).toBe(0);
  });
});
