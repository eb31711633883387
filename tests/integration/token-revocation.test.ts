// Personal API tokens do not outlive what was meant to shut a thief out: a password reset by an
// admin or a password change by the owner (unless they choose to keep their tokens), disabling the
// account, or "log out everywhere" revokes them; demoting a user lowers them for good; deleting a
// user removes them. Each time, the token's HTTP requests are refused at once and its live
// connections are dropped. Real server, real HTTP, real socket.io clients.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { authHeaders, createUser, type TestUser } from "../helpers/auth.ts";
import { connectLiveWith, disconnected, stillConnected, type LiveClient } from "../helpers/live-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem;
let admin: Record<string, string>;
const sockets: LiveClient[] = [];

beforeAll(async () => {
  system = await startTestSystem();
  admin = await authHeaders(system, "admin");
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(async () => {
  await system?.stop();
});

const send = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
  const res = await fetch(`${system.url}${path}`, { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : null };
};

async function logIn(user: TestUser, password = user.password): Promise<{ cookie: string; headers: Record<string, string> }> {
  const res = await fetch(`${system.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: user.username, password }) });
  expect(res.status).toBe(200);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  return { cookie, headers: { cookie, "x-csrf-token": csrfToken } };
}

/** A researcher with a logged-in session and a personal API token made from it (as a thief would). */
async function researcherWithToken() {
  const user = await createUser(system, "researcher");
  const session = await logIn(user);
  const created = await send("POST", "/api/v1/me/api-tokens", session.headers, { label: "script" });
  expect(created.status).toBe(201);
  return { user, session, token: created.body!.token as string };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** What the token may do now: 200 (researcher), 403 (less), 401 (nothing). */
const tokenAnswer = async (token: string) => (await send("GET", "/api/v1/subscriptions", bearer(token))).status;

const live = async (credentials: { cookie?: string; token?: string } = {}): Promise<LiveClient> => {
  const socket = await connectLiveWith(system.url, credentials);
  sockets.push(socket);
  return socket;
};

describe("password reset by an admin", () => {
  it("revokes the user's API tokens by default: refused over HTTP and dropped live", async () => {
    const { user, token } = await researcherWithToken();
    const socket = await live({ token });
    expect(await tokenAnswer(token)).toBe(200);
    const gone = disconnected(socket);
    expect((await send("PATCH", `/api/v1/admin/users/${user.id}`, admin, { password: "a-new-long-password" })).status).toBe(200);
    expect(await gone).toBe("io server disconnect");
    expect(await tokenAnswer(token)).toBe(401);
  });

  it("keeps them when the admin says revokeTokens: false (the sessions still end)", async () => {
    const { user, session, token } = await researcherWithToken();
    const socket = await live({ token });
    expect((await send("PATCH", `/api/v1/admin/users/${user.id}`, admin, { password: "a-new-long-password", revokeTokens: false })).status).toBe(200);
    expect(await stillConnected(socket)).toBe(true);
    expect(await tokenAnswer(token)).toBe(200);
    expect((await send("GET", "/api/v1/auth/session", { cookie: session.cookie })).body!.user).toBeNull();
  });

  it("refuses revokeTokens without a new password with 400, and changes nothing", async () => {
    const { user, session, token } = await researcherWithToken();
    const res = await send("PATCH", `/api/v1/admin/users/${user.id}`, admin, { role: "viewer", revokeTokens: true });
    expect(res.status).toBe(400);
    expect(res.body!.error.message).toMatch(/revokeTokens goes with a new password/);
    expect(await tokenAnswer(token)).toBe(200);
    expect((await send("GET", "/api/v1/auth/session", { cookie: session.cookie })).body!.user).toMatchObject({ role: "researcher" });
  });
});

describe("changing one's own password", () => {
  it("revokes one's API tokens by default, ends one's other sessions and keeps this one", async () => {
    const { user, session, token } = await researcherWithToken();
    const other = await logIn(user);
    const [byToken, byOtherSession, byThisSession] = [await live({ token }), await live({ cookie: other.cookie }), await live({ cookie: session.cookie })];
    const gone = Promise.all([disconnected(byToken), disconnected(byOtherSession)]);
    const res = await send("POST", "/api/v1/me/password", session.headers, { currentPassword: user.password, newPassword: "my-new-long-password" });
    expect(res).toEqual({ status: 200, body: { endedSessions: 1, revokedTokens: 1 } });
    expect(await gone).toEqual(["io server disconnect", "io server disconnect"]);
    expect(await stillConnected(byThisSession)).toBe(true);
    expect(await tokenAnswer(token)).toBe(401);
    expect((await send("GET", "/api/v1/auth/session", { cookie: other.cookie })).body!.user).toBeNull();
    expect((await send("GET", "/api/v1/auth/session", { cookie: session.cookie })).body!.user).toMatchObject({ id: user.id });
    await logIn(user, "my-new-long-password");
  });

  it("keeps one's tokens with revokeTokens: false", async () => {
    const { user, session, token } = await researcherWithToken();
    const res = await send("POST", "/api/v1/me/password", session.headers, { currentPassword: user.password, newPassword: "my-new-long-password", revokeTokens: false });
    expect(res).toEqual({ status: 200, body: { endedSessions: 0, revokedTokens: 0 } });
    expect(await tokenAnswer(token)).toBe(200);
  });

  it.each([
    ["a wrong current password", (u: TestUser) => ({ currentPassword: `${u.password}-not`, newPassword: "my-new-long-password" }), 400, /currentPassword is not your current password/],
    ["a new password that is too short", (u: TestUser) => ({ currentPassword: u.password, newPassword: "short" }), 400, /at least 10 characters/],
    ["an unknown field", (u: TestUser) => ({ currentPassword: u.password, newPassword: "my-new-long-password", keep: true }), 400, /keep/],
  ])("refuses %s with 400 and changes nothing", async (_what, body, status, message) => {
    const { user, session, token } = await researcherWithToken();
    const res = await send("POST", "/api/v1/me/password", session.headers, body(user));
    expect(res.status).toBe(status);
    expect(res.body!.error.message).toMatch(message);
    expect(await tokenAnswer(token)).toBe(200);
    await logIn(user);
  });

  it("cannot be done with an API token (403): a stolen token must not lock its owner out", async () => {
    const { user, token } = await researcherWithToken();
    const res = await send("POST", "/api/v1/me/password", bearer(token), { currentPassword: user.password, newPassword: "thiefs-new-password" });
    expect(res.status).toBe(403);
    expect(res.body!.error.message).toMatch(/logged-in session/);
    await logIn(user);
  });
});

describe("log out everywhere", () => {
  it("revokes the user's API tokens and drops their live connections", async () => {
    const { session, token } = await researcherWithToken();
    const socket = await live({ token });
    const gone = disconnected(socket);
    const res = await send("POST", "/api/v1/auth/logout-all", session.headers);
    expect(res).toEqual({ status: 200, body: { endedSessions: 1, revokedTokens: 1 } });
    expect(await gone).toBe("io server disconnect");
    expect(await tokenAnswer(token)).toBe(401);
  });
});

describe("disabling, demoting and deleting a user", () => {
  it("disabling revokes the tokens for good: enabling the user again revives none", async () => {
    const { user, token } = await researcherWithToken();
    expect((await send("PATCH", `/api/v1/admin/users/${user.id}`, admin, { disabled: true })).status).toBe(200);
    expect(await tokenAnswer(token)).toBe(401);
    expect((await send("PATCH", `/api/v1/admin/users/${user.id}`, admin, { disabled: false })).status).toBe(200);
    expect(await tokenAnswer(token)).toBe(401);
  });

  it("demoting caps the tokens at the new role at once, and promoting again does not raise them", async () => {
    const { user, token } = await researcherWithToken();
    const socket = await live({ token });
    expect((await send("PATCH", `/api/v1/admin/users/${user.id}`, admin, { role: "viewer" })).status).toBe(200);
    expect(await tokenAnswer(token)).toBe(403);
    expect(await stillConnected(socket)).toBe(true);
    expect((await send("PATCH", `/api/v1/admin/users/${user.id}`, admin, { role: "researcher" })).status).toBe(200);
    expect(await tokenAnswer(token)).toBe(403);
    expect((await send("GET", "/api/v1/me/api-tokens", bearer(token))).body!.tokens).toMatchObject([{ role: "viewer", revokedAt: null }]);
  });

  it("deleting removes the tokens at once", async () => {
    const { user, token } = await researcherWithToken();
    const socket = await live({ token });
    const gone = disconnected(socket);
    expect((await send("DELETE", `/api/v1/admin/users/${user.id}`, admin)).status).toBe(204);
    expect(await gone).toBe("io server disconnect");
    expect(await tokenAnswer(token)).toBe(401);
  });
});
