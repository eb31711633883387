// Limits on the read API, which a public dashboard opens to everyone: /latest looks back a bounded
// window; every read route counts against a per-client rate (lower without login); and a
// server-wide concurrency limit queues reads and refuses with 503 + Retry-After when the queue is
// full, with logged-in callers served before anonymous ones.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LatestResponse } from "../../common/api-types.ts";
import type { Role } from "../../server/src/auth/roles.ts";
import type { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { LATEST_LOOKBACK_MS } from "../../server/src/query/series-service.ts";
import { authHeaders } from "../helpers/auth.ts";
import { testReading } from "../helpers/catalog.ts";
import { ROUTES, methodOf } from "../helpers/route-table.ts";
import { startOwnInfluxd, startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const DAY = 86_400_000;

/** A process's state letter from /proc (T: stopped by a signal). */
const processState = (pid: number): string => /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1] ?? "?";

describe("GET /api/v1/latest", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it("looks back a bounded window: a series silent for 30 days is not listed", async () => {
    const now = Date.now();
    await system.store.writeReadings([
      testReading({ station: "DE-ELBE-ZEHREN", parameter: "ph", time: now - 30 * DAY, value: 7.7 }),
      testReading({ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", time: now - 60_000, value: 120 }),
    ]);
    const res = await fetch(`${system.url}/api/v1/latest?station=DE-ELBE-ZEHREN`);
    const body = (await res.json()) as LatestResponse;
    expect(body.latest.map((r) => r.parameter)).toEqual(["carbamazepine"]);
    expect(body.since).toBeGreaterThanOrEqual(now - LATEST_LOOKBACK_MS - 1_000);
    expect(body.since).toBeLessThanOrEqual(Date.now() - LATEST_LOOKBACK_MS);
  });
});

/**
 * The read routes: GETs under /api/v1 other than the streamed export (which has its own limits) and
 * the mailed links' token pages (no data; the token is the credential).
 */
const READ_ROUTES = ROUTES.filter((r) => methodOf(r) === "GET" && r.route.includes(" /api/v1/") && r.route !== "GET /api/v1/export" && r.need !== "public");

describe("per-client rate limit on every read route", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ READ_RATE_LIMIT_PER_MINUTE: "3", READ_RATE_LIMIT_ANONYMOUS_PER_MINUTE: "2" });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it("covers the reads the brief names", () => {
    const names = READ_ROUTES.map((r) => r.route);
    for (const route of ["series", "series/multi", "latest", "stations", "parameters", "export/estimate", "alerts", "alerts/:id", "alert-rules"]) {
      expect(names).toContain(`GET /api/v1/${route}`);
    }
  });

  it.each(READ_ROUTES.map((r) => [r.route, r] as const))("%s: 429 with Retry-After and a JSON message once a user's budget is spent", async (_name, route) => {
    const role: Role = route.need === "admin" ? "admin" : "researcher";
    const headers = await authHeaders(system, role);
    const path = route.path(system);
    for (let i = 0; i < 3; i++) expect((await fetch(`${system.url}${path}`, { headers })).status, `request ${i + 1}`).not.toBe(429);
    const refused = await fetch(`${system.url}${path}`, { headers });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toMatch(/limit 3 per minute\); retry in \d+ s/);
  });

  it("gives anonymous callers a lower rate, per address, and tells them to log in for more", async () => {
    const from = (address: string) => ({ "x-forwarded-for": address });
    for (let i = 0; i < 2; i++) expect((await fetch(`${system.url}/api/v1/stations`, { headers: from("203.0.113.7") })).status).toBe(200);
    const refused = await fetch(`${system.url}/api/v1/stations`, { headers: from("203.0.113.7") });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/limit 2 per minute without login.*log in for a higher limit/);
    // Another address has its own budget; a logged-in user is counted apart from the address.
    expect((await fetch(`${system.url}/api/v1/stations`, { headers: from("203.0.113.8") })).status).toBe(200);
    expect((await fetch(`${system.url}/api/v1/stations`, { headers: { ...from("203.0.113.7"), ...(await authHeaders(system, "viewer")) } })).status).toBe(200);
  });
});

