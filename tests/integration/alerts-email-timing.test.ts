// When alert mails go out: hourly and daily digests (one mail for all notices, at the subscriber's
// full hour or midnight) and quiet hours (held until they end), both in the subscriber's time zone.
// A real SMTP server on 127.0.0.1:0 receives the mails; the alerting clock and timers are a
// ManualTime, so hours pass without sleeping.
import { DateTime } from "luxon";
import { afterEach, describe, expect, it } from "vitest";
import { ManualTime } from "../../server/src/util/clock.ts";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { api, BINDING_CLARITHROMYCIN_MAC, eventually, FAST_ALERTING, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { startSmtpServer, unfold, type Mail, type TestSmtpServer } from "../helpers/smtp-server.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const ZEHREN = "DE-ELBE-ZEHREN";
const SCHMILKA = "DE-ELBE-SCHMILKA";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function smtpServer(): Promise<TestSmtpServer> {
  const server = await startSmtpServer();
  cleanups.push(() => server.close());
  return server;
}

const subjectOf = (m: Mail): string => unfold(m.raw).match(/^Subject: (.*)$/m)?.[1] ?? "";
const alertMails = (mails: Mail[]): Mail[] => mails.filter((m) => !/Confirm your alert subscription/.test(subjectOf(m)));

/** The latest instant at least an hour before now that reads hh:mm on the wall clocks of `zone`. */
function lastWallClock(zone: string, hour: number, minute: number): number {
  const before = Date.now() - HOUR;
  let t = DateTime.fromMillis(before, { zone }).set({ hour, minute, second: 0, millisecond: 0 });
  if (t.toMillis() > before) t = t.minus({ days: 1 });
  return t.toMillis();
}

/** A server whose alerting runs on `time`; timers tick once a (manual) minute. Reminders off unless asked for. */
async function system(time: ManualTime, smtpUrl: string, reminderMinutes = 0): Promise<AlertTestSystem> {
  const s = await startAlertSystem(
    { SMTP_URL: smtpUrl, ALERT_REMINDER_MINUTES: String(reminderMinutes) },
    undefined,
    { ...FAST_ALERTING, outbox: { ...FAST_ALERTING.outbox, pollMs: MIN }, engine: { checkIntervalMs: MIN } },
    time,
    // The subscriptions below are to critical alerts: the clarithromycin MAC-EQS binds here.
    BINDING_CLARITHROMYCIN_MAC,
  );
  cleanups.push(() => s.stop());
  return s;
}

/** Creates an email subscription to clarithromycin MAC alerts and confirms it through the mailed link. */
async function confirmedSubscription(s: AlertTestSystem, smtp: { mails: Mail[] }, options: Record<string, unknown>): Promise<number> {
  const created = await api(s, "POST", "/api/v1/subscriptions", await authHeaders(s, "researcher"), {
    channel: "email",
    email: "ana@example.org",
    stations: [ZEHREN, SCHMILKA],
    parameters: ["clarithromycin"],
    severities: ["critical"],
    ...options,
  });
  expect(created.status).toBe(201);
  const confirmation = await eventually(() => smtp.mails.find((m) => /Confirm your alert subscription/.test(subjectOf(m))), "the confirmation mail");
  const link = unfold(confirmation.raw).match(/http:\/\/\S+\/api\/v1\/subscriptions\/confirm\?token=[\w%-]+/)![0];
  expect((await fetch(link, { method: "POST", headers: { accept: "application/json" } })).status).toBe(200);
  return created.body.subscription.id as number;
}

async function post(s: AlertTestSystem, station: string, time: number, value: number): Promise<void> {
  const token = (await s.stationTokens.create("t", ["*"])).token;
  const res = await postReadings(s.url, token, { readings: [{ station, parameter: "clarithromycin", time, value }] });
  expect(res.status).toBe(202);
}

const settle = () => new Promise((r) => setTimeout(r, 300));

// The sender records a delivery once the SMTP server has accepted the mail, so a test that saw the
// mail arrive polls for the outbox row to say "sent" (on PostgreSQL that write may land a moment later).
async function outboxOf(s: AlertTestSystem, subscriptionId: number) {
  return (await s.alerting.outbox.rows()).filter((r) => r.subscription_id === subscriptionId && r.kind === "alert");
}

/** For expect.poll: the subscription's notices as [status, when next tried] and as [status, when sent]. */
const queuedAt = (s: AlertTestSystem, id: number) => async () => (await outboxOf(s, id)).map((r) => [r.status, r.next_attempt_at]);
const sentAt = (s: AlertTestSystem, id: number) => async () => (await outboxOf(s, id)).map((r) => [r.status, r.sent_at]);
/** Notices are recorded, and deliveries noted, a moment after what the test saw (later under load, or on PostgreSQL). */
const POLL = { timeout: 10_000 };

/** Nothing is mailed until a minute before `at`; at `at` exactly one digest goes out. */
async function theOneDigestAt(time: ManualTime, smtp: { mails: Mail[] }, at: number): Promise<Mail> {
  time.advance(at - MIN - time.now());
  await settle();
  expect(alertMails(smtp.mails)).toHaveLength(0);

  time.advance(MIN);
  await eventually(() => alertMails(smtp.mails).length > 0, "the digest mail");
  await settle();
  const mails = alertMails(smtp.mails);
  expect(mails).toHaveLength(1);
  return mails[0]!;
}

describe("email digests", () => {
  it("collect firing and resolved notices and deliver them as one mail at the subscriber's next full hour (Asia/Kolkata, UTC+5:30)", async () => {
    const smtp = await smtpServer();
    // 10:05 in Kolkata is hh:35 UTC: a digest on the UTC hour would go out 25 minutes in, the right one 55.
    const start = lastWallClock("Asia/Kolkata", 10, 5);
    const digestAt = start + 55 * MIN;
    const time = new ManualTime(start);
    const s = await system(time, smtp.url);
    const subscription = await confirmedSubscription(s, smtp, { digest: "hourly", timezone: "Asia/Kolkata" });

    await post(s, ZEHREN, start - MIN, 160); // above the MAC-EQS of 130 ng/L: firing
    await post(s, SCHMILKA, start - MIN, 170); // firing
    time.advance(20 * MIN);
    await post(s, ZEHREN, time.now() - MIN, 20); // resolved
    // The three notices are recorded after the ingest answers, so under load the last may come a moment later.
    await expect.poll(queuedAt(s, subscription), POLL).toEqual([["pending", digestAt], ["pending", digestAt], ["pending", digestAt]]);
    expect(alertMails(smtp.mails)).toHaveLength(0);

    const digest = await theOneDigestAt(time, smtp, digestAt);
    expect(digest.to).toBe("ana@example.org");
    expect(subjectOf(digest)).toBe("[Water Monitor] Digest: 3 alert notice(s), 2 active");
    const body = unfold(digest.raw);
    expect(body.match(/^ACTIVE: /gm)).toHaveLength(2);
    expect(body.match(/^RESOLVED: /gm)).toHaveLength(1);
    expect(body).toContain(`(${ZEHREN})`);
    expect(body).toContain(`(${SCHMILKA})`);
    expect(body).toMatch(/List-Unsubscribe: *</);
    await expect.poll(sentAt(s, subscription), POLL).toEqual([["sent", digestAt], ["sent", digestAt], ["sent", digestAt]]);
  });

  it("a daily digest goes out at the subscriber's midnight (America/New_York), not at midnight UTC", async () => {
    const smtp = await smtpServer();
    const zone = "America/New_York";
    const start = lastWallClock(zone, 15, 0);
    const midnight = DateTime.fromMillis(start, { zone }).plus({ days: 1 }).startOf("day").toMillis();
    const time = new ManualTime(start);
    const s = await system(time, smtp.url);
    const subscription = await confirmedSubscription(s, smtp, { digest: "daily", timezone: zone });

    await post(s, ZEHREN, start - MIN, 160);
    time.advance(3 * HOUR); // 18:00 in New York
    await post(s, SCHMILKA, time.now() - MIN, 175);
    // Both notices queued (recorded after the ingest answer; a moment later on PostgreSQL) before midnight comes.
    await expect.poll(async () => (await outboxOf(s, subscription)).length, POLL).toBe(2);
    // Midnight UTC (19:00 or 20:00 in New York) passes; the digest waits for the subscriber's own.
    const digest = await theOneDigestAt(time, smtp, midnight);
    expect(subjectOf(digest)).toBe("[Water Monitor] Digest: 2 alert notice(s), 2 active");
  });
});

describe("quiet hours", () => {
  const quiet = { quietStart: "22:00", quietEnd: "07:00", timezone: "Europe/Berlin" };
  const sevenNextMorning = (at: number): number => DateTime.fromMillis(at, { zone: "Europe/Berlin" }).plus({ days: 1 }).set({ hour: 7, minute: 0, second: 0, millisecond: 0 }).toMillis();

  it("hold a notice created during them and deliver it when they end, at 07:00 in the subscriber's time zone", async () => {
    const smtp = await smtpServer();
    const start = lastWallClock("Europe/Berlin", 23, 30);
    const release = sevenNextMorning(start);
    const time = new ManualTime(start);
    const s = await system(time, smtp.url);
    const subscription = await confirmedSubscription(s, smtp, quiet);

    await post(s, ZEHREN, start - MIN, 160);
    await expect.poll(queuedAt(s, subscription), POLL).toEqual([["pending", release]]);
    expect(alertMails(smtp.mails)).toHaveLength(0);

    time.advance(release - MIN - time.now());
    await settle();
    expect(alertMails(smtp.mails)).toHaveLength(0);

    time.advance(MIN);
    const mail = await eventually(() => alertMails(smtp.mails)[0], "the held alert mail");
    expect(subjectOf(mail)).toMatch(/^\[Water Monitor\] ACTIVE: /);
    expect(unfold(mail.raw)).toContain(`(${ZEHREN})`);
    await expect.poll(sentAt(s, subscription), POLL).toEqual([["sent", release]]);
  });

  it("deliver a notice created outside them at once", async () => {
    const smtp = await smtpServer();
    const start = lastWallClock("Europe/Berlin", 21, 30);
    const time = new ManualTime(start);
    const s = await system(time, smtp.url);
    const subscription = await confirmedSubscription(s, smtp, quiet);

    await post(s, ZEHREN, start - MIN, 160);
    const mail = await eventually(() => alertMails(smtp.mails)[0], "the alert mail");
    expect(subjectOf(mail)).toMatch(/^\[Water Monitor\] ACTIVE: /);
    await expect.poll(sentAt(s, subscription), POLL).toEqual([["sent", start]]);
  });

  it("hold a reminder that falls into them, like any other notice", async () => {
    const smtp = await smtpServer();
    const start = lastWallClock("Europe/Berlin", 21, 30);
    const release = sevenNextMorning(start);
    const time = new ManualTime(start);
    const s = await system(time, smtp.url, 60);
    const subscription = await confirmedSubscription(s, smtp, quiet);

    await post(s, ZEHREN, start - MIN, 160);
    await eventually(() => alertMails(smtp.mails)[0], "the alert mail");
    // 22:31 in Berlin: the alert has fired unacknowledged for an hour, inside quiet hours.
    for (let i = 0; i < 61; i++) time.advance(MIN);
    const reminder = await eventually(async () => (await outboxOf(s, subscription)).find((r) => JSON.parse(r.payload).reminder), "the reminder notice");
    expect([reminder.status, reminder.next_attempt_at]).toEqual(["pending", release]);
    await settle();
    expect(alertMails(smtp.mails)).toHaveLength(1);

    time.advance(release - time.now());
    const held = await eventually(() => alertMails(smtp.mails)[1], "the held reminder mail");
    expect(subjectOf(held)).toMatch(/^\[Water Monitor\] STILL ACTIVE: /);
  });

  it("hold a notice created during them even when its reading was measured just before they began", async () => {
    const smtp = await smtpServer();
    // A station that uploads every quarter hour: the 21:55 reading arrives at 22:10.
    const start = lastWallClock("Europe/Berlin", 22, 10);
    const time = new ManualTime(start);
    const s = await system(time, smtp.url);
    const subscription = await confirmedSubscription(s, smtp, quiet);

    await post(s, ZEHREN, start - 15 * MIN, 160);
    await expect.poll(queuedAt(s, subscription), POLL).toEqual([["pending", sevenNextMorning(start)]]);
    await settle();
    expect(alertMails(smtp.mails)).toHaveLength(0);
  });
});
