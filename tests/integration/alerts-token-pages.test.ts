// The confirm and unsubscribe pages of mailed links need no login (the token in the link is the
// credential), so anyone may call them: each address gets a limited number of tries per minute,
// beyond which the answer is 429 with Retry-After and a message saying when to try again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";

/** TOKEN_PAGE_REQUESTS_PER_MINUTE in alerting.ts. */
const PER_MINUTE = 30;

let system: AlertTestSystem;
beforeAll(async () => {
  system = await startAlertSystem();
});
afterAll(async () => {
  await system?.stop();
});

const tokenPage = (method: string, path: string, address: string) =>
  fetch(`${system.url}${path}`, { method, headers: { accept: "application/json", "x-forwarded-for": address } });

const PAGES: Array<[string, string]> = [
  ["GET", "/api/v1/subscriptions/confirm?token=guessed-token-0000"],
  ["POST", "/api/v1/subscriptions/confirm?token=guessed-token-0000"],
  ["GET", "/api/v1/subscriptions/unsubscribe?token=1.guessed-token"],
  ["POST", "/api/v1/subscriptions/unsubscribe?token=1.guessed-token"],
];

describe("confirm and unsubscribe pages", () => {
  it(`answer at most ${PER_MINUTE} requests a minute from one address, then 429 with Retry-After; other addresses are unaffected`, async () => {
    const guesser = "203.0.113.7";
    for (let i = 0; i < PER_MINUTE; i++) {
      const [method, path] = PAGES[i % PAGES.length]!;
      expect((await tokenPage(method, path, guesser)).status).toBe(404);
    }
    for (const [method, path] of PAGES) {
      const res = await tokenPage(method, path, guesser);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("rate_limited");
      expect(body.error.message).toMatch(/Too many confirmation or unsubscribe requests from this address \(limit 30 per minute\); retry in \d+ s/);
    }
    expect((await tokenPage("GET", PAGES[0]![1], "203.0.113.8")).status).toBe(404);
  });
});
