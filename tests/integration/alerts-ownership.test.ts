// Subscriptions, alert rules and the in-app inbox belong to a user (by id), not to a name: a deleted
// user's go with them and a new user of the same name starts with nothing; a disabled user, or one
// demoted below researcher, gets nothing while so (their webhooks, mails, inbox and rules are
// paused) and everything again once re-enabled; the per-user caps hold under parallel requests.
// Real server, real HTTP, real webhook receivers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { authHeaders } from "../helpers/auth.ts";
import { BINDING_CLARITHROMYCIN_MAC, FAST_ALERTING, api, eventually, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

let system: AlertTestSystem;
let admin: Record<string, string>;
let stationToken: string;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  system = await startAlertSystem({ MAX_SUBSCRIPTIONS_PER_USER: "3", MAX_ALERT_RULES_PER_USER: "2" }, undefined, FAST_ALERTING, undefined, BINDING_CLARITHROMYCIN_MAC);
  admin = await authHeaders(system, "admin");
  stationToken = (await system.stationTokens.create("t", ["*"])).token;
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await system?.stop();
});

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver();
  cleanups.push(() => r.close());
  return r;
}

let userCount = 0;
/** A user created through the admin API, with a logged-in session's headers. */
async function newUser(username = `owner-${Date.now().toString(36)}-${userCount++}`, role = "researcher") {
  const password = `pw-${username}-long-enough`;
  const created = await api(system, "POST", "/api/v1/admin/users", admin, { username, password, role });
  expect(created.status).toBe(201);
  return { id: created.body.id as number, username, headers: await logIn(username, password) };
}

