// Restarting Redis and PostgreSQL under load (issue #21): two Water Monitor processes on one
// PostgreSQL and one Redis, behind HAProxy with the shipped deploy/haproxy.cfg, while a load
// generator posts readings through HAProxy all along and live clients watch the stations: an
// anonymous one on each instance, and one logged in. Redis is killed and started again on its port
// and data: neither instance dies or logs an error, live updates come back on both, a client on one
// instance hears the readings the other accepted, and a new alert reaches both. PostgreSQL is
// stopped for longer than a station token is trusted unasked, and started again: metadata routes
// answer 503 with Retry-After meanwhile; ingest goes on (auth/station-tokens.ts keeps grants
// verified before the outage while the database cannot answer); live updates go on, nobody is
// disconnected (review/live-visibility.ts keeps the rules read last, live/live-access.ts leaves a
// socket it cannot check); once it is back everything answers again and one instance leads. At the
// end every acknowledged reading is in InfluxDB and no alert was raised twice.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { io as connect } from "socket.io-client";
import type { AlertEvent, AlertsResponse } from "../../common/alerts.ts";
import type { LiveReading } from "../../common/events.ts";
import { FIELD, MEASUREMENT, TAG } from "../../common/wire.ts";
import { REVALIDATE_MS } from "../../server/src/auth/station-tokens.ts";
import { seedCatalog } from "../../server/src/catalog/seed.ts";
import { RETENTION } from "../../server/src/influx/schema.ts";
import { adminLogin, instanceTaking, startServerProcess, waitForDrain, type ServerProcess } from "../bench/server-process.ts";
import { eventually } from "../helpers/alert-system.ts";
import { TestHaproxy } from "../helpers/haproxy.ts";
import { IngestLoad, type LoadStation } from "../helpers/ingest-load.ts";
import type { LiveClient } from "../helpers/live-client.ts";
import { TestPostgresServer } from "../helpers/postgres-server.ts";
import { TestRedisServer } from "../helpers/redis-server.ts";
import { uniqueDatabase } from "../helpers/test-system.ts";

const PARAMETER = "carbamazepine";
/** Stations of the shipped catalog that measure it; a token each is made until both instances take some of them. */
const catalog = seedCatalog();
const STATIONS = catalog.stations.map((s) => s.id).filter((station) => catalog.primarySensor(station, PARAMETER, Date.now()));
/** The test's own rules' threshold: every load reading breaches it. */
const THRESHOLD = 100;
const ADMIN_PASSWORD = "restart-under-load";

let postgres: TestPostgresServer;
let redis: TestRedisServer;
let a: ServerProcess;
let b: ServerProcess;
let proxy: TestHaproxy;
let load: IngestLoad;
let influxDatabase: string;
let admin: { cookie: string; csrfToken: string };
/** Which instance HAProxy sends each station's readings to (by its token). */
const servedBy = new Map<string, ServerProcess>();
const watchers: Watcher[] = [];

interface Watcher {
  socket: LiveClient;
  values: Set<number>;
  /** Rule ids of the alerts it was sent. */
  alertRules: Set<number>;
  /** Why the server or the network ended its connections so far. */
  disconnects: string[];
}

const portOf = (server: ServerProcess) => Number(new URL(server.url).port);

