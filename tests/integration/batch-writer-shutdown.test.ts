// Shutdown with an InfluxDB that accepts writes but never answers: the writer must not wait out the
// request timeout (the server has a 10 s shutdown budget); the hanging batch goes to the spool.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { InfluxReadingStore } from "../../server/src/influx/store.ts";
import { BatchWriter } from "../../server/src/ingest/batch-writer.ts";
import { Spool } from "../../server/src/ingest/spool.ts";
import { tempDir, testLogger } from "../helpers/test-system.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Reads each /write request completely, then never answers. */
async function hangingInflux(): Promise<{ url: string; writes: () => number }> {
  let writes = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage) => {
    req.resume();
    if (req.url?.startsWith("/write")) writes++;
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, writes: () => writes };
}

const readings = (n: number): Reading[] =>
  Array.from({ length: n }, (_, i) => ({ station: "DE-ELBE-ZEHREN", parameter: "ph", time: Date.UTC(2026, 10, 1) + i * 600_000, value: 7.5, lod: null, qc: 1 }));

describe("batch writer shutdown", () => {
  it("spools a batch InfluxDB never answers instead of waiting out the request timeout", async () => {
    const influx = await hangingInflux();
    const dir = tempDir("wm-writer-shutdown-");
    cleanups.push(dir.remove);
    const store = new InfluxReadingStore({ url: influx.url, database: "water_monitor", logger: testLogger, requestTimeoutMs: 60_000 });
    const spoolDir = path.join(dir.dir, "spool");
    const writer = new BatchWriter(
      store,
      new Spool(spoolDir),
      { batchSize: 100, flushMs: 10, concurrency: 1, queueMaxPoints: 10_000, spoolMaxBytes: 10_000_000 },
      testLogger,
    );
    writer.enqueue(readings(50));
    await expect.poll(() => influx.writes(), { timeout: 5_000 }).toBe(1);
    expect(writer.stats().inFlightPoints).toBe(50);

    const started = Date.now();
    await writer.close(200);
    expect(Date.now() - started).toBeLessThan(3_000);

    const segment = await new Spool(spoolDir).oldest();
    expect(segment?.readings).toEqual(readings(50));
    expect(writer.stats().writtenPoints).toBe(0);
  });
});