describe.each([
  // Default: the proxy on this machine is believed, so each forwarded address has its own budget.
  { trustProxy: undefined, ownBudgets: true },
  { trustProxy: "1", ownBudgets: true },
  // Only a proxy at 192.0.2.1 would be believed: the header is ignored, both share the peer's budget.
  { trustProxy: "192.0.2.1", ownBudgets: false },
])("TRUST_PROXY=$trustProxy", ({ trustProxy, ownBudgets }) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ READ_RATE_LIMIT_ANONYMOUS_PER_MINUTE: "2", ...(trustProxy && { TRUST_PROXY: trustProxy }) });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it(`${ownBudgets ? "counts each forwarded address apart" : "ignores X-Forwarded-For from a proxy it does not trust"}`, async () => {
    const from = (address: string) => fetch(`${system.url}/api/v1/stations`, { headers: { "x-forwarded-for": address } });
    for (let i = 0; i < 2; i++) expect((await from("203.0.113.30")).status).toBe(200);
    expect((await from("203.0.113.31")).status).toBe(ownBudgets ? 200 : 429);
  });
});

describe("server-wide concurrency limit", () => {
  let influxd: ManagedInfluxd;
  let system: TestSystem;
  beforeAll(async () => {
    influxd = await startOwnInfluxd();
    system = await startTestSystem({ READ_CONCURRENCY: "2", READ_QUEUE_MAX: "2" }, influxd.url);
  });
  afterAll(async () => {
    if (influxd?.pid) process.kill(influxd.pid, "SIGCONT");
    await system?.stop();
    await influxd?.stop();
  });

  it("queues reads while InfluxDB is stalled, refuses beyond the queue with 503 + Retry-After, and serves logged-in callers first", async () => {
    const researcher = await authHeaders(system, "researcher");
    const latest = (headers: Record<string, string> = {}) => fetch(`${system.url}/api/v1/latest`, { headers });
    // A stalled InfluxDB (paused, as an overloaded one would be): every query hangs until it resumes.
    process.kill(influxd.pid!, "SIGSTOP");
    await expect.poll(() => processState(influxd.pid!), { message: "influxd is paused" }).toBe("T");
    // The gate's counts, with what each request has come to so far (shown when a wait below fails:
    // no request may end before InfluxDB resumes).
    const ended: string[] = [];
    const track = (name: string, answer: Promise<Response>) => answer.then((r) => (ended.push(`${name}: ${r.status}`), r));
    const gate = () => ({ ...system.reads(), ended: [...ended] });
    const firstAnonymous = new AbortController();
    const anonymousRunning = fetch(`${system.url}/api/v1/latest`, { signal: firstAnonymous.signal }).catch((err: Error) => err); // the one anonymous slot
    await expect.poll(gate, { timeout: 20_000 }).toMatchObject({ running: 1, runningAnonymous: 1, waiting: 0 });
    const anonymousWaiting = track("anonymous 2", latest({ "x-forwarded-for": "203.0.113.20" })); // queued: anonymous share is full
    await expect.poll(gate, { timeout: 20_000 }).toMatchObject({ running: 1, runningAnonymous: 1, waiting: 1 });
    const userRunning = track("user 1", latest(researcher)); // the second slot
    await expect.poll(gate, { timeout: 20_000 }).toMatchObject({ running: 2, waiting: 1 });
    const userWaiting = track("user 2", latest(researcher)); // queued, ahead of "anonymous 2"
    await expect.poll(gate, { timeout: 20_000 }).toMatchObject({ running: 2, runningAnonymous: 1, waiting: 2 });

    const refused = await latest({ "x-forwarded-for": "203.0.113.21" });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("busy");
    expect(body.error.message).toMatch(/busy answering other data requests .*; retry in \d+ s/);

    // The first anonymous caller goes away: its slot goes to the waiting researcher, not to the
    // anonymous caller who had waited longer.
    firstAnonymous.abort();
    expect(await anonymousRunning).toBeInstanceOf(Error);
    await expect.poll(gate, { timeout: 20_000 }).toMatchObject({ running: 2, runningAnonymous: 0, waiting: 1 });

    process.kill(influxd.pid!, "SIGCONT");
    const answers = await Promise.all([anonymousWaiting, userRunning, userWaiting]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(system.reads()).toMatchObject({ running: 0, waiting: 0 });
  }, 60_000);
});
