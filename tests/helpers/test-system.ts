// Starts real Water Monitor servers for tests: port 0, a temporary data dir, its own database in
// the run's shared influxd (or an influxd of its own when the test needs to kill it), and its
// metadata in SQLite in the data dir or, with TEST_META=postgres, in a PostgreSQL database of its own.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterEach, inject } from "vitest";
import { loadConfig, type Config } from "../../server/src/config.ts";
import { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { createLogger, type Logger } from "../../common/logger.ts";
import { startSystem, type RunningSystem, type SystemOptions } from "../../server/src/system.ts";
import type { CatalogData } from "../../common/catalog-model.ts";
import type { Clock, Scheduler } from "../../server/src/util/clock.ts";
import { currentClientDir } from "./client-build.ts";
import { dropMetaFor, metaSettingsFor } from "./test-meta.ts";

export const testLogger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent", "test");

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** For test files: makes temp dirs that are removed after each test. Call once at module level. */
export function tempDirsPerTest(): (prefix: string) => string {
  const made: Array<() => void> = [];
  afterEach(() => made.splice(0).forEach((remove) => remove()));
  return (prefix) => {
    const d = tempDir(prefix);
    made.push(d.remove);
    return d.dir;
  };
}

export function uniqueDatabase(): string {
  return `wm_test_${randomBytes(6).toString("hex")}`;
}

export interface TestSystem extends RunningSystem {
  config: Readonly<Config>;
  dataDir: string;
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  /** Where the server logs (silent by default); see log-capture.ts. */
  logger?: Logger;
  /** The dashboard build to serve (default: the e2e build, if this worker made one). */
  clientDir?: string;
  /** The catalog a new data dir starts with; the shipped one by default. */
  catalogSeed?: CatalogData;
  /** The server's clock and timers (default: the system's); a ManualTime moves time by hand. */
  time?: Clock & Scheduler;
  /** Login throttling delays (default: the server's). */
  loginThrottle?: SystemOptions["loginThrottle"];
}

export async function startTestSystem(
  env: Record<string, string> = {},
  influxUrl: string = inject("influxUrl"),
  options: TestSystemOptions = {},
): Promise<TestSystem> {
  const data = tempDir("wm-test-data-");
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: data.dir,
    INFLUX_URL: influxUrl,
    INFLUX_DATABASE: uniqueDatabase(),
    SIMULATOR: "off",
    LOG_LEVEL: "silent",
    ...(await metaSettingsFor(data.dir)),
    ...env,
  });
  const system = await startSystem({
    config,
    logger: options.logger ?? testLogger,
    influxUrl,
    influxMode: "external",
    clientDir: options.clientDir ?? currentClientDir(),
    catalogSeed: options.catalogSeed,
    clock: options.time,
    scheduler: options.time,
    loginThrottle: options.loginThrottle,
  });
  const url = `http://127.0.0.1:${system.port}`;
  return {
    ...system,
    url,
    config,
    dataDir: data.dir,
    stop: async () => {
      await system.close(2_000);
      data.remove();
      await dropMetaFor(data.dir);
    },
  };
}

/** An influxd of the test's own, for tests that kill and restart it; `port` 0 = any free port. */
export async function startOwnInfluxd(port = 0): Promise<ManagedInfluxd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wm-test-own-influx-"));
  const influxd = new ManagedInfluxd({ dir, port, logger: testLogger, removeDirOnExit: true });
  await influxd.start();
  return influxd;
}
