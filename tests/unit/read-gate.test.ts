import { describe, expect, it } from "vitest";
import { ServerBusyError } from "../../server/src/errors.ts";
import { ReadGate } from "../../server/src/http/read-gate.ts";

const gate = (o: Partial<ConstructorParameters<typeof ReadGate>[0]> = {}) => new ReadGate({ slots: 2, anonymousSlots: 1, queueMax: 10, maxWaitMs: 5_000, ...o });
const settled = () => new Promise((r) => setTimeout(r, 0));

describe("ReadGate", () => {
  it("runs up to `slots` reads at once, anonymous ones up to their share", async () => {
    const g = gate();
    await g.acquire(true);
    let second = false;
    void g.acquire(true).then(() => (second = true));
    await g.acquire(false);
    await settled();
    expect(second).toBe(false);
    expect(g.stats()).toMatchObject({ running: 2, runningAnonymous: 1, waiting: 1 });
  });

  it("serves a waiting logged-in caller before an anonymous one who waited longer", async () => {
    const g = gate();
    const releaseA = await g.acquire(true);
    const releaseB = await g.acquire(false);
    const order: string[] = [];
    const anonymous = g.acquire(true).then((r) => (order.push("anonymous"), r));
    const user = g.acquire(false).then((r) => (order.push("user"), r));
    releaseB();
    (await user)();
    releaseA();
    (await anonymous)();
    expect(order).toEqual(["user", "anonymous"]);
    expect(g.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it("refuses with 503 + Retry-After once the queue is full", async () => {
    const g = gate({ queueMax: 1 });
    await g.acquire(false);
    await g.acquire(false);
    void g.acquire(false);
    const refused = await g.acquire(false).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ServerBusyError);
    expect((refused as ServerBusyError).status).toBe(503);
    expect((refused as ServerBusyError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(g.stats().refused).toBe(1);
  });

  it("refuses a read that waited longer than maxWaitMs, and forgets one whose caller went away", async () => {
    const g = gate({ slots: 2, anonymousSlots: 1, maxWaitMs: 50 });
    await g.acquire(false);
    await g.acquire(false);
    await expect(g.acquire(false)).rejects.toThrow(/no slot within 50 ms.*retry in \d+ s/);
    const gone = new AbortController();
    const waiting = g.acquire(false, gone.signal);
    gone.abort(new Error("client went away"));
    await expect(waiting).rejects.toThrow("client went away");
    expect(g.stats().waiting).toBe(0);
  });

  it("frees a slot once however often release is called", async () => {
    const g = gate();
    const release = await g.acquire(false);
    release();
    release();
    expect(g.stats().running).toBe(0);
  });
});
