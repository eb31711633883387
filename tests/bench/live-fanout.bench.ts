// Live fan-out at scale (issue #20): 1,000 socket.io clients on the 500 × 40 network, each watching
// one station (as a station page does: "subscribe" to its room), two per station, while readings
// arrive at 2,000 readings/s spread over every series; p50/p99 from the POST to the client event
// over every delivered reading. Baseline, same server, same rate, same run: one client. Also a client
// whose TCP connection stops reading joins the 1,000: it must be closed (it resyncs on reconnect),
// not buffered without end, while the others' latency stays where it is.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Socket as NetSocket } from "node:net";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { io as connect, type Socket } from "socket.io-client";
import type { Reading } from "../../common/reading.ts";
import { influxAdmin, type Benchmark } from "./bench-kit.ts";
import { largeCatalog } from "./large-catalog.ts";
import { startServerProcess } from "./server-process.ts";

const CLIENTS = 1_000;
const RATE_PER_SECOND = 2_000;
const TICK_MS = 100;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Watchers {
  sockets: Socket[];
  latencies: number[];
  /** Disconnects of these clients since they connected (none expected). */
  disconnects: number;
}

/** `count` clients, client i watching stations[i % stations.length], a few connecting at a time. */
async function watchers(url: string, stations: readonly string[], count: number): Promise<Watchers> {
  const w: Watchers = { sockets: [], latencies: [], disconnects: 0 };
  const one = (station: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(url, { transports: ["websocket"], forceNew: true, reconnection: false });
      socket.on("readings", (batch: Reading[]) => {
        const now = Date.now();
        for (const r of batch) w.latencies.push(now - r.time);
      });
      socket.on("disconnect", () => w.disconnects++);
      socket.once("connect_error", reject);
      socket.once("connect", () =>
        socket.emit("subscribe", { stations: [station] }, (ack: { ok: boolean; msg?: string }) => (ack.ok ? resolve(socket) : reject(new Error(`subscribe refused: ${ack.msg}`)))),
      );
    });
  for (let i = 0; i < count; i += 50) {
    w.sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => one(stations[(i + j) % stations.length]!)))));
  }
  return w;
}

/** Posts RATE_PER_SECOND readings per second for `seconds`, over every series (station-minor: each tick meets many stations), stamped with the send time. */
async function drive(url: string, token: string, series: ReadonlyArray<readonly [string, string]>, seconds: number, offset: number): Promise<number> {
  const perTick = (RATE_PER_SECOND * TICK_MS) / 1000;
  const ticks = Math.max(1, Math.round((seconds * 1000) / TICK_MS));
  const start = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let t = 0; t < ticks; t++) {
    const now = Date.now();
    const readings = Array.from({ length: perTick }, (_, i) => {
      const [station, parameter] = series[(offset + t * perTick + i) % series.length]!;
      return { station, parameter, time: now, value: 100 + (i % 10) };
    });
    inFlight.push(
      fetch(`${url}/api/v1/readings`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ readings }) }).then(async (res) => {
        if (res.status >= 300) throw new Error(`POST failed: ${res.status} ${await res.text()}`);
        await res.body?.cancel();
      }),
    );
    const wait = start + (t + 1) * TICK_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inFlight);
  await new Promise((r) => setTimeout(r, 500)); // the last events
  return ticks * perTick;
}

