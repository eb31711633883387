// Role matrix: every route tried with every kind of caller; the expected answer is derived from one
// table of routes → required role. Runs on a login-only installation (PUBLIC_DASHBOARD=off).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../server/src/auth/roles.ts";
import { roleAtLeast } from "../../server/src/auth/roles.ts";
import { authHeaders, createUser, loginSession } from "../helpers/auth.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

/** public: no credentials looked at; anyone: any caller whose credentials (if any) are valid. */
type Need = Role | "public" | "anyone" | "station" | "viewer-session";

interface RouteCase {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  need: Need;
  body?: unknown;
}

const NOW = Date.now();
export const ROUTES: RouteCase[] = [
  { method: "GET", path: "/api/health", need: "public" },
  { method: "GET", path: "/api/v1/auth/session", need: "anyone" },
  { method: "GET", path: "/api/v1/stations", need: "viewer" },
  { method: "GET", path: "/api/v1/parameters", need: "viewer" },
  { method: "GET", path: "/api/v1/latest", need: "viewer" },
  { method: "GET", path: `/api/v1/series?station=DE-ELBE-ZEHREN&parameter=ph&from=${NOW - 86_400_000}&to=${NOW}&width=100`, need: "viewer" },
  { method: "GET", path: "/api/v1/me/api-tokens", need: "viewer" },
  { method: "GET", path: "/api/v1/admin/users", need: "admin" },
  { method: "POST", path: "/api/v1/admin/users", need: "admin", body: { username: "x", password: "short", role: "viewer" } },
  { method: "GET", path: "/api/v1/admin/station-tokens", need: "admin" },
  { method: "POST", path: "/api/v1/admin/station-tokens", need: "admin", body: { label: "", stations: [] } },
  { method: "GET", path: "/api/v1/admin/settings", need: "admin" },
  { method: "GET", path: "/api/v1/admin/audit", need: "admin" },
  { method: "POST", path: "/api/v1/readings", need: "station", body: { readings: [] } },
  { method: "GET", path: "/api/v1/alert-rules", need: "viewer" },
  { method: "POST", path: "/api/v1/alert-rules", need: "researcher", body: {} },
  { method: "PATCH", path: "/api/v1/alert-rules/999999", need: "researcher", body: {} },
  { method: "DELETE", path: "/api/v1/alert-rules/999999", need: "researcher" },
  { method: "GET", path: "/api/v1/alerts", need: "viewer" },
  { method: "GET", path: "/api/v1/alerts/999999", need: "viewer" },
  { method: "POST", path: "/api/v1/alerts/999999/ack", need: "researcher", body: { comment: "seen" } },
  { method: "GET", path: "/api/v1/subscriptions", need: "researcher" },
  { method: "POST", path: "/api/v1/subscriptions", need: "researcher", body: {} },
  { method: "DELETE", path: "/api/v1/subscriptions/999999", need: "researcher" },
  { method: "GET", path: "/api/v1/notifications", need: "researcher" },
  { method: "GET", path: `/api/v1/export/estimate?stations=DE-ELBE-ZEHREN&parameters=ph&from=${NOW - 86_400_000}&to=${NOW}`, need: "researcher" },
  { method: "GET", path: `/api/v1/export?stations=DE-ELBE-ZEHREN&parameters=ph&from=${NOW - 86_400_000}&to=${NOW}`, need: "researcher" },
  { method: "PATCH", path: "/api/v1/admin/users/999999", need: "admin", body: { role: "viewer" } },
  { method: "DELETE", path: "/api/v1/admin/users/999999", need: "admin" },
  { method: "DELETE", path: "/api/v1/admin/station-tokens/999999", need: "admin" },
  { method: "PATCH", path: "/api/v1/admin/settings", need: "admin", body: { publicDashboard: false } },
  // A token cannot mint tokens: only a logged-in session can.
  { method: "POST", path: "/api/v1/me/api-tokens", need: "viewer-session", body: { label: "" } },
  { method: "DELETE", path: "/api/v1/me/api-tokens/999999", need: "viewer" },
];