async function logIn(username: string, password: string): Promise<Record<string, string>> {
  const res = await fetch(`${system.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
  expect(res.status).toBe(200);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, "x-csrf-token": csrfToken };
}

const webhookTo = (url: string, station: string) => ({ channel: "webhook", webhookUrl: url, stations: [station], severities: ["critical"] });

let stationIndex = 0;
const STATIONS = ["DE-ELBE-ZEHREN", "DE-ELBE-SCHMILKA", "DE-ELBE-DOMMITZSCH", "DE-ZSCHOPAU-WALDHEIM", "DE-MULDE-BADDUEBEN", "CN-JIALING-BEIBEI", "CN-YANGTZE-CHAOTIANMEN", "CN-YANGTZE-CUNTAN"];
/** A station no earlier test raised an alert at (each alert is a new event for its subscribers). */
const freshStation = () => STATIONS[stationIndex++ % STATIONS.length]!;

/** Clarithromycin above its MAC-EQS (binding in this catalog): one critical alert at `station`. */
async function fireAlert(station: string): Promise<void> {
  const res = await postReadings(system.url, stationToken, { readings: [{ station, parameter: "clarithromycin", time: Date.now() - 60_000, value: 160 }] });
  expect(res.status).toBe(202);
}

/**
 * Fires an alert at `station` and waits until a control subscriber (another researcher) has it: by
 * then every subscriber of that event has had its notice queued and delivered.
 */
async function fireAndSettle(station: string): Promise<void> {
  const control = await receiver();
  const other = await newUser();
  expect((await api(system, "POST", "/api/v1/subscriptions", other.headers, webhookTo(control.url, station))).status).toBe(201);
  await fireAlert(station);
  await eventually(() => control.hits() >= 1, "the control subscriber's notice");
  // Deliveries of one pass run side by side: give the others a moment to land too.
  await system.alerting.outbox.kick();
}

describe("ownership by user id", () => {
  it("a deleted user's subscriptions, rules and inbox go with them: a new user of the same name sees none and receives nothing", async () => {
    const hook = await receiver();
    const station = freshStation();
    const ana = await newUser();
    expect((await api(system, "POST", "/api/v1/subscriptions", ana.headers, webhookTo(hook.url, station))).status).toBe(201);
    expect((await api(system, "POST", "/api/v1/subscriptions", ana.headers, { channel: "in-app", stations: [station] })).status).toBe(201);
    const rule = await api(system, "POST", "/api/v1/alert-rules", ana.headers, { name: "ana's pH", kind: "max", parameter: "ph", threshold: 9 });
    expect(rule.status).toBe(201);

    expect((await api(system, "DELETE", `/api/v1/admin/users/${ana.id}`, admin)).status).toBe(204);
    const again = await newUser(ana.username);
    expect(again.id).not.toBe(ana.id);
    expect((await api(system, "GET", "/api/v1/subscriptions", again.headers)).body.subscriptions).toEqual([]);
    expect((await api(system, "GET", "/api/v1/alert-rules", again.headers)).body.rules.map((r: { id: number }) => r.id)).not.toContain(rule.body.id);
    expect((await api(system, "PATCH", `/api/v1/alert-rules/${rule.body.id}`, again.headers, { threshold: 10 })).status).toBe(404);
    expect(await system.alerting.subscriptions.list()).not.toContainEqual(expect.objectContaining({ webhookUrl: hook.url }));

    await fireAndSettle(station);
    expect(hook.hits()).toBe(0);
    expect((await api(system, "GET", "/api/v1/notifications", again.headers)).body.notifications).toEqual([]);
  });

  it("a disabled user's webhook receives nothing while disabled, and alerts again once re-enabled", async () => {
    const hook = await receiver();
    const [first, second] = [freshStation(), freshStation()];
    const ben = await newUser();
    for (const station of [first, second]) {
      expect((await api(system, "POST", "/api/v1/subscriptions", ben.headers, webhookTo(hook.url, station))).status).toBe(201);
    }
    expect((await api(system, "PATCH", `/api/v1/admin/users/${ben.id}`, admin, { disabled: true })).status).toBe(200);
    await fireAndSettle(first);
    expect(hook.hits()).toBe(0);

    expect((await api(system, "PATCH", `/api/v1/admin/users/${ben.id}`, admin, { disabled: false })).status).toBe(200);
    await fireAndSettle(second);
    await eventually(() => hook.hits() >= 1, "the re-enabled user's notice");
    expect(hook.received).toMatchObject([{ event: { station: second } }]);
  });

  it("a researcher demoted to viewer has their webhooks and rules paused, and back when promoted again", async () => {
    const hook = await receiver();
    const [first, second] = [freshStation(), freshStation()];
    const cleo = await newUser();
    for (const station of [first, second]) {
      expect((await api(system, "POST", "/api/v1/subscriptions", cleo.headers, webhookTo(hook.url, station))).status).toBe(201);
    }
    const rule = await api(system, "POST", "/api/v1/alert-rules", cleo.headers, { name: "cleo's pH", kind: "max", parameter: "ph", threshold: 9 });
    expect(rule.status).toBe(201);

    expect((await api(system, "PATCH", `/api/v1/admin/users/${cleo.id}`, admin, { role: "viewer" })).status).toBe(200);
    const rules = async () => (await api(system, "GET", "/api/v1/alert-rules", admin)).body.rules as Array<{ id: number; paused: boolean; enabled: boolean }>;
    expect((await rules()).find((r) => r.id === rule.body.id)).toMatchObject({ enabled: true, paused: true });
    await fireAndSettle(first);
    expect(hook.hits()).toBe(0);

    expect((await api(system, "PATCH", `/api/v1/admin/users/${cleo.id}`, admin, { role: "researcher" })).status).toBe(200);
    expect((await rules()).find((r) => r.id === rule.body.id)).toMatchObject({ enabled: true, paused: false });
    await fireAndSettle(second);
    await eventually(() => hook.hits() >= 1, "the promoted user's notice");
    expect(hook.received).toMatchObject([{ event: { station: second } }]);
  });
});

describe("per-user caps under parallel requests", () => {
  it("10 parallel subscriptions of one user store exactly the cap (3); the rest are refused with 409", async () => {
    const dana = await newUser();
    const answers = await Promise.all(Array.from({ length: 10 }, () => api(system, "POST", "/api/v1/subscriptions", dana.headers, { channel: "in-app" })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 409, 409, 409, 409, 409, 409, 409]);
    expect(answers.find((a) => a.status === 409)!.body.error.message).toMatch(/You have 3 subscriptions, the most one user may have \(3\)/);
    expect((await api(system, "GET", "/api/v1/subscriptions", dana.headers)).body.subscriptions).toHaveLength(3);
  });

  it("10 parallel alert rules of one user store exactly the cap (2)", async () => {
    const emil = await newUser();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api(system, "POST", "/api/v1/alert-rules", emil.headers, { name: `rule ${i}`, kind: "max", parameter: "ph", threshold: 9 })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(8);
    const own = (await api(system, "GET", "/api/v1/alert-rules", emil.headers)).body.rules.filter((r: { createdById: number }) => r.createdById === emil.id);
    expect(own).toHaveLength(2);
  });
});