/** The TCP socket under a client's WebSocket (engine.io-client → ws), to stop reading from it. */
function tcpOf(socket: Socket): NetSocket {
  return (socket.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket;
}

export const liveFanout: Benchmark = {
  id: "scale",
  name: `Live fan-out: POST /api/v1/readings → socket.io event, ${CLIENTS.toLocaleString("en-US")} clients on 500 stations × 40 parameters, ${RATE_PER_SECOND.toLocaleString("en-US")} readings/s`,
  async run({ influxUrl, scale }) {
    const seconds = Math.max(1, Math.round(20 * scale));
    const clients = Math.max(10, Math.round(CLIENTS * scale));
    const data = largeCatalog();
    const stations = data.stations.map((s) => s.id);
    // Station-minor, so consecutive readings come from different stations, as a network's do.
    const series = data.parameters.flatMap((p) => stations.map((s) => [s, p.code] as const));
    const dir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-fanout-"));
    writeFileSync(path.join(dir, "catalog.json"), JSON.stringify(data));
    const database = `bench_fanout_${randomBytes(4).toString("hex")}`;
    const server = await startServerProcess(influxUrl, { INFLUX_DATABASE: database, CATALOG_SEED: path.join(dir, "catalog.json") }, process.env.BENCH_SERVER_NODE_ARGS?.split(" ") ?? []);
    let one: number[];
    let many: number[];
    let delivered: number;
    let expected: number;
    let disconnects: number;
    let slowClosed: boolean;
    let peakRssMb: number;
    let cpuOne: number;
    let cpuMany: number;
    try {
      const token = await server.stationToken();
      // Baseline: one watcher, same server and rate (warm-up first: JIT, first series).
      const single = await watchers(server.url, stations, 1);
      await drive(server.url, token, series, 2, 0);
      single.latencies.length = 0;
      let offset = RATE_PER_SECOND * 2;
      let cpu0 = server.cpuSeconds();
      const sentOne = await drive(server.url, token, series, seconds, offset);
      cpuOne = server.cpuSeconds() - cpu0;
      offset += sentOne;
      for (const s of single.sockets) s.close();
      one = single.latencies.sort((a, b) => a - b);

      const crowd = await watchers(server.url, stations, clients);
      // One more watcher whose TCP connection stops reading: the server must close it.
      // It watches every station (100 per request), so its backlog outgrows the kernel's buffers in seconds.
      const [slow] = (await watchers(server.url, stations, 1)).sockets;
      for (let i = 100; i < stations.length; i += 100) await slow!.timeout(5_000).emitWithAck("subscribe", { stations: stations.slice(i, i + 100) });
      let slowDisconnected = false;
      slow!.on("disconnect", () => (slowDisconnected = true));
      tcpOf(slow!).pause();
      await drive(server.url, token, series, 2, offset);
      offset += RATE_PER_SECOND * 2;
      crowd.latencies.length = 0;
      cpu0 = server.cpuSeconds();
      const sent = await drive(server.url, token, series, seconds, offset);
      cpuMany = server.cpuSeconds() - cpu0;
      many = crowd.latencies.sort((a, b) => a - b);
      delivered = many.length;
      expected = Math.round((sent * clients) / stations.length);
      disconnects = crowd.disconnects;
      peakRssMb = server.peakRssMb();
      slowClosed = await closedWithin(slow!, () => slowDisconnected, 10_000);
      for (const s of crowd.sockets) s.close();
      slow!.close();
    } finally {
      await server.stop();
      await influxAdmin(influxUrl, `DROP DATABASE "${database}"`).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
    return {
      name: `${this.name}, ${clients} clients, ${seconds} s`,
      ours: { label: `p99 latency, ${clients} clients (2 per station)`, value: percentile(many, 99), unit: "ms" },
      baseline: { label: "p99 latency, 1 client, same server and rate", value: percentile(one, 99), unit: "ms" },
      ratio: percentile(many, 99) / Math.max(1, percentile(one, 99)),
      higherIsBetter: false,
      target: "p99 < 100 ms",
      extra: [
        { label: `p50 latency, ${clients} clients`, value: percentile(many, 50), unit: "ms" },
        { label: `p90 latency, ${clients} clients`, value: percentile(many, 90), unit: "ms" },
        { label: `max latency, ${clients} clients`, value: many.at(-1) ?? Number.NaN, unit: "ms" },
        { label: "p50 latency, 1 client", value: percentile(one, 50), unit: "ms" },
        { label: `server CPU per reading, ${clients} clients`, value: (cpuMany * 1e6) / (RATE_PER_SECOND * seconds), unit: "µs" },
        { label: "server CPU per reading, 1 client", value: (cpuOne * 1e6) / (RATE_PER_SECOND * seconds), unit: "µs" },
        { label: "deliveries (reading × watching client)", value: delivered, unit: `of ${expected}` },
        { label: "well-behaved clients disconnected", value: disconnects, unit: `of ${clients}` },
        { label: "client that stopped reading closed by the server (1 = yes)", value: slowClosed ? 1 : 0, unit: "" },
        { label: "server peak RSS", value: peakRssMb, unit: "MB" },
      ],
    };
  },
};

/** Whether the server closed `slow`'s connection (seen once its TCP reads again) within `ms`. */
async function closedWithin(slow: Socket, closed: () => boolean, ms: number): Promise<boolean> {
  tcpOf(slow).resume();
  const deadline = Date.now() + ms;
  while (!closed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return closed();
}
