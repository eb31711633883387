// The running simulator: writes the backfill history as fast as the server takes it, then produces
// readings in (accelerated) real time, through a buffering uplink. This is the programmatic API the
// server's main.ts and the CLI use:
//
//   const sim = startSimulator({ url, token, speed: 60, backfill: "2d", seed: 1 }, { catalog, logger });
//   sim.updateCatalog(newer);   // stations and sensors follow a changed catalog while running
//   const summary = await sim.stop();
import type { Logger } from "pino";
import { pino } from "pino";
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { systemClock, type Clock } from "./clock.ts";
import { planSpill, SPILL_DEFAULTS, type PlumeArrival, type SpillScenario } from "./model/spill.ts";
import { catalogChoices, resolveOptions, SimulatorOptionsError, type ResolvedSimulatorOptions, type SimulatorOptions } from "./options.ts";
import { ReadingGenerator, type GeneratorOptions, type SimReading } from "./reading-generator.ts";
import { DEFAULT_FAULT_RATES, DEFAULT_FAULT_SETTINGS, NO_FAULTS, type FaultSettings } from "./sensor/fault-settings.ts";
import { HttpJsonSink } from "./transport/http-json-sink.ts";
import { LineProtocolSink } from "./transport/line-protocol-sink.ts";
import type { FetchFn, HttpSinkOptions, ReadingSink } from "./transport/sink.ts";
import { Uplink, type UplinkStats } from "./transport/uplink.ts";
import { UplinkGroup } from "./transport/uplink-group.ts";
import { LabFeed, type LabFeedStats } from "./lab/lab-feed.ts";
import { isUnderValidation, sensorProfileFor } from "./model/sensor-profiles.ts";

export type { SimulatorOptions, ResolvedSimulatorOptions } from "./options.ts";

const HOUR_MS = 3_600_000;

export interface SimulatorDeps {
  /** The catalog: which stations are simulated and which sensors they have. */
  catalog: CatalogSnapshot;
  clock?: Clock;
  logger?: Logger;
  /** Replaces global fetch (tests, proxies). */
  fetch?: FetchFn;
  /** Sees every reading as it is handed to the uplink (tests, diagnostics). */
  onReadings?: (readings: readonly SimReading[]) => void;
}

export interface SimulatorSummary extends UplinkStats {
  state: "backfilling" | "live" | "finished" | "stopped";
  /** Readings produced (duplicates included). */
  generated: number;
  /** Simulated instants: start of the backfill, start of the live phase, and the next reading. */
  backfillFrom: string;
  liveFrom: string;
  simulatedUntil: string;
  /** Where and when the spill plume peaks, when the spill scenario runs. */
  spill?: PlumeArrival[];
  /** Simulated lab results sent through the import API (when a lab token was given). */
  lab?: LabFeedStats;
}

export interface SimulatorHandle {
  readonly options: ResolvedSimulatorOptions;
  /** Resolves when the run ends by itself (after `duration`) or after stop(); never rejects. */
  readonly finished: Promise<SimulatorSummary>;
  summary(): SimulatorSummary;
  /**
   * Follows a changed catalog from the next reading on: new simulated stations start sending (with
   * their token from `tokens`, when the run uses per-station tokens), retired ones stop, sensors
   * installed, moved or removed are simulated accordingly. Throws SimulatorOptionsError when the
   * run's explicit --stations/--parameters no longer exist.
   */
  updateCatalog(catalog: CatalogSnapshot, tokens?: Record<string, string>): void;
  /** Stops producing, tries to send what is buffered for up to `drainTimeout`, and summarises. */
  stop(): Promise<SimulatorSummary>;
}

