// Live fan-out at scale (issue #20): 1,000 socket.io clients on the 500 × 40 network, each watching
// one station (as a station page does: "subscribe" to its room), two per station, while readings
// arrive at 2,000 readings/s spread over every series; p50/p99 from the POST to the client event
// over every delivered reading. Baseline, same server, same rate, same run: one client. Also a client
// whose TCP connection stops reading joins the 1,000: it must be closed (it resyncs on reconnect),
// not buffered without end, while the others' latency stays where it is.
import type { Socket as NetSocket } from "node:net";
import { randomBytes } from "node:crypto";
import type { Socket } from "socket.io-client";
import { influxAdmin, type Benchmark } from "./bench-kit.ts";
import { drive, fanoutNetwork, percentile, RATE_PER_SECOND, watchers } from "./fanout-kit.ts";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { PROBE_ARGS, startServerProcess, type LoopProbe } from "./server-process.ts";

const CLIENTS = 1_000;

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
    const network = fanoutNetwork();
    const { stations, series } = network;
    const database = `bench_fanout_${randomBytes(4).toString("hex")}`;
    const server = await startServerProcess(influxUrl, { INFLUX_DATABASE: database, CATALOG_SEED: network.catalogFile }, [...PROBE_ARGS, ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ") ?? [])]);
    let one: number[];
    let many: number[];
    let delivered: number;
    let expected: number;
    let disconnects: number;
    let alertEvents: number;
    let slowClosed: boolean;
    let peakRssMb: number;
    let cpuOne: number;
    let cpuMany: number;
    let serverOne: LoopProbe;
    let serverMany: LoopProbe;
    let clientMany: { loopP99Ms: number; loopMaxMs: number; cpuShare: number };
    try {
      const token = await server.stationToken();
      // Baseline: one watcher, same server and rate (warm-up first: JIT, first series).
      const single = await watchers(server.url, stations, 1);
      await drive(server.url, token, series, 2, 0);
      single.latencies.length = 0;
      let offset = RATE_PER_SECOND * 2;
      let cpu0 = server.cpuSeconds();
      await server.probe();
      const sentOne = await drive(server.url, token, series, seconds, offset);
      serverOne = await server.probe();
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
      crowd.alerts = 0;
      cpu0 = server.cpuSeconds();
      // This process runs the 1,000 clients too: its own loop delay and CPU say whether they bound the figure.
      const clientLoop = monitorEventLoopDelay({ resolution: 10 });
      clientLoop.enable();
      const clientCpu0 = process.cpuUsage();
      const wall0 = performance.now();
      await server.probe();
      const sent = await drive(server.url, token, series, seconds, offset);
      serverMany = await server.probe();
      clientLoop.disable();
      const clientCpu = process.cpuUsage(clientCpu0);
      clientMany = { loopP99Ms: clientLoop.percentile(99) / 1e6, loopMaxMs: clientLoop.max / 1e6, cpuShare: (clientCpu.user + clientCpu.system) / 1e3 / (performance.now() - wall0) };
      cpuMany = server.cpuSeconds() - cpu0;
      many = crowd.latencies.sort((a, b) => a - b);
      delivered = many.length;
      expected = Math.round((sent * clients) / stations.length);
      disconnects = crowd.disconnects;
      alertEvents = crowd.alerts;
      peakRssMb = server.peakRssMb();
      slowClosed = await closedWithin(slow!, () => slowDisconnected, 10_000);
      for (const s of crowd.sockets) s.close();
      slow!.close();
    } finally {
      await server.stop();
      await influxAdmin(influxUrl, `DROP DATABASE "${database}"`).catch(() => undefined);
      network.remove();
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
        { label: `"alert" events received, ${clients} clients together (alerts the readings opened × clients)`, value: alertEvents, unit: "" },
        { label: "well-behaved clients disconnected", value: disconnects, unit: `of ${clients}` },
        { label: "client that stopped reading closed by the server (1 = yes)", value: slowClosed ? 1 : 0, unit: "" },
        { label: "server peak RSS", value: peakRssMb, unit: "MB" },
        ...loopFigures(`${clients} clients`, serverMany),
        ...loopFigures("1 client", serverOne),
        { label: `benchmark process (the ${clients} clients and the sender): event-loop delay p99`, value: clientMany.loopP99Ms, unit: "ms" },
        { label: "benchmark process: event-loop delay max", value: clientMany.loopMaxMs, unit: "ms" },
        { label: "benchmark process: CPU share (CPU s / wall s)", value: 100 * clientMany.cpuShare, unit: "%" },
      ],
    };
  },
};

/** The server's event-loop delay and GC pauses over a measured window. */
function loopFigures(label: string, p: LoopProbe): Array<{ label: string; value: number; unit: string }> {
  return [
    { label: `server event-loop delay p99, ${label}`, value: p.loopDelayP99Ms, unit: "ms" },
    { label: `server event-loop delay max, ${label}`, value: p.loopDelayMaxMs, unit: "ms" },
    { label: `server GC pauses, ${label}: total`, value: p.gcTotalMs, unit: `ms in ${p.gcCount} pauses` },
    { label: `server GC pauses, ${label}: longest`, value: p.gcMaxMs, unit: `ms (${p.gcOver20Ms} ≥ 20 ms)` },
  ];
}

/** Whether the server closed `slow`'s connection (seen once its TCP reads again) within `ms`. */
async function closedWithin(slow: Socket, closed: () => boolean, ms: number): Promise<boolean> {
  tcpOf(slow).resume();
  const deadline = Date.now() + ms;
  while (!closed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return closed();
}
