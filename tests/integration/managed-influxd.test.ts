import { spawn } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ManagedInfluxd, freePort, influxdConfig, isAlive } from "../../server/src/influx/managed-influxd.ts";
import { tempDir, testLogger } from "../helpers/test-system.ts";

async function waitUntil(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const started: ManagedInfluxd[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((i) => i.stop()));
});

describe("influxd config", () => {
  it("binds HTTP and RPC to 127.0.0.1 and disables usage reporting", () => {
    const text = influxdConfig("/srv/wm", 18086, 18088);
    expect(text).toContain("reporting-disabled = true");
    expect(text).toContain('bind-address = "127.0.0.1:18086"');
    expect(text).toContain('bind-address = "127.0.0.1:18088"');
    expect(text).toContain('dir = "/srv/wm/meta"');
    expect(text).toContain('wal-dir = "/srv/wm/wal"');
  });
});

describe("ManagedInfluxd", () => {
  it("starts on the preferred port, answers /ping, and stops leaving no process", async () => {
    const tmp = tempDir("wm-influxd-");
    const port = await freePort();
    const influxd = new ManagedInfluxd({ dir: tmp.dir, port, logger: testLogger });
    started.push(influxd);
    await influxd.start();
    expect(influxd.port).toBe(port);
    expect((await fetch(`${influxd.url}/ping`)).status).toBe(204);
    const pid = influxd.pid!;
    expect(isAlive(pid)).toBe(true);
    expect(readFileSync(path.join(tmp.dir, "influxd.conf"), "utf8")).toContain(`127.0.0.1:${port}`);
    await influxd.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(path.join(tmp.dir, "meta"))).toBe(true);
    tmp.remove();
  });

  it("chooses a free port when the preferred one is taken", async () => {
    const tmp = tempDir("wm-influxd-");
    const blocker = net.createServer();
    const taken = await new Promise<number>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      const influxd = new ManagedInfluxd({ dir: tmp.dir, port: taken, logger: testLogger, removeDirOnExit: true });
      started.push(influxd);
      await influxd.start();
      expect(influxd.port).not.toBe(taken);
      expect((await fetch(`${influxd.url}/ping`)).status).toBe(204);
      await influxd.stop();
      expect(existsSync(tmp.dir)).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it("tries another port when the chosen one is taken before influxd binds it", async () => {
    const tmp = tempDir("wm-influxd-");
    const scratch = tempDir("wm-influxd-bin-");
    // Stands in for influxd: the first start fails like influxd does when another process has
    // bound its port in the meantime; later starts run the real influxd.
    const binary = path.join(scratch.dir, "influxd-once-busy");
    const marker = path.join(scratch.dir, "first-start-done");
    writeFileSync(
      binary,
      `#!/bin/bash\nif [ ! -e ${JSON.stringify(marker)} ]; then touch ${JSON.stringify(marker)}; ` +
        `echo 'run: open server: open service: listen tcp 127.0.0.1:1: bind: address already in use' >&2; exit 1; fi\nexec influxd "$@"\n`,
    );
    chmodSync(binary, 0o755);
    const influxd = new ManagedInfluxd({ dir: tmp.dir, port: 0, binary, logger: testLogger, removeDirOnExit: true });
    started.push(influxd);
    await influxd.start();
    expect(existsSync(marker)).toBe(true);
    expect((await fetch(`${influxd.url}/ping`)).status).toBe(204);
    await influxd.stop();
    expect(existsSync(tmp.dir)).toBe(false);
    scratch.remove();
  });

  it("stops influxd and removes its temp dir when the owning process is killed with SIGKILL", async () => {
    const tmp = tempDir("wm-influxd-owner-");
    const script = `
      import { ManagedInfluxd } from "./server/src/influx/managed-influxd.ts";
      import { createLogger } from "./common/logger.ts";
      const i = new ManagedInfluxd({ dir: ${JSON.stringify(tmp.dir)}, port: 0, logger: createLogger("silent"), removeDirOnExit: true });
      await i.start();
      process.stdout.write("PID " + i.pid + "\\n");
      setInterval(() => {}, 1000);
    `;
    const owner = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        owner.stdout.on("data", (chunk: Buffer) => {
          const m = /PID (\d+)/.exec(chunk.toString());
          if (m) resolve(Number(m[1]));
        });
        owner.once("exit", () => reject(new Error("owner exited early")));
      });
      expect(isAlive(pid)).toBe(true);
      owner.kill("SIGKILL");
      await waitUntil(() => !isAlive(pid));
      await waitUntil(() => !existsSync(tmp.dir));
    } finally {
      if (owner.exitCode === null) owner.kill("SIGKILL");
      tmp.remove();
    }
  });

  it("reports a missing binary with a message that says what to install", async () => {
    const tmp = tempDir("wm-influxd-missing-");
    const influxd = new ManagedInfluxd({ dir: tmp.dir, port: 0, binary: "influxd-does-not-exist", logger: testLogger, removeDirOnExit: true });
    await expect(influxd.start()).rejects.toThrow(/apt-get install -y influxdb influxdb-client.*INFLUX_URL/);
    tmp.remove();
  });
});