/** Fault settings from the options: defaults, user rates, forced faults at their instant. */
export function faultSettingsFrom(options: ResolvedSimulatorOptions, liveStart: number): FaultSettings {
  const f = options.faults;
  return {
    ...DEFAULT_FAULT_SETTINGS,
    ratesPerDay: f.enabled ? { ...DEFAULT_FAULT_RATES, ...f.rates } : { ...NO_FAULTS },
    force: f.force,
    forceAt: f.force.length > 0 ? liveStart + f.forceAfter : undefined,
    stuckReadings: f.stuckReadings,
    dropoutReadings: f.dropoutReadings,
    offlineMs: f.offline,
    clockSkewMs: f.clockSkew,
    outOfOrderDelayReadings: f.outOfOrderDelayReadings,
  };
}

export function spillScenarioFrom(options: ResolvedSimulatorOptions, liveStart: number): SpillScenario | undefined {
  if (options.scenario !== "spill") return undefined;
  const s = options.spill;
  return {
    ...SPILL_DEFAULTS,
    river: s.river,
    compound: s.compound,
    velocityMs: s.velocityMs,
    peakTimesMac: s.peakTimesMac,
    entryTime: liveStart + s.after,
  };
}

/** The start of the run's history: its backfill, or its lab history when that reaches further back. */
export function historyStart(options: ResolvedSimulatorOptions, liveStart: number): number {
  return liveStart - Math.max(options.backfill, options.lab.history);
}

/** An option instant: epoch ms, or { agoMs } before the live start. */
const instantFrom = (i: number | { agoMs: number }, liveStart: number): number => (typeof i === "number" ? i : liveStart - i.agoMs);

/** Everything the pure generator needs, from validated options and the live start instant. */
export function generatorOptionsFrom(options: ResolvedSimulatorOptions, catalog: CatalogSnapshot, liveStart: number): GeneratorOptions {
  return {
    seed: options.seed,
    intervalMs: options.interval,
    catalog,
    stations: options.stations,
    parameters: options.parameters,
    faults: faultSettingsFrom(options, liveStart),
    spill: spillScenarioFrom(options, liveStart),
    adjustments: options.adjustments,
    driftOrigin: historyStart(options, liveStart),
    maintenance: options.maintenance.map((v) => ({ station: v.station, from: instantFrom(v.from, liveStart), to: instantFrom(v.to, liveStart) })),
  };
}

/**
 * Station × parameter pairs with a sensor under validation (a bias, drift or noise of its own): the
 * series that get readings over the lab history, so the validation view can pair them.
 */
export function validationSeries(options: ResolvedSimulatorOptions, catalog: CatalogSnapshot): Array<{ station: ResolvedSimulatorOptions["stations"][number]; parameter: ResolvedSimulatorOptions["parameters"][number] }> {
  return options.stations.flatMap((station) =>
    options.parameters
      .filter((p) => catalog.sensorsOf(station.id, p.code).some((sensor) => isUnderValidation(sensorProfileFor(sensor, station.id, options.adjustments))))
      .map((parameter) => ({ station, parameter })),
  );
}

