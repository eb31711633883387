// The simulator `npm start` runs beside the server: the stations the catalog marks simulated, each
// on its own station write token (made on first start, kept in DATA_DIR/simulator-tokens). It follows
// catalog changes while it runs: a station newly marked simulated gets its token first, then its
// sensors report at once (and on the interval grid from then on); a retired one stops.
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import type { Logger } from "../../common/logger.ts";
import { simulatedStations } from "../../sensors-sim/src/options.ts";
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from "../../sensors-sim/src/simulator.ts";
import { ensureSimulatorLabToken, ensureSimulatorTokens } from "./auth/simulator-tokens.ts";
import type { Config } from "./config.ts";
import type { RunningSystem } from "./system.ts";
import type { CatalogSource } from "./catalog/catalog-source.ts";
import type { StationTokenRepository } from "./auth/station-tokens.ts";
import type { Maintenance } from "./maintenance/maintenance.ts";
import type { MaintenanceVisit } from "../../sensors-sim/src/model/maintenance-visit.ts";
import { systemClock } from "./util/clock.ts";

const HOUR_MS = 3_600_000;
/** Who the audit log names for the demo's maintenance visits. */
export const SIMULATOR_ACTOR = "simulator";
/**
 * The maintenance visits `npm start` shows: one three hours ago (shaded on the station's charts at
 * once, its out-of-water and calibration readings marked) and one planned in two hours.
 */
const DEMO_VISITS = [
  { from: -3 * HOUR_MS, to: -2 * HOUR_MS, reason: "Simulated visit: probes cleaned, conductivity and pH calibrated" },
  { from: 2 * HOUR_MS, to: 3 * HOUR_MS, reason: "Simulated visit: sensor cleaning and calibration" },
];

/**
 * Marks the demo's maintenance visits on the server and returns them for the simulator to act out.
 * A restart within a day acts out the ones already marked instead of adding more.
 */
export async function demoMaintenanceVisits(maintenance: Maintenance, catalog: CatalogSnapshot, now: number, logger: Logger): Promise<MaintenanceVisit[]> {
  const recent = (await maintenance.repo.list(now - 24 * HOUR_MS)).filter((w) => w.createdBy === SIMULATOR_ACTOR && w.to > w.from);
  if (recent.length > 0) return recent.map((w) => ({ station: w.station, from: w.from, to: w.to }));
  const station = simulatedStations(catalog).find((s) => catalog.measures(s.id, "conductivity"));
  if (!station) return [];
  const visits: MaintenanceVisit[] = [];
  for (const v of DEMO_VISITS) {
    const w = await maintenance.create({ station: station.id, parameter: null, reason: v.reason, from: now + v.from, to: now + v.to }, SIMULATOR_ACTOR);
    visits.push({ station: w.station, from: w.from, to: w.to });
  }
  logger.info({ station: station.id, visits: visits.map((v) => new Date(v.from).toISOString()) }, "simulated maintenance visits marked");
  return visits;
}

export interface BuiltInSimulatorDeps {
  /** The server's own URL (127.0.0.1 and its port). */
  url: string;
  catalog: CatalogSource;
  stationTokens: StationTokenRepository;
  dataDir: string;
  logger: Logger;
}

/** Makes sure every simulated station has a write token; returns them (and where they are kept). */
export function simulatorTokensFor(deps: Pick<BuiltInSimulatorDeps, "stationTokens" | "dataDir">, snapshot: CatalogSnapshot) {
  return ensureSimulatorTokens(deps.stationTokens, deps.dataDir, simulatedStations(snapshot).map((s) => s.id));
}

export async function startBuiltInSimulator(deps: BuiltInSimulatorDeps, options: Omit<SimulatorOptions, "url" | "tokens" | "token">): Promise<SimulatorHandle> {
  const tokens = await simulatorTokensFor(deps, deps.catalog.current());
  deps.logger.info({ file: tokens.file }, "simulated stations' write tokens ready");
  // The server's own catalog, in process.
  const simulator = startSimulator({ ...options, url: deps.url, tokens: tokens.tokens }, { catalog: deps.catalog.current(), logger: deps.logger });
  // Changes are followed one after another, each with the tokens its stations need.
  let following = Promise.resolve();
  const stop = deps.catalog.onChange((snapshot) => {
    following = following
      .then(async () => simulator.updateCatalog(snapshot, (await simulatorTokensFor(deps, snapshot)).tokens))
      .catch((err: unknown) => deps.logger.error({ err }, "the simulator could not follow the catalog change"));
  });
  void simulator.finished.finally(stop);
  return simulator;
}

/**
 * What `npm start` runs beside the server: the simulator as SIMULATOR_* configure it, with its
 * laboratory's account; undefined (and the token file `npm run sim` reads, kept current) when off.
 */
export async function runConfiguredSimulator(
  system: Pick<RunningSystem, "port" | "catalog" | "stationTokens" | "auth" | "maintenance">,
  config: Pick<Config, "dataDir" | "simulator" | "influx">,
  logger: Logger,
): Promise<SimulatorHandle | undefined> {
  const deps: BuiltInSimulatorDeps = {
    url: `http://127.0.0.1:${system.port}`,
    catalog: system.catalog,
    stationTokens: system.stationTokens,
    dataDir: config.dataDir,
    logger: logger.child({ module: "simulator" }),
  };
  if (!config.simulator.enabled) {
    const { file } = await simulatorTokensFor(deps, system.catalog.current());
    logger.info({ file }, "simulated stations' write tokens ready");
    return undefined;
  }
  const labToken = await ensureSimulatorLabToken(system.auth.users, system.auth.apiTokens, config.dataDir, logger);
  const maintenance = await demoMaintenanceVisits(system.maintenance, system.catalog.current(), systemClock.now(), logger);
  return startBuiltInSimulator(deps, {
    database: config.influx.database,
    seed: config.simulator.seed,
    speed: config.simulator.speed,
    backfill: config.simulator.backfill,
    // Real time by default: the history up to now first (as fast as the server takes it), then every
    // sensor on its interval like a field station, so a fresh dashboard is live at once. A
    // SIMULATOR_SPEED above 1 is a demo mode: the live phase starts 6 h back and replays them at that
    // speed until it reaches the present.
    start: config.simulator.speed > 1 ? "-6h" : undefined,
    // On shutdown the server flushes what the simulator handed over; don't hold it up.
    drainTimeout: "2s",
    // Its laboratory's results go through the import API (dry run, then apply): weeks of them on the
    // first start; a restart imports only results that came back since (the dry run finds the rest unchanged).
    lab: { token: labToken, history: config.simulator.labHistory },
    // A maintenance visit acted out (the server marks its readings): see demoMaintenanceVisits.
    maintenance,
  });
}
