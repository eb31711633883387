// The batch writer's settle bookkeeping (server/src/ingest/settle-tracker.ts): a wait resolves once
// every reading accepted before it is settled, whatever order in-flight batches finish in, and
// does not wait for readings accepted after it.
import { describe, expect, it } from "vitest";
import { SettleTracker, type ReadingRange } from "../../server/src/ingest/settle-tracker.ts";

/** A tracker with a queue: accept, take, settle, requeue, and whether the wait started at `mark` resolved. */
function harness() {
  const tracker = new SettleTracker();
  let queued = 0;
  return {
    accept(n: number) {
      queued += n;
      return tracker.accept(n);
    },
    take(n: number) {
      queued -= n;
      return tracker.take(n, queued);
    },
    settle: (seq: number) => tracker.settled(seq, queued),
    requeue(seq: number, n: number) {
      queued += n;
      tracker.requeued(seq);
    },
    wait() {
      const state = { resolved: false };
      void tracker.untilSettled(queued).then(() => (state.resolved = true));
      return state;
    },
    /** One request's wait (INGEST_ACK=stored). */
    waitFor(range: ReadingRange) {
      const state: { resolved: boolean; error?: Error } = { resolved: false };
      tracker.until(range, queued).then(
        () => (state.resolved = true),
        (err: Error) => (state.error = err),
      );
      return state;
    },
    refuse: (seq: number) => tracker.refused(seq, new Error("refused")),
    waitsOnQueued: () => tracker.waitsOnQueued(queued),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("SettleTracker", () => {
  it("resolves at once when nothing is outstanding", async () => {
    const h = harness();
    const w = h.wait();
    await tick();
    expect(w.resolved).toBe(true);
  });

  it.each([
    ["in order", [0, 1]],
    ["the later batch first", [1, 0]],
  ])("waits for every earlier batch when batches settle %s", async (_name, order) => {
    const h = harness();
    h.accept(100);
    const seqs = [h.take(50), h.take(50)];
    expect(seqs).toEqual([0, 50]);
    const w = h.wait();
    h.settle(seqs[order[0]!]!);
    await tick();
    expect(w.resolved).toBe(false);
    h.settle(seqs[order[1]!]!);
    await tick();
    expect(w.resolved).toBe(true);
  });

  it("does not wait for readings accepted after the wait began", async () => {
    const h = harness();
    h.accept(50);
    const first = h.take(50);
    const w = h.wait();
    h.accept(70);
    const later = h.take(20); // 50 of the later readings stay queued
    h.settle(first);
    await tick();
    expect(w.resolved).toBe(true);
    expect(later).toBe(50);
  });

  it("waits for readings still queued when the wait began", async () => {
    const h = harness();
    h.accept(80);
    const first = h.take(50); // 30 stay queued
    const w = h.wait();
    h.settle(first);
    await tick();
    expect(w.resolved).toBe(false);
    h.settle(h.take(30));
    await tick();
    expect(w.resolved).toBe(true);
  });

  it("a batch put back in the queue is waited for until it is taken and settled again", async () => {
    const h = harness();
    h.accept(100);
    const a = h.take(50);
    const b = h.take(50);
    const w = h.wait();
    h.requeue(a, 50);
    h.settle(b);
    await tick();
    expect(w.resolved).toBe(false);
    h.settle(h.take(50));
    await tick();
    expect(w.resolved).toBe(true);
  });

  it("a request's wait covers its own readings only: not an earlier batch still in flight", async () => {
    const h = harness();
    h.accept(50);
    const earlier = h.take(50);
    const mine = h.accept(30);
    const w = h.waitFor(mine);
    expect(h.waitsOnQueued()).toBe(true); // the writer writes now instead of after WRITE_FLUSH_MS
    h.settle(h.take(30));
    await tick();
    expect(w.resolved).toBe(true);
    expect(h.waitsOnQueued()).toBe(false);
    h.settle(earlier);
  });

  it.each([
    ["overlaps", 0, true],
    ["does not overlap", 1, false],
  ])("a refused batch fails a request's wait that it %s, and only counts as settled for the rest", async (_name, refusedBatch, fails) => {
    const h = harness();
    const mine = h.accept(40);
    h.accept(60);
    const seqs = [h.take(40), h.take(60)];
    const w = h.waitFor(mine);
    const all = h.wait();
    h.refuse(seqs[refusedBatch]!);
    h.settle(seqs[refusedBatch]!);
    h.settle(seqs[1 - refusedBatch]!);
    await tick();
    expect(w.error?.message).toBe(fails ? "refused" : undefined);
    expect(w.resolved).toBe(!fails);
    expect(all.resolved).toBe(true);
    // A wait that begins after the refusal fails too.
    const late = h.waitFor(mine);
    await tick();
    expect(late.error !== undefined).toBe(fails);
  });
});