export function startSimulator(input: SimulatorOptions, deps: SimulatorDeps): SimulatorHandle {
  const clock = deps.clock ?? systemClock;
  const options = resolveOptions(input, deps.catalog, clock.now());
  const logger = deps.logger ?? pino({ level: "silent" });
  const interval = options.interval;
  const startAt = options.start === undefined ? clock.now() : typeof options.start === "number" ? options.start : clock.now() - options.start.agoMs;
  const liveStart = Math.ceil(startAt / interval) * interval;
  const backfillFrom = liveStart - options.backfill;
  const liveEnd = options.duration === undefined ? undefined : liveStart + options.duration;
  const generatorOptions = generatorOptionsFrom(options, deps.catalog, liveStart);
  const generator = new ReadingGenerator(generatorOptions, backfillFrom);
  const spillPlan = generatorOptions.spill ? planSpill(generatorOptions.spill, deps.catalog) : undefined;
  const historyFrom = historyStart(options, liveStart);

  // Per-station tokens: one uplink per station, each with its own token; else one for all.
  const tokens = options.tokens ? { ...options.tokens } : undefined;
  const keyOf = tokens ? (station: string) => station : () => "";
  const makeUplink = (key: string): Uplink => {
    const sinkOptions: HttpSinkOptions = {
      url: options.url,
      token: tokens?.[key] ?? options.token,
      requestTimeoutMs: options.requestTimeout,
      fetch: deps.fetch,
      now: () => clock.now(),
    };
    const sink: ReadingSink =
      options.transport === "line-protocol" ? new LineProtocolSink(sinkOptions, options.database) : new HttpJsonSink(sinkOptions);
    return new Uplink(
      sink,
      // maxBuffered bounds the whole simulator: per-station uplinks share it.
      { maxBuffered: key ? Math.max(1, Math.floor(options.maxBuffered / options.stations.length)) : options.maxBuffered, batchSize: options.batchSize, retryBaseMs: options.retryBase, retryMaxMs: options.retryMax },
      clock,
      logger.child(key ? { module: "uplink", station: key } : { module: "uplink" }),
    );
  };
  const uplink = new UplinkGroup(keyOf, makeUplink);
  const labFeed = options.lab.token
    ? new LabFeed(
        { seed: options.seed, intervalMs: interval, catalog: deps.catalog, stations: options.stations, parameters: options.parameters, spill: generatorOptions.spill },
        { url: options.url, token: options.lab.token, fetch: deps.fetch, requestTimeoutMs: options.requestTimeout },
        historyFrom,
        logger.child({ module: "lab-feed" }),
      )
    : undefined;
  /** Lab results are back when simulated time has passed their analysis, and never later than now. */
  const labUntil = (t: number) => Math.min(t, clock.now());

  let state: SimulatorSummary["state"] = options.backfill > 0 ? "backfilling" : "live";
  let generated = 0;
  const stopper = new AbortController();
  const stopped = new Promise<void>((resolve) => stopper.signal.addEventListener("abort", () => resolve(), { once: true }));

  const hand = (readings: SimReading[]): void => {
    if (readings.length === 0) return;
    generated += readings.length;
    deps.onReadings?.(readings);
    uplink.enqueue(readings);
  };

  const summary = (): SimulatorSummary => ({
    ...uplink.snapshot(),
    state,
    generated,
    backfillFrom: new Date(backfillFrom).toISOString(),
    liveFrom: new Date(liveStart).toISOString(),
    simulatedUntil: new Date(generator.nextTime).toISOString(),
    ...(spillPlan ? { spill: spillPlan } : {}),
    ...(labFeed ? { lab: { ...labFeed.stats } } : {}),
  });

  /** Walks `walker` up to `until`, handing readings over in batches the uplink can take. */
  async function writeHistory(walker: ReadingGenerator, until: number): Promise<void> {
    let batch: SimReading[] = [];
    while (walker.nextTime < until && !stopper.signal.aborted) {
      for (const r of walker.next()) batch.push(r);
      if (batch.length >= options.batchSize) {
        hand(batch);
        batch = [];
        // Never let history overflow the buffer: wait while the server catches up (or is down).
        await Promise.race([uplink.whenBufferedAtMost(options.batchSize), stopped]);
      }
    }
    hand(batch);
  }

  /** Readings over the lab history, before the backfill, for the series with a sensor under validation. */
  async function validationHistory(): Promise<void> {
    if (historyFrom >= backfillFrom) return;
    for (const { station, parameter } of validationSeries(options, deps.catalog)) {
      logger.info({ station: station.id, parameter: parameter.code, from: new Date(historyFrom).toISOString() }, "writing the history of a sensor under validation");
      await writeHistory(new ReadingGenerator({ ...generatorOptions, stations: [station], parameters: [parameter] }, historyFrom), backfillFrom);
    }
  }

  async function backfill(): Promise<void> {
    if (options.backfill <= 0) return;
    logger.info({ from: new Date(backfillFrom).toISOString(), to: new Date(liveStart).toISOString() }, "backfilling history");
    await writeHistory(generator, liveStart);
  }

  async function live(): Promise<void> {
    state = "live";
    const wallStart = clock.now();
    logger.info({ from: new Date(liveStart).toISOString(), speed: options.speed, intervalMs: interval }, "live");
    // Live from the present (npm start's default): every station reports as it comes on, then on its
    // interval grid (the next grid instant may be an interval away). Open dashboards see each station
    // online at once, also those that loaded while the history was still being written.
    if (options.start === undefined && options.backfill > 0 && !stopper.signal.aborted) hand(generator.firstReadings(generator.stations, wallStart));
    let sinceYield = 0;
    let labHour = Math.floor(generator.nextTime / HOUR_MS);
    while (!stopper.signal.aborted && (liveEnd === undefined || generator.nextTime < liveEnd)) {
      if (labFeed && Math.floor(generator.nextTime / HOUR_MS) !== labHour) {
        // Once a simulated hour: results whose analysis is done by now go to the server (in the background).
        labHour = Math.floor(generator.nextTime / HOUR_MS);
        void labFeed.catchUp(labUntil(generator.nextTime));
      }
      const accelerated = wallStart + (generator.nextTime - liveStart) / options.speed;
      const due = options.noFuture ? Math.max(accelerated, generator.nextTime) : accelerated;
      const wait = due - clock.now();
      if (wait > 0 || ++sinceYield >= 64) {
        // When running behind (or very fast), still yield now and then so the uplink can send.
        sinceYield = 0;
        await clock.sleep(Math.max(0, wait), stopper.signal);
        if (stopper.signal.aborted) break;
      }
      hand(generator.next());
    }
  }

  const finished = (async (): Promise<SimulatorSummary> => {
    try {
      await validationHistory();
      await backfill();
      void labFeed?.catchUp(labUntil(liveStart));
      await live();
      hand(generator.drainHeld());
      if (labFeed && !stopper.signal.aborted) await labFeed.catchUp(labUntil(generator.nextTime));
      // An upload in flight may finish within the drain time; the server applies an import whole or not at all.
      if (labFeed) await Promise.race([labFeed.idle(), clock.sleep(options.drainTimeout)]);
      const drained = await uplink.flush(options.drainTimeout);
      if (!drained) logger.warn({ buffered: uplink.buffered }, "stopped with readings still buffered");
    } catch (err) {
      logger.error({ err }, "simulator failed");
    } finally {
      await uplink.close();
      state = stopper.signal.aborted ? "stopped" : "finished";
    }
    const result = summary();
    logger.info({ ...result, spill: undefined }, "simulator finished");
    return result;
  })();

  const requested = { stations: input.stations, parameters: input.parameters };
  const updateCatalog = (catalog: CatalogSnapshot, newTokens?: Record<string, string>): void => {
    const problems: string[] = [];
    const choice = catalogChoices(catalog, requested.stations, requested.parameters, problems);
    if (problems.length > 0) throw new SimulatorOptionsError(`The changed catalog does not fit this run:\n  ${problems.join("\n  ")}`);
    if (tokens && newTokens) Object.assign(tokens, newTokens);
    const before = new Set(generator.stations);
    generator.setCatalog({ catalog, ...choice });
    labFeed?.setCatalog({ catalog, ...choice });
    logger.info({ stations: generator.stations }, "catalog changed; simulating its stations and sensors");
    // A station added while live reports now, not at the next grid instant (up to an interval away).
    const added = generator.stations.filter((s) => !before.has(s));
    if (state === "live" && added.length > 0) hand(generator.firstReadings(added, clock.now()));
  };

  return {
    options,
    finished,
    summary,
    updateCatalog,
    stop: async () => {
      stopper.abort();
      return finished;
    },
  };
}
