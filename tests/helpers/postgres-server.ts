// A real PostgreSQL 15 for tests: a fresh cluster (initdb) in a temp dir, on a free 127.0.0.1 port,
// stopped and removed afterwards. PostgreSQL refuses to run as root, so when the tests run as root the
// cluster belongs to the `postgres` system user (made by the Debian package) and its processes run
// under that user's uid; otherwise they run as whoever runs the tests.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { accepting, freePort } from "./ports.ts";
import pg from "pg";

/** Where Debian's postgresql-15 package puts the server binaries (not on PATH). */
export const POSTGRES_BIN = "/usr/lib/postgresql/15/bin";

interface RunAs {
  uid: number;
  gid: number;
}

function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  const uid = id("-u");
  const gid = id("-g");
  if (!Number.isInteger(uid) || uid <= 0) throw new Error("running as root, and there is no `postgres` system user to run PostgreSQL as (install the Debian package postgresql)");
  return { uid, gid };
}

async function answering(port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Starts `postgres` on the cluster in `dir` and resolves once it accepts connections on `port`. */
async function runPostgres(dir: string, port: number, runAs: RunAs | undefined, durable: boolean): Promise<ChildProcess> {
  const args = ["-D", path.join(dir, "data"), "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1"];
  // Every test system opens a pool of its own; two workers with several systems each. Tests throw
  // the cluster away, so they skip the disk flushes; a benchmark of what durability costs keeps them.
  const flushes = durable ? [] : ["fsync=off", "synchronous_commit=off", "full_page_writes=off"];
  for (const setting of ["max_connections=400", ...flushes, "shared_buffers=64MB"]) args.push("-c", setting);
  const child = spawn(path.join(POSTGRES_BIN, "postgres"), args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"], ...runAs });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    if (stderr.length < 10_000) stderr += chunk.toString();
  });
  const deadline = Date.now() + 30_000;
  // The port opens before the server takes queries ("the database system is starting up").
  while (!(await accepting(port)) || !(await answering(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`PostgreSQL did not start on port ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}

/** Fast shutdown (SIGINT: disconnects clients); resolves once the server has exited. */
async function stopPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export class TestPostgresServer {
  private constructor(
    private readonly dir: string,
    private child: ChildProcess,
    readonly port: number,
    private readonly onExit: () => void,
    private readonly runAs: RunAs | undefined,
    private readonly durable: boolean,
  ) {}

  /** Stops the server as an outage would (clients are disconnected); the cluster's files stay. */
  async pause(): Promise<void> {
    await stopPostgres(this.child);
  }

  /** Starts it again on the same port and files after `pause`. */
  async resume(): Promise<void> {
    this.child = await runPostgres(this.dir, this.port, this.runAs, this.durable);
  }

  /** The superuser's URL for `database` (no password: the cluster trusts local connections). */
  url(database = "postgres"): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** `durable`: flush commits to disk as a production server does (default off: tests throw the cluster away). */
  static async start(options: { durable?: boolean } = {}): Promise<TestPostgresServer> {
    const durable = options.durable ?? false;
    if (!existsSync(path.join(POSTGRES_BIN, "initdb"))) {
      throw new Error(`PostgreSQL 15 is not installed (${POSTGRES_BIN}/initdb is missing): apt-get install postgresql`);
    }
    const runAs = postgresUser();
    const dir = mkdtempSync(path.join(os.tmpdir(), "wm-test-pg-"));
    const data = path.join(dir, "data");
    try {
      if (runAs) chownSync(dir, runAs.uid, runAs.gid);
      // C.UTF-8 orders text by code point, as SQLite's default BINARY collation does; no fsync: a test
      // cluster is thrown away anyway.
      const init = spawnSync(
        path.join(POSTGRES_BIN, "initdb"),
        ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        { encoding: "utf8", cwd: dir, ...runAs },
      );
      if (init.status !== 0) throw new Error(`initdb failed (${init.status}): ${init.stderr}`);
      const port = await freePort();
      const child = await runPostgres(dir, port, runAs, durable);
      // If the test run ends without teardown (interrupted), PostgreSQL must not outlive it, nor its files.
      const onExit = () => {
        server.child.kill("SIGQUIT");
        rmSync(dir, { recursive: true, force: true });
      };
      process.once("exit", onExit);
      const server: TestPostgresServer = new TestPostgresServer(dir, child, port, onExit, runAs, durable);
      return server;
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Fast shutdown (SIGINT: disconnects clients), then the cluster's directory goes. */
  async stop(): Promise<void> {
    process.removeListener("exit", this.onExit);
    await stopPostgres(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
