// Credentials for tests: users of each role, with a personal API token (Bearer) or a real login
// session (cookie + CSRF token), created through the server's own repositories and login route.
import { randomBytes } from "node:crypto";
import { hashPassword } from "../../server/src/auth/passwords.ts";
import type { Role } from "../../server/src/auth/roles.ts";
import type { RunningSystem } from "../../server/src/system.ts";

type SystemWithAuth = Pick<RunningSystem, "auth" | "url">;

export interface TestUser {
  id: number;
  username: string;
  password: string;
  role: Role;
}

export async function createUser(system: SystemWithAuth, role: Role, username = `${role}-${randomBytes(4).toString("hex")}`): Promise<TestUser> {
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const user = await system.auth.users.create(username, await hashPassword(password), role);
  return { id: user.id, username, password, role };
}

/** `Authorization: Bearer <personal API token>` of a fresh user with `role`. */
export async function authHeaders(system: SystemWithAuth, role: Role): Promise<Record<string, string>> {
  const user = await createUser(system, role);
  const { token } = await system.auth.apiTokens.create(user.id, "test", role, null);
  return { authorization: `Bearer ${token}` };
}

export interface LoginSession {
  user: TestUser;
  cookie: string;
  csrfToken: string;
  /** Headers for a state-changing request from this session (cookie + CSRF + JSON). */
  headers: Record<string, string>;
}

/** Logs a fresh user with `role` in through POST /api/v1/auth/login. */
export async function loginSession(system: SystemWithAuth, role: Role, baseUrl = system.url): Promise<LoginSession> {
  const user = await createUser(system, role);
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: user.username, password: user.password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { user, cookie, csrfToken, headers: { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" } };
}
