// Cross-site WebSocket hijacking: a page on another site must not open live connections with the
// visitor's cookies. socket.io checks the handshake's Origin: the server's own origin (same host)
// and PUBLIC_URL's are allowed; clients that send none (scripts, same-origin polling GETs) too.
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const PUBLIC_URL = "https://monitor.example.org";
let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem({ PUBLIC_URL });
});
afterAll(async () => {
  await system?.stop();
});

function handshake(transport: "websocket" | "polling", origin: string | undefined): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(system.url, {
      transports: [transport],
      forceNew: true,
      reconnection: false,
      extraHeaders: origin === undefined ? {} : { origin },
    });
    socket.once("connect", () => {
      socket.close();
      resolve("connected");
    });
    socket.once("connect_error", (err) => {
      socket.close();
      resolve(`refused: ${err.message}`);
    });
  });
}

describe("Origin check on the socket.io handshake", () => {
  it.each(["websocket", "polling"] as const)("refuses a foreign origin over %s", async (transport) => {
    expect(await handshake(transport, "https://evil.example.net")).toMatch(/^refused/);
    expect(await handshake(transport, "null")).toMatch(/^refused/);
  });

  it.each(["websocket", "polling"] as const)("admits the server's own origin, PUBLIC_URL's, and clients without Origin over %s", async (transport) => {
    expect(await handshake(transport, system.url)).toBe("connected");
    expect(await handshake(transport, PUBLIC_URL)).toBe("connected");
    expect(await handshake(transport, undefined)).toBe("connected");
  });

  it("answers a refused polling handshake with 403 and a JSON message saying what to do", async () => {
    const res = await fetch(`${system.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://evil.example.net" } });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { message: string };
    expect(body.message).toMatch(/https:\/\/evil\.example\.net.*may not open live connections.*https:\/\/monitor\.example\.org/);
  });
});

describe("Content-Security-Policy", () => {
  it("lets the dashboard connect to its own origin only (no ws:/wss: to any host)", async () => {
    const csp = (await fetch(`${system.url}/`)).headers.get("content-security-policy") ?? "";
    const connectSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("connect-src"));
    expect(connectSrc).toBe("connect-src 'self'");
  });
});
