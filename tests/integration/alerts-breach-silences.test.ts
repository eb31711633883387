// One alert per breach and silences end to end (issue #19), through ingest into a real server and
// InfluxDB, with a real webhook receiver and SMTP server: a diclofenac mean above three AA-EQS gives
// one alert, one webhook message and one e-mail listing all three; a silenced station sends nothing
// and its alert shows as silenced; when the silence ends and the breach is still there, it notifies
// once. Bad silences are refused with a clear message, and silences are audited.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertInfo } from "../../common/alerts.ts";
import type { Silence } from "../../common/silences.ts";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { api, diclofenacHistory, eventually, FAST_ALERTING, startAlertSystem, THREE_DICLOFENAC_STANDARDS, type AlertTestSystem } from "../helpers/alert-system.ts";
import { startSmtpServer, unfold, type TestSmtpServer } from "../helpers/smtp-server.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const DOMMITZSCH = "DE-ELBE-DOMMITZSCH";
const ZEHREN = "DE-ELBE-ZEHREN";
const SCHMILKA = "DE-ELBE-SCHMILKA";

let system: AlertTestSystem;
let smtp: TestSmtpServer;
let hook: WebhookReceiver;
let token: string;
let researcher: Record<string, string>;
let viewer: Record<string, string>;

async function alertsAt(station: string): Promise<AlertInfo[]> {
  const res = await api(system, "GET", `/api/v1/alerts?station=${station}`, viewer);
  expect(res.status).toBe(200);
  return res.body.alerts as AlertInfo[];
}

/** An e-mail subscription, confirmed as its owner would (double opt-in). */
async function confirmedEmail(address: string, filter: Record<string, unknown>): Promise<void> {
  const created = await api(system, "POST", "/api/v1/subscriptions", researcher, { channel: "email", email: address, ...filter });
  expect(created.status).toBe(201);
  const mail = await eventually(() => smtp.mails.find((m) => m.to === address && /confirm\?token=/.test(unfold(m.raw))), "the confirmation mail");
  const link = unfold(mail.raw).match(/http:\/\/\S+\/api\/v1\/subscriptions\/confirm\?token=[\w%-]+/)![0];
  expect((await fetch(link, { method: "POST", headers: { accept: "application/json" } })).status).toBe(200);
}

const quiet = (ms = 500) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  smtp = await startSmtpServer();
  hook = await startWebhookReceiver();
  system = await startAlertSystem({ SMTP_URL: smtp.url, MAIL_FROM: "Water Monitor <alerts@example.org>" }, undefined, FAST_ALERTING, undefined, THREE_DICLOFENAC_STANDARDS);
  token = (await system.stationTokens.create("t", ["*"])).token;
  researcher = await authHeaders(system, "researcher");
  viewer = await authHeaders(system, "viewer");
  for (const station of [DOMMITZSCH, ZEHREN, SCHMILKA]) {
    const sub = await api(system, "POST", "/api/v1/subscriptions", researcher, { channel: "webhook", webhookUrl: `${hook.url}?station=${station}`, stations: [station] });
    expect(sub.status).toBe(201);
  }
  await confirmedEmail("ana@example.org", { stations: [DOMMITZSCH, ZEHREN] });
});

afterAll(async () => {
  await system?.stop();
  await hook?.close();
  await smtp?.close();
});

const deliveriesFor = (station: string) => hook.deliveries.filter((d) => d.json.event.station === station);
const alertMailsFor = (station: string) => smtp.mails.map((m) => unfold(m.raw)).filter((raw) => raw.includes(`(${station})`));

