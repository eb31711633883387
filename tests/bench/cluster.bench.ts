// Several instances (issue #21): one Water Monitor instance behind HAProxy (deploy/haproxy.cfg)
// against two, on the same PostgreSQL, Redis and InfluxDB both times (the second instance joins the
// first's installation). Two figures each: ingest throughput through HAProxy (JSON batches from four
// senders, each with a station token of its own, half of them taken by each instance when there are
// two; timed until every point is in InfluxDB), and live fan-out to 2,000 socket.io clients
// connected through HAProxy (500 × 40 network, 2,000 readings/s; p50/p99 from the POST to the
// client event). Every process of the run — instances, HAProxy, PostgreSQL, Redis, influxd and the
// load generator with its clients — shares this machine's cores: with 2 cores a second instance
// has no core of its own, so the ratio shows what the cluster's overhead costs here, not what a
// second machine would add.
import { randomBytes } from "node:crypto";
import os from "node:os";
import pg from "pg";
import { TestHaproxy } from "../helpers/haproxy.ts";
import { TestPostgresServer } from "../helpers/postgres-server.ts";
import { TestRedisServer } from "../helpers/redis-server.ts";
import { influxAdmin, type BenchFigure, type Benchmark } from "./bench-kit.ts";
import { drive, fanoutNetwork, percentile, watchers, type FanoutNetwork } from "./fanout-kit.ts";
import { batches, phase, sendAccepted } from "./ingest-kit.ts";
import { instanceTaking, startServerProcess, waitForDrain, type ServerProcess } from "./server-process.ts";

const BATCH = 5_000;
const SENDERS = 4;
const CLIENTS = 2_000;

/** Sizes of a run: named (`npm run bench -- cluster`) at full size, in the full run smaller. */
export function clusterPlan(scale: number, named: boolean): { ingestPoints: number; clients: number; liveSeconds: number } {
  return {
    ingestPoints: Math.max(BATCH, Math.round((named ? 300_000 : 60_000) * scale)),
    clients: Math.max(10, Math.round(CLIENTS * scale)),
    liveSeconds: Math.max(1, Math.round((named ? 20 : 5) * scale)),
  };
}

interface Figures {
  ingestPerSecond: number;
  /** CPU per point: all instances together, and influxd. */
  serversMicros: number;
  influxdMicros: number;
  p50: number;
  p99: number;
  delivered: number;
  expected: number;
  disconnects: number;
}

interface Setup {
  influxdPid?: number;
  network: FanoutNetwork;
  plan: ReturnType<typeof clusterPlan>;
  /** Readings of each measurement get times of their own. */
  round: number;
}

/** Station tokens for all stations, SENDERS of them, taken in equal shares by each of `servers` behind `proxy`. */
async function balancedTokens(proxy: TestHaproxy, servers: readonly ServerProcess[], network: FanoutNetwork): Promise<string[]> {
  const share = SENDERS / servers.length;
  const byServer = new Map<ServerProcess, string[]>(servers.map((s) => [s, []]));
  for (let attempt = 0; [...byServer.values()].some((t) => t.length < share); attempt++) {
    if (attempt > 40) throw new Error("HAProxy did not spread 40 station tokens over the instances");
    const token = await servers[0]!.stationToken();
    const [station, parameter] = network.series[attempt]!;
    const taker = await instanceTaking(proxy.url, token, servers, { station, parameter, time: Date.now() - 86_400_000, value: 100 });
    const tokens = byServer.get(taker)!;
    if (tokens.length < share) tokens.push(token);
  }
  // Interleaved: sender i and tick t alternate between the instances.
  return Array.from({ length: SENDERS }, (_, i) => byServer.get(servers[i % servers.length]!)![Math.floor(i / servers.length)]!);
}

async function measure(setup: Setup, servers: readonly ServerProcess[]): Promise<Figures> {
  const { network, plan } = setup;
  const proxy = await TestHaproxy.start(servers.length === 1 ? [Number(new URL(servers[0]!.url).port)] : [Number(new URL(servers[0]!.url).port), Number(new URL(servers[1]!.url).port)]);
  try {
    const tokens = await balancedTokens(proxy, servers, network);
    // Ingest: a day's worth of past readings per round, every series in turn.
    const start = Date.now() - (setup.round + 2) * 86_400_000;
    const readings = Array.from({ length: plan.ingestPoints }, (_, i) => {
      const [station, parameter] = network.series[i % network.series.length]!;
      return { station, parameter, time: start + Math.floor(i / network.series.length) * 60_000, value: 100 + (i % 97) * 0.5 };
    });
    const bodies = batches(readings, BATCH).map((b) => JSON.stringify({ readings: b }));
    const serversCpu = () => servers.reduce((sum, s) => sum + s.cpuSeconds(), 0);
    const cpu0 = serversCpu();
    const ingest = await phase(plan.ingestPoints, setup.influxdPid, undefined, async () => {
      await Promise.all(
        tokens.map(async (token, lane) => {
          for (let i = lane; i < bodies.length; i += SENDERS) {
            const body = bodies[i]!;
            await sendAccepted(() => fetch(`${proxy.url}/api/v1/readings`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body }), 202);
          }
        }),
      );
      await Promise.all(servers.map((s) => waitForDrain(s.url)));
    });
    const serversMicros = ((serversCpu() - cpu0) / plan.ingestPoints) * 1e6;

    // Live fan-out: clients through HAProxy (leastconn spreads them), readings posted through it in turns.
    const crowd = await watchers(proxy.url, network.stations, plan.clients);
    try {
      const liveTokens = tokens.slice(0, servers.length);
      let offset = setup.round * 1_000_000;
      offset += await drive(proxy.url, liveTokens, network.series, 2, offset); // warm-up
      crowd.latencies.length = 0;
      const sent = await drive(proxy.url, liveTokens, network.series, plan.liveSeconds, offset);
      const sorted = crowd.latencies.sort((x, y) => x - y);
      return {
        ingestPerSecond: plan.ingestPoints / ingest.seconds,
        serversMicros,
        influxdMicros: ingest.influxdMicros,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        delivered: sorted.length,
        expected: Math.round((sent * plan.clients) / network.stations.length),
        disconnects: crowd.disconnects,
      };
    } finally {
      for (const s of crowd.sockets) s.close();
    }
  } finally {
    await proxy.stop();
  }
}

