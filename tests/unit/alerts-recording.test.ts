// How the alert engine records its state changes: each one in one transaction with the notifier's
// rows (all or nothing), announced to listeners only after that transaction has committed, in the
// order the changes happened; and stop() waits for what is still queued. On SQLite and PostgreSQL.
import type { LogEvent } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent } from "../../common/alerts.ts";
import type { Reading } from "../../common/reading.ts";
import { AlertEngine, DEFAULT_ENGINE_OPTIONS } from "../../server/src/alerts/alert-engine.ts";
import { SqlAlertRepository } from "../../server/src/alerts/alert-repository.ts";
import { WebhookGuard } from "../../server/src/alerts/webhook-guard.ts";
import { ChannelDeliverer } from "../../server/src/alerts/channel-deliverer.ts";
import { SqlInboxRepository } from "../../server/src/alerts/inbox-repository.ts";
import { Notifier } from "../../server/src/alerts/notifier.ts";
import { DEFAULT_OUTBOX_OPTIONS, NotificationOutbox } from "../../server/src/alerts/outbox.ts";
import { SqlOutboxRepository } from "../../server/src/alerts/outbox-repository.ts";
import { SqlAlertRuleRepository } from "../../server/src/alerts/rule-repository.ts";
import { completeRule } from "../../server/src/alerts/rule-schema.ts";
import { SqlSubscriptionRepository } from "../../server/src/alerts/subscription-repository.ts";
import { SqlUserRepository } from "../../server/src/auth/users.ts";
import type { MetaDialect, MetaStore } from "../../server/src/meta/store.ts";
import { ManualTime } from "../../server/src/util/clock.ts";
import { catalogSource, seed, testReading } from "../helpers/catalog.ts";
import { failInserts, META_DIALECTS, openTestMetaStore } from "../helpers/test-meta.ts";
import { testLogger } from "../helpers/test-system.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1);
const ZEHREN = "DE-ELBE-ZEHREN";
const SCHMILKA = "DE-ELBE-SCHMILKA";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An engine with a pH range rule (6–9) and the notifier writing outbox rows for one webhook subscriber. */
async function setup(dialect: MetaDialect, log?: (event: LogEvent) => void) {
  const store = await openTestMetaStore(dialect, { log });
  cleanups.push(() => store.close());
  const meta = store.meta;
  const time = new ManualTime(T0);
  const now = () => time.now();
  const rules = new SqlAlertRuleRepository(meta.db, now);
  await rules.create(completeRule({ kind: "range", parameter: "ph", low: 6, high: 9 }, { catalog: seed, now: T0 }), null);
  const alerts = new SqlAlertRepository(meta.db, () => "http://monitor.example", catalogSource());
  const subscriptions = new SqlSubscriptionRepository(meta.db, now);
  await subscriptions.create({ stations: [], parameters: ["ph"], severities: [], channel: "webhook", webhookUrl: "https://hooks.example.org/wm", digest: null, quietStart: null, quietEnd: null, timezone: "UTC" }, await new SqlUserRepository(meta.db).create("ana", "scrypt$x", "researcher"), 50);
  const outboxRows = new SqlOutboxRepository(meta.db, now);
  const deliverer = new ChannelDeliverer(subscriptions, { mailer: null, mailFrom: "wm@example.org", baseUrl: () => "http://monitor.example", webhookTimeoutMs: 1_000, webhookGuard: new WebhookGuard({ allowLocal: false, influxUrl: "http://127.0.0.1:8086", ownPort: () => 0 }) });
  // Never started: the notices stay in the outbox for the test to look at.
  const outbox = new NotificationOutbox(outboxRows, subscriptions, deliverer, time, time, testLogger, DEFAULT_OUTBOX_OPTIONS);
  await outbox.stop();
  const notifier = new Notifier({ subscriptions, outbox: outboxRows, inbox: new SqlInboxRepository(meta.db) }, outbox, time, () => "http://monitor.example");
  const engine = new AlertEngine(meta, rules, alerts, null, catalogSource(), testLogger, { ...DEFAULT_ENGINE_OPTIONS, reminderMs: null, clock: time, scheduler: time });
  engine.onEventWrite((event, trx) => notifier.onAlert(event, trx));
  const events: AlertEvent[] = [];
  engine.onEvent((e) => events.push(e));
  cleanups.push(() => engine.stop());
  await engine.start();
  const ph = (station: string, value: number): Reading => {
    time.advance(MIN);
    return testReading({ station, parameter: "ph", time: time.now(), value });
  };
  return { meta, engine, events, ph };
}

