// Ingest throughput through the server (validation + QC + batching + InfluxDB write) for JSON
// batches and for line protocol on /write, against raw InfluxDB /write of the same points with the
// same concurrency, measured in the same run. Time runs until every point is in InfluxDB. Also what
// INGEST_ACK=stored costs (issue #21: a request answered only once its readings are in InfluxDB): a
// server on PostgreSQL (flushing its commits, as in production) next to today's INGEST_ACK=journal.
import { randomBytes } from "node:crypto";
import pg from "pg";
import os from "node:os";
import type { Reading } from "../../common/reading.ts";
import { RETENTION } from "../../server/src/influx/schema.ts";
import { FIELD, MEASUREMENT, TAG } from "../../common/wire.ts";
import { InfluxReadingStore, toLineProtocol } from "../../server/src/influx/store.ts";
import { rebuildRollups } from "../../server/src/query/rollup-repair.ts";
import { createLogger } from "../../common/logger.ts";
import { influxAdmin, syntheticReadings, type BenchFigure, type Benchmark } from "./bench-kit.ts";
import { batches, expectStatus, phase, sendAccepted, type Phase } from "./ingest-kit.ts";
import { runConcurrently, startServerProcess, waitForDrain, type ServerProcess } from "./server-process.ts";
import { TestPostgresServer } from "../helpers/postgres-server.ts";

const BATCH = 5_000;
const SENDERS = 4;

/** A line as a field gateway sends it: tags and the value only; QC fields are the server's. */
function stationLine(r: Reading): string {
  return `${MEASUREMENT},${TAG.station}=${r.station},${TAG.parameter}=${r.parameter} ${FIELD.value}=${r.value} ${r.time}`;
}

