// Leader election on PostgreSQL (issue #21): one instance holds the advisory lock on a connection of
// its own and leads with a term no other leader had; a standby takes over once the leader's session
// ends; a leader whose term was taken over is refused by the fence and steps down.
import { afterEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { NotLeaderError, PostgresLeadership, SoleLeadership } from "../../server/src/cluster/leadership.ts";
import { followLeadership } from "../../server/src/cluster/leader-duties.ts";
import { systemClock, timerScheduler } from "../../server/src/util/clock.ts";
import { eventually } from "../helpers/alert-system.ts";
import { openTestMetaStore } from "../helpers/test-meta.ts";
import { testLogger } from "../helpers/test-system.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function database() {
  const store = await openTestMetaStore("postgres");
  cleanups.push(() => store.close());
  return { meta: store.meta, url: store.where.databaseUrl! };
}

async function leadership(url: string, retryMs = 100) {
  const l = await PostgresLeadership.start(url, systemClock, timerScheduler, testLogger, { retryMs });
  cleanups.push(() => l.close());
  const roles: boolean[] = [];
  l.onChange((leader) => roles.push(leader));
  return { l, roles };
}

describe("leadership on PostgreSQL", () => {
  it("one of two instances leads; when its session ends the other leads within a few tries, with the next term", async () => {
    const { meta, url } = await database();
    // A (slow to try again: it plays a process that died) and B (a standby trying every 100 ms).
    const a = await leadership(url, 60_000);
    const b = await leadership(url);
    expect([a.l.role(), b.l.role()]).toEqual(["leader", "standby"]);
    expect(a.l.term()).toBe(1);
    expect(b.l.term()).toBeNull();
    // The fence lets the leader's transaction through and refuses the standby's.
    await meta.transaction((trx) => a.l.fence(trx));
    await expect(meta.transaction((trx) => b.l.fence(trx))).rejects.toThrow(NotLeaderError);

    // The leader's session ends as when its process dies: PostgreSQL frees the lock.
    const started = Date.now();
    await sql`SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
      WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database() AND l.pid <> pg_backend_pid()`.execute(meta.db);
    await eventually(() => b.l.isLeader(), "the standby to lead", 5_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(b.l.term()).toBe(2);
    expect(a.l.isLeader()).toBe(false);
    expect(a.roles).toEqual([false]);
    expect(b.roles).toEqual([true]);
    await expect(meta.transaction((trx) => a.l.fence(trx))).rejects.toThrow(NotLeaderError);
    const row = await meta.db.selectFrom("cluster_leader").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ term: 2, holder: b.l.instance });
  });

  it("a leader whose term was taken over (its lock lost unnoticed) is refused by the fence and stands down", async () => {
    const { meta, url } = await database();
    const a = await leadership(url, 60_000);
    expect(a.l.isLeader()).toBe(true);
    await meta.db.updateTable("cluster_leader").set({ term: 7, holder: "elsewhere:1:abc" }).execute();
    await expect(meta.transaction((trx) => a.l.fence(trx))).rejects.toThrow(/does not lead/);
    expect(a.l.isLeader()).toBe(false);
    expect(a.roles).toEqual([false]);
  });

  it("a leader that closes hands over at once; duties follow each change in order", async () => {
    const { url } = await database();
    const a = await leadership(url);
    const b = await leadership(url);
    const log: string[] = [];
    const duty = (who: string) => [{ name: "work", start: async () => void log.push(`${who} starts`), stop: async () => void log.push(`${who} stops`) }];
    const dutiesA = await followLeadership(a.l, duty("a"), testLogger);
    const dutiesB = await followLeadership(b.l, duty("b"), testLogger);
    expect(log).toEqual(["a starts"]);
    await dutiesA.close();
    await a.l.close();
    await eventually(() => b.l.isLeader(), "b to lead", 5_000);
    await dutiesB.settled();
    expect(log).toEqual(["a starts", "a stops", "b starts"]);
    await dutiesB.close();
    expect(log.at(-1)).toBe("b stops");
  });

  it("the embedded single instance always leads", async () => {
    const sole = new SoleLeadership();
    expect([sole.isLeader(), sole.role()]).toEqual([true, "leader"]);
    const log: string[] = [];
    const duties = await followLeadership(sole, [{ name: "work", start: async () => void log.push("start"), stop: async () => void log.push("stop") }], testLogger);
    expect(log).toEqual(["start"]);
    await duties.close();
    expect(log).toEqual(["start", "stop"]);
  });
});
