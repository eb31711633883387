// Two instances of one installation on one PostgreSQL, one Redis and the test InfluxDB, behind a
// real HAProxy run with the shipped deploy/haproxy.cfg: readings accepted by either reach every
// instance's live clients and /latest, and the alert engine once; live updates come back after Redis
// restarts; the load balancer keeps a polling client on its instance and takes a draining one out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import type { LatestResponse } from "../../common/api-types.ts";
import type { LiveReading } from "../../common/events.ts";
import type { Reading } from "../../common/reading.ts";
import { authHeaders, createUser } from "../helpers/auth.ts";
import { TestHaproxy } from "../helpers/haproxy.ts";
import { postReadings, reading } from "../helpers/ingest-client.ts";
import { connectLiveWith, disconnected, type LiveClient } from "../helpers/live-client.ts";
import { TestRedisServer } from "../helpers/redis-server.ts";
import { createTestDatabase } from "../helpers/test-meta.ts";
import { startTestSystem, uniqueDatabase, type TestSystem } from "../helpers/test-system.ts";

const STATION = "DE-ELBE-ZEHREN";

let redis: TestRedisServer;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let a: TestSystem;
let b: TestSystem;
let proxy: TestHaproxy;
let token: string;
/** Readings each instance's alert engine was handed (observed, not replaced). */
const judged: Reading[] = [];
const sockets: LiveClient[] = [];

beforeAll(async () => {
  redis = await TestRedisServer.start();
  database = await createTestDatabase();
  // Draining lasts past HAProxy's checks (every second, two failures: about 2 s).
  const shared = { REDIS_URL: redis.url, DATABASE_URL: database.url, INFLUX_DATABASE: uniqueDatabase(), SHUTDOWN_DRAIN_SECONDS: "3" };
  // One after the other: the first makes the schema and the catalog, the second finds them.
  a = await startTestSystem(shared);
  b = await startTestSystem(shared);
  for (const system of [a, b]) {
    const ingest = system.alerting.engine.ingest.bind(system.alerting.engine);
    system.alerting.engine.ingest = (readings) => {
      judged.push(...readings);
      ingest(readings);
    };
  }
  proxy = await TestHaproxy.start([a.port, b.port]);
  token = (await a.stationTokens.create("cluster test", ["*"])).token;
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await proxy?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
  await database?.drop();
}, 30_000);

/** A reading of our own: its value tells it apart from every other one in this file. */
let nextValue = 1_000;
function unique(overrides: Partial<Parameters<typeof reading>[0]> = {}) {
  return reading({ station: STATION, parameter: "carbamazepine", value: nextValue++, ...overrides });
}

