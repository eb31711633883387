// Live latency: readings POSTed to /api/v1/readings at 2,000 readings/s until they arrive at 200
// connected socket.io clients (each watching one station), p50/p99 over every delivered reading.
// Baseline, same run, same clients and rate: a bare socket.io server that re-emits each POSTed
// batch at once (HTTP + fan-out with no validation, QC, storage or batching).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { Server } from "socket.io";
import { io as connect, type Socket } from "socket.io-client";
import type { Reading } from "../../common/reading.ts";
import { stationRoom } from "../../server/src/live/live-hub.ts";
import { catalog, type Benchmark } from "./bench-kit.ts";
import { startServerProcess } from "./server-process.ts";

const CLIENTS = 200;
const RATE_PER_SECOND = 2_000;
const TICK_MS = 100;
const STATIONS = catalog.stations.map((s) => s.id);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function connectClients(url: string, auth: Record<string, string> = {}): Promise<{ sockets: Socket[]; latencies: number[] }> {
  const latencies: number[] = [];
  const sockets = await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect(url, { transports: ["websocket"], forceNew: true, reconnection: false, auth });
        socket.on("readings", (batch: Reading[]) => {
          const now = Date.now();
          for (const r of batch) latencies.push(now - r.time);
        });
        socket.once("connect_error", reject);
        socket.once("connect", () =>
          socket.emit("subscribe", { stations: [STATIONS[i % STATIONS.length]!] }, (ack: { ok: boolean }) => (ack.ok ? resolve(socket) : reject(new Error("subscribe refused")))),
        );
      }),
    ),
  );
  return { sockets, latencies };
}

/** Posts RATE_PER_SECOND readings per second for `seconds`, stamped with the send time. */
async function drive(postUrl: string, headers: Record<string, string>, seconds: number): Promise<number> {
  const perTick = (RATE_PER_SECOND * TICK_MS) / 1000;
  const ticks = Math.max(1, Math.round((seconds * 1000) / TICK_MS));
  let sent = 0;
  const start = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let t = 0; t < ticks; t++) {
    const now = Date.now();
    const readings = Array.from({ length: perTick }, (_, i) => ({
      station: STATIONS[i % STATIONS.length]!,
      parameter: catalog.parameters[(t * perTick + i) % catalog.parameters.length]!.code,
      time: now - (i % 5), // distinct keys within the tick
      value: 100 + (i % 10),
    }));
    inFlight.push(
      fetch(postUrl, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ readings }) }).then(async (res) => {
        if (res.status >= 300) throw new Error(`POST failed: ${res.status} ${await res.text()}`);
        await res.body?.cancel();
      }),
    );
    sent += perTick;
    const wait = start + (t + 1) * TICK_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inFlight);
  await new Promise((r) => setTimeout(r, 500)); // let the last events arrive
  return sent;
}

async function bareSocketIoBaseline(seconds: number): Promise<number[]> {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.on("connection", (socket) => socket.on("subscribe", (req: { stations: string[] }, ack: (a: { ok: boolean }) => void) => {
    for (const s of req.stations) void socket.join(stationRoom(s));
    ack({ ok: true });
  }));
  http.on("request", (req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const { readings } = JSON.parse(body) as { readings: Reading[] };
      const byStation = new Map<string, Reading[]>();
      for (const r of readings) byStation.set(r.station, [...(byStation.get(r.station) ?? []), r]);
      for (const [station, list] of byStation) io.to(stationRoom(station)).emit("readings", list);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const { sockets, latencies } = await connectClients(url);
  try {
    await drive(`${url}/readings`, {}, 2);
    latencies.length = 0;
    await drive(`${url}/readings`, {}, seconds);
  } finally {
    for (const s of sockets) s.close();
    await new Promise<void>((r) => io.close(() => r()));
  }
  return latencies;
}

export const liveLatency: Benchmark = {
  name: `Live latency: POST /api/v1/readings → socket.io event at ${CLIENTS} clients, ${RATE_PER_SECOND.toLocaleString("en-US")} readings/s`,
  async run({ influxUrl, scale }) {
    const seconds = Math.max(1, Math.round(20 * scale));
    const server = await startServerProcess(influxUrl, { INFLUX_DATABASE: `bench_live_${randomBytes(4).toString("hex")}` }, process.env.BENCH_SERVER_NODE_ARGS?.split(" ") ?? []);
    let ours: number[];
    try {
      const { sockets, latencies } = await connectClients(server.url);
      const headers = { authorization: `Bearer ${await server.stationToken()}` };
      try {
        // Warm-up (JIT, first connections), not measured.
        await drive(`${server.url}/api/v1/readings`, headers, 2);
        latencies.length = 0;
        await drive(`${server.url}/api/v1/readings`, headers, seconds);
      } finally {
        for (const s of sockets) s.close();
      }
      ours = latencies.sort((a, b) => a - b);
    } finally {
      await server.stop();
    }
    const baseline = (await bareSocketIoBaseline(seconds)).sort((a, b) => a - b);
    const expected = (RATE_PER_SECOND * seconds * CLIENTS) / STATIONS.length;
    return {
      name: `${this.name}, ${seconds} s`,
      ours: { label: "p99 latency, Water Monitor", value: percentile(ours, 99), unit: "ms" },
      baseline: { label: "p99 latency, bare socket.io re-emit", value: percentile(baseline, 99), unit: "ms" },
      ratio: percentile(ours, 99) / Math.max(1, percentile(baseline, 99)),
      higherIsBetter: false,
      target: "p99 < 50 ms",
      extra: [
        { label: "p50 latency, Water Monitor", value: percentile(ours, 50), unit: "ms" },
        { label: "p90 latency, Water Monitor", value: percentile(ours, 90), unit: "ms" },
        { label: "p95 latency, Water Monitor", value: percentile(ours, 95), unit: "ms" },
        { label: "p50 latency, bare socket.io", value: percentile(baseline, 50), unit: "ms" },
        { label: "deliveries (reading × watching client), Water Monitor", value: ours.length, unit: `of ${expected}` },
      ],
    };
  },
};
