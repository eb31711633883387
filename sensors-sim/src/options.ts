// Simulator options: one zod schema, used by the CLI and by startSimulator, with the defaults in
// one place, then checked against the catalog the simulator runs on (stations, parameters, the
// spill's river and compound). Durations may be written as "10m"/"30d" or given as milliseconds.
import { z } from "zod";
import type { Parameter, Station } from "../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { localName } from "../../common/standards.ts";
import { DURATION_PATTERN, parseDuration } from "./duration.ts";
import { SPILL_DEFAULTS } from "./model/spill.ts";
import { DEFAULT_FAULT_SETTINGS, FAULT_KINDS } from "./sensor/fault-settings.ts";
import { DEFAULT_UPLINK_OPTIONS } from "./transport/uplink.ts";
import type { SensorAdjustment } from "./model/sensor-profiles.ts";

const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === "string" && DURATION_PATTERN.test(value.trim())) return parseDuration(value);
  ctx.addIssue({ code: "custom", message: `"${value}" is not a duration such as 500ms, 30s, 10m, 12h or 30d` });
  return z.NEVER;
});
const positiveDuration = duration.refine((ms) => ms > 0, "must be longer than 0");
/** An instant: epoch ms, ISO 8601, or "-<duration>" before the start (kept as { ago } until then). */
const instant = z.union([z.number(), z.string()]).transform((value, ctx): number | { agoMs: number } => {
  if (typeof value === "string" && value.startsWith("-") && DURATION_PATTERN.test(value.slice(1))) {
    return { agoMs: parseDuration(value.slice(1)) };
  }
  const ms = typeof value === "number" ? value : Date.parse(value);
  if (Number.isFinite(ms)) return Math.round(ms);
  ctx.addIssue({ code: "custom", message: `"${value}" is not an ISO 8601 time, epoch milliseconds or "-12h" (before now)` });
  return z.NEVER;
});

const HOUR_MS = 3_600_000;
const faultKind = z.enum(FAULT_KINDS);

export const faultOptionsSchema = z.object({
  /** false: no random faults (forced ones still happen). */
  enabled: z.boolean().default(true),
  /** Expected starts per sensor (station faults: per station) per simulated day, per kind. */
  rates: z.partialRecord(faultKind, z.number().nonnegative()).default({}),
  /** Faults to start on every sensor/station at `forceAfter` into the live phase. */
  force: z.array(faultKind).default([]),
  forceAfter: duration.default(0),
  stuckReadings: z.number().int().min(2).default(DEFAULT_FAULT_SETTINGS.stuckReadings),
  dropoutReadings: z.number().int().min(1).default(DEFAULT_FAULT_SETTINGS.dropoutReadings),
  offline: positiveDuration.default(DEFAULT_FAULT_SETTINGS.offlineMs),
  clockSkew: duration.default(DEFAULT_FAULT_SETTINGS.clockSkewMs),
  outOfOrderDelayReadings: z.number().int().min(1).default(DEFAULT_FAULT_SETTINGS.outOfOrderDelayReadings),
});

export const spillOptionsSchema = z.object({
  /** A catalog river, by id or English name ("elbe", "Elbe"). */
  river: z.string().default(SPILL_DEFAULTS.river),
  compound: z.string().default(SPILL_DEFAULTS.compound),
  /** When the slug enters the river, after the start of the live phase (simulated time). */
  after: duration.default(HOUR_MS),
  velocityMs: z.number().positive().default(SPILL_DEFAULTS.velocityMs),
  peakTimesMac: z.number().positive().default(SPILL_DEFAULTS.peakTimesMac),
});

/** A sensor named as STATION:PARAMETER[:SENSOR] (without a sensor: the station's primary one for the parameter). */
const sensorRef = { station: z.string().min(1), parameter: z.string().min(1), sensor: z.string().min(1).optional() };

export const labOptionsSchema = z.object({
  /** Personal API token (researcher) the lab results are imported with; without one no lab results are sent. */
  token: z.string().min(1).optional(),
  /**
   * Lab results for this long before the live start, and readings over the same span for the sensors
   * under validation (a bias, drift or noise of their own) with the other sensors of their station and
   * parameter, so the validation view can pair them; 0: only over the backfill.
   */
  history: duration.default(0),
});