export const clusterBench: Benchmark = {
  id: "cluster",
  name: `Cluster: 1 vs 2 instances behind HAProxy on one PostgreSQL, Redis and InfluxDB — ingest throughput and live fan-out to ${CLIENTS.toLocaleString("en-US")} clients`,
  async run({ influxUrl, scale, influxdPid, named }) {
    const plan = clusterPlan(scale, named === true);
    const network = fanoutNetwork();
    const [postgres, redis] = await Promise.all([TestPostgresServer.start(), TestRedisServer.start()]);
    const database = `bench_cluster_${randomBytes(4).toString("hex")}`;
    const servers: ServerProcess[] = [];
    let one: Figures;
    let two: Figures;
    try {
      const admin = new pg.Client({ connectionString: postgres.url() });
      await admin.connect();
      await admin.query("CREATE DATABASE wm_bench_cluster");
      await admin.end();
      const env = {
        DATABASE_URL: postgres.url("wm_bench_cluster"),
        REDIS_URL: redis.url,
        INFLUX_DATABASE: database,
        CATALOG_SEED: network.catalogFile,
        // The load generator is one address: the write limit per address is not what is measured.
        WRITE_RATE_LIMIT_PER_MINUTE: "1000000",
      };
      const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ") ?? [];
      servers.push(await startServerProcess(influxUrl, env, nodeArgs));
      const setup: Setup = { influxdPid, network, plan, round: 0 };
      one = await measure(setup, servers);
      // The second instance joins the same installation (PostgreSQL database, Redis, InfluxDB database).
      servers.push(await startServerProcess(influxUrl, env, nodeArgs));
      two = await measure({ ...setup, round: 1 }, servers);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
      await influxAdmin(influxUrl, `DROP DATABASE "${database}"`).catch(() => undefined);
      await Promise.all([postgres.stop(), redis.stop()]);
      network.remove();
    }
    const cores = os.availableParallelism();
    const both = (label: string, unit: string, pick: (f: Figures) => number): BenchFigure[] => [
      { label: `${label}, 1 instance`, value: pick(one), unit },
      { label: `${label}, 2 instances`, value: pick(two), unit },
      { label: `${label}, 2 vs 1 instances`, value: pick(two) / pick(one), unit: "x" },
    ];
    return {
      name: `${this.name}, ${plan.ingestPoints.toLocaleString("en-US")} points, ${plan.clients} clients for ${plan.liveSeconds} s — ${cores} cores shared by every process (both instances, HAProxy, PostgreSQL, Redis, influxd, the load): the cores bound it, not the instances`,
      ours: { label: "ingest through HAProxy, 2 instances", value: two.ingestPerSecond, unit: "points/s" },
      baseline: { label: "ingest through HAProxy, 1 instance (same PostgreSQL, Redis, InfluxDB)", value: one.ingestPerSecond, unit: "points/s" },
      ratio: two.ingestPerSecond / one.ingestPerSecond,
      higherIsBetter: true,
      target: `reported as measured (bound by ${cores} cores)`,
      extra: [
        ...both(`live p50 latency, ${plan.clients} clients`, "ms", (f) => f.p50),
        ...both(`live p99 latency, ${plan.clients} clients`, "ms", (f) => f.p99),
        ...both("ingest: instances' CPU per point (together)", "µs", (f) => f.serversMicros),
        { label: "ingest: influxd CPU per point, 1 / 2 instances", value: one.influxdMicros, unit: `/ ${two.influxdMicros.toFixed(1)} µs` },
        { label: "live deliveries (reading × watching client), 1 instance", value: one.delivered, unit: `of ${one.expected}` },
        { label: "live deliveries (reading × watching client), 2 instances", value: two.delivered, unit: `of ${two.expected}` },
        { label: "live clients disconnected, 1 / 2 instances", value: one.disconnects, unit: `/ ${two.disconnects}` },
      ],
    };
  },
};
