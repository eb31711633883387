// Runs a project-local influxd: writes its config under a data directory, binds HTTP to
// 127.0.0.1 on a chosen (or free) port, waits for /ping and stops it again.
//
// influxd runs under a small bash guard that holds the read end of a pipe from us: when this
// process dies for any reason (even SIGKILL) the pipe closes and the guard stops influxd, so a
// crashed server or an interrupted test run leaves no influxd behind.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Logger } from "../../../common/logger.ts";

export interface ManagedInfluxdOptions {
  /** Directory for meta/, data/, wal/ and influxd.conf. */
  dir: string;
  /** Preferred HTTP port; a free one is chosen when it is taken (or when 0). */
  port: number;
  binary?: string;
  logger: Logger;
  /** Remove `dir` after influxd has stopped (temporary test instances). */
  removeDirOnExit?: boolean;
  startTimeoutMs?: number;
}

export class InfluxdNotInstalledError extends Error {
  override readonly name = "InfluxdNotInstalledError";
}

/** influxd could not bind its port: another process took it after we found it free. */
class PortTakenError extends Error {
  override readonly name = "PortTakenError";
}

const MAX_START_ATTEMPTS = 3;

const GUARD_SCRIPT = `
command -v "$1" >/dev/null || { echo "influxd-missing: $1 not found" >&2; exit 127; }
"$1" -config "$2" &
child=$!
trap 'kill -TERM $child 2>/dev/null' TERM INT
echo "influxd-pid $child"
# Blocks until our parent closes the pipe (stop() or parent death); "keep" overrides removal.
cmd=$(cat)
kill -TERM $child 2>/dev/null
for i in $(seq 1 100); do kill -0 $child 2>/dev/null || break; sleep 0.1; done
kill -KILL $child 2>/dev/null
wait $child 2>/dev/null
if [ "$3" = "rm" ] && [ "$cmd" != "keep" ]; then rm -rf "$4"; fi
`;

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** A port the kernel picks for listen(0): from the ephemeral range. */
function kernelPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const LOWEST_CANDIDATE_PORT = 20_000;

/** Start of the kernel's ephemeral port range (Linux), where outgoing connections get their ports. */
function ephemeralRangeStart(): number {
  try {
    const first = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : 0;
  } catch {
    return 0;
  }
}