async function post(system: TestSystem, ...readings: ReturnType<typeof reading>[]): Promise<void> {
  const res = await postReadings(system.url, token, { readings });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

async function watch(url: string, options: Parameters<typeof connect>[1] = {}): Promise<{ socket: LiveClient; values: Set<number> }> {
  const socket: LiveClient = connect(url, { transports: ["websocket"], forceNew: true, ...options });
  sockets.push(socket);
  const values = new Set<number>();
  socket.on("readings", (batch: LiveReading[]) => batch.forEach((r) => r.value !== null && values.add(r.value)));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const ack = await socket.emitWithAck("subscribe", { stations: [STATION] });
  expect(ack).toEqual({ ok: true });
  return { socket, values };
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function latestValues(system: TestSystem): Promise<number[]> {
  const res = await fetch(`${system.url}/api/v1/latest?station=${STATION}`);
  const body = (await res.json()) as LatestResponse;
  return body.latest.map((r) => r.value).filter((v): v is number => v !== null);
}

describe("two instances on one Redis", () => {
  it("a live client connected to B receives readings posted to A, and one on A those posted to B", async () => {
    const onB = await watch(b.url);
    const onA = await watch(a.url);
    const toA = unique();
    const toB = unique();
    await post(a, toA);
    await post(b, toB);
    await until("both clients saw both readings", () => [onA, onB].every((c) => c.values.has(toA.value!) && c.values.has(toB.value!)));
    // Once each: its own instance sends it directly, the other from the stream.
    await new Promise((r) => setTimeout(r, 300));
    for (const c of [onA, onB]) expect([...c.values].filter((v) => v === toA.value || v === toB.value)).toHaveLength(2);
  });

  it("/api/v1/latest on B shows what was posted to A", async () => {
    // B has loaded its latest values already: from here on only the stream can tell it about A's.
    await latestValues(b);
    const newest = unique({ parameter: "diclofenac", time: new Date(Date.now() + 60_000).toISOString() });
    await post(a, newest);
    await until("B's /latest shows A's reading", async () => (await latestValues(b)).includes(newest.value!));
  });

  it("hands every reading, posted to either instance, to the alert engine once", async () => {
    judged.length = 0;
    const sent = Array.from({ length: 20 }, (_, i) => unique({ parameter: "sulfamethoxazole", time: new Date(Date.now() - i * 1_000).toISOString() }));
    for (const [i, r] of sent.entries()) await post(i % 2 === 0 ? a : b, r);
    const values = sent.map((r) => r.value!);
    await until("the engine has every reading", () => values.every((v) => judged.some((r) => r.value === v)));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(judged.filter((r) => values.includes(r.value!)).map((r) => r.value).sort()).toEqual([...values].sort());
  });

  it("a change broadcast on A (a maintenance window planned there) reaches a live client on B", async () => {
    const { socket } = await watch(b.url);
    const heard = new Promise<{ id: number; station: string }>((resolve) => socket.once("maintenance", resolve));
    const reviewer = await authHeaders(a, "reviewer");
    const res = await fetch(`${a.url}/api/v1/maintenance`, {
      method: "POST",
      headers: { "content-type": "application/json", ...reviewer },
      body: JSON.stringify({ station: STATION, from: new Date(Date.now() + 86_400_000).toISOString(), to: new Date(Date.now() + 90_000_000).toISOString(), reason: "Annual service" }),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: number };
    expect(await heard).toEqual({ id: created.id, station: STATION });
  });

  it("counts a client's login attempts on both instances together (one limit, not one per instance)", async () => {
    const attempt = (system: TestSystem, i: number) =>
      fetch(`${system.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: `nobody-${i}`, password: "wrong password" }) });
    // 20 per minute per address (auth-routes.ts), spread over both instances.
    for (let i = 0; i < 20; i++) expect((await attempt(i % 2 === 0 ? a : b, i)).status).toBe(401);
    expect((await attempt(a, 20)).status).toBe(429);
    expect((await attempt(b, 21)).status).toBe(429);
  });

  it("disabling a user on A disconnects their live client on B at once", async () => {
    const user = await createUser(a, "researcher");
    const { token: apiToken } = await a.auth.apiTokens.create(user.id, "laptop", "researcher", null);
    const onB = await connectLiveWith(b.url, { token: apiToken });
    sockets.push(onB);
    // B's own periodic re-check comes only every LIVE_RECHECK_MS (a minute): this is A telling B.
    const gone = disconnected(onB, 5_000);
    const res = await fetch(`${a.url}/api/v1/admin/users/${user.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", ...(await authHeaders(a, "admin")) },
      body: JSON.stringify({ disabled: true }),
    });
    expect(res.status).toBe(200);
    expect(await gone).toBe("io server disconnect");
  });

  it("live updates resume after Redis restarts, with what was accepted while it was down", async () => {
    const onB = await watch(b.url);
    await redis.kill();
    const duringOutage = unique();
    await post(a, duringOutage);
    await redis.restart();
    const after = unique();
    await until("B's client has the readings from A again", async () => {
      if (!onB.values.has(after.value!)) await post(a, { ...after, time: new Date().toISOString() });
      return onB.values.has(after.value!) && onB.values.has(duringOutage.value!);
    }, 20_000);
  }, 30_000);
});

describe("behind HAProxy (deploy/haproxy.cfg)", () => {
  it("keeps a long-polling client on one instance (sticky sessions), which hears readings from both", async () => {
    const polling = await watch(proxy.url, { transports: ["polling"], withCredentials: true });
    const toA = unique();
    const toB = unique();
    await post(a, toA);
    await post(b, toB);
    await until("the polling client saw both", () => polling.values.has(toA.value!) && polling.values.has(toB.value!));
    expect(polling.socket.connected).toBe(true);
    expect(polling.socket.io.engine.transport.name).toBe("polling");
  });

  it("answers through either instance and sends WebSocket clients on", async () => {
    const res = await fetch(`${proxy.url}/api/health`);
    expect(res.status).toBe(200);
    const viaProxy = await watch(proxy.url);
    const toB = unique();
    await post(b, toB);
    await until("the proxied WebSocket client saw it", () => viaProxy.values.has(toB.value!));
  });

  it("takes a draining instance out before it stops: requests keep being answered", async () => {
    const closing = b.close();
    const health = await fetch(`${b.url}/api/health`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { status: string }).status).toBe("draining");
    await until("HAProxy took instance2 out", () => /instance2 is DOWN/.test(proxy.log), 5_000);
    for (let i = 0; i < 6; i++) expect((await fetch(`${proxy.url}/api/v1/stations`)).status).toBe(200);
    await closing;
    for (let i = 0; i < 6; i++) expect((await fetch(`${proxy.url}/api/v1/stations`)).status).toBe(200);
  }, 20_000);

  it("shuts down cleanly when something is announced to live clients late in its shutdown (after its HTTP server closed)", async () => {
    // The alert engine stops after the HTTP server and the readings stream: an alert it announces
    // then goes to the other instances through socket.io's Redis adapter (as redis-cluster.ts sends
    // alerts, and as a change of someone's rights is sent), whose connection must still be open.
    const stop = a.alerting.stop.bind(a.alerting);
    a.alerting.stop = async () => {
      a.io.emit("alertUpdated", { id: 1 });
      a.io.serverSideEmit("recheckLive", "anonymous");
      await new Promise((r) => setTimeout(r, 200));
      return stop();
    };
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      await a.close();
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      process.off("unhandledRejection", onRejection);
    }
    expect(rejections.map(String)).toEqual([]);
  }, 20_000);
});
