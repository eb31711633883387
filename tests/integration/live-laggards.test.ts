// A live client that does not keep up (issue #20): its TCP connection stops reading, so the events
// for it queue on the server. Past LIVE_MAX_BACKLOG queued packets the server closes its connection
// instead of buffering without end; the other client watching the same station receives every
// reading, and the slow one reconnects once it reads again (the dashboard then resyncs).
import type { Socket as NetSocket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { connectLive, type LiveClient } from "../helpers/live-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const STATION = "DE-ELBE-ZEHREN";
const POSTS = 20;
const PER_POST = 10_000;

let system: TestSystem;
let token: string;
const clients: LiveClient[] = [];

beforeAll(async () => {
  system = await startTestSystem({ LIVE_MAX_BACKLOG: "5" });
  token = (await system.stationTokens.create("laggards", [STATION])).token;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await system?.stop();
});

async function watcher(): Promise<LiveClient> {
  const client = await connectLive(system.url);
  clients.push(client);
  const ack = await client.timeout(5_000).emitWithAck("subscribe", { stations: [STATION] });
  expect(ack).toMatchObject({ ok: true });
  return client;
}

/** The TCP socket under the client's WebSocket (engine.io-client → ws). */
function tcpOf(client: LiveClient): NetSocket {
  const transport = client.io.engine.transport as unknown as { ws: { _socket: NetSocket } };
  return transport.ws._socket;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("a live client that stops reading", () => {
  it("is disconnected past the backlog limit while the other watcher gets every reading; it reconnects when it reads again", async () => {
    const fast = await watcher();
    const slow = await watcher();
    let received = 0;
    fast.on("readings", (batch: Reading[]) => (received += batch.length));
    let slowConnects = 0;
    slow.on("connect", () => slowConnects++);
    const parameters = system.catalog.current().parametersOf(STATION).map((p) => p.code);

    tcpOf(slow).pause();
    // What the server holds for each connection, sampled while the readings arrive: the slow one's
    // queue must stay near the limit, not grow with what it is sent.
    let mostQueued = 0;
    const sampler = setInterval(() => {
      for (const socket of system.io.of("/").sockets.values()) mostQueued = Math.max(mostQueued, (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length);
    }, 5);
    const start = Date.now() - 10 * 86_400_000;
    for (let k = 0; k < POSTS; k++) {
      const readings = Array.from({ length: PER_POST }, (_, i) => {
        const n = k * PER_POST + i;
        return { station: STATION, parameter: parameters[n % parameters.length]!, time: new Date(start + Math.floor(n / parameters.length) * 60_000).toISOString(), value: 100 + (n % 50) };
      });
      expect((await postReadings(system.url, token, { readings })).status).toBe(202);
    }
    await eventually(() => received === POSTS * PER_POST, `the fast client received ${POSTS * PER_POST} readings (got ${received})`);
    clearInterval(sampler);
    // LIVE_MAX_BACKLOG (5) plus what one flush adds before the next check.
    expect(mostQueued).toBeLessThanOrEqual(5 + 2);
    await eventually(() => system.io.of("/").sockets.size === 1, "the slow client's connection closed by the server");

    tcpOf(slow).resume();
    await eventually(() => slowConnects >= 1 && slow.connected, "the slow client reconnected");
    expect(system.io.of("/").sockets.size).toBe(2);
  }, 120_000);
});