/** Posts the JSON bodies with SENDERS in parallel until every point is in InfluxDB; the 503s seen and each request's time to its answer. */
async function jsonPhase(count: number, influxdPid: number | undefined, server: ServerProcess, token: string, bodies: string[]) {
  let overloaded = 0;
  const answerMs: number[] = [];
  const timing = await phase(count, influxdPid, server, async () => {
    await runConcurrently(
      bodies.map((body) => async () => {
        const send = () => fetch(`${server.url}/api/v1/readings`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
        const t0 = performance.now();
        overloaded += await sendAccepted(send, 202);
        answerMs.push(performance.now() - t0);
      }),
      SENDERS,
    );
    await waitForDrain(server.url);
  });
  answerMs.sort((a, b) => a - b);
  return { timing, overloaded, medianMs: answerMs[Math.floor(answerMs.length / 2)] ?? 0 };
}

/** INGEST_ACK=stored on a server with its metadata in PostgreSQL (`env` adds settings): the JSON phase. */
async function storedPhase(influxUrl: string, influxdPid: number | undefined, postgres: TestPostgresServer, count: number, bodies: string[], env: Record<string, string>) {
  const database = `bench_stored_${randomBytes(4).toString("hex")}`;
  // A metadata database of its own: each server makes its first admin with its own password.
  const admin = new pg.Client({ connectionString: postgres.url() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`).finally(() => admin.end());
  const server = await startServerProcess(influxUrl, { INFLUX_DATABASE: database, DATABASE_URL: postgres.url(database), INGEST_ACK: "stored", ...env }, process.env.BENCH_SERVER_NODE_ARGS?.split(" ") ?? []);
  try {
    return await jsonPhase(count, influxdPid, server, await server.stationToken(), bodies);
  } finally {
    await server.stop();
    await influxAdmin(influxUrl, `DROP DATABASE "${database}"`);
  }
}

const cpuFigure = (label: string, p: Phase): BenchFigure => ({
  label: `${label}: CPU per point, InfluxDB ${p.influxdMicros.toFixed(1)} µs + senders ${p.senderMicros.toFixed(1)} µs + Water Monitor server (main thread ${p.serverMainMicros.toFixed(1)} µs, helper threads ${(p.serverMicros - p.serverMainMicros).toFixed(1)} µs)`,
  value: p.serverMicros,
  unit: `µs (${os.availableParallelism()} cores)`,
});

export const ingest: Benchmark = {
  name: "Ingest throughput: POST /api/v1/readings and /write vs raw InfluxDB /write",
  async run({ influxUrl, scale, influxdPid }) {
    const count = Math.max(BATCH, Math.round(500_000 * scale));
    const start = Date.now() - 200 * 86_400_000;
    const jsonReadings = syntheticReadings(count, start);
    const lpReadings = syntheticReadings(count, start + 60 * 86_400_000);
    const database = `bench_ingest_${randomBytes(4).toString("hex")}`;
    const server = await startServerProcess(influxUrl, { INFLUX_DATABASE: database }, process.env.BENCH_SERVER_NODE_ARGS?.split(" ") ?? []);
    try {
      const token = await server.stationToken();
      // Started and idle: what the ingest peak below is measured on top of.
      const [startedRss, startedPeak] = [server.rssMb(), server.peakRssMb()];
      const rawDb = `bench_rawingest_${randomBytes(4).toString("hex")}`;
      await influxAdmin(influxUrl, `CREATE DATABASE "${rawDb}" WITH NAME "${RETENTION.raw.name}"`);
      const rawBodies = batches(jsonReadings, BATCH).map((b) => toLineProtocol(b));
      const raw = await phase(count, influxdPid, undefined, () =>
        runConcurrently(
          rawBodies.map((body) => async () => expectStatus(await fetch(`${influxUrl}/write?db=${rawDb}&precision=ms`, { method: "POST", body }), 204)),
          SENDERS,
        ),
      );

      const toJson = (b: Reading[]) =>
        JSON.stringify({ readings: b.map((r) => ({ station: r.station, parameter: r.parameter, time: r.time, value: r.value })) });
      const jsonBodies = batches(jsonReadings, BATCH).map(toJson);
      const journaled = await jsonPhase(count, influxdPid, server, token, jsonBodies);
      const json = journaled.timing;
      let overloaded = journaled.overloaded;

      const lpBodies = batches(lpReadings, BATCH).map((b) => b.map(stationLine).join("\n"));
      const lp = await phase(count, influxdPid, server, async () => {
        await runConcurrently(
          lpBodies.map((body) => async () => {
            const send = () => fetch(`${server.url}/write?db=${database}&precision=ms`, { method: "POST", headers: { authorization: `Token ${token}` }, body });
            overloaded += await sendAccepted(send, 204);
          }),
          SENDERS,
        );
        await waitForDrain(server.url);
      });
      // What building the rollups of the JSON phase's hours costs: inside InfluxDB (SELECT … INTO, as
      // the continuous queries and the repair of late hours do) and read-and-write-back (the rollup
      // scheduler without continuous queries, INFLUX_ROLLUPS=scheduler). With the scheduler every
      // hour is built this way at least once (more often while it takes writes: every ROLLUP_REPAIR_MAX_WAIT_MS).
      const store = new InfluxReadingStore({ url: influxUrl, database, logger: createLogger("silent", "bench"), rollups: "continuous-queries" });
      const [from, to] = [start, jsonReadings[count - 1]!.time];
      const timed = async (fn: () => Promise<void>) => {
        const t0 = performance.now();
        await fn();
        return performance.now() - t0;
      };
      const intoMs = await timed(() => rebuildRollups(store, from, to, "continuous-queries"));
      const writeBackMs = await timed(() => rebuildRollups(store, from, to, "scheduler"));
      await influxAdmin(influxUrl, `DROP DATABASE "${rawDb}"`);
      const peak = server.peakRssMb();
      await influxAdmin(influxUrl, `DROP DATABASE "${database}"`);

      // The same JSON batches (another time range) answered only once in InfluxDB, without and with the local journal.
      const storedBodies = batches(syntheticReadings(count, start + 120 * 86_400_000), BATCH).map(toJson);
      const postgres = await TestPostgresServer.start({ durable: true });
      let stored, storedJournal;
      try {
        stored = await storedPhase(influxUrl, influxdPid, postgres, count, storedBodies, {});
        storedJournal = await storedPhase(influxUrl, influxdPid, postgres, count, storedBodies, { INGEST_JOURNAL: "on" });
      } finally {
        await postgres.stop();
      }
      overloaded += stored.overloaded + storedJournal.overloaded;
      return {
        name: `${this.name}, ${count.toLocaleString("en-US")} points, ${BATCH}-point requests, ${SENDERS} senders`,
        ours: { label: "POST /api/v1/readings (JSON)", value: count / json.seconds, unit: "points/s" },
        baseline: { label: "raw InfluxDB /write", value: count / raw.seconds, unit: "points/s" },
        ratio: raw.seconds / json.seconds,
        higherIsBetter: true,
        target: ">= 0.8x",
        extra: [
          { label: "POST /write (line protocol)", value: count / lp.seconds, unit: "points/s" },
          { label: "/write ratio vs raw", value: raw.seconds / lp.seconds, unit: "x" },
          { label: "INGEST_ACK=stored (PostgreSQL metadata, no journal) POST /api/v1/readings", value: count / stored.timing.seconds, unit: "points/s" },
          { label: "INGEST_ACK=stored vs journal (throughput ratio, same run)", value: json.seconds / stored.timing.seconds, unit: "x" },
          { label: "INGEST_ACK=stored with INGEST_JOURNAL=on", value: count / storedJournal.timing.seconds, unit: "points/s" },
          { label: "INGEST_ACK=stored with journal vs without (throughput ratio)", value: stored.timing.seconds / storedJournal.timing.seconds, unit: "x" },
          { label: "median time to answer a request: journal / stored / stored+journal", value: journaled.medianMs, unit: `ms / ${stored.medianMs.toFixed(0)} ms / ${storedJournal.medianMs.toFixed(0)} ms` },
          cpuFigure("INGEST_ACK=stored JSON path", stored.timing),
          cpuFigure("raw InfluxDB /write", raw),
          cpuFigure("JSON path (server: parsing, validation, QC, journal, alerts, live, write)", json),
          cpuFigure("line-protocol path", lp),
          { label: "server peak RSS", value: peak, unit: "MB" },
          { label: "server RSS once started, before ingest (its peak until then)", value: startedRss, unit: `MB (${startedPeak.toFixed(0)} MB)` },
          { label: "requests answered 503 (queue full) and resent", value: overloaded, unit: "" },
          { label: "rollups of the JSON phase's hours built inside InfluxDB (SELECT … INTO), per point", value: (intoMs * 1000) / count, unit: `µs (${intoMs.toFixed(0)} ms)` },
          { label: "the same built by the rollup scheduler (read and write back, INFLUX_ROLLUPS=scheduler), per point", value: (writeBackMs * 1000) / count, unit: `µs (${writeBackMs.toFixed(0)} ms)` },
        ],
      };
    } finally {
      await server.stop();
    }
  },
};
