// Baseline for every ingest figure: raw InfluxDB /write throughput, 5,000-point batches of the same
// line protocol the storage adapter writes, against the adapter itself (its batching, error
// classification and request handling on top).
import { randomBytes } from "node:crypto";
import { InfluxReadingStore, toLineProtocol } from "../../server/src/influx/store.ts";
import { createLogger } from "../../common/logger.ts";
import type { Reading } from "../../common/reading.ts";
import { syntheticReadings, type Benchmark } from "./bench-kit.ts";
import { RETENTION } from "../../server/src/influx/schema.ts";

const BATCH = 5_000;

export async function rawWrite(influxUrl: string, database: string, readings: readonly Reading[]): Promise<void> {
  for (let i = 0; i < readings.length; i += BATCH) {
    const res = await fetch(`${influxUrl}/write?db=${database}&rp=${RETENTION.raw.name}&precision=ms`, {
      method: "POST",
      body: toLineProtocol(readings.slice(i, i + BATCH)),
    });
    if (res.status !== 204) throw new Error(`raw write failed: ${res.status} ${await res.text()}`);
  }
}

export const influxWrite: Benchmark = {
  name: "InfluxDB write path: storage adapter vs raw /write (5,000-point batches)",
  async run({ influxUrl, scale }) {
    const count = Math.max(BATCH, Math.round(1_000_000 * scale));
    const readings = syntheticReadings(count);
    const logger = createLogger("silent");
    const dbRaw = `bench_raw_${randomBytes(4).toString("hex")}`;
    const dbOurs = `bench_store_${randomBytes(4).toString("hex")}`;
    const rawStore = new InfluxReadingStore({ url: influxUrl, database: dbRaw, logger });
    const ours = new InfluxReadingStore({ url: influxUrl, database: dbOurs, logger });
    await rawStore.ensureSchema();
    await ours.ensureSchema();

    let t = performance.now();
    await rawWrite(influxUrl, dbRaw, readings);
    const rawSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    for (let i = 0; i < readings.length; i += BATCH) await ours.writeReadings(readings.slice(i, i + BATCH));
    const oursSeconds = (performance.now() - t) / 1000;

    await rawStore.query(`DROP DATABASE "${dbRaw}"`);
    await ours.query(`DROP DATABASE "${dbOurs}"`);
    return {
      name: `${this.name}, ${count.toLocaleString("en-US")} points`,
      ours: { label: "store.writeReadings", value: count / oursSeconds, unit: "points/s" },
      baseline: { label: "raw /write", value: count / rawSeconds, unit: "points/s" },
      ratio: rawSeconds / oursSeconds,
      higherIsBetter: true,
    };
  },
};