async function stored(meta: MetaStore) {
  const db = meta.db;
  return {
    alerts: await db.selectFrom("alerts").select(["id", "station", "state"]).orderBy("id").execute(),
    history: await db.selectFrom("alert_history").select(["alert_id", "state"]).orderBy("id").execute(),
    seriesStates: await db.selectFrom("alert_series_state").select(["series_key", "state", "alert_id"]).execute(),
    outbox: await db.selectFrom("notification_outbox").select(["alert_id", "kind"]).orderBy("id").execute(),
  };
}

describe.each(META_DIALECTS)("recording alert state changes (%s)", (dialect) => {
  it("an alert whose outbox row cannot be written leaves nothing behind, and the next breach records it whole", async () => {
    const { meta, engine, events, ph } = await setup(dialect);
    // The outbox write fails half way through the transaction, after the alert and its history are in.
    const restore = await failInserts(meta, "notification_outbox", "disk full");
    engine.ingest([ph(ZEHREN, 9.5)]);
    await engine.idle();
    expect(events).toEqual([]);
    expect(await stored(meta)).toEqual({ alerts: [], history: [], seriesStates: [], outbox: [] });

    await restore();
    engine.ingest([ph(ZEHREN, 9.6)]);
    await engine.idle();
    // SQLite hands out the rolled-back alert's id again; a PostgreSQL sequence never goes back.
    const id = dialect === "sqlite" ? 1 : 2;
    expect(events.map((e) => [e.id, e.state, e.value])).toEqual([[id, "firing", 9.6]]);
    expect(await stored(meta)).toEqual({
      alerts: [{ id, station: ZEHREN, state: "firing" }],
      history: [{ alert_id: id, state: "firing" }],
      seriesStates: [{ series_key: `${ZEHREN}\tph\tSIM-DE-ELBE-ZEHREN-PH`, state: "firing", alert_id: id }],
      outbox: [{ alert_id: id, kind: "alert" }],
    });
  });

  it("announces each event only after its transaction has committed, in the order the changes happened", async () => {
    const trail: string[] = [];
    // From here on: setting up (a rule, a subscription) has transactions of its own.
    let recording = false;
    const { engine, ph } = await setup(dialect, (e) => {
      if (recording && e.level === "query" && /^(begin|commit|rollback)$/.test(e.query.sql)) trail.push(e.query.sql);
    });
    recording = true;
    engine.onEventWrite((e) => Promise.resolve(trail.push(`write ${e.state} #${e.id} ${e.station}`)));
    engine.onEvent((e) => trail.push(`event ${e.state} #${e.id} ${e.station}`));
    // One batch: every change is queued before the first one is written.
    engine.ingest([ph(ZEHREN, 9.5), ph(SCHMILKA, 9.6), ph(ZEHREN, 7), ph(SCHMILKA, 7.1), ph(ZEHREN, 9.7)]);
    await engine.idle();
    const change = (state: string, id: number, station: string) => ["begin", `write ${state} #${id} ${station}`, "commit", `event ${state} #${id} ${station}`];
    expect(trail).toEqual([
      ...change("firing", 1, ZEHREN),
      ...change("firing", 2, SCHMILKA),
      ...change("resolved", 1, ZEHREN),
      ...change("resolved", 2, SCHMILKA),
      ...change("firing", 3, ZEHREN),
    ]);
  });

  it("stop() returns once every queued change is recorded", async () => {
    const { meta, engine, ph } = await setup(dialect);
    engine.ingest([ph(ZEHREN, 9.5), ph(SCHMILKA, 9.6)]);
    await engine.stop();
    expect((await stored(meta)).alerts.map((a) => [a.station, a.state])).toEqual([[ZEHREN, "firing"], [SCHMILKA, "firing"]]);
  });
});