export const simulatorOptionsSchema = z.object({
  url: z.url({ protocol: /^https?$/ }).default("http://localhost:3000"),
  /** Write token for every station (or those without their own in `tokens`). */
  token: z.string().min(1).optional(),
  /** Per-station write tokens, station id → token: each station then sends on its own uplink. */
  tokens: z.record(z.string(), z.string().min(1)).optional(),
  /** Station ids; default: every station the catalog marks simulated that takes readings. */
  stations: z.array(z.string()).min(1).optional(),
  /** Parameter codes; default: every parameter the stations measure. */
  parameters: z.array(z.string()).min(1).optional(),
  /** Simulated time between readings of a sensor (a real network reports every 10–15 minutes). */
  interval: positiveDuration.default(10 * 60_000),
  /** Simulated seconds per wall-clock second in the live phase. */
  speed: z.number().positive().default(60),
  /** History written as fast as the server takes it before the live phase. */
  backfill: duration.default(0),
  seed: z.number().int().default(1),
  /** Simulated length of the live phase; unset = until stopped. */
  duration: positiveDuration.optional(),
  /** Simulated start of the live phase: an instant, or "-1d" for a day before now; default: now. */
  start: instant.optional(),
  /**
   * Never stamp readings later than the wall clock: once an accelerated run catches up with now it
   * continues at 1×. The server flags readings from the future as suspect and refuses them beyond
   * 24 h, so only turn this off against a server that expects it.
   */
  noFuture: z.boolean().default(true),
  transport: z.enum(["http-json", "line-protocol"]).default("http-json"),
  database: z.string().default("water_monitor"),
  batchSize: z.number().int().min(1).max(10_000).default(DEFAULT_UPLINK_OPTIONS.batchSize),
  maxBuffered: z.number().int().min(1).default(DEFAULT_UPLINK_OPTIONS.maxBuffered),
  retryBase: positiveDuration.default(DEFAULT_UPLINK_OPTIONS.retryBaseMs),
  retryMax: positiveDuration.default(DEFAULT_UPLINK_OPTIONS.retryMaxMs),
  requestTimeout: positiveDuration.default(30_000),
  /** How long stop() and the end of a run wait for the buffer to empty. */
  drainTimeout: duration.default(10_000),
  faults: faultOptionsSchema.default(faultOptionsSchema.parse({})),
  scenario: z.enum(["spill"]).optional(),
  spill: spillOptionsSchema.default(spillOptionsSchema.parse({})),
  lab: labOptionsSchema.default(labOptionsSchema.parse({})),
  /** Calibration drift of chosen sensors, % of the value per month from the start of the run's history. */
  sensorDrift: z.array(z.object({ ...sensorRef, percentPerMonth: z.number().min(-100).max(100) })).default([]),
  /**
   * Maintenance visits: the station's probes out of the water, then (the last quarter) in calibration
   * standards. Times are instants as for `start`; "-3h" is three hours before the live start.
   */
  maintenance: z.array(z.object({ station: z.string().min(1), from: instant, to: instant })).default([]),
  /** Bias of chosen sensors, % of the value. */
  sensorBias: z.array(z.object({ ...sensorRef, percent: z.number().min(-99).max(1000) })).default([]),
});

export type SimulatorOptions = z.input<typeof simulatorOptionsSchema>;
export type ParsedSimulatorOptions = z.output<typeof simulatorOptionsSchema>;

/** The options with the catalog's stations and parameters in place of ids. */
export interface ResolvedSimulatorOptions extends Omit<ParsedSimulatorOptions, "stations" | "parameters"> {
  stations: Station[];
  parameters: Parameter[];
  /** --sensor-drift and --sensor-bias, per sensor at its station. */
  adjustments: SensorAdjustment[];
}

export class SimulatorOptionsError extends Error {
  override readonly name = "SimulatorOptionsError";
}

/** Stations that take readings (ingest refuses planned and retired ones). */
const takesReadings = (s: Station) => s.status === "active" || s.status === "maintenance";

/** The stations the simulator runs by default: those the catalog marks simulated and that take readings. */
export function simulatedStations(catalog: CatalogSnapshot): Station[] {
  return catalog.stations.filter((s) => s.simulated && takesReadings(s));
}

/** Stations and parameters from the catalog (ids, or the defaults when not given); problems as messages. */
export function catalogChoices(
  catalog: CatalogSnapshot,
  stationIds: readonly string[] | undefined,
  parameterCodes: readonly string[] | undefined,
  problems: string[],
): { stations: Station[]; parameters: Parameter[] } {
  const stations: Station[] = [];
  for (const id of stationIds ?? simulatedStations(catalog).map((s) => s.id)) {
    const station = catalog.station(id);
    if (!station) problems.push(`stations: unknown station ${JSON.stringify(id)}; the catalog has ${catalog.stations.map((s) => s.id).join(", ")}`);
    else if (!takesReadings(station)) problems.push(`stations: ${id} is ${station.status} and takes no readings`);
    else stations.push(station);
  }
  const parameters: Parameter[] = [];
  for (const code of parameterCodes ?? catalog.parameters.map((p) => p.code)) {
    const parameter = catalog.parameter(code);
    if (!parameter) problems.push(`parameters: unknown parameter ${JSON.stringify(code)}`);
    else parameters.push(parameter);
  }
  return { stations, parameters };
}

