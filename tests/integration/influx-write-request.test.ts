// InfluxDB writes keep their connections alive (influx/write-request.ts). A kept connection the
// server (or a proxy) drops while it is idle fails the next write sent on it; that write must go out
// again on a new connection instead of failing (and being spooled as if InfluxDB were down).
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WriteRequests } from "../../server/src/influx/write-request.ts";

const NO_CONTENT = "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n";

/**
 * An HTTP/1.1 server on 127.0.0.1 that answers each connection's first request with 204 and resets
 * the connection when a second request arrives on it (as a connection closed while idle behaves).
 */
async function resettingServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let answered = false;
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (answered) return void socket.resetAndDestroy();
      const end = received.indexOf("\r\n\r\n");
      const length = Number(/content-length: (\d+)/i.exec(received)?.[1] ?? 0);
      if (end >= 0 && received.length >= end + 4 + length) {
        answered = true;
        socket.write(NO_CONTENT);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/write`,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe("WriteRequests", () => {
  let server: Awaited<ReturnType<typeof resettingServer>> | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it("sends a write again on a new connection when the kept-alive one was dropped", async () => {
    server = await resettingServer();
    const writes = new WriteRequests(new URL(server.url));
    const body = Buffer.from("m,station=A value=1 1\n");
    const post = () => writes.post(server!.url, { "content-type": "text/plain" }, body, AbortSignal.timeout(5_000));
    expect((await post()).status).toBe(204);
    await new Promise((r) => setTimeout(r, 50)); // the connection is back in the agent's pool
    expect((await post()).status).toBe(204);
    expect(server.connections()).toBe(2);
  });

  it("still fails when the new connection fails too", async () => {
    const listener = net.createServer((socket) => socket.on("data", () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(listener.address() as net.AddressInfo).port}/write`;
    try {
      const writes = new WriteRequests(new URL(url));
      await expect(writes.post(url, {}, Buffer.from("x"), AbortSignal.timeout(5_000))).rejects.toMatchObject({ code: "ECONNRESET" });
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});
