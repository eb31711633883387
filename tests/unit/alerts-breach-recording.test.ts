// One alert per breach and silences, through the engine and recorder into a real SQLite store
// (issue #19): standards breached together open one alert with one notice; a standard breached later
// joins it (a notice only when the severity rises); a silenced alert is recorded and shown but sends
// nothing, and its opening notice goes out once when the silence ends and it still fires.
import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent, AlertRule } from "../../common/alerts.ts";
import type { Reading } from "../../common/reading.ts";
import { AlertEngine, DEFAULT_ENGINE_OPTIONS } from "../../server/src/alerts/alert-engine.ts";
import { SqlAlertRepository } from "../../server/src/alerts/alert-repository.ts";
import { SqlInboxRepository } from "../../server/src/alerts/inbox-repository.ts";
import { silenceHold } from "../../server/src/alerts/notice-holds.ts";
import { Notifier } from "../../server/src/alerts/notifier.ts";
import { DEFAULT_OUTBOX_OPTIONS, NotificationOutbox } from "../../server/src/alerts/outbox.ts";
import { SqlOutboxRepository } from "../../server/src/alerts/outbox-repository.ts";
import { ChannelDeliverer } from "../../server/src/alerts/channel-deliverer.ts";
import { SqlAlertRuleRepository } from "../../server/src/alerts/rule-repository.ts";
import { completeRule, type RuleInput } from "../../server/src/alerts/rule-schema.ts";
import { SilenceRepository } from "../../server/src/alerts/silence-repository.ts";
import { SqlSubscriptionRepository } from "../../server/src/alerts/subscription-repository.ts";
import { WebhookGuard } from "../../server/src/alerts/webhook-guard.ts";
import { SqlUserRepository } from "../../server/src/auth/users.ts";
import { openMetaStore } from "../../server/src/meta/open.ts";
import { ManualTime } from "../../server/src/util/clock.ts";
import { catalogSource, seed, testReading } from "../helpers/catalog.ts";
import { tempDir, testLogger } from "../helpers/test-system.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1);
const ZEHREN = "DE-ELBE-ZEHREN";
const EU_MAC = { id: "clarithromycin.MAC-EQS.EU-EQS-2022" };
/** The EU MAC-EQS rule as derivation makes it: a proposal informs (common/standards.ts ruleSeverity). */
const EU_RULE: RuleInput = { standard: EU_MAC, severity: "info" };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An engine with the given clarithromycin rules at Zehren, and one webhook subscriber to everything. */
async function setup(ruleInputs: RuleInput[]) {
  const dir = tempDir("wm-breach-recording-");
  const meta = await openMetaStore(dir.dir);
  cleanups.push(async () => {
    await meta.close();
    dir.remove();
  });
  const time = new ManualTime(T0);
  const now = () => time.now();
  const ruleRepo = new SqlAlertRuleRepository(meta.db, now);
  const rules: AlertRule[] = [];
  for (const input of ruleInputs) rules.push(await ruleRepo.create(completeRule({ kind: "mac", station: ZEHREN, parameter: "clarithromycin", ...input }, { catalog: seed, now: T0 }), null));
  const alerts = new SqlAlertRepository(meta.db, () => "http://monitor.example", catalogSource());
  const subscriptions = new SqlSubscriptionRepository(meta.db, now);
  const owner = await new SqlUserRepository(meta.db).create("ana", "scrypt$x", "researcher");
  await subscriptions.create({ stations: [], parameters: [], severities: [], channel: "webhook", webhookUrl: "https://hooks.example.org/wm", digest: null, quietStart: null, quietEnd: null, timezone: "UTC" }, owner, 50);
  const outboxRows = new SqlOutboxRepository(meta.db, now);
  const deliverer = new ChannelDeliverer(subscriptions, { mailer: null, mailFrom: "wm@example.org", baseUrl: () => "http://monitor.example", webhookTimeoutMs: 1_000, webhookGuard: new WebhookGuard({ allowLocal: false, influxUrl: "http://127.0.0.1:8086", ownPort: () => 0 }) });
  // Never started: the notices stay in the outbox for the test to count.
  const outbox = new NotificationOutbox(outboxRows, subscriptions, deliverer, time, time, testLogger, DEFAULT_OUTBOX_OPTIONS);
  await outbox.stop();
  const notifier = new Notifier({ subscriptions, outbox: outboxRows, inbox: new SqlInboxRepository(meta.db) }, outbox, time, () => "http://monitor.example");
  const engine = new AlertEngine(meta, ruleRepo, alerts, null, catalogSource(), testLogger, { ...DEFAULT_ENGINE_OPTIONS, reminderMs: null, clock: time, scheduler: time });
  engine.onEventWrite((event, trx) => notifier.onAlert(event, trx));
  const silences = new SilenceRepository(meta.db);
  engine.holds.holdNoticesWhen(silenceHold(silences));
  const events: AlertEvent[] = [];
  engine.onEvent((e) => events.push(e));
  cleanups.push(() => engine.stop());
  await engine.start();
  const feed = async (value: number): Promise<void> => {
    time.advance(MIN);
    const r: Reading = testReading({ station: ZEHREN, parameter: "clarithromycin", time: time.now(), value });
    engine.ingest([r]);
    await engine.idle();
  };
  const notices = async () => (await meta.db.selectFrom("notification_outbox").select("payload").orderBy("id").execute()).map((r) => JSON.parse(r.payload) as AlertEvent);
  return { meta, engine, rules, alerts, events, feed, notices, silences, time };
}