describe("one alert per breach", () => {
  it("a diclofenac mean above three AA-EQS: one alert, one webhook message and one e-mail, each listing all three", async () => {
    // 30 days at ~60 ng/L, older than 6 h (history: they fill the mean, start nothing)…
    expect((await postReadings(system.url, token, { readings: diclofenacHistory(DOMMITZSCH) })).status).toBe(202);
    await system.writer.drained();
    await system.alerting.engine.idle();
    expect((await alertsAt(DOMMITZSCH)).filter((a) => a.kind === "aa")).toEqual([]);
    // …then one live reading: the mean (~60) is above 40 and both 50s at once.
    expect((await postReadings(system.url, token, { readings: [{ station: DOMMITZSCH, parameter: "diclofenac", time: Date.now(), value: 60 }] })).status).toBe(202);
    const fired = await eventually(async () => {
      const list = (await alertsAt(DOMMITZSCH)).filter((a) => a.kind === "aa");
      return list.length > 0 ? list : null;
    }, "the early warning");
    await eventually(() => deliveriesFor(DOMMITZSCH).length > 0 && alertMailsFor(DOMMITZSCH).length > 0, "the webhook message and the e-mail");
    await quiet();

    expect(fired).toHaveLength(1);
    const alert = fired[0]!;
    // The binding Swiss value leads and sets the severity (warning); the proposals inform.
    expect(alert.severity).toBe("warning");
    expect(alert.breaches.map((b) => [b.standard?.source, b.standard?.legalStatus, b.threshold])).toEqual([
      ["CH-GSchV", "binding", 50],
      ["EU-EQS-2022", "proposal", 40],
      ["DE-UBA-proposal", "proposal", 50],
    ]);
    expect(alert.message).toMatch(/is above 3 annual standards: AA-EQS \(CH-GSchV\) 50 ng\/L, AA-EQS \(EU-EQS-2022\) 40 ng\/L and AA-EQS \(DE-UBA-proposal\) 50 ng\/L$/);

    const messages = deliveriesFor(DOMMITZSCH);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.json).toMatchObject({ type: "alert.firing", event: { id: alert.id, severity: "warning" } });
    expect(messages[0]!.json.event.breaches.map((b: AlertInfo["breaches"][number]) => b.standard?.source)).toEqual(["CH-GSchV", "EU-EQS-2022", "DE-UBA-proposal"]);

    const mails = alertMailsFor(DOMMITZSCH);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain("Standards breached (3):");
    for (const line of ["AA-EQS CH-GSchV (binding): 50 ng/L", "AA-EQS EU-EQS-2022 (proposal): 40 ng/L", "AA-EQS DE-UBA-proposal (proposal): 50 ng/L"]) expect(mails[0]).toContain(line);
  });
});

