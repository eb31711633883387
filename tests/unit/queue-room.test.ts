// QueueRoom (ingest/queue-room.ts): a request waits before reading its body while the write queue
// holds the mark or more, and goes on once the queue drops below it, after the longest wait, or on release.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueueRoom } from "../../server/src/ingest/queue-room.ts";

/** Whether `p` has settled once pending microtasks have run. */
async function settled(p: Promise<void> | undefined): Promise<boolean> {
  if (p === undefined) return true;
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe("QueueRoom", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it.each([
    { queued: 0, waits: false },
    { queued: 99, waits: false },
    { queued: 100, waits: true },
    { queued: 5_000, waits: true },
  ])("with a mark of 100, $queued queued: waits $waits", async ({ queued, waits }) => {
    const room = new QueueRoom(100, 1_000);
    const wait = room.wait(queued);
    expect(wait !== undefined).toBe(waits);
    expect(await settled(wait)).toBe(!waits);
  });

  it.each([
    { update: 100, goes: false },
    { update: 150, goes: false },
    { update: 99, goes: true },
    { update: 0, goes: true },
  ])("a waiter goes on when the queue holds $update: $goes", async ({ update, goes }) => {
    const room = new QueueRoom(100, 1_000);
    const waits = [room.wait(120), room.wait(300)];
    room.update(update);
    for (const w of waits) expect(await settled(w)).toBe(goes);
  });

  it("a waiter goes on after the longest wait even if the queue stays deep, and only then", async () => {
    const room = new QueueRoom(100, 1_000);
    const wait = room.wait(500);
    vi.advanceTimersByTime(999);
    expect(await settled(wait)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await settled(wait)).toBe(true);
  });

  it("release lets every waiter go on; later waits still wait", async () => {
    const room = new QueueRoom(100, 1_000);
    const waits = [room.wait(100), room.wait(200)];
    room.release();
    for (const w of waits) expect(await settled(w)).toBe(true);
    expect(await settled(room.wait(100))).toBe(false);
  });

  it("an infinite mark never waits", () => {
    expect(new QueueRoom(Number.POSITIVE_INFINITY).wait(1e9)).toBeUndefined();
  });
});
