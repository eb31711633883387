// Live connections lose their rights when their credentials do: real socket.io clients, each
// authorised at the handshake, are disconnected (or carry on with a lower role) when the admin turns
// the public dashboard off, a token is revoked, a user is disabled, demoted or deleted, a session is
// logged out — and, by the periodic re-check, when a session or token expires.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LiveSocketData } from "../../server/src/live/live-auth.ts";
import { authHeaders, createUser, loginSession } from "../helpers/auth.ts";
import { connectLiveWith, disconnected, stillConnected, type LiveClient } from "../helpers/live-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem;
let admin: Record<string, string>;
const sockets: LiveClient[] = [];

afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

const live = async (credentials: { cookie?: string; token?: string } = {}): Promise<LiveClient> => {
  const socket = await connectLiveWith(system.url, credentials);
  sockets.push(socket);
  return socket;
};

const token = (headers: Record<string, string>) => headers.authorization!.replace("Bearer ", "");
const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  fetch(`${system.url}${path}`, { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

describe("live connections follow the rights of their credentials", () => {
  // The periodic re-check (default: every minute) stays out of the way: each change acts at once.
  beforeAll(async () => {
    system = await startTestSystem();
    admin = await authHeaders(system, "admin");
  });
  afterAll(async () => {
    await system?.stop();
  });

  it("the admin turning the public dashboard off disconnects anonymous clients, not logged-in ones", async () => {
    const anonymous = await live();
    const viewer = await live({ token: token(await authHeaders(system, "viewer")) });
    const gone = disconnected(anonymous);
    expect((await send("PATCH", "/api/v1/admin/settings", admin, { publicDashboard: false })).status).toBe(200);
    expect(await gone).toBe("io server disconnect");
    expect(await stillConnected(viewer)).toBe(true);
    expect((await send("PATCH", "/api/v1/admin/settings", admin, { publicDashboard: true })).status).toBe(200);
  });

  it("revoking an API token disconnects the client that used it, not the same user's other token", async () => {
    const user = await createUser(system, "researcher");
    const revoked = await system.auth.apiTokens.create(user.id, "laptop", "researcher", null);
    const kept = await system.auth.apiTokens.create(user.id, "server", "researcher", null);
    const a = await live({ token: revoked.token });
    const b = await live({ token: kept.token });
    // The owner revokes through the API, as from the account page (a session of the owner).
    const owner = await fetch(`${system.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    const { csrfToken } = (await owner.json()) as { csrfToken: string };
    const cookie = (owner.headers.get("set-cookie") ?? "").split(";")[0]!;
    const gone = disconnected(a);
    expect((await send("DELETE", `/api/v1/me/api-tokens/${revoked.id}`, { cookie, "x-csrf-token": csrfToken })).status).toBe(204);
    expect(await gone).toBe("io server disconnect");
    expect(await stillConnected(b)).toBe(true);
  });

  it.each([
    ["disabling", (id: number) => send("PATCH", `/api/v1/admin/users/${id}`, admin, { disabled: true })],
    ["deleting", (id: number) => send("DELETE", `/api/v1/admin/users/${id}`, admin)],
  ])("%s a user disconnects their session and token clients", async (_name, act) => {
    const user = await createUser(system, "researcher");
    const { token: apiToken } = await system.auth.apiTokens.create(user.id, "t", "researcher", null);
    const login = await fetch(`${system.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    const bySession = await live({ cookie: (login.headers.get("set-cookie") ?? "").split(";")[0]! });
    const byToken = await live({ token: apiToken });
    const other = await live({ token: token(await authHeaders(system, "viewer")) });
    const gone = Promise.all([disconnected(bySession), disconnected(byToken)]);
    expect((await act(user.id)).status).toBeLessThan(300);
    expect(await gone).toEqual(["io server disconnect", "io server disconnect"]);
    expect(await stillConnected(other)).toBe(true);
  });

  it("demoting a user keeps their token client connected with the lower role", async () => {
    const user = await createUser(system, "researcher");
    const { token: apiToken } = await system.auth.apiTokens.create(user.id, "t", "researcher", null);
    const socket = await live({ token: apiToken });
    expect((await send("PATCH", `/api/v1/admin/users/${user.id}`, admin, { role: "viewer" })).status).toBe(200);
    expect(await stillConnected(socket)).toBe(true);
    const [server] = await system.io.in(socket.id!).fetchSockets();
    expect((server!.data as LiveSocketData).principal.role).toBe("viewer");
  });

  it("logging out one session disconnects that session's client, not the same user's other session", async () => {
    const first = await loginSession(system, "viewer");
    const second = await fetch(`${system.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: first.user.username, password: first.user.password }),
    });
    const a = await live({ cookie: first.cookie });
    const b = await live({ cookie: (second.headers.get("set-cookie") ?? "").split(";")[0]! });
    const gone = disconnected(a);
    expect((await send("POST", "/api/v1/auth/logout", first.headers)).status).toBe(204);
    expect(await gone).toBe("io server disconnect");
    expect(await stillConnected(b)).toBe(true);
  });

});

describe("the periodic re-check", () => {
  beforeAll(async () => {
    // Sessions live 1.8 s here and every live connection is re-checked every 200 ms.
    system = await startTestSystem({ SESSION_TTL_HOURS: "0.0005", LIVE_RECHECK_MS: "200" });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it("notices an expired session or API token", async () => {
    const session = await loginSession(system, "viewer");
    const user = await createUser(system, "viewer");
    const expiring = await system.auth.apiTokens.create(user.id, "short", "viewer", new Date(Date.now() + 1_000));
    const bySession = await live({ cookie: session.cookie });
    const byToken = await live({ token: expiring.token });
    // The session lives 1.8 s, the token 1 s; nothing else happens meanwhile.
    expect(await Promise.all([disconnected(bySession, 5_000), disconnected(byToken, 5_000)])).toEqual(["io server disconnect", "io server disconnect"]);
  });
});
