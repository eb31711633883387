// A real redis-server for tests: on a free 127.0.0.1 port with a temp dir, every write in the
// append-only file and fsynced before the reply (appendfsync always, as a cluster's readings
// stream is run), stopped and its dir removed afterwards — also when the test run dies. It can be
// stopped and started again on the same port and data (restarting Redis under load).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "./ports.ts";

export const REDIS_SERVER_BINARY = "redis-server";

export class TestRedisServer {
  private child: ChildProcess | undefined;
  private stderr = "";
  private readonly onExit = () => {
    this.child?.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  };

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    process.once("exit", this.onExit);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestRedisServer> {
    const dir = mkdtempSync(path.join(os.tmpdir(), "wm-test-redis-"));
    const server = new TestRedisServer(dir, await freePort());
    try {
      await server.restart();
      return server;
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  /** Starts redis-server again (after `kill`) on the same port and data dir. */
  async restart(): Promise<void> {
    if (this.child) throw new Error("redis-server is running already");
    const args = [
      "--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir,
      "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no", "--loglevel", "warning",
    ];
    const child = spawn(REDIS_SERVER_BINARY, args, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    this.stderr = "";
    const collect = (chunk: Buffer) => {
      if (this.stderr.length < 10_000) this.stderr += chunk.toString();
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    const failed = new Promise<never>((_, reject) => {
      child.once("error", (err) => reject(new Error(`redis-server could not be started (${err.message}): apt-get install redis-server`)));
      child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) on port ${this.port}: ${this.stderr}`)));
    });
    failed.catch(() => undefined);
    const deadline = Date.now() + 15_000;
    while (!(await this.answersPing())) {
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${this.port}: ${this.stderr}`);
      await Promise.race([failed, new Promise((r) => setTimeout(r, 50))]);
    }
  }

  /** Stops redis-server at once (SIGKILL: what a crash does; appendfsync always keeps every write). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  /** Stops it and removes its data. */
  async stop(): Promise<void> {
    process.removeListener("exit", this.onExit);
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private answersPing(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, "127.0.0.1");
      let reply = "";
      socket.setTimeout(1_000, () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("connect", () => socket.write("PING\r\n"));
      socket.on("data", (chunk) => {
        reply += chunk.toString();
        if (reply.includes("\r\n")) {
          socket.destroy();
          resolve(reply.startsWith("+PONG"));
        }
      });
      socket.once("error", () => resolve(false));
    });
  }
}
