// Alerting with two instances on one PostgreSQL and one Redis (issue #21): readings posted
// alternately to both reach the leader's alert engine once; a breach of three diclofenac AA-EQS
// raises one alert, one webhook message and one e-mail, whichever instance took the readings; an
// acknowledgement made on one instance reaches a live client of the other.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect } from "socket.io-client";
import type { AlertInfo } from "../../common/alerts.ts";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { api, diclofenacHistory, eventually, FAST_ALERTING, startAlertSystem, THREE_DICLOFENAC_STANDARDS, type AlertTestSystem } from "../helpers/alert-system.ts";
import type { LiveClient } from "../helpers/live-client.ts";
import { TestRedisServer } from "../helpers/redis-server.ts";
import { startSmtpServer, unfold, type TestSmtpServer } from "../helpers/smtp-server.ts";
import { createTestDatabase } from "../helpers/test-meta.ts";
import { uniqueDatabase } from "../helpers/test-system.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const STATION = "DE-ELBE-DOMMITZSCH";

let redis: TestRedisServer;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let smtp: TestSmtpServer;
let hook: WebhookReceiver;
let a: AlertTestSystem;
let b: AlertTestSystem;
let token: string;
let socket: LiveClient | undefined;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  database = await createTestDatabase();
  smtp = await startSmtpServer();
  hook = await startWebhookReceiver();
  const shared = { REDIS_URL: redis.url, DATABASE_URL: database.url, INFLUX_DATABASE: uniqueDatabase(), SMTP_URL: smtp.url, MAIL_FROM: "Water Monitor <alerts@example.org>" };
  // One after the other: the first makes the schema and the catalog, the second finds them.
  a = await startAlertSystem(shared, undefined, FAST_ALERTING, undefined, THREE_DICLOFENAC_STANDARDS);
  b = await startAlertSystem(shared, undefined, FAST_ALERTING, undefined, THREE_DICLOFENAC_STANDARDS);
  token = (await a.stationTokens.create("cluster alerts", ["*"])).token;
  const researcher = await authHeaders(a, "researcher");
  expect((await api(a, "POST", "/api/v1/subscriptions", researcher, { channel: "webhook", webhookUrl: hook.url, stations: [STATION] })).status).toBe(201);
  // An e-mail subscription made on B, confirmed as its owner would (double opt-in).
  const created = await api(b, "POST", "/api/v1/subscriptions", await authHeaders(b, "researcher"), { channel: "email", email: "ana@example.org", stations: [STATION] });
  expect(created.status).toBe(201);
  const mail = await eventually(() => smtp.mails.find((m) => /confirm\?token=/.test(unfold(m.raw))), "the confirmation mail");
  const link = unfold(mail.raw).match(/http:\/\/\S+\/api\/v1\/subscriptions\/confirm\?token=[\w%-]+/)![0];
  expect((await fetch(link, { method: "POST", headers: { accept: "application/json" } })).status).toBe(200);
}, 90_000);

afterAll(async () => {
  socket?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await hook?.close();
  await smtp?.close();
  await redis?.stop();
  await database?.drop();
}, 30_000);

async function aaAlerts(system: AlertTestSystem): Promise<AlertInfo[]> {
  const res = await api(system, "GET", `/api/v1/alerts?station=${STATION}`, await authHeaders(system, "viewer"));
  expect(res.status).toBe(200);
  return (res.body.alerts as AlertInfo[]).filter((alert) => alert.kind === "aa");
}

describe("alerting across two instances", () => {
  it("one leader; a breach posted to both instances gives one alert, one webhook message and one e-mail", async () => {
    const roles = [a.leadership.role(), b.leadership.role()].sort();
    expect(roles).toEqual(["leader", "standby"]);
    const [leader, standby] = a.leadership.role() === "leader" ? [a, b] : [b, a];
    // 30 days at ~60 ng/L (history: fills the mean, starts nothing), posted alternately to both.
    const history = diclofenacHistory(STATION);
    const chunk = Math.ceil(history.length / 4);
    for (let i = 0; i < 4; i++) {
      const res = await postReadings((i % 2 === 0 ? a : b).url, token, { readings: history.slice(i * chunk, (i + 1) * chunk) });
      expect(res.status).toBe(202);
    }
    await Promise.all([a.writer.drained(), b.writer.drained()]);
    // The standby judges nothing; the leader has every reading (through the Redis stream).
    await eventually(async () => {
      await leader.alerting.engine.idle();
      return (await aaAlerts(leader)).length === 0 ? true : null;
    }, "the history judged");
    // The live reading goes to the standby: the leader must hear of it to raise the alert.
    expect((await postReadings(standby.url, token, { readings: [{ station: STATION, parameter: "diclofenac", time: Date.now(), value: 60 }] })).status).toBe(202);
    const fired = await eventually(async () => {
      const list = await aaAlerts(standby);
      return list.length > 0 ? list : null;
    }, "the alert");
    await eventually(() => hook.deliveries.length > 0 && smtp.mails.some((m) => unfold(m.raw).includes(`(${STATION})`)), "the webhook message and the e-mail");
    // Time for a second instance's duplicate to arrive, if there were one.
    await new Promise((r) => setTimeout(r, 1_500));

    expect(fired).toHaveLength(1);
    expect(await aaAlerts(leader)).toHaveLength(1);
    expect(fired[0]!.breaches.map((breach) => breach.standard?.source)).toEqual(["CH-GSchV", "EU-EQS-2022", "DE-UBA-proposal"]);
    expect(hook.deliveries.filter((d) => d.json.type === "alert.firing")).toHaveLength(1);
    expect(smtp.mails.map((m) => unfold(m.raw)).filter((raw) => raw.includes(`(${STATION})`))).toHaveLength(1);
  });

  it("an acknowledgement made on A reaches a live client connected to B", async () => {
    const [alert] = await aaAlerts(a);
    expect(alert).toBeDefined();
    socket = connect(b.url, { transports: ["websocket"], forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket!.once("connect", () => resolve());
      socket!.once("connect_error", reject);
    });
    const heard = new Promise<{ id: number }>((resolve) => socket!.once("alertUpdated", resolve));
    const ack = await api(a, "POST", `/api/v1/alerts/${alert!.id}/ack`, await authHeaders(a, "researcher"), { comment: "Sampling crew informed" });
    expect(ack.status).toBe(200);
    expect(await heard).toEqual({ id: alert!.id });
    expect((await aaAlerts(b))[0]!.ack).toMatchObject({ comment: "Sampling crew informed" });
  });
});
