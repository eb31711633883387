// A real HAProxy in front of test instances, run with the shipped deploy/haproxy.cfg (what `npm run
// cluster` and an installation use) on a free 127.0.0.1 port; stopped afterwards, also when the test
// run dies.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { accepting, freePort } from "./ports.ts";

export const HAPROXY_CONFIG = fileURLToPath(new URL("../../deploy/haproxy.cfg", import.meta.url));

export class TestHaproxy {
  private output = "";
  private readonly onExit = () => this.child.kill("SIGKILL");

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    process.once("exit", this.onExit);
    const collect = (chunk: Buffer) => {
      if (this.output.length < 20_000) this.output += chunk.toString();
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What HAProxy logged (servers going down and up). */
  get log(): string {
    return this.output;
  }

  /**
   * HAProxy on a free port in front of the instances listening on `instancePorts`: two, or one (the
   * file's two server lines then name the same instance).
   */
  static async start(instancePorts: readonly [number, number] | readonly [number]): Promise<TestHaproxy> {
    const port = await freePort();
    const env = {
      ...process.env,
      WM_LISTEN: `127.0.0.1:${port}`,
      WM_INSTANCE1: `127.0.0.1:${instancePorts[0]}`,
      WM_INSTANCE2: `127.0.0.1:${instancePorts[1] ?? instancePorts[0]}`,
    };
    const child = spawn("haproxy", ["-db", "-f", HAPROXY_CONFIG], { env, stdio: ["ignore", "pipe", "pipe"] });
    const proxy = new TestHaproxy(child, port);
    const failed = new Promise<never>((_, reject) => {
      child.once("error", (err) => reject(new Error(`haproxy could not be started (${err.message}): apt-get install haproxy`)));
      child.once("exit", (code) => reject(new Error(`haproxy exited (${code}): ${proxy.output}`)));
    });
    failed.catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (!(await accepting(port))) {
      if (Date.now() > deadline) {
        await proxy.stop();
        throw new Error(`haproxy did not listen on ${port}: ${proxy.output}`);
      }
      await Promise.race([failed, new Promise((r) => setTimeout(r, 50))]);
    }
    return proxy;
  }

  async stop(): Promise<void> {
    process.removeListener("exit", this.onExit);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    await exited;
  }
}