describe("one alert per breach", () => {
  it("three standards breached by one value: one alert listing all three, one notice; it resolves once all clear", async () => {
    const s = await setup([EU_RULE, { threshold: 150, severity: "warning", name: "own 150" }, { threshold: 200, severity: "info", name: "own 200" }]);
    await s.feed(50);
    await s.feed(250);
    const listed = await s.alerts.list();
    expect(listed).toHaveLength(1);
    const alert = listed[0]!;
    expect(alert.breaches.map((b) => b.ruleId)).toEqual([s.rules[1]!.id, s.rules[0]!.id, s.rules[2]!.id]);
    // The warning rule outranks the proposal (info) and leads; the standard is cited with its legal status.
    expect(alert.severity).toBe("warning");
    expect(alert.breaches.find((b) => b.ruleId === s.rules[0]!.id)?.standard).toMatchObject({ kind: "MAC-EQS", source: "EU-EQS-2022", legalStatus: "proposal" });
    expect(alert.message).toContain("exceeds 3 standards");
    expect((await s.notices()).map((n) => [n.id, n.state, n.breaches.length])).toEqual([[alert.id, "firing", 3]]);

    // Below 200 and 150 (with the 10 % hysteresis) but above 130: still one open alert.
    await s.feed(132);
    expect((await s.alerts.get(alert.id)).state).toBe("firing");
    expect((await s.alerts.get(alert.id)).breaches.filter((b) => b.clearedAt !== null)).toHaveLength(2);
    await s.feed(20);
    expect((await s.alerts.get(alert.id)).state).toBe("resolved");
    expect((await s.notices()).map((n) => n.state)).toEqual(["firing", "resolved"]);
    expect(s.events.map((e) => e.state)).toEqual(["firing", "resolved"]);
  });

  it("a standard breached later joins the open alert: no second alert, and a notice only when the severity rises", async () => {
    const s = await setup([EU_RULE, { threshold: 150, severity: "info", name: "own 150" }, { threshold: 200, severity: "critical", name: "own 200" }]);
    await s.feed(140);
    await s.feed(160);
    expect((await s.alerts.list()).map((a) => [a.severity, a.breaches.length])).toEqual([["info", 2]]);
    expect(await s.notices()).toHaveLength(1);
    await s.feed(210);
    const [alert] = await s.alerts.list();
    expect([alert!.severity, alert!.breaches.length, alert!.breaches[0]!.ruleId]).toEqual(["critical", 3, s.rules[2]!.id]);
    expect((await s.notices()).map((n) => [n.state, n.previousState, n.severity])).toEqual([
      ["firing", "ok", "info"],
      ["firing", "firing", "critical"],
    ]);
    expect((await s.alerts.history(alert!.id)).map((h) => h.note)).toEqual([null, "also breached: own 150", "also breached: own 200"]);
  });

  it("a rule set to per-standard keeps alerts of its own", async () => {
    const s = await setup([EU_RULE, { threshold: 150, name: "own 150", grouping: "per-standard" }]);
    await s.feed(250);
    expect((await s.alerts.list()).map((a) => a.breaches.length)).toEqual([1, 1]);
    expect(await s.notices()).toHaveLength(2);
  });
});

