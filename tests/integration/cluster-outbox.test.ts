// The notification outbox with several senders on one PostgreSQL (issue #21): each claims rows in a
// short transaction (FOR UPDATE SKIP LOCKED), sends outside it and records the outcome after, so
// every notice is delivered exactly once and each subscription's notices in order, and a claim left
// by a sender that died mid-delivery lapses and is delivered by another.
import { afterEach, describe, expect, it } from "vitest";
import { ChannelDeliverer } from "../../server/src/alerts/channel-deliverer.ts";
import { DEFAULT_OUTBOX_OPTIONS, NotificationOutbox } from "../../server/src/alerts/outbox.ts";
import { SqlOutboxRepository } from "../../server/src/alerts/outbox-repository.ts";
import { SqlSubscriptionRepository } from "../../server/src/alerts/subscription-repository.ts";
import { WebhookGuard } from "../../server/src/alerts/webhook-guard.ts";
import { SqlUserRepository } from "../../server/src/auth/users.ts";
import { openMetaStore } from "../../server/src/meta/open.ts";
import type { MetaStore } from "../../server/src/meta/store.ts";
import { systemClock, timerScheduler } from "../../server/src/util/clock.ts";
import { eventually } from "../helpers/alert-system.ts";
import { createTestDatabase, openTestMetaStore } from "../helpers/test-meta.ts";
import { testLogger, tempDir } from "../helpers/test-system.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const SUBSCRIPTIONS = 10;
const NOTICES_EACH = 5;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One instance's sender: its own pool on the shared database, delivering to real webhooks. */
function sender(meta: MetaStore, name: string, options: Partial<typeof DEFAULT_OUTBOX_OPTIONS> = {}) {
  const now = () => systemClock.now();
  const subscriptions = new SqlSubscriptionRepository(meta.db, now);
  const guard = new WebhookGuard({ allowLocal: true, influxUrl: "http://127.0.0.1:1", ownPort: () => 0 });
  const deliverer = new ChannelDeliverer(subscriptions, { mailer: null, mailFrom: "wm@example.org", baseUrl: () => "http://monitor.example", webhookTimeoutMs: 5_000, webhookGuard: guard });
  const rows = new SqlOutboxRepository(meta.db, now, meta.dialect);
  const outbox = new NotificationOutbox(rows, subscriptions, deliverer, systemClock, timerScheduler, testLogger, { ...DEFAULT_OUTBOX_OPTIONS, pollMs: 20, ...options }, { name });
  cleanups.push(() => outbox.stop());
  return { outbox, rows, subscriptions };
}

/** Two instances' metadata stores (two pools) on one new PostgreSQL database. */
async function sharedDatabase(): Promise<[MetaStore, MetaStore]> {
  const database = await createTestDatabase();
  const dir = tempDir("wm-test-outbox-");
  const a = await openMetaStore(dir.dir, { databaseUrl: database.url });
  const b = await openMetaStore(dir.dir, { databaseUrl: database.url });
  cleanups.push(async () => {
    await a.close();
    await b.close();
    await database.drop();
    dir.remove();
  });
  return [a, b];
}

/** SUBSCRIPTIONS webhook subscriptions to `receiver`, each with NOTICES_EACH due notices (a firing, then numbered). */
async function queueNotices(meta: MetaStore, receiver: WebhookReceiver): Promise<void> {
  const now = Date.now();
  const subscriptions = new SqlSubscriptionRepository(meta.db, () => now);
  const owner = await new SqlUserRepository(meta.db).create("ana", "scrypt$x", "researcher");
  const rows = new SqlOutboxRepository(meta.db, () => now, meta.dialect);
  for (let s = 0; s < SUBSCRIPTIONS; s++) {
    const input = { stations: [], parameters: [], severities: [], channel: "webhook" as const, webhookUrl: receiver.url, digest: null, quietStart: null, quietEnd: null, timezone: "UTC" };
    const { subscription } = await subscriptions.create(input, owner, 100);
    for (let n = 0; n < NOTICES_EACH; n++) await rows.enqueue(subscription.id, "alert", null, { subscription: s, n, state: n === NOTICES_EACH - 1 ? "resolved" : "firing" }, now);
  }
}

describe("outbox senders sharing one PostgreSQL", () => {
  it("two senders racing over 50 due notices deliver each exactly once, each subscription's in order", async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const [metaA, metaB] = await sharedDatabase();
    await queueNotices(metaA, receiver);
    const a = sender(metaA, "instance-a");
    const b = sender(metaB, "instance-b");
    a.outbox.start();
    b.outbox.start();
    const total = SUBSCRIPTIONS * NOTICES_EACH;
    await eventually(async () => (await a.rows.rows()).every((r) => r.status === "sent"), "every notice sent", 30_000);
    // A duplicate would arrive after the last row was marked sent: give it time to show.
    await new Promise((r) => setTimeout(r, 300));
    const ids = receiver.deliveries.map((d) => d.json.deliveryId);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    for (let s = 0; s < SUBSCRIPTIONS; s++) {
      const order = receiver.deliveries.map((d) => d.json.event as unknown as { subscription: number; n: number }).filter((e) => e.subscription === s).map((e) => e.n);
      expect(order).toEqual([0, 1, 2, 3, 4]);
    }
    // One delivery attempt logged per notice, and no claim left behind.
    expect(await metaA.db.selectFrom("notification_deliveries").select("outbox_id").execute()).toHaveLength(total);
    expect((await a.rows.rows()).every((r) => r.claimed_at === null && r.claimed_by === null)).toBe(true);
  });

  it("a claim whose sender died mid-delivery lapses, and another sender delivers the rows once", async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const [metaA, metaB] = await sharedDatabase();
    await queueNotices(metaA, receiver);
    // The dead sender's claim, as it left it: every row of the first subscription, claimed a while ago.
    const firstSubscription = (await metaA.db.selectFrom("notification_outbox").select("subscription_id").orderBy("id").executeTakeFirstOrThrow()).subscription_id;
    await metaA.db.updateTable("notification_outbox").set({ claimed_at: Date.now() - 1_000, claimed_by: "died" }).where("subscription_id", "=", firstSubscription).execute();
    const b = sender(metaB, "instance-b", { claimTimeoutMs: 2_000 });
    b.outbox.start();
    await eventually(async () => (await b.rows.rows()).filter((r) => r.subscription_id !== firstSubscription).every((r) => r.status === "sent"), "the other subscriptions' notices sent", 20_000);
    // Still claimed by the dead sender: not touched before the claim lapses.
    expect((await b.rows.rows()).filter((r) => r.subscription_id === firstSubscription).map((r) => r.status)).toEqual(Array(NOTICES_EACH).fill("pending"));
    await eventually(async () => (await b.rows.rows()).every((r) => r.status === "sent"), "the lapsed claim's notices sent", 20_000);
    const ids = receiver.deliveries.map((d) => d.json.deliveryId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(SUBSCRIPTIONS * NOTICES_EACH);
  });

  it("the single instance on SQLite claims and delivers as before", async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const store = await openTestMetaStore("sqlite");
    cleanups.push(() => store.close());
    await queueNotices(store.meta, receiver);
    const a = sender(store.meta, "only");
    a.outbox.start();
    await eventually(async () => (await a.rows.rows()).every((r) => r.status === "sent"), "every notice sent", 20_000);
    expect(new Set(receiver.deliveries.map((d) => d.json.deliveryId)).size).toBe(SUBSCRIPTIONS * NOTICES_EACH);
  });
});
