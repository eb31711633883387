// Pieces of the ingest benchmarks (ingest.bench.ts, cluster.bench.ts): requests of a batch each,
// resent after 503 as a station would, and where a phase's CPU went.
import { mainThreadCpuSeconds, processCpuSeconds, type ServerProcess } from "./server-process.ts";

export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function expectStatus(res: Response, status: number): Promise<void> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${await res.text()}`);
  await res.body?.cancel();
}

/** Pause before resending after 503 (the server's Retry-After is whole seconds; a busy gateway retries sooner). */
const OVERLOAD_PAUSE_MS = 100;

/** Sends until accepted, as a station would: 503 means "queue full, try again". Returns the 503s seen. */
export async function sendAccepted(send: () => Promise<Response>, status: number): Promise<number> {
  for (let overloaded = 0; ; overloaded++) {
    const res = await send();
    if (res.status !== 503) {
      await expectStatus(res, status);
      return overloaded;
    }
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, OVERLOAD_PAUSE_MS));
  }
}

export interface Phase {
  seconds: number;
  /** CPU per point in µs: influxd, this process (the senders), the Water Monitor server. */
  influxdMicros: number;
  senderMicros: number;
  serverMicros: number;
  /** Of serverMicros, the server's main thread (JavaScript); the rest ran on its helper threads. */
  serverMainMicros: number;
}

/**
 * Runs one phase and notes where the CPU went: on a machine with few cores influxd, the senders and
 * the server share them, so a server's CPU per point is what bounds its ratio against raw /write.
 */
export async function phase(count: number, influxdPid: number | undefined, server: ServerProcess | undefined, fn: () => Promise<void>): Promise<Phase> {
  const influxdCpu = () => (influxdPid === undefined ? 0 : processCpuSeconds(influxdPid));
  const serverMain = () => (server === undefined ? 0 : mainThreadCpuSeconds(server.pid));
  const [influxd0, server0, main0, sender0, t0] = [influxdCpu(), server?.cpuSeconds() ?? 0, serverMain(), process.cpuUsage(), performance.now()];
  await fn();
  const seconds = (performance.now() - t0) / 1000;
  const sender = process.cpuUsage(sender0);
  const perPoint = (cpuSeconds: number) => (cpuSeconds / count) * 1e6;
  return {
    seconds,
    influxdMicros: perPoint(influxdCpu() - influxd0),
    senderMicros: perPoint((sender.user + sender.system) / 1e6),
    serverMicros: perPoint((server?.cpuSeconds() ?? 0) - server0),
    serverMainMicros: perPoint(serverMain() - main0),
  };
}