describe("silences", () => {
  it("hold the notices of a matching alert, which is still recorded and shown as silenced; after the silence, one notice", async () => {
    const s = await setup([EU_RULE, { threshold: 150, name: "own 150" }]);
    const silence = await s.silences.create({ station: ZEHREN, parameter: null, ruleId: null, startsAt: T0, endsAt: T0 + 60 * MIN, createdBy: "ana", comment: "probe swap" }, { id: null, username: "ana" }, T0);
    await s.feed(250);
    const [alert] = await s.alerts.list();
    expect([alert!.state, alert!.silencedBy]).toEqual(["firing", silence.id]);
    expect(s.events).toHaveLength(1);
    expect(await s.notices()).toEqual([]);
    // Still silenced at the next check: nothing.
    s.engine.check();
    await s.engine.idle();
    expect(await s.notices()).toEqual([]);

    await s.silences.expire(silence.id, "ben", s.time.now());
    s.engine.holds.reconsiderHolds();
    await s.engine.idle();
    expect((await s.alerts.get(alert!.id)).silencedBy).toBeNull();
    expect((await s.notices()).map((n) => [n.id, n.state, n.silencedBy])).toEqual([[alert!.id, "firing", null]]);
    // Once: later checks send nothing more.
    s.engine.check();
    s.engine.holds.reconsiderHolds();
    await s.engine.idle();
    expect(await s.notices()).toHaveLength(1);
  });

  it("an alert that ends while silenced sends nothing at all", async () => {
    const s = await setup([EU_RULE]);
    await s.silences.create({ station: null, parameter: "clarithromycin", ruleId: null, startsAt: T0, endsAt: T0 + 60 * MIN, createdBy: "ana", comment: "known spill" }, { id: null, username: "ana" }, T0);
    await s.feed(250);
    await s.feed(10);
    s.time.advance(2 * 60 * MIN);
    s.engine.check();
    await s.engine.idle();
    expect((await s.alerts.list()).map((a) => a.state)).toEqual(["resolved"]);
    expect(await s.notices()).toEqual([]);
  });

  it("a silence made while an alert fires holds its end (and reminders); one on another rule holds nothing", async () => {
    const s = await setup([EU_RULE]);
    await s.feed(250);
    expect(await s.notices()).toHaveLength(1);
    await s.silences.create({ station: null, parameter: null, ruleId: s.rules[0]!.id + 100, startsAt: T0, endsAt: T0 + 600 * MIN, createdBy: "ana", comment: "other" }, { id: null, username: "ana" }, T0);
    s.engine.holds.reconsiderHolds();
    await s.engine.idle();
    expect((await s.alerts.list())[0]!.silencedBy).toBeNull();
    const held = await s.silences.create({ station: null, parameter: null, ruleId: s.rules[0]!.id, startsAt: T0, endsAt: T0 + 600 * MIN, createdBy: "ana", comment: "known" }, { id: null, username: "ana" }, T0);
    s.engine.holds.reconsiderHolds();
    await s.engine.idle();
    expect((await s.alerts.list())[0]!.silencedBy).toBe(held.id);
    await s.feed(10);
    expect((await s.notices()).map((n) => n.state)).toEqual(["firing"]);
  });
});
