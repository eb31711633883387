// Every route's 400 has one shape: { error: { code, message, details: [{ path?, index?, message }] } }
// (InfluxDB's own { "error": "…" } on /write). Each route of the table (which matches the router,
// see security-roles.test.ts) gets an unknown query parameter, a non-numeric id, malformed JSON and
// an unknown field; every 400 that comes back is checked, and nothing is stored by any of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders } from "../helpers/auth.ts";
import { ROUTES, methodOf, type RouteCase } from "../helpers/route-table.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem;
let admin: Record<string, string>;
let station: Record<string, string>;

beforeAll(async () => {
  system = await startTestSystem();
  admin = await authHeaders(system, "admin");
  station = { authorization: `Bearer ${(await system.stationTokens.create("bad-input", ["*"])).token}` };
});
afterAll(async () => {
  await system?.stop();
});

interface Attempt {
  what: string;
  path: string;
  body?: string;
}

function attempts(route: RouteCase): Attempt[] {
  const path = route.path(system);
  const method = methodOf(route);
  const out: Attempt[] = [{ what: "an unknown query parameter", path: `${path}${path.includes("?") ? "&" : "?"}bogus=1`, body: route.text ?? (route.body === undefined ? undefined : JSON.stringify(route.body)) }];
  if (route.route.includes(":id")) out.push({ what: "a non-numeric id", path: path.replace("999999", "abc"), body: route.body === undefined ? undefined : JSON.stringify(route.body) });
  if (method === "POST" || method === "PATCH") {
    out.push({ what: "malformed JSON", path, body: "{" });
    out.push({ what: "an unknown field", path, body: JSON.stringify({ bogus: 1 }) });
  }
  return out;
}

const stored = async () =>
  JSON.stringify([system.catalog.current().version, (await system.stationTokens.list()).length, await system.auth.users.count(), (await system.alerting.rules.list()).length, (await system.alerting.subscriptions.list()).length]);

describe("bad input on every route", () => {
  it("answers every 400 in the one shape, with details naming each problem", async () => {
    const before = await stored();
    const seen: string[] = [];
    for (const route of ROUTES) {
      if (route.endsSession) continue;
      for (const a of attempts(route)) {
        const res = await fetch(`${system.url}${a.path}`, {
          method: methodOf(route),
          headers: { "content-type": "application/json", ...(route.need === "station" ? station : admin) },
          body: a.body,
        });
        const text = await res.text();
        if (res.status !== 400) continue;
        const verdict = `${route.route} with ${a.what}: ${text}`;
        seen.push(`${route.route} (${a.what})`);
        const body = JSON.parse(text) as { error: unknown };
        expect(Object.keys(body), verdict).toEqual(["error"]);
        if (route.route === "POST /write") {
          expect(typeof body.error, verdict).toBe("string");
          continue;
        }
        const error = body.error as { code: unknown; message: unknown; details: unknown };
        expect(Object.keys(error).sort(), verdict).toEqual(["code", "details", "message"]);
        expect(error.code, verdict).toMatch(/^(validation_failed|malformed_json)$/);
        expect(String(error.message).length, verdict).toBeGreaterThan(10);
        expect(Array.isArray(error.details) && error.details.length > 0, verdict).toBe(true);
        for (const detail of error.details as Array<Record<string, unknown>>) {
          expect(typeof detail.message, verdict).toBe("string");
          expect(Object.keys(detail).every((k) => ["path", "index", "message"].includes(k)), verdict).toBe(true);
        }
      }
    }
    // Not vacuous: every JSON route that takes a body refused malformed JSON, among others.
    for (const route of ROUTES.filter((r) => (methodOf(r) === "POST" || methodOf(r) === "PATCH") && r.text === undefined && !r.endsSession)) {
      if (route.route.includes("/subscriptions/confirm") || route.route.includes("/unsubscribe")) continue; // no body is read
      expect(seen, route.route).toContain(`${route.route} (malformed JSON)`);
    }
    expect(seen.length).toBeGreaterThan(40);
    expect(await stored()).toBe(before);
  });
});
