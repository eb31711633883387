// Wrong passwords slow down guessing for one name from one address, and nothing else: the real
// user logs in from their own address at once, parallel attempts cannot wipe a throttle, and no
// answer (status, body, time) tells an existing name from an unknown one or a throttled attempt
// from a wrong password. Real server, real HTTP; addresses come in X-Forwarded-For, which the
// server trusts from loopback (as from a reverse proxy on the same machine).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../helpers/auth.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { ManualTime } from "../../server/src/util/clock.ts";

const ADMIN_PASSWORD = "the-real-admin-password";
/** The longest a throttle lasts (DEFAULT_LOGIN_THROTTLE.maxDelayMs). */
const LONGEST_THROTTLE_MS = 15 * 60_000;

let system: TestSystem;
const time = new ManualTime(Date.now());
beforeAll(async () => {
  system = await startTestSystem({ ADMIN_PASSWORD }, undefined, { time });
});
afterAll(async () => {
  await system?.stop();
});

interface Answer {
  status: number;
  body: unknown;
  retryAfter: string | null;
  ms: number;
}

let nextAddress = 1;
/** A client address nobody has used yet in this file. */
const freshAddress = () => `198.51.100.${nextAddress++}`;

async function login(username: string, password: string, address: string): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${system.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": address },
    body: JSON.stringify({ username, password }),
  });
  const body: unknown = await res.json();
  return { status: res.status, body, retryAfter: res.headers.get("retry-after"), ms: performance.now() - started };
}

/** What a client can compare between two answers (timing is judged separately). */
const visible = (a: Answer) => ({ status: a.status, body: a.body, retryAfter: a.retryAfter });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("login throttling per name and address", () => {
  it("20 parallel wrong logins for admin from 4 addresses throttle those addresses only: the admin logs in from their own at once", async () => {
    const attackers = [freshAddress(), freshAddress(), freshAddress(), freshAddress()];
    const attempts = await Promise.all(Array.from({ length: 20 }, (_, i) => login("admin", `guess-${i}`, attackers[i % attackers.length]!)));
    const refused = visible(attempts[0]!);
    expect(refused.status).toBe(401);
    for (const a of attempts) expect(visible(a)).toEqual(refused);

    // From the attackers' addresses even the right password is refused now, with the same answer.
    for (const address of attackers) expect(visible(await login("admin", ADMIN_PASSWORD, address))).toEqual(refused);

    // The admin, from another address, is not held up at all.
    const own = await login("admin", ADMIN_PASSWORD, freshAddress());
    expect(own.status).toBe(200);
    expect((own.body as { user: { username: string } }).user.username).toBe("admin");

    // Once the (capped) delay has passed, the right password works from a throttled address too.
    time.advance(LONGEST_THROTTLE_MS + 1_000);
    expect((await login("admin", ADMIN_PASSWORD, attackers[0]!)).status).toBe(200);
  });

  it("a successful login in the middle of a burst of wrong ones does not wipe the throttle the burst earned", async () => {
    const user = await createUser(system, "viewer");
    const address = freshAddress();
    const burst = await Promise.all([
      ...Array.from({ length: 15 }, (_, i) => login(user.username, `guess-${i}`, address)),
      login(user.username, user.password, address),
    ]);
    expect(burst.filter((a) => a.status === 401).length).toBeGreaterThanOrEqual(15);
    expect((await login(user.username, user.password, address)).status).toBe(401);
    expect((await login(user.username, user.password, freshAddress())).status).toBe(200);
  });

  it("answers alike for an unknown name, a wrong password and a throttled attempt", async () => {
    const user = await createUser(system, "researcher");
    const unknownName = `nobody-${user.username}`;
    const address = freshAddress();
    const wrong = await login(user.username, "not-the-password", address);
    const unknown = await login(unknownName, "not-the-password", address);
    expect(wrong.status).toBe(401);
    expect(visible(unknown)).toEqual(visible(wrong));
    // Both names get throttled alike, so that a throttle cannot tell them apart either.
    for (let i = 0; i < 8; i++) {
      expect(visible(await login(user.username, `guess-${i}`, address))).toEqual(visible(wrong));
      expect(visible(await login(unknownName, `guess-${i}`, address))).toEqual(visible(wrong));
    }
    // The right password while throttled: the same answer as a wrong one.
    expect(visible(await login(user.username, user.password, address))).toEqual(visible(wrong));
    // And the message tells a real user what to do.
    expect((wrong.body as { error: { message: string } }).error.message).toMatch(/Wrong username or password.*wait/);
  });

  it("takes about as long for an unknown name, a wrong password and a throttled attempt (one password hash each)", async () => {
    const user = await createUser(system, "viewer");
    const throttledAddress = freshAddress();
    for (let i = 0; i < 6; i++) await login(user.username, `guess-${i}`, throttledAddress);
    const kinds = {
      wrong: () => login(user.username, "not-the-password", freshAddress()),
      unknown: () => login(`nobody-${user.username}`, "not-the-password", freshAddress()),
      throttled: () => login(user.username, user.password, throttledAddress),
    };
    const times: Record<keyof typeof kinds, number[]> = { wrong: [], unknown: [], throttled: [] };
    // Interleaved, so that load on the machine falls on every kind alike.
    for (let round = 0; round < 7; round++) {
      for (const [kind, attempt] of Object.entries(kinds) as Array<[keyof typeof kinds, () => Promise<Answer>]>) {
        const answer = await attempt();
        expect(answer.status).toBe(401);
        times[kind].push(answer.ms);
      }
    }
    const medians = Object.values(times).map(median);
    // A hash takes tens of milliseconds; an answer without one takes about one.
    expect(Math.max(...medians) / Math.min(...medians)).toBeLessThan(2);
  });
});
