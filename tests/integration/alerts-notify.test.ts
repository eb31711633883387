// Notifications end to end: signed webhooks (exactly one firing and one resolved, retries through the
// outbox, no duplicate after a restart, no local-network targets unless allowed), and email with
// double opt-in and one-click unsubscribe.
import { afterEach, describe, expect, it } from "vitest";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { api, BINDING_CLARITHROMYCIN_MAC, eventually, FAST_ALERTING, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { startSmtpServer, unfold, type TestSmtpServer } from "../helpers/smtp-server.ts";
import { startWebhookReceiver, validSignature, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function webhookReceiver(failures = 0): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver({ failures });
  cleanups.push(() => receiver.close());
  return receiver;
}

/** A server where the clarithromycin MAC-EQS binds, so its alerts are critical (see BINDING_CLARITHROMYCIN_MAC). */
async function startCritical(env: Record<string, string> = {}, reuse?: { dataDir: string; database: string }): Promise<AlertTestSystem> {
  return startAlertSystem(env, reuse, FAST_ALERTING, undefined, BINDING_CLARITHROMYCIN_MAC);
}

async function system(env: Record<string, string> = {}): Promise<AlertTestSystem> {
  const s = await startCritical(env);
  cleanups.push(() => s.stop());
  return s;
}

const STATION = "DE-ELBE-ZEHREN";
const reading = (time: number, value: number) => ({ station: STATION, parameter: "clarithromycin", time, value });

async function subscribeWebhook(s: AlertTestSystem, url: string): Promise<string> {
  const researcher = await authHeaders(s, "researcher");
  // Critical only: binding MAC-EQS exceedances (AA rules also see the short series' mean, as information).
  const res = await api(s, "POST", "/api/v1/subscriptions", researcher, { channel: "webhook", webhookUrl: url, stations: [STATION], severities: ["critical"] });
  expect(res.status).toBe(201);
  return res.body.secret as string;
}

describe("webhooks", () => {
  it("deliver exactly one firing and one resolved message, each with a valid signature", async () => {
    const s = await system();
    const hook = await webhookReceiver();
    const secret = await subscribeWebhook(s, hook.url);
    const token = (await s.stationTokens.create("t", ["*"])).token;
    const t = Date.now() - 3_600_000;
    await postReadings(s.url, token, { readings: [reading(t, 40), reading(t + 600_000, 160), reading(t + 1_200_000, 170)] });
    await postReadings(s.url, token, { readings: [reading(t + 1_800_000, 180)] });
    await eventually(() => hook.deliveries.length >= 1, "the firing message");
    await postReadings(s.url, token, { readings: [reading(t + 2_400_000, 30), reading(t + 3_000_000, 25)] });
    await eventually(() => hook.deliveries.length >= 2, "the resolved message");
    await new Promise((r) => setTimeout(r, 300)); // nothing else may follow
    expect(hook.deliveries.map((r) => `${r.json.type}:${r.json.event.kind}:${r.json.event.station}`)).toEqual([
      `alert.firing:mac:${STATION}`,
      `alert.resolved:mac:${STATION}`,
    ]);
    expect(hook.deliveries.every((r) => validSignature(secret, r))).toBe(true);
    expect(hook.deliveries[0]!.json.event.value).toBe(160);
    expect(hook.deliveries[1]!.json.event.id).toBe(hook.deliveries[0]!.json.event.id);
  });

  it("go out at once even when the station's clock runs a few minutes ahead", async () => {
    const s = await system();
    const hook = await webhookReceiver();
    await subscribeWebhook(s, hook.url);
    const token = (await s.stationTokens.create("t", ["*"])).token;
    // Four minutes ahead is within the clock-skew allowance: the reading passes QC and counts.
    const ahead = Date.now() + 4 * 60_000;
    await postReadings(s.url, token, { readings: [reading(ahead - 600_000, 40), reading(ahead, 160)] });
    await eventually(() => hook.deliveries.length >= 1, "the firing message");
    expect(hook.deliveries[0]!.json.event.value).toBe(160);
  });

  it("are retried with backoff when the receiver fails: three 500s, then the message arrives", async () => {
    const s = await system();
    const hook = await webhookReceiver(3);
    const secret = await subscribeWebhook(s, hook.url);
    const token = (await s.stationTokens.create("t", ["*"])).token;
    await postReadings(s.url, token, { readings: [reading(Date.now() - 60_000, 160)] });
    await eventually(() => hook.deliveries.length === 1, "the message after retries").catch(async (err: Error) => {
      const outbox = await s.meta.db.selectFrom("notification_outbox").select(["id", "status", "attempts", "next_attempt_at", "last_error"]).execute();
      throw new Error(`${err.message}: ${hook.attempts()} attempts, outbox ${JSON.stringify(outbox)}, now ${Date.now()}`);
    });
    expect(hook.attempts()).toBe(4);
    expect(validSignature(secret, hook.deliveries[0]!)).toBe(true);
    // The receiver sees the message before the server has logged the 204: wait for the log row.
    const deliveries = () => s.meta.db.selectFrom("notification_deliveries").select(["ok", "status"]).orderBy("id").execute();
    await eventually(async () => (await deliveries()).length === 4, "the successful delivery in the log");
    const log = await deliveries();
    expect(log).toEqual([{ ok: 0, status: 500 }, { ok: 0, status: 500 }, { ok: 0, status: 500 }, { ok: 1, status: 204 }]);
  });

  it("a restart between firing and resolved neither repeats the firing message nor loses the resolved one", async () => {
    const hook = await webhookReceiver();
    const first = await startCritical();
    cleanups.push(() => first.stop());
    await subscribeWebhook(first, hook.url);
    const token = (await first.stationTokens.create("t", ["*"])).token;
    const t = Date.now() - 3_600_000;
    await postReadings(first.url, token, { readings: [reading(t, 150)] });
    await eventually(() => hook.deliveries.length === 1, "the firing message");
    await first.close(2_000);

    const second = await startCritical({}, { dataDir: first.dataDir, database: first.config.influx.database });
    cleanups.push(() => second.close(2_000));
    // Still above the standard after the restart: the alert is already firing, no new message.
    await postReadings(second.url, token, { readings: [reading(t + 600_000, 170)] });
    await new Promise((r) => setTimeout(r, 300));
    expect(hook.deliveries).toHaveLength(1);
    await postReadings(second.url, token, { readings: [reading(t + 1_200_000, 20)] });
    await eventually(() => hook.deliveries.length === 2, "the resolved message");
    await new Promise((r) => setTimeout(r, 200));
    expect(hook.deliveries.map((r) => r.json.type)).toEqual(["alert.firing", "alert.resolved"]);
    expect(hook.deliveries[1]!.json.event.id).toBe(hook.deliveries[0]!.json.event.id);
  });

  it.each([
    ["InfluxDB on this machine", "http://127.0.0.1:8086/query?q=DROP%20DATABASE%20water_monitor"],
    ["a cloud metadata service", "http://169.254.169.254/latest/meta-data/"],
    ["a private network", "http://10.1.2.3/hook"],
    ["localhost by name", "http://localhost:9000/hook"],
  ])("by default refuses a webhook to %s, saying how an operator allows it", async (_name, url) => {
    const s = await system({ WEBHOOK_ALLOW_LOCAL: "false" });
    const res = await api(s, "POST", "/api/v1/subscriptions", await authHeaders(s, "researcher"), { channel: "webhook", webhookUrl: url });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/local-network address .*WEBHOOK_ALLOW_LOCAL=true/);
  });

  it("does not deliver to a local address once local targets are no longer allowed, and logs why", async () => {
    const hook = await webhookReceiver();
    const first = await startCritical();
    cleanups.push(() => first.stop());
    await subscribeWebhook(first, hook.url);
    await first.close(2_000);

    // The operator turns local targets off: the existing subscription must not reach 127.0.0.1.
    const second = await startCritical({ WEBHOOK_ALLOW_LOCAL: "false" }, { dataDir: first.dataDir, database: first.config.influx.database });
    cleanups.push(() => second.close(2_000));
    const token = (await second.stationTokens.create("t", ["*"])).token;
    await postReadings(second.url, token, { readings: [reading(Date.now() - 60_000, 160)] });
    const deliveries = () => second.meta.db.selectFrom("notification_deliveries").select(["ok", "status", "error"]).execute();
    const log = await eventually(async () => {
      const rows = await deliveries();
      return rows.length >= 2 ? rows : undefined;
    }, "refused delivery attempts");
    expect(log.every((d) => d.ok === 0 && d.status === null && /local-network address \(127\.0\.0\.1\)/.test(d.error ?? ""))).toBe(true);
    expect(hook.attempts()).toBe(0);
  });

  const badHooks: Array<[string, (s: AlertTestSystem) => string, RegExp]> = [
    ["an ftp URL", () => "ftp://example.org/hook", /http\(s\) URL/],
    ["not a URL", () => "hook me", /is not a URL/],
    ["the server itself", (s) => `http://127.0.0.1:${s.port}/api/v1/alerts`, /points at this server itself/],
    ["the server itself by name", (s) => `http://localhost:${s.port}/x`, /points at this server itself/],
  ];
  it.each(badHooks)("refuses a webhook URL that is %s", async (_name, url, message) => {
    const s = await system();
    const res = await api(s, "POST", "/api/v1/subscriptions", await authHeaders(s, "researcher"), { channel: "webhook", webhookUrl: url(s) });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });
});

