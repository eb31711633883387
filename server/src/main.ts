// Composition root: parses config, starts the managed influxd (unless INFLUX_URL is set), the
// server and the simulator, and shuts everything down in order on SIGINT/SIGTERM.
import path from "node:path";
import { ConfigError, loadConfig } from "./config.ts";
import { applyHeapSetting } from "./heap-setting.ts";
import { InfluxdNotInstalledError, ManagedInfluxd } from "./influx/managed-influxd.ts";
import { createLogger } from "../../common/logger.ts";
import { startSystem, type RunningSystem } from "./system.ts";
import type { SimulatorHandle } from "../../sensors-sim/src/simulator.ts";
import { runConfiguredSimulator } from "./built-in-simulator.ts";
import { SchemaTooNewError } from "./meta/migrate.ts";
import { MetaDatabaseUnreachableError } from "./meta/postgres.ts";
import { RedisUnreachableError } from "./cluster/redis-connection.ts";
import { InfluxDatabaseMismatchError } from "./cluster/influx-database-claim.ts";

const SHUTDOWN_BUDGET_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  applyHeapSetting(config);
  const pretty = config.logFormat === "pretty" || (config.logFormat === "auto" && process.stdout.isTTY === true);
  const logger = createLogger(config.logLevel, "water-monitor", pretty ? "pretty" : "json");

  let influxd: ManagedInfluxd | undefined;
  let influxUrl = config.influx.url;
  if (!influxUrl) {
    influxd = new ManagedInfluxd({
      dir: path.join(config.dataDir, "influxdb"),
      port: config.influx.port,
      binary: config.influx.binary,
      logger: logger.child({ module: "influxd" }),
    });
    process.on("exit", () => influxd?.killNow());
    try {
      await influxd.start();
    } catch (err) {
      if (err instanceof InfluxdNotInstalledError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(3);
      }
      throw err;
    }
    influxUrl = influxd.url;
  }

  // Assigned once started; the signal handlers below are installed first and read it.
  // eslint-disable-next-line prefer-const
  let system: RunningSystem | undefined;
  // eslint-disable-next-line prefer-const
  let simulator: SimulatorHandle | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // Draining (SHUTDOWN_DRAIN_SECONDS: health says 503 while requests are still answered) comes on top.
    const budgetMs = SHUTDOWN_BUDGET_MS + config.shutdownDrainMs;
    const hardExit = setTimeout(() => {
      logger.error(`shutdown took longer than ${budgetMs / 1000} s; exiting`);
      process.exit(1);
    }, budgetMs);
    hardExit.unref();
    try {
      const summary = await simulator?.stop();
      if (summary) logger.info({ simulator: summary }, "simulator stopped");
      await system?.close(SHUTDOWN_BUDGET_MS - 4_000);
      await influxd?.stop();
    } finally {
      clearTimeout(hardExit);
      logger.info("stopped");
      process.exit(0);
    }
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  const managed = influxd;
  system = await startSystem({
    config,
    logger,
    influxUrl,
    influxMode: managed ? "managed" : "external",
    influxOtherPorts: managed ? () => [managed.rpcPort] : undefined,
  });
  // The simulator as configured (SIMULATOR_*), or else the token file `npm run sim` reads.
  simulator = await runConfiguredSimulator(system, config, logger);
  process.stdout.write(`Water Monitor is running at ${system.url}\n`);
}

main().catch((err: unknown) => {
  // A data dir from a newer release, a DATABASE_URL or REDIS_URL that leads nowhere, or an
  // INFLUX_DATABASE other than the other instances' is not a bug: say what to do, without a stack trace.
  const known = [SchemaTooNewError, MetaDatabaseUnreachableError, RedisUnreachableError, InfluxDatabaseMismatchError];
  if (known.some((type) => err instanceof type)) {
    process.stderr.write(`Water Monitor failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Water Monitor failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