/**
 * A free port for a server that binds it a moment later. listen(0) ports come from the ephemeral
 * range that every outgoing connection also draws from, so on a busy machine one can be taken
 * between this check and influxd's bind; a random free port below that range avoids the race.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const rangeStart = ephemeralRangeStart();
  if (rangeStart - LOWEST_CANDIDATE_PORT >= 1_000) {
    for (let i = 0; i < 20; i++) {
      const port = LOWEST_CANDIDATE_PORT + Math.floor(Math.random() * (rangeStart - LOWEST_CANDIDATE_PORT));
      if (await isPortFree(port, host)) return port;
    }
  }
  return kernelPort(host);
}

export function influxdConfig(dir: string, httpPort: number, rpcPort: number): string {
  const q = (p: string) => JSON.stringify(path.join(dir, p));
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = ${q("meta")}

[data]
  dir = ${q("data")}
  wal-dir = ${q("wal")}
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "1m"

[coordinator]
  log-queries-after = "0s"

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  max-body-size = 0

[continuous_queries]
  enabled = true
  log-enabled = false
  run-interval = "30s"
`;
}

export class ManagedInfluxd {
  private guard: ChildProcess | undefined;
  private influxdPid: number | undefined;
  private exited: Promise<void> | undefined;
  private _port = 0;
  private _rpcPort = 0;

  constructor(private readonly options: ManagedInfluxdOptions) {}

  get port(): number {
    return this._port;
  }

  /** The RPC port (backup and restore) influxd binds on 127.0.0.1 besides HTTP. */
  get rpcPort(): number {
    return this._rpcPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this._port}`;
  }

  get pid(): number | undefined {
    return this.influxdPid;
  }

  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.startOnce(attempt < MAX_START_ATTEMPTS);
        return;
      } catch (err) {
        if (!(err instanceof PortTakenError) || attempt >= MAX_START_ATTEMPTS) throw err;
        // Someone bound the port between our check and influxd's bind: try another free one.
        this.options.logger.warn({ port: this._port, attempt }, "influxd port was taken during start-up; choosing another");
        this.options.port = 0;
      }
    }
  }

  private async startOnce(mayRetry: boolean): Promise<void> {
    const { dir, logger } = this.options;
    const binary = this.options.binary ?? "influxd";
    this._port =
      this.options.port !== 0 && (await isPortFree(this.options.port)) ? this.options.port : await freePort();
    const rpcPort = await freePort();
    this._rpcPort = rpcPort;
    for (const sub of ["meta", "data", "wal"]) mkdirSync(path.join(dir, sub), { recursive: true });
    const configPath = path.join(dir, "influxd.conf");
    writeFileSync(configPath, influxdConfig(dir, this._port, rpcPort));

    this.influxdPid = undefined;
    const guard = spawn("bash", ["-c", GUARD_SCRIPT, "influxd-guard", binary, configPath, this.options.removeDirOnExit ? "rm" : "keep", dir], {
      stdio: ["pipe", "pipe", "pipe"],
      // Own process group: Ctrl-C in a terminal must not stop influxd before the server has flushed
      // its write queue; the server stops it last (and the guard does if the server dies).
      detached: true,
    });
    this.guard = guard;
    this.exited = new Promise((resolve) => guard.once("exit", () => resolve()));
    let stderrTail = "";
    guard.stderr!.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-4000);
    });
    guard.stdout!.on("data", (chunk: Buffer) => {
      const match = /influxd-pid (\d+)/.exec(chunk.toString());
      if (match) this.influxdPid = Number(match[1]);
    });
    logger.info({ port: this._port, dir }, "starting managed influxd");
    try {
      await this.waitForPing(this.options.startTimeoutMs ?? 30_000, () => stderrTail);
    } catch (err) {
      await this.stop({ keepData: mayRetry && err instanceof PortTakenError });
      throw err;
    }
    logger.info({ url: this.url, pid: this.influxdPid }, "managed influxd ready");
  }

  private async waitForPing(timeoutMs: number, stderr: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let guardExited = false;
    void this.exited?.then(() => (guardExited = true));
    while (Date.now() < deadline) {
      const influxdDied = this.influxdPid !== undefined && !isAlive(this.influxdPid);
      if (guardExited || influxdDied) {
        const text = stderr();
        if (text.includes("influxd-missing")) {
          throw new InfluxdNotInstalledError(
            `influxd was not found. Install it (Debian: apt-get install -y influxdb influxdb-client) or set INFLUX_URL to an existing InfluxDB 1.x server.`,
          );
        }
        const reason = `influxd exited during start-up: ${text.trim().split("\n").slice(-5).join(" | ")}`;
        throw text.includes("address already in use") ? new PortTakenError(reason) : new Error(reason);
      }
      try {
        const res = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 204) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`influxd did not answer /ping on ${this.url} within ${timeoutMs} ms`);
  }

  /** Stops influxd (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. Safe to call twice. */
  async stop(options: { keepData?: boolean } = {}): Promise<void> {
    const guard = this.guard;
    if (!guard) return;
    this.guard = undefined;
    guard.stdin?.end(options.keepData ? "keep" : "");
    await this.exited;
    this.options.logger.info({ pid: this.influxdPid }, "managed influxd stopped");
  }

  /** Synchronous best effort for process 'exit' handlers, where no await is possible. */
  killNow(): void {
    if (this.influxdPid) {
      try {
        process.kill(this.influxdPid, "SIGTERM");
      } catch {
        // already gone
      }
    }
  }

  /** Kills influxd with SIGKILL but keeps its data; `restart()` brings it back (fault tests). */
  async crash(): Promise<void> {
    if (this.influxdPid) process.kill(this.influxdPid, "SIGKILL");
    await this.stop({ keepData: true });
  }

  /** Starts again on the same port (if still free) with the same data. */
  async restart(): Promise<void> {
    await this.stop({ keepData: true });
    this.options.port = this._port;
    await this.start();
  }
}
