// `npm run cluster`: Water Monitor as several instances on one machine, to try scale-out locally —
// PostgreSQL (metadata), Redis (live updates, rate limits, the readings stream), influxd (readings),
// two Water Monitor instances (the first runs the simulator) and HAProxy in front with the shipped
// deploy/haproxy.cfg. Everything keeps its data under data/cluster/ (kept between runs), listens on
// 127.0.0.1 on free ports, and only HAProxy's URL is printed: the one to open. Ctrl-C stops it all,
// in order (instances drain first, then HAProxy, Redis, PostgreSQL, influxd).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createLogger } from "../common/logger.ts";
import { freePort, ManagedInfluxd } from "../server/src/influx/managed-influxd.ts";
import { serverBundle } from "./server-bundle.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIR = path.join(ROOT, "data", "cluster");
const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";
const INSTANCES = 2;
/** Instances answer "draining" this long on Ctrl-C, so HAProxy (checks every second) takes them out first. */
const DRAIN_SECONDS = "3";
const logger = createLogger(process.env.LOG_LEVEL === "debug" ? "debug" : "info", "cluster", process.stdout.isTTY ? "pretty" : "json");

const children: Array<{ name: string; child: ChildProcess; stopSignal: NodeJS.Signals }> = [];

async function waitFor(what: string, ready: () => Promise<boolean>, child?: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}); see its output above`);
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const accepting = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

/** Starts a child in its own process group (Ctrl-C reaches only us; we stop them in order), output prefixed. */
function start(name: string, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number; stopSignal?: NodeJS.Signals } = {}): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...options.env }, uid: options.uid, gid: options.gid, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = "";
    stream.on("data", (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  child.once("error", (err) => logger.error({ name, reason: err.message }, "could not start"));
  children.push({ name, child, stopSignal: options.stopSignal ?? "SIGTERM" });
  return child;
}

/** PostgreSQL refuses to run as root: then its cluster belongs to the Debian package's `postgres` user. */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  return { uid: id("-u"), gid: id("-g") };
}

async function startPostgres(): Promise<string> {
  const dir = path.join(DIR, "postgres");
  const runAs = postgresUser();
  mkdirSync(dir, { recursive: true });
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const data = path.join(dir, "data");
  if (!existsSync(path.join(data, "PG_VERSION"))) {
    const init = spawnSync(path.join(POSTGRES_BIN, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"], { encoding: "utf8", cwd: dir, ...runAs });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  }
  const port = await freePort();
  const child = start("postgres", path.join(POSTGRES_BIN, "postgres"), ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1"], { ...runAs, stopSignal: "SIGINT" });
  await waitFor("PostgreSQL", () => accepting(port), child);
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await waitFor("PostgreSQL", () => admin.connect().then(() => true, () => false), child);
  const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'water_monitor'");
  if (exists.rowCount === 0) await admin.query("CREATE DATABASE water_monitor");
  await admin.end();
  return `postgres://postgres@127.0.0.1:${port}/water_monitor`;
}

async function startRedis(): Promise<string> {
  const dir = path.join(DIR, "redis");
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  // Every write fsynced before Redis answers: the readings stream is what carries readings to the alert engine.
  const child = start("redis", "redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--loglevel", "warning"]);
  await waitFor("Redis", () => accepting(port), child);
  return `redis://127.0.0.1:${port}`;
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const listenPort = Number(process.env.PORT ?? 3000);
  const publicUrl = `http://localhost:${listenPort}`;
  const influxd = new ManagedInfluxd({ dir: path.join(DIR, "influxdb"), port: 0, logger: logger.child({ module: "influxd" }) });
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping the cluster");
    // Instances first (they drain, then finish their writes), then what they use.
    for (const group of [(n: string) => n.startsWith("instance"), (n: string) => n === "haproxy", () => true]) {
      await Promise.all(
        children.filter((c) => group(c.name) && c.child.exitCode === null && c.child.signalCode === null).map(
          (c) => new Promise<void>((resolve) => {
            c.child.once("exit", () => resolve());
            c.child.kill(c.stopSignal);
            setTimeout(() => (c.child.kill("SIGKILL"), resolve()), 20_000).unref();
          }),
        ),
      );
    }
    await influxd.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
  process.on("exit", () => {
    for (const { child } of children) if (child.exitCode === null) child.kill("SIGKILL");
    influxd.killNow();
  });
  try {
    const [databaseUrl, redisUrl, serverMain] = await Promise.all([startPostgres(), startRedis(), serverBundle(), influxd.start()]);
    const ports: number[] = [];
    for (let i = 1; i <= INSTANCES; i++) {
      const port = await freePort();
      ports.push(port);
      const env = {
        PORT: String(port), HOST: "127.0.0.1", PUBLIC_URL: publicUrl, DATA_DIR: path.join(DIR, `instance${i}`),
        INFLUX_URL: influxd.url, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, SHUTDOWN_DRAIN_SECONDS: DRAIN_SECONDS,
        // One simulator for the whole network (the first instance runs it); LOG_FORMAT json keeps prefixed lines whole.
        SIMULATOR: i === 1 ? (process.env.SIMULATOR ?? "on") : "off", LOG_FORMAT: "json",
      };
      const child = start(`instance${i}`, process.execPath, [serverMain], { env });
      // One after the other: the first makes the schema and the catalog, the next find them.
      await waitFor(`instance ${i}`, () => fetch(`http://127.0.0.1:${port}/api/health`).then(() => true, () => false), child, 120_000);
    }
    const haproxy = start("haproxy", "haproxy", ["-db", "-f", "deploy/haproxy.cfg"], {
      env: { WM_LISTEN: `127.0.0.1:${listenPort}`, WM_INSTANCE1: `127.0.0.1:${ports[0]}`, WM_INSTANCE2: `127.0.0.1:${ports[1]}` },
      stopSignal: "SIGUSR1", // soft stop: finishes the requests under way
    });
    await waitFor("HAProxy", () => accepting(listenPort), haproxy, 10_000);
    process.stdout.write(`\nWater Monitor (${INSTANCES} instances behind HAProxy) is running at ${publicUrl}\nCtrl-C stops all of it.\n\n`);
  } catch (err) {
    logger.error({ reason: (err as Error).message }, "the cluster did not start");
    await stopAll(1);
  }
}

await main();