async function smtpServer(): Promise<TestSmtpServer> {
  const server = await startSmtpServer();
  cleanups.push(() => server.close());
  return server;
}


describe("email", () => {
  it("double opt-in, then the alert, then one-click unsubscribe stops further mails", async () => {
    const smtp = await smtpServer();
    const s = await system({ SMTP_URL: smtp.url, MAIL_FROM: "Water Monitor <alerts@example.org>" });
    const researcher = await authHeaders(s, "researcher");
    const created = await api(s, "POST", "/api/v1/subscriptions", researcher, { channel: "email", email: "ana@example.org", stations: [STATION], severities: ["critical"] });
    expect(created.status).toBe(201);
    expect(created.body.subscription).toMatchObject({ confirmed: false, channel: "email" });
    expect(created.body.secret).toBeUndefined();

    const token = (await s.stationTokens.create("t", ["*"])).token;
    const t = Date.now() - 3_600_000;
    // Before confirmation nothing but the confirmation mail is sent.
    await postReadings(s.url, token, { readings: [reading(t, 170)] });
    const confirmation = await eventually(() => smtp.mails[0], "the confirmation mail");
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.mails).toHaveLength(1);
    expect(confirmation.to).toBe("ana@example.org");
    const confirmLink = unfold(confirmation.raw).match(/http:\/\/\S+\/api\/v1\/subscriptions\/confirm\?token=[\w%-]+/)![0];
    // A mail scanner or link preview opens the link: that shows a page with a button, and confirms nothing.
    for (let i = 0; i < 2; i++) {
      const scanned = await fetch(confirmLink);
      expect(scanned.status).toBe(200);
      expect(await scanned.text()).toMatch(/<form method="post"><button type="submit">Confirm<\/button><\/form>/);
    }
    const listed = await api(s, "GET", "/api/v1/subscriptions", researcher);
    expect(listed.body.subscriptions.find((x: { id: number }) => x.id === created.body.subscription.id)).toMatchObject({ confirmed: false });
    // The button POSTs to the same URL.
    expect((await fetch(confirmLink, { method: "POST", headers: { accept: "application/json" } })).status).toBe(200);
    expect((await fetch(confirmLink, { method: "POST" })).status).toBe(404); // one-time token
    expect((await fetch(confirmLink)).status).toBe(404);

    await postReadings(s.url, token, { readings: [reading(t + 600_000, 20)] }); // resolve the unconfirmed-time alert
    await postReadings(s.url, token, { readings: [reading(t + 1_200_000, 175)] });
    const alertMail = await eventually(() => smtp.mails.find((m) => /ACTIVE/.test(unfold(m.raw))), "the alert mail");
    const raw = unfold(alertMail.raw);
    expect(raw).toMatch(/Subject: .*ACTIVE/);
    expect(raw).toMatch(/MAC-EQS EU-EQS-2022/);
    expect(raw).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    const unsubscribe = raw.match(/List-Unsubscribe: *<([^>]+)>/)?.[1];
    if (!unsubscribe) throw new Error(`no List-Unsubscribe header in:\n${raw.slice(0, 1500)}`);

    // What a mail client does for one-click unsubscribe (RFC 8058).
    const res = await fetch(unsubscribe, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(res.status).toBe(200);
    const before = smtp.mails.length;
    await postReadings(s.url, token, { readings: [reading(t + 1_800_000, 20), reading(t + 2_400_000, 180)] });
    await new Promise((r) => setTimeout(r, 400));
    expect(smtp.mails).toHaveLength(before);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["an invalid address", { channel: "email", email: "not-an-address" }, /valid email address/],
    ["no address", { channel: "email" }, /needs email/],
    ["an unknown station", { channel: "email", email: "a@example.org", stations: ["DE-RHEIN-KOELN"] }, /unknown station/],
    ["an unknown time zone", { channel: "email", email: "a@example.org", timezone: "Mars/Olympus" }, /unknown time zone/],
  ])("refuses a subscription with %s", async (_name, body, message) => {
    const smtp = await smtpServer();
    const s = await system({ SMTP_URL: smtp.url });
    const res = await api(s, "POST", "/api/v1/subscriptions", await authHeaders(s, "researcher"), body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it("refuses forged confirmation and unsubscribe tokens", async () => {
    const s = await system();
    for (const path of ["/api/v1/subscriptions/confirm?token=forged-token-123456", "/api/v1/subscriptions/unsubscribe?token=1.forgedforgedforged"]) {
      const res = await fetch(`${s.url}${path}`, { method: path.includes("unsubscribe") ? "POST" : "GET" });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/unknown/);
    }
    expect((await fetch(`${s.url}/api/v1/subscriptions/confirm`)).status).toBe(400);
  });
});
