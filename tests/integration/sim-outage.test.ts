// The simulator against a real HTTP endpoint on 127.0.0.1 that goes away, comes back, or answers
// 503 + Retry-After for a while: every reading arrives exactly once by (station, parameter, time).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readingKey } from "../../common/reading.ts";
import type { SimReading } from "../../sensors-sim/src/reading-generator.ts";
import { seed } from "../helpers/catalog.ts";
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from "../../sensors-sim/src/simulator.ts";

interface Recorder {
  port: number;
  /** Times each key was accepted. */
  counts: Map<string, number>;
  requests: Array<{ at: number; status: number; auth: string | undefined }>;
  /** Answer 503 + Retry-After while this returns true. */
  overloaded: () => boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

/** A stand-in for the ingest API: records what it accepts, answers 202 (JSON) or 204 (/write). */
async function startRecorder(port = 0): Promise<Recorder> {
  const recorder: Recorder = {
    port,
    counts: new Map(),
    requests: [],
    overloaded: () => false,
    stop: async () => {},
    start: async () => {},
  };
  let server: Server | undefined;
  let stopping = false;
  recorder.start = () =>
    new Promise((resolve) => {
      stopping = false;
      server = createServer(async (req, res) => {
        // Down for every request that arrives after stop() began, also on a connection kept alive from
        // before: server.close() alone would still serve those (a loaded machine's simulator sends
        // everything that way, and the outage never happens).
        if (stopping) {
          req.socket.destroy();
          return;
        }
        const text = await body(req);
        const auth = req.headers.authorization;
        if (recorder.overloaded()) {
          recorder.requests.push({ at: Date.now(), status: 503, auth });
          res.writeHead(503, { "retry-after": "1", "content-type": "application/json" });
          res.end(JSON.stringify({ error: { code: "overloaded", message: "queue full" } }));
          return;
        }
        const keys: string[] = [];
        if (req.url?.startsWith("/write")) {
          for (const line of text.split("\n")) {
            const m = /^reading,station=([^,]+),parameter=([^,]+),sensor=(\S+) \S+ (\d+)$/.exec(line);
            if (m) keys.push(readingKey({ station: m[1]!, parameter: m[2]!, sensor: m[3]!, time: Number(m[4]) }));
          }
        } else {
          for (const r of JSON.parse(text).readings) keys.push(readingKey(r));
        }
        for (const k of keys) recorder.counts.set(k, (recorder.counts.get(k) ?? 0) + 1);
        const status = req.url?.startsWith("/write") ? 204 : 202;
        recorder.requests.push({ at: Date.now(), status, auth });
        if (status === 204) res.writeHead(204).end();
        else res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ accepted: keys.length, flagged: { suspect: 0, fail: 0 } }));
      });
      server.listen(recorder.port, "127.0.0.1", () => {
        recorder.port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  recorder.stop = () =>
    new Promise((resolve) => {
      if (!server?.listening) return resolve();
      stopping = true;
      // Requests in progress finish (and get their answer); new connections are refused.
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  await recorder.start();
  return recorder;
}

const running: Array<{ stop(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function untilFirstRequest(recorder: Recorder): Promise<void> {
  while (recorder.requests.length === 0) await sleep(10);
}

/** Two simulated days of the whole network in about two wall-clock seconds, after a day of backfill. */
function fastRun(recorder: Recorder, extra: Partial<SimulatorOptions> = {}): { sim: SimulatorHandle; generated: SimReading[] } {
  const generated: SimReading[] = [];
  const sim = startSimulator(
    {
      url: `http://127.0.0.1:${recorder.port}`,
      token: "test-token",
      start: "2026-07-01T00:00:00Z",
      backfill: "1d",
      duration: "2d",
      speed: 86_400,
      seed: 11,
      faults: { enabled: false },
      retryBase: 20,
      retryMax: 200,
      drainTimeout: 5_000,
      ...extra,
    },
    { catalog: seed, onReadings: (rs) => generated.push(...rs) },
  );
  running.push(sim);
  return { sim, generated };
}

function expectExactlyOnce(recorder: Recorder, generated: SimReading[]): void {
  const expected = new Set(generated.map(readingKey));
  expect(expected.size).toBe(generated.length); // no faults: every key is unique
  // Every sensor of the 8 stations: 19 parameters and a discharge gauge each, and Zehren's second carbamazepine sensor.
  expect(expected.size).toBe(3 * 144 * (8 * 20 + 1));
  const missing = [...expected].filter((k) => !recorder.counts.has(k));
  const twice = [...recorder.counts].filter(([, n]) => n !== 1);
  const unexpected = [...recorder.counts.keys()].filter((k) => !expected.has(k));
  expect({ missing: missing.length, twice: twice.length, unexpected: unexpected.length }).toEqual({ missing: 0, twice: 0, unexpected: 0 });
}

describe("simulator uplink against a real HTTP endpoint", () => {
  it("delivers every reading exactly once across a server outage", async () => {
    const recorder = await startRecorder();
    running.push(recorder);
    const { sim, generated } = fastRun(recorder);
    // The outage is timed from the simulator's first request, so that a slow start on a loaded machine cannot miss it.
    await untilFirstRequest(recorder);
    await sleep(300);
    await recorder.stop();
    const countAtStop = recorder.requests.length;
    await sleep(700);
    await recorder.start(); // same port, like a restarted server
    const summary = await sim.finished;
    expect(summary.state).toBe("finished");
    expect(summary.failedRequests).toBeGreaterThan(0);
    expect(summary.retried).toBeGreaterThan(0);
    expect(recorder.requests.length).toBeGreaterThan(countAtStop);
    expect(summary).toMatchObject({ dropped: 0, rejected: 0, buffered: 0, sent: generated.length });
    expect(recorder.requests.every((r) => r.auth === "Bearer test-token")).toBe(true);
    expectExactlyOnce(recorder, generated);
  });

  it("waits out 503 + Retry-After and then delivers every reading exactly once", async () => {
    const recorder = await startRecorder();
    running.push(recorder);
    // Overloaded from 300 ms after the simulator's first request for 1.2 s: timed from its first
    // request, not from the test's start, so a slow start on a loaded machine cannot miss the window.
    recorder.overloaded = () => {
      const first = recorder.requests[0]?.at;
      return first !== undefined && Date.now() >= first + 300 && Date.now() < first + 1_500;
    };
    const { sim, generated } = fastRun(recorder);
    const summary = await sim.finished;
    const rejections = recorder.requests.filter((r) => r.status === 503);
    expect(rejections.length).toBeGreaterThan(0);
    // Retry-After: 1 is honoured although the backoff base is 20 ms.
    const first503 = recorder.requests.findIndex((r) => r.status === 503);
    expect(recorder.requests[first503 + 1]!.at - recorder.requests[first503]!.at).toBeGreaterThanOrEqual(950);
    expect(summary).toMatchObject({ dropped: 0, rejected: 0, buffered: 0 });
    expectExactlyOnce(recorder, generated);
  });

  it("sends line protocol to /write, through an outage, exactly once", async () => {
    const recorder = await startRecorder();
    running.push(recorder);
    const { sim, generated } = fastRun(recorder, { transport: "line-protocol" });
    await untilFirstRequest(recorder);
    await sleep(200);
    await recorder.stop();
    await sleep(400);
    await recorder.start();
    const summary = await sim.finished;
    expect(summary).toMatchObject({ dropped: 0, rejected: 0, buffered: 0 });
    expect(recorder.requests.every((r) => r.status === 204)).toBe(true);
    expectExactlyOnce(recorder, generated);
  });

  it("drops the oldest readings when an outage outlasts the buffer, and says so", async () => {
    const recorder = await startRecorder();
    running.push(recorder);
    await recorder.stop();
    const { sim, generated } = fastRun(recorder, { backfill: 0, maxBuffered: 10_000, batchSize: 1_000 });
    await sleep(2_500); // the whole live phase runs while the server is down
    await recorder.start();
    const summary = await sim.finished;
    expect(summary.dropped).toBe(generated.length - 10_000);
    expect(summary.sent).toBe(10_000);
    // The newest readings survive (and the one batch that was in flight when the outage began).
    const newest = generated.slice(-9_000).map(readingKey);
    expect(newest.every((k) => recorder.counts.get(k) === 1)).toBe(true);
    expect([...recorder.counts.values()].every((n) => n === 1)).toBe(true);
  });

  it("stops on request and reports what is still buffered", async () => {
    const recorder = await startRecorder();
    running.push(recorder);
    await recorder.stop();
    const { sim } = fastRun(recorder, { duration: undefined, backfill: 0, drainTimeout: 200 });
    await sleep(300);
    const summary = await sim.stop();
    expect(summary.state).toBe("stopped");
    expect(summary.sent).toBe(0);
    expect(summary.buffered).toBe(summary.generated);
    expect(summary.generated).toBeGreaterThan(0);
  });
});
