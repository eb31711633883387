// Webhooks must never reach the InfluxDB the server uses (InfluxDB 1.x runs `q` from the URL of a
// POST: http://127.0.0.1:8086/query?q=DROP DATABASE …), nor its RPC port for backup and restore, nor
// the server's own port, in any mode, also with WEBHOOK_ALLOW_LOCAL=true; and without it, never a local address, even when a name resolves
// to one only at delivery time (DNS rebinding). Real influxd (the run's own), a real DNS server the
// test controls, real deliveries.
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { authHeaders } from "../helpers/auth.ts";
import { BINDING_CLARITHROMYCIN_MAC, FAST_ALERTING, api, eventually, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { startDnsServer, type TestDnsServer } from "../helpers/dns-server.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { startOwnInfluxd, uniqueDatabase } from "../helpers/test-system.ts";
import { startWebhookReceiver } from "../helpers/webhook-receiver.ts";

const PUBLIC_ADDRESS = "93.184.215.14";
const STATION = "DE-ELBE-ZEHREN";
const influxUrl = inject("influxUrl");
const influxPort = Number(new URL(influxUrl).port);

let dns: TestDnsServer;
const cleanups: Array<() => Promise<void> | void> = [];
beforeAll(async () => {
  dns = await startDnsServer();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await dns?.close();
});

async function system(env: Record<string, string>): Promise<AlertTestSystem> {
  const s = await startAlertSystem(env, undefined, { ...FAST_ALERTING, webhookResolver: dns.resolve }, undefined, BINDING_CLARITHROMYCIN_MAC);
  cleanups.push(() => s.stop());
  return s;
}

async function receiver() {
  const r = await startWebhookReceiver();
  cleanups.push(() => r.close());
  return r;
}

async function influxQuery(q: string): Promise<string> {
  return (await fetch(`${influxUrl}/query?q=${encodeURIComponent(q)}`, { method: "POST" })).text();
}

const subscribe = async (s: AlertTestSystem, webhookUrl: string) =>
  api(s, "POST", "/api/v1/subscriptions", await authHeaders(s, "researcher"), { channel: "webhook", webhookUrl, stations: [STATION], severities: ["critical"] });

/**
 * A clarithromycin reading above its MAC-EQS: a critical alert on a catalog where that MAC-EQS binds
 * (BINDING_CLARITHROMYCIN_MAC), so one webhook delivery per subscription.
 */
async function fireAlert(s: AlertTestSystem): Promise<void> {
  const token = (await s.stationTokens.create("t", ["*"])).token;
  const res = await postReadings(s.url, token, { readings: [{ station: STATION, parameter: "clarithromycin", time: Date.now() - 60_000, value: 160 }] });
  expect(res.status).toBe(202);
}

const deliveries = (s: AlertTestSystem) => s.meta.db.selectFrom("notification_deliveries").select(["ok", "status", "error"]).orderBy("id").execute();

/** The delivery log once it holds two attempts (a first one and a retry), for checking why they failed. */
const refusedAttempts = (s: AlertTestSystem) =>
  eventually(async () => {
    const rows = await deliveries(s);
    return rows.length >= 2 ? rows : undefined;
  }, "refused delivery attempts");

describe("webhooks to InfluxDB and to the server itself, with WEBHOOK_ALLOW_LOCAL=true", () => {
  it.each([
    ["InfluxDB by address", () => `http://127.0.0.1:${influxPort}/query?q=DROP%20DATABASE%20x`, /InfluxDB Water Monitor stores its data in/],
    ["InfluxDB as localhost", () => `http://localhost:${influxPort}/query?q=DROP%20DATABASE%20x`, /InfluxDB Water Monitor stores its data in/],
    ["InfluxDB by a name resolving to it", () => `http://influx-alias.example.test:${influxPort}/query?q=DROP%20DATABASE%20x`, /InfluxDB Water Monitor stores its data in/],
    ["InfluxDB by another loopback address", () => `http://127.0.0.2:${influxPort}/write?db=x`, /InfluxDB Water Monitor stores its data in/],
    ["the server's own port by a name", (s: AlertTestSystem) => `http://own.example.test:${s.port}/api/v1/alerts`, /this server's own port/],
    // An external InfluxDB's RPC port is not known: InfluxDB 1.x's default ([rpc] bind-address) is refused.
    ["InfluxDB's default RPC port", () => "http://127.0.0.1:8088/", /InfluxDB Water Monitor stores its data in/],
  ])("refuses %s when the subscription is made, and stores nothing", async (_name, url, message) => {
    dns.set("influx-alias.example.test", "127.0.0.1");
    dns.set("own.example.test", "127.0.0.1");
    const s = await system({ WEBHOOK_ALLOW_LOCAL: "true" });
    const res = await subscribe(s, url(s));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error.message).toMatch(/whatever WEBHOOK_ALLOW_LOCAL says/);
    expect(await s.alerting.subscriptions.list()).toHaveLength(0);
  });

  it("refuses at delivery a name that pointed elsewhere when subscribed and at InfluxDB now, and InfluxDB keeps its data", async () => {
    const canary = uniqueDatabase();
    await influxQuery(`CREATE DATABASE "${canary}"`);
    cleanups.push(async () => void (await influxQuery(`DROP DATABASE "${canary}"`)));
    dns.set("hooks.example.test", PUBLIC_ADDRESS);
    const s = await system({ WEBHOOK_ALLOW_LOCAL: "true" });
    const created = await subscribe(s, `http://hooks.example.test:${influxPort}/query?q=${encodeURIComponent(`DROP DATABASE "${canary}"`)}`);
    expect(created.status).toBe(201);

    dns.set("hooks.example.test", "127.0.0.1");
    await fireAlert(s);
    const log = await refusedAttempts(s);
    expect(log.every((d) => d.ok === 0 && d.status === null && /InfluxDB Water Monitor stores its data in/.test(d.error ?? ""))).toBe(true);
    expect(dns.queries()).toContain("hooks.example.test");
    expect(await influxQuery("SHOW DATABASES")).toContain(canary);
  });

  it("still delivers to a local receiver on another port (the guard is not a blanket refusal)", async () => {
    const hook = await receiver();
    dns.set("receiver.example.test", "127.0.0.1");
    const s = await system({ WEBHOOK_ALLOW_LOCAL: "true" });
    expect((await subscribe(s, `http://receiver.example.test:${hook.port}/hook`)).status).toBe(201);
    await fireAlert(s);
    await eventually(() => hook.hits() >= 1, "the delivery");
  });
});

describe("webhooks to a managed influxd's RPC (backup/restore) port, with WEBHOOK_ALLOW_LOCAL=true", () => {
  const listening = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });

  it("refuses it by address and by a name resolving to it, when subscribing and when delivering", async () => {
    const influxd = await startOwnInfluxd();
    cleanups.push(() => influxd.stop());
    expect(await listening(influxd.rpcPort)).toBe(true);
    dns.set("rpc-alias.example.test", "127.0.0.1");
    dns.set("rpc-later.example.test", PUBLIC_ADDRESS);
    const s = await startAlertSystem({ WEBHOOK_ALLOW_LOCAL: "true" }, undefined, { ...FAST_ALERTING, webhookResolver: dns.resolve }, undefined, BINDING_CLARITHROMYCIN_MAC, influxd);
    cleanups.push(() => s.stop());
    for (const url of [`http://127.0.0.1:${influxd.rpcPort}/`, `http://localhost:${influxd.rpcPort}/`, `http://rpc-alias.example.test:${influxd.rpcPort}/`]) {
      const res = await subscribe(s, url);
      expect([url, res.status]).toEqual([url, 400]);
      expect(res.body.error.message).toMatch(/InfluxDB Water Monitor stores its data in.*whatever WEBHOOK_ALLOW_LOCAL says/);
    }
    expect(await s.alerting.subscriptions.list()).toHaveLength(0);

    // A name that pointed elsewhere when subscribed and at the RPC port when delivering.
    expect((await subscribe(s, `http://rpc-later.example.test:${influxd.rpcPort}/`)).status).toBe(201);
    dns.set("rpc-later.example.test", "127.0.0.1");
    await fireAlert(s);
    const log = await refusedAttempts(s);
    expect(log.every((d) => d.ok === 0 && /InfluxDB Water Monitor stores its data in/.test(d.error ?? ""))).toBe(true);
  });
});