describe("silences", () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ["no matcher, without confirmation", { durationMs: 3_600_000, comment: "x" }, /would silence every alert.*confirmMatchAll: true/],
    ["an unknown station", { station: "DE-RHEIN-KOELN", durationMs: 3_600_000, comment: "x" }, /unknown station "DE-RHEIN-KOELN"/],
    ["an unknown parameter", { parameter: "unobtainium", durationMs: 3_600_000, comment: "x" }, /unknown parameter "unobtainium"/],
    ["an unknown rule", { ruleId: 999_999, durationMs: 3_600_000, comment: "x" }, /unknown alert rule 999999/],
    ["an expiry before the start", { station: ZEHREN, startsAt: Date.now() + 7_200_000, endsAt: Date.now() + 3_600_000, comment: "x" }, /must end after it starts/],
    ["more than a year", { station: ZEHREN, durationMs: 400 * 86_400_000, comment: "x" }, /at most 366 days; this one would last 400 days/],
    ["no comment", { station: ZEHREN, durationMs: 3_600_000 }, /comment is required/],
    ["no end", { station: ZEHREN, comment: "x" }, /give when the silence ends/],
  ])("refuses a silence with %s (400, saying what to do)", async (_name, body, message) => {
    const res = await api(system, "POST", "/api/v1/silences", researcher, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toMatch(message);
  });

  it("may be made by researchers and up, not viewers; a confirmed match-all silence is accepted", async () => {
    expect((await api(system, "POST", "/api/v1/silences", viewer, { station: ZEHREN, durationMs: 60_000, comment: "x" })).status).toBe(403);
    const all = await api(system, "POST", "/api/v1/silences", researcher, { confirmMatchAll: true, startsAt: Date.now() + 86_400_000, durationMs: 60_000, comment: "planned network outage" });
    expect(all.status).toBe(201);
    expect(all.body).toMatchObject({ station: null, parameter: null, ruleId: null, state: "pending" });
    // Ended before it began: it never holds anything (the tests below need notices).
    const expired = await api(system, "POST", `/api/v1/silences/${all.body.id}/expire`, researcher);
    expect(expired.status).toBe(200);
    expect(expired.body.state).toBe("expired");
    expect((await api(system, "POST", `/api/v1/silences/${all.body.id}/expire`, researcher)).status).toBe(400);
  });

  it("a silenced station sends nothing and its alert shows as silenced; when the silence ends and the breach is still there, one notice", async () => {
    const created = await api(system, "POST", "/api/v1/silences", researcher, { station: ZEHREN, durationMs: 2_500, comment: "probe swap at Zehren" });
    expect(created.status).toBe(201);
    const silence = created.body as Silence;
    // Clarithromycin above its MAC-EQS (130 ng/L) at the silenced station.
    const t = Date.now();
    await postReadings(system.url, token, { readings: [{ station: ZEHREN, parameter: "clarithromycin", time: t - 60_000, value: 160 }] });
    const [alert] = await eventually(async () => {
      const list = (await alertsAt(ZEHREN)).filter((a) => a.parameter === "clarithromycin");
      return list.length > 0 ? list : null;
    }, "the silenced alert");
    expect(alert).toMatchObject({ state: "firing", silencedBy: silence.id });
    await quiet(800);
    expect(deliveriesFor(ZEHREN)).toEqual([]);
    expect(alertMailsFor(ZEHREN)).toEqual([]);
    // The list of silences shows it active.
    const listed = await api(system, "GET", "/api/v1/silences", viewer);
    expect(listed.body.silences.find((s: Silence) => s.id === silence.id)).toMatchObject({ state: "active", createdBy: expect.any(String), comment: "probe swap at Zehren" });

    // Still above the standard when the silence runs out: the opening notice, once.
    await postReadings(system.url, token, { readings: [{ station: ZEHREN, parameter: "clarithromycin", time: t - 30_000, value: 170 }] });
    await eventually(() => deliveriesFor(ZEHREN).length > 0 && alertMailsFor(ZEHREN).length > 0, "the notices after the silence", 8_000);
    await quiet(800);
    expect(deliveriesFor(ZEHREN).map((d) => [d.json.type, d.json.event.id, d.json.event.silencedBy])).toEqual([["alert.firing", alert!.id, null]]);
    expect(alertMailsFor(ZEHREN)).toHaveLength(1);
    expect((await alertsAt(ZEHREN)).find((a) => a.id === alert!.id)).toMatchObject({ state: "firing", silencedBy: null });
  });

  it("are audited, and expiring one releases a still-firing alert's notice at once", async () => {
    const created = await api(system, "POST", "/api/v1/silences", researcher, { station: SCHMILKA, parameter: "clarithromycin", durationMs: 3_600_000, comment: "known upstream spill" });
    expect(created.status).toBe(201);
    await postReadings(system.url, token, { readings: [{ station: SCHMILKA, parameter: "clarithromycin", time: Date.now() - 60_000, value: 180 }] });
    await eventually(async () => (await alertsAt(SCHMILKA)).some((a) => a.silencedBy === created.body.id), "the silenced alert");
    await quiet();
    expect(deliveriesFor(SCHMILKA)).toEqual([]);
    expect((await api(system, "POST", `/api/v1/silences/${created.body.id}/expire`, researcher)).status).toBe(200);
    await eventually(() => deliveriesFor(SCHMILKA).length > 0, "the notice after expiry");
    await quiet();
    expect(deliveriesFor(SCHMILKA)).toHaveLength(1);
    const audit = await system.meta.db.selectFrom("audit_log").select(["action", "target"]).where("target", "=", `silence:${created.body.id}`).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["silence.create", "silence.expire"]);
  });
});