/** A river by id or by name in any language. */
function findRiver(catalog: CatalogSnapshot, text: string): string | undefined {
  const wanted = text.trim().toLowerCase();
  return catalog.data.rivers.find((r) => r.id === wanted || Object.values(r.name).some((n) => n?.toLowerCase() === wanted))?.id;
}

/** `now` picks the primary sensor for a --sensor-drift/--sensor-bias that names none. */
export function resolveOptions(input: SimulatorOptions, catalog: CatalogSnapshot, now = Date.now()): ResolvedSimulatorOptions {
  const parsed = simulatorOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`);
    throw new SimulatorOptionsError(`Invalid simulator options:\n  ${lines.join("\n  ")}`);
  }
  const o = parsed.data;
  const problems: string[] = [];
  const { stations, parameters } = catalogChoices(catalog, o.stations, o.parameters, problems);
  if (stations.length === 0 && problems.length === 0) problems.push("stations: the catalog has no simulated station that takes readings");
  const river = findRiver(catalog, o.spill.river);
  if (!river || catalog.riverStations(river).length === 0) {
    const rivers = catalog.data.rivers.filter((r) => catalog.riverStations(r.id).length > 0).map((r) => localName(r.name, "en"));
    problems.push(`spill.river: ${JSON.stringify(o.spill.river)} is none of ${rivers.join(", ")}`);
  }
  if (!catalog.standardsOf(o.spill.compound).some((s) => s.kind === "MAC-EQS")) {
    problems.push(`spill.compound: "${o.spill.compound}" has no MAC-EQS in the catalog`);
  }
  if (o.tokens && !o.token) {
    const missing = stations.filter((s) => !o.tokens![s.id]).map((s) => s.id);
    if (missing.length > 0) problems.push(`tokens: no token for ${missing.join(", ")} (give those, or a token for all)`);
  }
  const adjustments = sensorAdjustments(catalog, o, now, problems);
  for (const v of o.maintenance) {
    if (!stations.some((s) => s.id === v.station)) problems.push(`maintenance: ${JSON.stringify(v.station)} is not one of the simulated stations`);
  }
  if (problems.length > 0) throw new SimulatorOptionsError(`Invalid simulator options:\n  ${problems.join("\n  ")}`);
  return { ...o, stations, parameters, spill: { ...o.spill, river: river! }, adjustments };
}

/** --sensor-drift and --sensor-bias as one adjustment per sensor, each sensor checked against the catalog. */
function sensorAdjustments(catalog: CatalogSnapshot, o: ParsedSimulatorOptions, now: number, problems: string[]): SensorAdjustment[] {
  const out = new Map<string, SensorAdjustment>();
  const resolve = (flag: string, ref: { station: string; parameter: string; sensor?: string | undefined }): SensorAdjustment | undefined => {
    const where = `${flag} ${[ref.station, ref.parameter, ref.sensor].filter(Boolean).join(":")}`;
    if (!catalog.station(ref.station)) return void problems.push(`${where}: unknown station ${JSON.stringify(ref.station)}`);
    const sensors = catalog.sensorsOf(ref.station, ref.parameter);
    if (sensors.length === 0) return void problems.push(`${where}: ${ref.station} has no ${JSON.stringify(ref.parameter)} sensor`);
    const sensor = ref.sensor === undefined ? catalog.defaultSensor(ref.station, ref.parameter, now) : sensors.find((s) => s.id === ref.sensor);
    if (!sensor) return void problems.push(`${where}: its ${ref.parameter} sensors are ${sensors.map((s) => s.id).join(", ")}`);
    const key = `${ref.station}\t${sensor.id}`;
    const adjustment = out.get(key) ?? { station: ref.station, sensor: sensor.id };
    out.set(key, adjustment);
    return adjustment;
  };
  for (const d of o.sensorDrift) {
    const a = resolve("--sensor-drift", d);
    if (a) a.driftPercentPerMonth = d.percentPerMonth;
  }
  for (const b of o.sensorBias) {
    const a = resolve("--sensor-bias", b);
    if (a) a.biasPercent = b.percent;
  }
  return [...out.values()];
}
