// The shared ingest spool (server/src/ingest/sql-spool.ts) on both metadata backends: batches come
// back oldest first; two instances replaying at once never take the same batch; a batch leaves only
// when removed; a released claim, or one whose instance died (lapsed), lets another instance take it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { SqlSpool } from "../../server/src/ingest/sql-spool.ts";
import { testReading } from "../helpers/catalog.ts";
import { META_DIALECTS, openTestMetaStore, type TestMetaStore } from "../helpers/test-meta.ts";

const CLAIM_TIMEOUT_MS = 60_000;

function batch(first: number, count: number): Reading[] {
  return Array.from({ length: count }, (_, i) => testReading({ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", time: 1_700_000_000_000 + (first + i) * 1_000, value: first + i }));
}

describe.each(META_DIALECTS)("SqlSpool on %s", (dialect) => {
  let store: TestMetaStore;
  beforeAll(async () => {
    store = await openTestMetaStore(dialect);
  });
  afterAll(async () => store.close());

  it("hands each batch to one instance at a time, oldest first, until InfluxDB took it", async () => {
    let now = 1_000_000;
    const clock = () => now;
    const a = await SqlSpool.open(store.meta, "a", clock, CLAIM_TIMEOUT_MS);
    for (let i = 0; i < 4; i++) await a.append(batch(i * 10, 10));
    expect([a.segments, a.isEmpty]).toEqual([4, false]);
    const b = await SqlSpool.open(store.meta, "b", clock, CLAIM_TIMEOUT_MS);
    expect(b.segments).toBe(4); // another instance sees what a left

    const [fromA, fromB] = await Promise.all([a.oldest(), b.oldest()]);
    expect(fromA!.id).not.toBe(fromB!.id);
    expect([fromA!.readings[0]!.value, fromB!.readings[0]!.value].sort((x, y) => x! - y!)).toEqual([0, 10]);
    expect(fromA!.readings).toEqual(batch(fromA!.readings[0]!.value!, 10));

    // An instance gets its own claim again (a retry), never another's live claim.
    expect((await a.oldest())!.id).toBe(fromA!.id);
    await b.remove(fromB!.id);
    await a.release(fromA!.id);
    const retaken = await b.oldest();
    expect(retaken!.id).toBe(fromA!.id);

    // b dies holding its claim: the claim lapses and a replays the batch.
    const third = await b.oldest(); // b's own claim again
    expect(third!.id).toBe(fromA!.id);
    const next = await a.oldest();
    expect(next!.id).not.toBe(fromA!.id);
    await a.remove(next!.id);
    const last = await a.oldest();
    await a.remove(last!.id);
    expect(await a.oldest()).toBeUndefined();
    expect(a.isEmpty).toBe(true);
    now += CLAIM_TIMEOUT_MS + 1;
    await a.refresh();
    expect(a.segments).toBe(1);
    const lapsed = await a.oldest();
    expect(lapsed!.id).toBe(fromA!.id);
    await a.remove(lapsed!.id);
    await b.refresh();
    expect(b.isEmpty).toBe(true);
  });
});
