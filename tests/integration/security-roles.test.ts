// Role matrix: every route tried with every kind of caller; the expected answer is derived from one
// table of routes → required role (tests/helpers/route-table.ts), and that table must list exactly
// the routes the server's router has. Runs on a login-only installation (PUBLIC_DASHBOARD=off).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../server/src/auth/roles.ts";
import { roleAtLeast } from "../../server/src/auth/roles.ts";
import { authHeaders, createUser, loginSession } from "../helpers/auth.ts";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { startTestSystem, tempDir, type TestSystem } from "../helpers/test-system.ts";
import { ROUTES, methodOf, registeredRoutes, type Need } from "../helpers/route-table.ts";

type Caller = {
  name: string;
  role: Role | null;
  station?: boolean;
  invalid?: boolean;
  session?: boolean;
  headers: () => Record<string, string>;
  /** Logs in again, or gets a new API token (after a route that ended the session or revoked the token). */
  renew?: () => Promise<void>;
};

let system: TestSystem;
let removeClient: (() => void) | undefined;
const callers: Caller[] = [];

beforeAll(async () => {
  // A stand-in dashboard build, so the static route answers as it does in production.
  const client = tempDir("wm-roles-client-");
  writeFileSync(path.join(client.dir, "index.html"), "<!doctype html><title>Water Monitor</title>");
  removeClient = client.remove;
  system = await startTestSystem({ PUBLIC_DASHBOARD: "off" }, undefined, { clientDir: client.dir });
  const station = (await system.stationTokens.create("matrix", ["*"])).token;
  const expiredUser = await createUser(system, "admin");
  const expired = (await system.auth.apiTokens.create(expiredUser.id, "expired", "admin", new Date(Date.now() - 1000))).token;
  const revokedInfo = await system.auth.apiTokens.create(expiredUser.id, "revoked", "admin", null);
  await system.auth.apiTokens.revoke(expiredUser.id, revokedInfo.id);
  let viewerSession = await loginSession(system, "viewer");
  const headersFor: Record<string, Record<string, string>> = {
    viewer: await authHeaders(system, "viewer"),
    researcher: await authHeaders(system, "researcher"),
    reviewer: await authHeaders(system, "reviewer"),
    admin: await authHeaders(system, "admin"),
  };
  // "Log out everywhere" revokes the caller's API tokens too.
  const renewToken = (role: Role) => async () => {
    headersFor[role] = await authHeaders(system, role);
  };
  callers.push(
    { name: "anonymous", role: null, headers: () => ({}) },
    { name: "viewer (API token)", role: "viewer", headers: () => headersFor.viewer!, renew: renewToken("viewer") },
    {
      name: "viewer (session)",
      role: "viewer",
      session: true,
      headers: () => viewerSession.headers,
      renew: async () => {
        viewerSession = await loginSession(system, "viewer");
      },
    },
    { name: "researcher", role: "researcher", headers: () => headersFor.researcher!, renew: renewToken("researcher") },
    { name: "reviewer", role: "reviewer", headers: () => headersFor.reviewer!, renew: renewToken("reviewer") },
    { name: "admin", role: "admin", headers: () => headersFor.admin!, renew: renewToken("admin") },
    { name: "station token", role: null, station: true, headers: () => ({ authorization: `Bearer ${station}` }) },
    { name: "expired API token", role: null, invalid: true, headers: () => ({ authorization: `Bearer ${expired}` }) },
    { name: "revoked API token", role: null, invalid: true, headers: () => ({ authorization: `Bearer ${revokedInfo.token}` }) },
  );
});
afterAll(async () => {
  await system?.stop();
  removeClient?.();
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
  it("has a rule for every route the server answers, and no rule for a route it does not have", () => {
    const table = ROUTES.map((r) => r.route).sort();
    expect(new Set(table).size, "each route once in the table").toBe(table.length);
    expect(registeredRoutes(system).sort()).toEqual(table);
  });

  it.each(ROUTES.map((r) => [r.route, r] as const))("%s answers each caller as the table says", async (_name, route) => {
    for (const caller of callers) {
      const path = route.path(system);
      const res = await fetch(`${system.url}${path}`, {
        method: methodOf(route),
        headers: { ...(route.text === undefined ? { "content-type": "application/json" } : {}), ...caller.headers() },
        body: route.text ?? (route.body === undefined ? undefined : JSON.stringify(route.body)),
      });
      const verdict = `${methodOf(route)} ${path} as ${caller.name}: ${res.status}`;
      if (allowed(route.need, caller)) {
        expect([401, 403], verdict).not.toContain(res.status);
        expect(res.status, verdict).toBeLessThan(500);
      } else {
        expect(res.status, verdict).toBe(refusal(route.need, caller));
        const body = (await res.json()) as { error: string | { message: string } };
        const message = typeof body.error === "string" ? body.error : body.error.message;
        expect(message.length, verdict).toBeGreaterThan(5);
      }
      await res.arrayBuffer().catch(() => undefined);
      if (route.endsSession) await caller.renew?.();
    }
  });
});

describe("role matrix of an embargoed sensor (data review)", () => {
  // KSI's prototype at Zehren under KSI's embargo: only KSI's members and admins read it, whatever
  // their role; anonymous callers are refused at the door (login-only installation).
  const PROTOTYPE = "KSI-CBZ-MIP-P2";
  const seriesPath = `/api/v1/series?station=DE-ELBE-ZEHREN&parameter=carbamazepine&sensor=${PROTOTYPE}&from=${Date.now() - 86_400_000}&to=${Date.now()}&width=100`;
  const latestSensors = async (headers: Record<string, string>) =>
    ((await (await fetch(`${system.url}/api/v1/latest?station=DE-ELBE-ZEHREN`, { headers })).json()) as { latest: Array<{ sensor: string }> }).latest.map((r) => r.sensor);

  beforeAll(async () => {
    await system.review.repo.addEmbargo({ organisation: "KSI", target: { kind: "sensor", id: PROTOTYPE }, until: Date.now() + 86_400_000, reason: "matrix" }, { name: "test", id: null }, Date.now());
    await system.store.writeReadings([{ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: PROTOTYPE, time: Date.now() - 60_000, value: 50, qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null, qc: 1 }]);
  });

  it.each<[string, Role, string[], number]>([
    ["a viewer of no organisation", "viewer", [], 403],
    ["a researcher of BfUL", "researcher", ["BFUL"], 403],
    ["a reviewer of BfUL", "reviewer", ["BFUL"], 403],
    ["a viewer of KSI", "viewer", ["KSI"], 200],
    ["a researcher of KSI", "researcher", ["KSI"], 200],
    ["an admin of no organisation", "admin", [], 200],
  ])("%s: series %i, and latest lists the sensor only then", async (_who, role, organisations, status) => {
    const user = await createUser(system, role);
    await system.auth.memberships.set(user.id, organisations, "test", Date.now());
    const { token } = await system.auth.apiTokens.create(user.id, "matrix", role, null);
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${system.url}${seriesPath}`, { headers })).status).toBe(status);
    expect((await latestSensors(headers)).includes(PROTOTYPE)).toBe(status === 200);
  });

  it("anonymous callers get 401 (login-only installation)", async () => {
    expect((await fetch(`${system.url}${seriesPath}`)).status).toBe(401);
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
