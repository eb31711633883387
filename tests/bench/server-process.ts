// Runs a Water Monitor server as a child process (as `npm start` would, minus the managed influxd)
// so benchmarks can measure its throughput and memory apart from the load generator.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { serverBundle } from "../../scripts/server-bundle.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** USER_HZ: 100 on Linux for every architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ServerProcess {
  url: string;
  pid: number;
  dataDir: string;
  /** Logs in as the first admin; the session cookie. */
  adminCookie(): Promise<string>;
  /** A fresh station write token for all stations, created through the admin API like an operator would. */
  stationToken(): Promise<string>;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** Resident set size now (VmRSS), in MB. */
  rssMb(): number;
  /** CPU time (user + system) the server has used so far, in seconds. */
  cpuSeconds(): number;
  /** Heap in use after a full collection, in MB (servers started with `clientDir` only: server-entry.ts). */
  heapUsedMb(): Promise<number>;
  /** Writes a heap snapshot to `file` (servers started with `clientDir` only); heap-summary.ts reads it. */
  heapSnapshot(file: string): Promise<string>;
  stop(): Promise<void>;
  /** SIGKILL, as a crash or power loss would end it; keeps the data dir. */
  kill(): Promise<void>;
  /** How it ended (exit code or signal), undefined while it runs: a test that it did not crash. */
  exitStatus(): number | NodeJS.Signals | undefined;
  /** What it logged on stdout since it started (JSON lines; the last LOG_KEPT characters). */
  log(): string;
  /**
   * Event-loop delay and GC pauses since the last call (servers started with PROBE_ARGS among their
   * node arguments: loop-probe.mjs); the first call starts the count.
   */
  probe(): Promise<LoopProbe>;
}

/** Node arguments that load loop-probe.mjs into a server process (for `probe()`). */
export const PROBE_ARGS = ["--import", fileURLToPath(new URL("./loop-probe.mjs", import.meta.url))];