type Caller = { name: string; role: Role | null; station?: boolean; invalid?: boolean; session?: boolean; headers: () => Record<string, string> };

let system: TestSystem;
const callers: Caller[] = [];

beforeAll(async () => {
  system = await startTestSystem({ PUBLIC_DASHBOARD: "off" });
  const station = (await system.stationTokens.create("matrix", ["*"])).token;
  const expiredUser = await createUser(system, "admin");
  const expired = (await system.auth.apiTokens.create(expiredUser.id, "expired", "admin", new Date(Date.now() - 1000))).token;
  const revokedInfo = await system.auth.apiTokens.create(expiredUser.id, "revoked", "admin", null);
  await system.auth.apiTokens.revoke(expiredUser.id, revokedInfo.id);
  const viewerSession = await loginSession(system, "viewer");
  const headersFor: Record<string, Record<string, string>> = {
    viewer: await authHeaders(system, "viewer"),
    researcher: await authHeaders(system, "researcher"),
    admin: await authHeaders(system, "admin"),
  };
  callers.push(
    { name: "anonymous", role: null, headers: () => ({}) },
    { name: "viewer (API token)", role: "viewer", headers: () => headersFor.viewer! },
    { name: "viewer (session)", role: "viewer", session: true, headers: () => viewerSession.headers },
    { name: "researcher", role: "researcher", headers: () => headersFor.researcher! },
    { name: "admin", role: "admin", headers: () => headersFor.admin! },
    { name: "station token", role: null, station: true, headers: () => ({ authorization: `Bearer ${station}` }) },
    { name: "expired API token", role: null, invalid: true, headers: () => ({ authorization: `Bearer ${expired}` }) },
    { name: "revoked API token", role: null, invalid: true, headers: () => ({ authorization: `Bearer ${revokedInfo.token}` }) },
  );
});
afterAll(async () => {
  await system?.stop();
});

function allowed(need: Need, caller: Caller): boolean {
  if (need === "public") return true;
  if (caller.invalid) return false;
  if (need === "anyone") return true;
  if (need === "station") return Boolean(caller.station);
  if (need === "viewer-session") return Boolean(caller.session);
  return roleAtLeast(caller.role, need);
}

/** 401 for no or invalid credentials (and for user credentials on station-token routes); 403 for a role too low. */
function refusal(need: Need, caller: Caller): number {
  if (need === "station" || caller.role === null) return 401;
  return 403;
}

describe("role matrix", () => {
  it.each(ROUTES.map((r) => [`${r.method} ${r.path.split("?")[0]}`, r] as const))("%s answers each caller as the table says", async (_name, route) => {
    for (const caller of callers) {
      const res = await fetch(`${system.url}${route.path}`, {
        method: route.method,
        headers: { "content-type": "application/json", ...caller.headers() },
        body: route.body === undefined ? undefined : JSON.stringify(route.body),
      });
      const verdict = `${route.method} ${route.path} as ${caller.name}: ${res.status}`;
      if (allowed(route.need, caller)) {
        expect([401, 403], verdict).not.toContain(res.status);
        expect(res.status, verdict).toBeLessThan(500);
      } else {
        expect(res.status, verdict).toBe(refusal(route.need, caller));
        const body = (await res.json()) as { error: { message: string } };
        expect(body.error.message.length, verdict).toBeGreaterThan(5);
      }
    }
  });
});

describe("socket.io handshake on a login-only installation", () => {
  it("refuses anonymous clients and admits a viewer's API token", async () => {
    const { io } = await import("socket.io-client");
    const connect = (auth: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const socket = io(system.url, { transports: ["websocket"], auth, reconnection: false, forceNew: true });
        socket.on("connect", () => {
          socket.close();
          resolve("connected");
        });
        socket.on("connect_error", (err) => {
          socket.close();
          resolve(err.message);
        });
      });
    expect(await connect({})).toMatch(/unauthorized/);
    const token = (await authHeaders(system, "viewer")).authorization!.replace("Bearer ", "");
    expect(await connect({ token })).toBe("connected");
  });
});