/** A token for `station`, and the instance HAProxy hands its readings to. */
async function stationBehindProxy(station: string, probeValue: number): Promise<LoadStation & { server: ServerProcess }> {
  const res = await fetch(`${a.url}/api/v1/admin/station-tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: admin.cookie, "x-csrf-token": admin.csrfToken },
    body: JSON.stringify({ label: `restart ${station}`, stations: [station] }),
  });
  expect(res.status).toBe(201);
  const { token } = (await res.json()) as { token: string };
  const probe = { station, parameter: PARAMETER, time: Date.now() - 60_000, value: probeValue };
  return { station, token, server: await instanceTaking(proxy.url, token, [a, b], probe) };
}

/** A live client on `server` watching the load's stations: anonymous, or logged in with `cookie`. */
async function watch(server: ServerProcess, cookie?: string): Promise<Watcher> {
  const socket: LiveClient = connect(server.url, { transports: ["websocket"], forceNew: true, extraHeaders: cookie ? { cookie } : {} });
  const disconnects: string[] = [];
  socket.on("disconnect", (reason) => disconnects.push(reason));
  const values = new Set<number>();
  const alertRules = new Set<number>();
  socket.on("readings", (batch: LiveReading[]) => batch.forEach((r) => r.value !== null && values.add(r.value)));
  socket.on("alert", (event: AlertEvent) => alertRules.add(event.ruleId));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  expect(await socket.emitWithAck("subscribe", { stations: [...servedBy.keys()] })).toEqual({ ok: true });
  const watcher = { socket, values, alertRules, disconnects };
  watchers.push(watcher);
  return watcher;
}

/** Every reading acknowledged from `since` for `within` ms, once `within` has passed. */
async function acknowledgedBetween(since: number, within: number) {
  await new Promise((r) => setTimeout(r, Math.max(0, since + within - Date.now()) + 1_000));
  return load.acknowledgedSince(since).filter((r) => Date.parse(r.time) < since + within);
}

/** Lines an instance logged at error or fatal level, or anything uncaught. */
function troubleIn(server: ServerProcess): string[] {
  return server.log().split("\n").filter((line) => /"level":(50|60)|uncaught|unhandled/i.test(line));
}

/** A rule of the test's own on `station`: every load reading breaches it, so it fires once and stays firing. */
async function breachedRule(station: string): Promise<number> {
  const res = await fetch(`${a.url}/api/v1/alert-rules`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: admin.cookie, "x-csrf-token": admin.csrfToken },
    body: JSON.stringify({ kind: "max", parameter: PARAMETER, station, threshold: THRESHOLD, unit: "ng/L" }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

async function alerts(): Promise<AlertsResponse["alerts"]> {
  const res = await fetch(`${proxy.url}/api/v1/alerts?parameter=${PARAMETER}`, { headers: { cookie: admin.cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as AlertsResponse).alerts;
}

/** Requests that each need PostgreSQL (the session, the alerts), several at a time, until stopped. */
class MetadataReaders {
  readonly answered = new Set<number>();
  private stopped = false;
  private readonly done: Promise<void[]>;

  constructor(url: string, cookie: string, parallel = 8) {
    const reader = async () => {
      while (!this.stopped) {
        const res = await fetch(`${url}/api/v1/alerts`, { headers: { cookie } }).catch(() => undefined);
        if (res) this.answered.add(res.status);
        await res?.body?.cancel();
      }
    };
    this.done = Promise.all(Array.from({ length: parallel }, reader));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}

/** What holds while PostgreSQL is down (from `down`): 503 with Retry-After on a metadata route, live updates on. */
async function whilePostgresIsDown(down: number): Promise<void> {
  // A metadata route: the session and the alerts are in PostgreSQL.
  const res = await fetch(`${proxy.url}/api/v1/alerts`, { headers: { cookie: admin.cookie } });
  expect(res.status).toBe(503);
  expect(res.headers.get("retry-after")).toBe("5");
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe("metadata_unavailable");
  // Live updates go on meanwhile: who may see which readings (data review) was read before the outage,
  // and cannot change while PostgreSQL is down.
  const meanwhile = await acknowledgedBetween(down + 1_000, 3_000);
  expect(meanwhile.length).toBeGreaterThan(0);
  for (const [i, w] of watchers.entries()) {
    await eventually(() => meanwhile.every((r) => w.values.has(r.value)), `live client ${i + 1} to hear readings while PostgreSQL is down`, 10_000);
  }
  // Longer than a station token is trusted without asking the database again: still taken (kept while it cannot answer).
  const late = await acknowledgedBetween(down + REVALIDATE_MS + 1_000, 1_000);
  expect(late.length).toBeGreaterThan(0);
  // Nobody was sent away for want of an answer: a session that cannot be checked now is not a session that ended.
  expect(watchers.map((w) => w.disconnects)).toEqual(watchers.map(() => []));
}

beforeAll(async () => {
  // A PostgreSQL of the test's own: the run's shared one must not stop under other tests.
  [postgres, redis] = await Promise.all([TestPostgresServer.start(), TestRedisServer.start()]);
  const client = new pg.Client({ connectionString: postgres.url() });
  await client.connect();
  await client.query("CREATE DATABASE wm_restart");
  await client.end();
  influxDatabase = uniqueDatabase();
  const env = {
    DATABASE_URL: postgres.url("wm_restart"),
    REDIS_URL: redis.url,
    INFLUX_DATABASE: influxDatabase,
    ADMIN_PASSWORD,
    // The load is one address (127.0.0.1) at about 60 requests/s: above the default limit per address.
    WRITE_RATE_LIMIT_PER_MINUTE: "100000",
    // Live connections' credentials are checked again every second (a minute by default): many times during the outage.
    LIVE_RECHECK_MS: "1000",
  };
  // One after the other: the first makes the schema and the catalog, the second finds them.
  a = await startServerProcess(inject("influxUrl"), env);
  b = await startServerProcess(inject("influxUrl"), env);
  proxy = await TestHaproxy.start([portOf(a), portOf(b)]);
  admin = await adminLogin(a.url, ADMIN_PASSWORD);
  await breachedRule(STATIONS[0]!);
  // Tokens until both instances take some stations (HAProxy hashes the token), four at least.
  const stations: LoadStation[] = [];
  for (const [i, station] of STATIONS.entries()) {
    const found = await stationBehindProxy(station, 150 + i);
    servedBy.set(station, found.server);
    stations.push(found);
    const instances = new Set(servedBy.values());
    if (stations.length >= 4 && instances.size === 2) break;
  }
  expect(new Set(servedBy.values()).size, "HAProxy sends the stations' readings to both instances").toBe(2);
  await watch(a);
  await watch(b);
  // Logged in: its session is checked again every LIVE_RECHECK_MS, also while PostgreSQL is down.
  await watch(b, admin.cookie);
  load = new IngestLoad({ url: proxy.url, stations, parameter: PARAMETER, firstValue: 200, tickMs: 100, maxMs: 240_000 });
  await eventually(() => watchers.every((w) => w.values.size > 20), "both live clients to hear the load", 20_000);
}, 120_000);

afterAll(async () => {
  await load?.stop();
  for (const w of watchers) w.socket.close();
  await proxy?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
  await postgres?.stop();
}, 60_000);

describe("two instances behind HAProxy under load", () => {
  it("Redis killed and started again: no instance dies, live updates resume on both, across instances", async () => {
    await redis.kill();
    await new Promise((r) => setTimeout(r, 3_000));
    await redis.restart();
    const back = Date.now();
    // What was acknowledged in the 3 s after Redis is back must reach both clients, whichever instance took it.
    const after = await acknowledgedBetween(back, 3_000);
    expect(new Set(after.map((r) => servedBy.get(r.station))).size, "readings taken by both instances after the restart").toBe(2);
    for (const [i, w] of watchers.entries()) {
      await eventually(() => after.every((r) => w.values.has(r.value)), `live client ${i + 1} to hear every reading after the restart`, 20_000).catch((err: Error) => {
        const missing = after.filter((r) => !w.values.has(r.value));
        throw new Error(`${err.message}: ${missing.length} of ${after.length} missing, e.g. ${JSON.stringify(missing.slice(0, 3))}`);
      });
    }
    // An alert raised after the restart (a rule made now) reaches the clients on both instances.
    const ruleId = await breachedRule([...servedBy.keys()][1]!);
    for (const [i, w] of watchers.entries()) await eventually(() => w.alertRules.has(ruleId), `live client ${i + 1} to hear the new alert`, 20_000);
    for (const server of [a, b]) {
      expect(server.exitStatus()).toBeUndefined();
      expect(troubleIn(server)).toEqual([]);
    }
  }, 60_000);

  it("PostgreSQL stopped and started again: 503 with Retry-After meanwhile, ingest goes on, all answers again after", async () => {
    // Dashboard requests keep the metadata pool busy, so PostgreSQL goes away under queries in flight.
    const readers = new MetadataReaders(proxy.url, admin.cookie);
    await postgres.pause();
    const down = Date.now();
    try {
      for (const server of [a, b]) expect(server.exitStatus(), "an instance ended when PostgreSQL stopped").toBeUndefined();
      await whilePostgresIsDown(down);
    } finally {
      // Back also when a check failed: the next test needs it.
      await postgres.resume();
      await readers.stop();
    }
    expect(readers.answered.has(200) && readers.answered.has(503)).toBe(true);
    const up = Date.now();
    const duringOutage = load.answers.filter((x) => x.at >= down && x.at < up);
    // Ingest either takes readings or says when to come back; the tokens were verified before: it takes them.
    expect(duringOutage.filter((x) => x.status >= 300 && !(x.status === 503 && x.retryAfter !== null))).toEqual([]);
    expect(duringOutage.filter((x) => x.status < 300).length).toBeGreaterThan(duringOutage.length / 2);

    await eventually(async () => (await fetch(`${proxy.url}/api/v1/alerts`, { headers: { cookie: admin.cookie } })).status === 200, "the API to answer again", 20_000);
    const roles = async () => Promise.all([a, b].map(async (s) => ((await (await fetch(`${s.url}/api/health`)).json()) as { role: string }).role));
    await eventually(async () => (await roles()).includes("leader"), "an instance to lead again", 20_000);
    expect((await roles()).sort()).toEqual(["leader", "standby"]);
    // Live updates went on all along (PostgreSQL carries none of them).
    const after = await acknowledgedBetween(Date.now(), 2_000);
    for (const w of watchers) await eventually(() => after.every((r) => w.values.has(r.value)), "both clients to hear readings after the outage", 20_000);
  }, 120_000);

  it("every acknowledged reading is in InfluxDB and no alert was raised twice", async () => {
    await load.stop();
    expect(load.acknowledged.size).toBeGreaterThan(load.sent * 0.9);
    await Promise.all([a, b].map((s) => waitForDrain(s.url, 30_000)));
    const q = `SELECT "${FIELD.value}" FROM "${RETENTION.raw.name}"."${MEASUREMENT}" WHERE "${TAG.parameter}" = '${PARAMETER}' AND time > now() - 1h`;
    const body = (await (await fetch(`${inject("influxUrl")}/query?db=${influxDatabase}&epoch=ms&q=${encodeURIComponent(q)}`)).json()) as {
      results: Array<{ series?: Array<{ values: Array<[number, number]> }> }>;
    };
    const stored = new Set((body.results[0]?.series?.[0]?.values ?? []).map(([, value]) => value));
    const lost = [...load.acknowledged.values()].filter((r) => !stored.has(r.value));
    expect(lost, `${lost.length} of ${load.acknowledged.size} acknowledged readings not in InfluxDB`).toEqual([]);

    // Each rule fired once and stayed firing: readings judged again (redelivered after the restarts) raised nothing new.
    const listed = await alerts();
    const ours = listed.filter((x) => x.threshold === THRESHOLD && x.kind === "max");
    expect(ours.map((x) => [x.station, x.state]).sort()).toEqual([[STATIONS[0], "firing"], [[...servedBy.keys()][1], "firing"]].sort());
    const open = listed.filter((x) => x.state !== "resolved").map((x) => `${x.ruleId}:${x.station}:${x.parameter}:${x.sensor}`);
    expect(new Set(open).size).toBe(open.length);
    for (const server of [a, b]) {
      expect(server.exitStatus()).toBeUndefined();
      expect(troubleIn(server)).toEqual([]);
    }
  }, 60_000);
});
