// Attacks a public installation will see, each refused without harm.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders, createUser, loginSession } from "../helpers/auth.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem;
beforeAll(async () => {
  // A first throttle delay of a minute: the default second is shorter than a few password checks on a loaded machine.
  system = await startTestSystem({}, undefined, { loginThrottle: { baseDelayMs: 60_000 } });
});
afterAll(async () => {
  await system?.stop();
});

const login = (username: string, password: string) =>
  fetch(`${system.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });

/** Raw HTTP so that `..` segments reach the server unnormalised. */
function rawGet(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(system.port, "127.0.0.1", () => socket.end(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
    let data = "";
    socket.on("data", (c) => (data += c.toString()));
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
  });
}

describe("SQL injection (SQLite)", () => {
  it.each(["' OR 1=1 --", "admin'--", "\" OR \"\"=\"", "x'; DROP TABLE users; --"])("login with username %s is just a wrong login", async (username) => {
    const res = await login(username, "anything");
    expect(res.status).toBe(401);
    expect(await system.auth.users.count()).toBeGreaterThan(0);
  });

  it("stores injection attempts in labels literally and keeps every table", async () => {
    const admin = await authHeaders(system, "admin");
    const label = "'); DROP TABLE station_tokens; --";
    const res = await fetch(`${system.url}/api/v1/admin/station-tokens`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ label, stations: ["DE-ELBE-ZEHREN"] }),
    });
    expect(res.status).toBe(201);
    expect((await system.stationTokens.list()).some((t) => t.label === label)).toBe(true);
    const bad = await fetch(`${system.url}/api/v1/admin/users`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ username: "x' OR '1'='1", password: "long-enough-password", role: "admin" }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/letters, digits/);
  });
});

describe("InfluxQL injection", () => {
  const now = Date.now();
  it.each([
    ["station", `DE-ELBE-ZEHREN' OR station =~ /.*/ --`],
    ["parameter", `ph"; DROP DATABASE water_monitor`],
    ["from", "now() - 1000d"],
    ["to", `${now}; DROP SERIES FROM reading`],
    ["width", "100 OR 1=1"],
  ])("series query with a crafted %s is refused with 400", async (param, value) => {
    const query = new URLSearchParams({ station: "DE-ELBE-ZEHREN", parameter: "ph", from: String(now - 3_600_000), to: String(now), width: "100" });
    query.set(param, value);
    const res = await fetch(`${system.url}/api/v1/series?${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toBeTruthy();
    const dbs = await system.store.query("SHOW DATABASES");
    expect(JSON.stringify(dbs)).toContain(system.store.database);
  });
});

describe("InfluxQL injection in export queries", () => {
  const now = Date.now();
  it.each([
    ["stations", `DE-ELBE-ZEHREN' OR 1=1 --`],
    ["parameters", `ph") ; DROP DATABASE water_monitor`],
    ["from", "now() - 1000d"],
    ["to", `${now}; DELETE FROM reading`],
    ["resolution", "1h) fill(0); DROP SERIES FROM reading --"],
  ])("export with a crafted %s is refused with 400", async (param, value) => {
    const researcher = await authHeaders(system, "researcher");
    const query = new URLSearchParams({ stations: "DE-ELBE-ZEHREN", parameters: "ph", from: String(now - 3_600_000), to: String(now) });
    query.set(param, value);
    for (const path of ["/api/v1/export", "/api/v1/export/estimate"]) {
      const res = await fetch(`${system.url}${path}?${query}`, { headers: researcher });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBeTruthy();
    }
    const dbs = await system.store.query("SHOW DATABASES");
    expect(JSON.stringify(dbs)).toContain(system.store.database);
  });
});

describe("path traversal on static files", () => {
  it.each(["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fpackage.json", "/..%5c..%5cpackage.json"])("%s does not leak files", async (path) => {
    const response = await rawGet(path);
    expect(response).not.toMatch(/root:x:0:0/);
    expect(response).not.toMatch(/"name":\s*"water-monitor"/);
  });
});

describe("oversized bodies", () => {
  it("refuses a 1 MB login body with 413", async () => {
    const res = await fetch(`${system.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "a", password: "x".repeat(1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
  });
});

describe("brute-force login", () => {
  it("throttles guesses from one address, refusing even the right password there with the same answer (login-throttle.test.ts has more)", async () => {
    const user = await createUser(system, "viewer");
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await login(user.username, `wrong-${i}`);
      expect(res.status).toBe(401);
      answers.push(await res.text());
    }
    const res = await login(user.username, user.password);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe(answers[0]);
    expect(new Set(answers).size).toBe(1);
  });
});

describe("sessions and CSRF", () => {
  it("rejects a cookie-authenticated change without the CSRF token, accepts it with", async () => {
    const session = await loginSession(system, "viewer");
    const body = JSON.stringify({ label: "script" });
    const without = await fetch(`${system.url}/api/v1/me/api-tokens`, { method: "POST", headers: { cookie: session.cookie, "content-type": "application/json" }, body });
    expect(without.status).toBe(403);
    expect(((await without.json()) as { error: { message: string } }).error.message).toMatch(/CSRF/);
    const withToken = await fetch(`${system.url}/api/v1/me/api-tokens`, { method: "POST", headers: session.headers, body });
    expect(withToken.status).toBe(201);
  });

  it("sets the session cookie HttpOnly and SameSite=Lax", async () => {
    const user = await createUser(system, "viewer");
    const res = await login(user.username, user.password);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it("logout everywhere ends every session of the user", async () => {
    const first = await loginSession(system, "researcher");
    const res = await fetch(`${system.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: first.user.username, password: first.user.password }),
    });
    const second = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    const out = await fetch(`${system.url}/api/v1/auth/logout-all`, { method: "POST", headers: first.headers });
    expect(out.status).toBe(200);
    for (const cookie of [first.cookie, second]) {
      const session = (await (await fetch(`${system.url}/api/v1/auth/session`, { headers: { cookie } })).json()) as { user: unknown };
      expect(session.user).toBeNull();
    }
  });
});

describe("live connections end with the session", () => {
  it("logout everywhere disconnects the user's socket.io clients", async () => {
    const { io } = await import("socket.io-client");
    const session = await loginSession(system, "viewer");
    const socket = io(system.url, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { cookie: session.cookie } });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
    expect((await fetch(`${system.url}/api/v1/auth/logout-all`, { method: "POST", headers: session.headers })).status).toBe(200);
    expect(await disconnected).toBe("io server disconnect");
    socket.close();
  });
});

describe("security headers", () => {
  it("sends a strict Content-Security-Policy and no X-Powered-By", async () => {
    const res = await fetch(`${system.url}/api/v1/stations`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-powered-by")).toBeNull();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
