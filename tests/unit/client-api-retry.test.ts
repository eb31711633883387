// The dashboard's reads under load: a 503 "busy" or 429 with a short Retry-After is waited out and
// tried again (a real HTTP server answers), longer waits and repeated refusals reach the page.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient, ApiError } from "../../client/src/api.ts";

let server: Server | undefined;
const ANSWER = { version: 1, catalog: {} };
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** Answers with `answers` in turn (status, Retry-After), then 200. */
async function serve(answers: Array<[number, string]>): Promise<{ base: string; calls: () => number }> {
  let calls = 0;
  server = createServer((_req, res) => {
    const next = answers[calls++];
    if (next) {
      res.writeHead(next[0], { "content-type": "application/json", "retry-after": next[1] });
      res.end(JSON.stringify({ error: { code: next[0] === 429 ? "rate_limited" : "busy", message: "wait" } }));
    } else {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(ANSWER));
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, calls: () => calls };
}

describe("ApiClient reads under load", () => {
  it.each([
    ["503 busy", 503],
    ["429 rate limited", 429],
  ])("waits out a %s with a short Retry-After and tries again", async (_name, status) => {
    const s = await serve([[status, "1"]]);
    const started = Date.now();
    expect(await new ApiClient(s.base).catalog()).toEqual(ANSWER);
    expect(s.calls()).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("gives up after two retries, and at once when the wait is long", async () => {
    const s = await serve([[503, "1"], [503, "1"], [503, "1"]]);
    await expect(new ApiClient(s.base).catalog()).rejects.toBeInstanceOf(ApiError);
    expect(s.calls()).toBe(3);
    server!.close();
    const long = await serve([[429, "60"]]);
    await expect(new ApiClient(long.base).catalog()).rejects.toMatchObject({ status: 429, code: "rate_limited" });
    expect(long.calls()).toBe(1);
  });
});
