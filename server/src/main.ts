// Composition root: parses config, starts the managed influxd (unless INFLUX_URL is set), the
// server and the simulator, and shuts everything down in order on SIGINT/SIGTERM.
import path from "node:path";
import { ConfigError, loadConfig } from "./config.ts";
import { InfluxdNotInstalledError, ManagedInfluxd } from "./influx/managed-influxd.ts";
import { createLogger } from "../../common/logger.ts";
import { startSystem, type RunningSystem } from "./system.ts";
import type { SimulatorHandle } from "../../sensors-sim/src/simulator.ts";
import { simulatorTokensFor, startBuiltInSimulator } from "./built-in-simulator.ts";
import { ensureSimulatorLabToken } from "./auth/simulator-tokens.ts";
import { SchemaTooNewError } from "./meta/migrate.ts";

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
  let simulator: SimulatorHandle | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const hardExit = setTimeout(() => {
      logger.error("shutdown took longer than 10 s; exiting");
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS);
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
  const simulatorDeps = {
    url: `http://127.0.0.1:${system.port}`,
    catalog: system.catalog,
    stationTokens: system.stationTokens,
    dataDir: config.dataDir,
    logger: logger.child({ module: "simulator" }),
  };
  if (config.simulator.enabled) {
    const labToken = await ensureSimulatorLabToken(system.auth.users, system.auth.apiTokens, config.dataDir, logger);
    simulator = await startBuiltInSimulator(simulatorDeps, {
      database: config.influx.database,
      seed: config.simulator.seed,
      speed: config.simulator.speed,
      backfill: config.simulator.backfill,
      // The live phase starts 6 h back so a fresh dashboard shows readings arriving at SIMULATOR_SPEED
      // for a while; once it reaches the present it reports in real time, like a field station.
      start: "-6h",
      // On shutdown the server flushes what the simulator handed over; don't hold it up.
      drainTimeout: "2s",
      // Its laboratory's results go through the import API (dry run, then apply): weeks of them on the
      // first start; a restart imports only results that came back since (the dry run finds the rest unchanged).
      lab: { token: labToken, history: config.simulator.labHistory },
    });
  } else {
    // `npm run sim` against this server reads the token file: keep it current.
    const { file } = await simulatorTokensFor(simulatorDeps, system.catalog.current());
    logger.info({ file }, "simulated stations' write tokens ready");
  }
  process.stdout.write(`Water Monitor is running at ${system.url}\n`);
}

main().catch((err: unknown) => {
  // A data dir from a newer release is not a bug: say what to do, without a stack trace.
  if (err instanceof SchemaTooNewError) {
    process.stderr.write(`Water Monitor failed to start: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Water Monitor failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
