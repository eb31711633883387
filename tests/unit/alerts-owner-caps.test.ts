// The per-user caps on subscriptions and alert rules hold when one user's requests arrive together:
// counting and inserting happen in one transaction, so no two requests both see room for one more.
// Real metadata stores, SQLite and PostgreSQL (where transactions really run side by side); the
// "requests" are parallel calls whose queries interleave.
import { afterEach, describe, expect, it } from "vitest";
import { SqlAlertRuleRepository } from "../../server/src/alerts/rule-repository.ts";
import { completeRule } from "../../server/src/alerts/rule-schema.ts";
import { SqlSubscriptionRepository } from "../../server/src/alerts/subscription-repository.ts";
import { subscriptionInputSchema } from "../../server/src/alerts/subscription-schema.ts";
import { SqlUserRepository, type User } from "../../server/src/auth/users.ts";
import { LimitReachedError } from "../../server/src/errors.ts";
import type { MetaDialect, MetaExecutor } from "../../server/src/meta/store.ts";
import { seed } from "../helpers/catalog.ts";
import { META_DIALECTS, openTestMetaStore, type TestMetaStore } from "../helpers/test-meta.ts";

const stores: TestMetaStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function metaDb(dialect: MetaDialect): Promise<MetaExecutor> {
  const store = await openTestMetaStore(dialect);
  stores.push(store);
  return store.meta.db;
}

const after = (hops: number): Promise<void> => (hops === 0 ? Promise.resolve() : Promise.resolve().then(() => after(hops - 1)));

/**
 * For each of several interleavings (the i-th call started i × stagger microtasks after the first),
 * a fresh user makes 10 calls at once: how many succeeded. Every other call must have been refused
 * for the cap. One interleaving alone may happen to serialise a racy count-then-insert.
 */
async function storedPerInterleaving(db: MetaExecutor, call: (user: User) => Promise<unknown>): Promise<number[]> {
  const users = new SqlUserRepository(db);
  const stored: number[] = [];
  for (const stagger of [0, 1, 2, 3]) {
    const user = await users.create(`user-${stagger}`, "scrypt$x", "researcher");
    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => after(i * stagger).then(() => call(user))));
    const refused = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
    for (const r of refused) expect(r.reason).toBeInstanceOf(LimitReachedError);
    stored.push(settled.length - refused.length);
  }
  return stored;
}

describe.each(META_DIALECTS)("per-user caps under parallel requests (%s)", (dialect) => {
  it("stores exactly 3 of 10 parallel subscriptions of one user, however their queries interleave", async () => {
    const db = await metaDb(dialect);
    const subscriptions = new SqlSubscriptionRepository(db, () => Date.now());
    const input = subscriptionInputSchema.parse({ channel: "in-app" });
    expect(await storedPerInterleaving(db, (user) => subscriptions.create(input, user, 3))).toEqual([3, 3, 3, 3]);
  });

  it("stores exactly 2 of 10 parallel alert rules of one user; rules without a creator are not counted", async () => {
    const db = await metaDb(dialect);
    const rules = new SqlAlertRuleRepository(db, () => Date.now());
    const draft = completeRule({ kind: "max", parameter: "ph", threshold: 9 }, { catalog: seed, now: Date.now() });
    expect(await storedPerInterleaving(db, (user) => rules.create(draft, user, { maxPerCreator: 2 }))).toEqual([2, 2, 2, 2]);
    await rules.create(draft, null);
    expect((await rules.list()).filter((r) => r.createdById === null && !r.builtIn)).toHaveLength(1);
  });
});
