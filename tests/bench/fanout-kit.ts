// Pieces of the live fan-out benchmarks (live-fanout.bench.ts, cluster.bench.ts): socket.io clients
// each watching one station, the latency from a reading's POST (its time is the send time) to the
// client event, and a steady stream of readings over every series.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import type { Reading } from "../../common/reading.ts";
import { largeCatalog } from "./large-catalog.ts";

export const RATE_PER_SECOND = 2_000;
const TICK_MS = 100;

export interface FanoutNetwork {
  stations: string[];
  /** Every station × parameter, station-minor, so consecutive readings come from different stations, as a network's do. */
  series: Array<readonly [string, string]>;
  /** The 500 × 40 catalog as a file, for a server's CATALOG_SEED. */
  catalogFile: string;
  remove(): void;
}

/** The 500 × 40 network (large-catalog.ts) the fan-out benchmarks' servers are seeded with. */
export function fanoutNetwork(): FanoutNetwork {
  const data = largeCatalog();
  const stations = data.stations.map((s) => s.id);
  const dir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-fanout-"));
  const catalogFile = path.join(dir, "catalog.json");
  writeFileSync(catalogFile, JSON.stringify(data));
  return {
    stations,
    series: data.parameters.flatMap((p) => stations.map((s) => [s, p.code] as const)),
    catalogFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface Watchers {
  sockets: Socket[];
  latencies: number[];
  /** Disconnects of these clients since they connected (none expected). */
  disconnects: number;
  /** "alert" events these clients received (every client hears of every alert it may see). */
  alerts: number;
}

/** `count` clients, client i watching stations[i % stations.length], a few connecting at a time. */
export async function watchers(url: string, stations: readonly string[], count: number): Promise<Watchers> {
  const w: Watchers = { sockets: [], latencies: [], disconnects: 0, alerts: 0 };
  const one = (station: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(url, { transports: ["websocket"], forceNew: true, reconnection: false });
      socket.on("readings", (batch: Reading[]) => {
        const now = Date.now();
        for (const r of batch) w.latencies.push(now - r.time);
      });
      socket.on("disconnect", () => w.disconnects++);
      socket.on("alert", () => w.alerts++);
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

/**
 * Posts `rate` readings per second for `seconds`, over every series (station-minor: each tick meets
 * many stations), stamped with the send time; tick t goes with tokens[t % tokens.length] (through a
 * load balancer that picks the instance by token, the instances take turns).
 */
export async function drive(url: string, tokens: string | readonly string[], series: ReadonlyArray<readonly [string, string]>, seconds: number, offset: number, rate = RATE_PER_SECOND): Promise<number> {
  const tokenList = typeof tokens === "string" ? [tokens] : tokens;
  const perTick = (rate * TICK_MS) / 1000;
  const ticks = Math.max(1, Math.round((seconds * 1000) / TICK_MS));
  const start = Date.now();
  const inFlight: Promise<void>[] = [];
  // Reported once all are answered: a rejection left waiting until then would end the process as unhandled.
  let failure: unknown;
  for (let t = 0; t < ticks; t++) {
    const now = Date.now();
    const readings = Array.from({ length: perTick }, (_, i) => {
      const [station, parameter] = series[(offset + t * perTick + i) % series.length]!;
      return { station, parameter, time: now, value: 100 + (i % 10) };
    });
    const token = tokenList[t % tokenList.length]!;
    inFlight.push(
      fetch(`${url}/api/v1/readings`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ readings }) })
        .then(async (res) => {
          if (res.status >= 300) throw new Error(`POST failed: ${res.status} ${await res.text()}`);
          await res.body?.cancel();
        })
        .catch((err: unknown) => void (failure ??= err)),
    );
    const wait = start + (t + 1) * TICK_MS - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  await new Promise((r) => setTimeout(r, 500)); // the last events
  return ticks * perTick;
}