describe("DNS rebinding without WEBHOOK_ALLOW_LOCAL", () => {
  it("refuses the delivery when the name resolves to 127.0.0.1 at delivery time, and says why", async () => {
    const hook = await receiver();
    dns.set("rebind.example.test", PUBLIC_ADDRESS);
    const s = await system({ WEBHOOK_ALLOW_LOCAL: "false", INFLUX_DATABASE: uniqueDatabase() });
    expect((await subscribe(s, `http://rebind.example.test:${hook.port}/hook`)).status).toBe(201);

    dns.set("rebind.example.test", "127.0.0.1");
    await fireAlert(s);
    const log = await refusedAttempts(s);
    expect(log.every((d) => d.ok === 0 && /rebind\.example\.test resolves to a local-network address \(127\.0\.0\.1\)/.test(d.error ?? ""))).toBe(true);
    expect(hook.hits()).toBe(0);
  });

  it("refuses at subscription time a name that resolves to a local address already", async () => {
    dns.set("intranet.example.test", "10.1.2.3");
    const s = await system({ WEBHOOK_ALLOW_LOCAL: "false" });
    const res = await subscribe(s, "http://intranet.example.test/hook");
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/intranet\.example\.test resolves to a local-network address \(10\.1\.2\.3\).*WEBHOOK_ALLOW_LOCAL=true/);
  });
});