export interface LoopProbe {
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  gcOver20Ms: number;
  /** process.memoryUsage() when asked, in MB. */
  rssMb: number;
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

/** Log kept per server process: enough for the warnings of a test, bounded for a long benchmark. */
const LOG_KEPT = 200_000;

export async function startServerProcess(
  influxUrl: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
  /** Run on an existing data dir (a restart after `kill`). */
  reuseDataDir?: string,
  /** Serve this dashboard build and answer heapUsedMb() (tests/bench/server-entry.ts instead of main.ts). */
  clientDir?: string,
): Promise<ServerProcess> {
  const dataDir = reuseDataDir ?? mkdtempSync(path.join(os.tmpdir(), "wm-bench-server-"));
  const adminPassword = env.ADMIN_PASSWORD ?? `bench-${randomBytes(8).toString("hex")}`;
  // The server bundle `npm start` runs (scripts/server-bundle.mjs), not the sources through tsx.
  const entry = clientDir === undefined ? [await serverBundle()] : ["--expose-gc", await serverBundle("tests/bench/server-entry.ts", "bench-server-entry"), clientDir];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, INFLUX_URL: influxUrl, SIMULATOR: "off", LOG_LEVEL: "warn", ADMIN_PASSWORD: adminPassword, ...env },
    stdio: clientDir === undefined ? ["ignore", "pipe", "inherit"] : ["ignore", "pipe", "inherit", "ipc"],
  });
  // A test or benchmark that dies half way must not leave its servers running.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      process.removeListener("exit", killOnExit);
      resolve();
    }),
  );
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.length > LOG_KEPT) out = out.slice(-LOG_KEPT);
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!.replace("localhost", "127.0.0.1"));
    });
    child.once("exit", (code) => reject(new Error(`server exited (${code}) before it was ready: ${out.slice(-500)}`)));
  });
  // One admin session for all helpers: logins are limited per address and minute (the cluster
  // benchmark takes up to 40 station tokens in a row), while a session serves any number of calls.
  let session: Promise<{ cookie: string; csrfToken: string }> | undefined;
  const admin = () => (session ??= adminLogin(url, adminPassword));
  return {
    url,
    pid: child.pid!,
    dataDir,
    adminCookie: () => admin().then((l) => l.cookie),
    stationToken: async () => {
      const { cookie, csrfToken } = await admin();
      const res = await fetch(`${url}/api/v1/admin/station-tokens`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
        body: JSON.stringify({ label: "benchmark", stations: ["*"] }),
      });
      if (res.status !== 201) throw new Error(`creating a station token failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    peakRssMb: () => statusMb(child.pid!, "VmHWM"),
    rssMb: () => statusMb(child.pid!, "VmRSS"),
    heapUsedMb: () =>
      new Promise<number>((resolve, reject) => {
        if (!child.send) return reject(new Error("heapUsedMb() needs a server started with clientDir"));
        child.once("message", (m) => resolve((m as { heapUsed: number }).heapUsed / 1024 / 1024));
        child.send("heap");
      }),
    heapSnapshot: (file) =>
      new Promise<string>((resolve, reject) => {
        if (!child.send) return reject(new Error("heapSnapshot() needs a server started with clientDir"));
        child.once("message", (m) => resolve((m as { snapshot: string }).snapshot));
        child.send(`snapshot ${file}`);
      }),
    cpuSeconds: () => processCpuSeconds(child.pid!),
    exitStatus: () => child.exitCode ?? child.signalCode ?? undefined,
    log: () => out,
    probe: async () => {
      const seen = out.lastIndexOf("loop-probe ");
      child.kill("SIGUSR2");
      const deadline = Date.now() + 5_000;
      while (out.lastIndexOf("loop-probe ") === seen || !out.endsWith("\n")) {
        if (Date.now() > deadline) throw new Error("the server printed no loop-probe line (started without PROBE_ARGS?)");
        await new Promise((r) => setTimeout(r, 10));
      }
      const line = out.slice(out.lastIndexOf("loop-probe ") + "loop-probe ".length).split("\n")[0]!;
      return JSON.parse(line) as LoopProbe;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in as the first admin: the session cookie and its CSRF token. */
export async function adminLogin(url: string, password: string): Promise<{ cookie: string; csrfToken: string }> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, csrfToken };
}

/** A memory figure of /proc/<pid>/status (VmHWM, VmRSS), in MB. */
function statusMb(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
}

/** CPU time (user + system) process `pid` has used so far, in seconds. */
export function processCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/**
 * CPU time of process `pid`'s main thread (the one running JavaScript) so far, in seconds: the rest
 * of processCpuSeconds went to its other threads (V8's concurrent and parallel garbage collection,
 * libuv's pool: file writes, fsync, gzip).
 */
export function mainThreadCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuSeconds(file: string): number {
  // Fields 14 and 15 of a stat file (after the parenthesised command name): utime, stime in clock ticks.
  const stat = readFileSync(file, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Polls /api/health until the write queue and spool are empty. */
export async function waitForDrain(url: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${url}/api/health`)).json()) as { writeQueue: { queueDepth: number; spoolBatches: number } };
    if (health.writeQueue.queueDepth === 0 && health.writeQueue.spoolBatches === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("server did not drain its write queue in time");
}

/** Points an instance has written to InfluxDB since it started (its /api/health). */
export async function writtenPoints(url: string): Promise<number> {
  const health = (await (await fetch(`${url}/api/health`)).json()) as { writeQueue: { writtenPoints: number } };
  return health.writeQueue.writtenPoints;
}

/**
 * Which of `servers` the load balancer at `proxyUrl` hands this token's readings to (HAProxy picks
 * the instance by the Authorization header): the one whose written points grow after `probe`, a
 * reading sent through it.
 */
export async function instanceTaking(proxyUrl: string, token: string, servers: readonly ServerProcess[], probe: object): Promise<ServerProcess> {
  const before = await Promise.all(servers.map((s) => writtenPoints(s.url)));
  const res = await fetch(`${proxyUrl}/api/v1/readings`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ readings: [probe] }),
  });
  if (res.status >= 300) throw new Error(`the probe reading was refused: ${res.status} ${await res.text()}`);
  // Set-up, not a measurement: an instance still busy after the previous phase (a full-size run's
  // writer backlog) may take a while; the bound only ends a run that is stuck.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const after = await Promise.all(servers.map((s) => writtenPoints(s.url)));
    const taker = servers.find((_, i) => after[i]! > before[i]!);
    if (taker) return taker;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("no instance wrote the probe reading within 60 s");
}

/** Runs `tasks` with at most `concurrency` in flight. */
export async function runConcurrently(tasks: Array<() => Promise<void>>, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
