// Turns the true signal into what a network of stations reports: walks the reading grid step by
// step, applies sensor and station faults, censors values below each sensor's limit of detection,
// rounds to the sensor's resolution, and emits readings in the order a logger would send them
// (duplicates and held-back readings included). Every sensor the catalog deploys at a simulated
// station reports, while it is installed there, under its own id. Pure and deterministic: no I/O,
// no wall clock. The station and sensor set can change while running (`setCatalog`): sensors that
// stay keep their fault state.
import type { Parameter, ParameterCode, Sensor, SensorId, Station, StationId } from "../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { modelFor } from "./model/parameter-models.ts";
import { hashNormal, stringKey } from "./model/random.ts";
import { sensorFactor, sensorProfileFor, type SensorAdjustment, type SensorProfile } from "./model/sensor-profiles.ts";
import { StationSignal } from "./model/signal.ts";
import type { SpillScenario } from "./model/spill.ts";
import { visitPhase, visitValue, type MaintenanceVisit } from "./model/maintenance-visit.ts";
import type { FaultKind, FaultSettings } from "./sensor/fault-settings.ts";
import { SensorFaultState, StationFaultState } from "./sensor/sensor-faults.ts";

export interface SimReading {
  station: StationId;
  parameter: ParameterCode;
  sensor: SensorId;
  /** Timestamp the station sends, epoch ms (the grid instant plus any clock skew). */
  time: number;
  /** Reported value in the catalog unit, or null when below the sensor's limit of detection. */
  value: number | null;
  /** The sensor's limit of detection when the value is below it, else null. */
  lod: number | null;
  /** Raw signal and calibration version, for sensors with a calibration log; else null. */
  rawSignal: number | null;
  calibration: number | null;
  /** The grid instant the reading belongs to, epoch ms. */
  gridTime: number;
  /** What the water really held (before sensor faults); for tests and diagnostics, never sent. */
  truth: number;
  /** Faults that shaped this reading; never sent. */
  faults: FaultKind[];
}

export interface GeneratorOptions {
  seed: number;
  intervalMs: number;
  /** The catalog the stations and their sensors come from. */
  catalog: CatalogSnapshot;
  stations: readonly Station[];
  parameters: readonly Parameter[];
  faults: FaultSettings;
  spill?: SpillScenario;
  /** This run's own sensor biases and drifts (on top of the sensor profiles). */
  adjustments?: readonly SensorAdjustment[];
  /** Drifts count from here (the start of the run's history); default: the generator's start. */
  driftOrigin?: number;
  /** Maintenance visits: probes out of the water, then in calibration standards. */
  maintenance?: readonly MaintenanceVisit[];
}

interface SensorChannel {
  sensor: Sensor;
  /** Index into the station signal's parameters. */
  index: number;
  parameter: Parameter;
  decimals: number;
  profile: SensorProfile;
  /** [from, to) spans the sensor is installed at this station. */
  installed: Array<[number, number]>;
  faults: SensorFaultState;
}

interface StationChannel {
  station: Station;
  signal: StationSignal;
  faults: StationFaultState;
  sensors: SensorChannel[];
}

const NOISE_KEY = 0x5e45;

export class ReadingGenerator {
  private channels: StationChannel[] = [];
  private readonly forceStep: number | undefined;
  private held: Array<{ releaseStep: number; reading: SimReading }> = [];
  private step: number;
  private options: GeneratorOptions;
  private readonly driftOrigin: number;

  /** @param startTime first reading instant; rounded up to the interval grid. */
  constructor(options: GeneratorOptions, startTime: number) {
    this.options = options;
    this.step = Math.ceil(startTime / options.intervalMs);
    this.driftOrigin = options.driftOrigin ?? startTime;
    this.forceStep = options.faults.forceAt === undefined ? undefined : Math.ceil(options.faults.forceAt / options.intervalMs);
    this.channels = this.buildChannels([]);
  }

  /** Grid instant of the next step, epoch ms. */
  get nextTime(): number {
    return this.step * this.options.intervalMs;
  }

  /** Stations simulated now. */
  get stations(): StationId[] {
    return this.channels.map((c) => c.station.id);
  }

  /**
   * Switches to another catalog (stations added or retired, sensors installed, moved or removed):
   * from the next step on, readings follow it. Stations and sensors that stay keep their fault state.
   */
  setCatalog(update: Pick<GeneratorOptions, "catalog" | "stations" | "parameters">): void {
    this.options = { ...this.options, ...update };
    this.channels = this.buildChannels(this.channels);
  }

  private buildChannels(previous: readonly StationChannel[]): StationChannel[] {
    const { seed, intervalMs, faults, catalog, spill } = this.options;
    const before = new Map(previous.map((c) => [c.station.id, c]));
    const sensorsBefore = new Map(previous.flatMap((c) => c.sensors.map((s) => [`${c.station.id}\t${s.sensor.id}`, s] as const)));
    const chosen = new Set(this.options.parameters.map((p) => p.code));
    return this.options.stations.map((station) => {
      const parameters = catalog.parametersOf(station.id).filter((p) => chosen.has(p.code));
      const old = before.get(station.id);
      const sensors: SensorChannel[] = [];
      parameters.forEach((parameter, index) => {
        const model = modelFor(parameter);
        for (const sensor of catalog.sensorsOf(station.id, parameter.code)) {
          const kept = sensorsBefore.get(`${station.id}\t${sensor.id}`);
          sensors.push({
            sensor,
            index,
            parameter,
            decimals: model.decimals,
            profile: sensorProfileFor(sensor, station.id, this.options.adjustments),
            installed: sensor.deployments
              .filter((d) => d.station === station.id)
              .map((d): [number, number] => [Date.parse(d.from), d.to === null ? Number.POSITIVE_INFINITY : Date.parse(d.to)]),
            faults: kept?.faults ?? new SensorFaultState(seed, station.id, sensor.id, parameter, faults, intervalMs, model.noise.kind),
          });
        }
      });
      return {
        station,
        signal: new StationSignal({ seed, intervalMs, spill }, station, parameters, catalog),
        faults: old?.faults ?? new StationFaultState(seed, station.id, faults, intervalMs),
        sensors,
      };
    });
  }

  /** Readings emitted at the next grid instant, in sending order; advances one step. */
  next(): SimReading[] {
    const step = this.step++;
    const gridTime = step * this.options.intervalMs;
    const forced = step === this.forceStep;
    const { seed, maintenance = [] } = this.options;
    const out: SimReading[] = [];
    for (const channel of this.channels) {
      const stationState = channel.faults.step(step, forced);
      const truths = channel.signal.valuesAt(step, gridTime);
      const visit = maintenance.length > 0 ? visitPhase(maintenance, channel.station.id, gridTime) : undefined;
      for (const ch of channel.sensors) {
        const truth = truths[ch.index]!;
        const { sensor, parameter, profile } = ch;
        // What this sensor makes of the water (its bias, drift and own noise), before its faults act on it.
        let sensed = truth * sensorFactor(profile, gridTime, this.driftOrigin);
        if (profile.noise > 0) sensed *= Math.exp(profile.noise * hashNormal(seed, NOISE_KEY, stringKey(sensor.id), step));
        if (visit) sensed = visitValue(visit, parameter.code, parameter.group, sensed);
        // Fault state machines advance even while the station is offline or the sensor is not
        // installed, so their timing holds.
        const output = ch.faults.step(step, sensed, forced);
        if (stationState.offline || output.kind === "missing" || !installedAt(ch.installed, gridTime)) continue;
        const measured = output.value;
        const below = sensor.lod !== null && measured < sensor.lod;
        const raw = rawSignalFor(sensor, gridTime, measured);
        const reading: SimReading = {
          station: channel.station.id,
          parameter: parameter.code,
          sensor: sensor.id,
          time: gridTime + stationState.clockOffsetMs,
          value: below ? null : roundTo(measured, ch.decimals, parameter),
          lod: below ? sensor.lod : null,
          rawSignal: raw?.signal ?? null,
          calibration: raw?.version ?? null,
          gridTime,
          truth,
          faults: [...output.faults, ...stationState.faults],
        };
        if (output.holdSteps > 0) {
          this.held.push({ releaseStep: step + output.holdSteps, reading });
          continue;
        }
        out.push(reading);
        if (output.duplicate) out.push({ ...reading });
      }
    }
    if (this.held.length > 0) {
      const due = this.held.filter((h) => h.releaseStep <= step);
      this.held = this.held.filter((h) => h.releaseStep > step);
      for (const h of due) out.push(h.reading);
    }
    return out;
  }

  /**
   * One reading per installed sensor of `stations` at `time`, off the grid: what a station sends
   * when it is switched on, so that one added while the simulator runs reports at once rather than
   * at the next grid instant (up to an interval later). Faults start with the next grid step.
   */
  firstReadings(stations: readonly StationId[], time: number): SimReading[] {
    const wanted = new Set(stations);
    const step = this.step - 1;
    const out: SimReading[] = [];
    for (const channel of this.channels) {
      if (!wanted.has(channel.station.id)) continue;
      const truths = channel.signal.valuesAt(step, time);
      for (const ch of channel.sensors) {
        if (!installedAt(ch.installed, time)) continue;
        const truth = truths[ch.index]!;
        const { sensor, parameter, profile } = ch;
        let measured = truth * (1 + profile.bias);
        if (profile.noise > 0) measured *= Math.exp(profile.noise * hashNormal(this.options.seed, NOISE_KEY, stringKey(sensor.id), step));
        const below = sensor.lod !== null && measured < sensor.lod;
        const raw = rawSignalFor(sensor, time, measured);
        out.push({
          station: channel.station.id,
          parameter: parameter.code,
          sensor: sensor.id,
          time,
          value: below ? null : roundTo(measured, ch.decimals, parameter),
          lod: below ? sensor.lod : null,
          rawSignal: raw?.signal ?? null,
          calibration: raw?.version ?? null,
          gridTime: time,
          truth,
          faults: [],
        });
      }
    }
    return out;
  }

  /** Readings still held back (out-of-order) — what a logger sends when it shuts down. */
  drainHeld(): SimReading[] {
    const rest = this.held.map((h) => h.reading);
    this.held = [];
    return rest;
  }
}

function installedAt(spans: ReadonlyArray<[number, number]>, t: number): boolean {
  for (const [from, to] of spans) if (t >= from && t < to) return true;
  return false;
}

/**
 * What a sensor with a calibration log sends besides the value: the raw signal its latest
 * calibration (at or before t) turns into that value, so a later recalibration can be applied.
 */
function rawSignalFor(sensor: Sensor, t: number, value: number): { signal: number; version: number } | undefined {
  let latest: Sensor["calibrations"][number] | undefined;
  for (const c of sensor.calibrations) if (Date.parse(c.at) <= t && (!latest || Date.parse(c.at) > Date.parse(latest.at))) latest = c;
  if (!latest) return undefined;
  const { slope, intercept } = latest.function;
  return { signal: Math.round(((value - intercept) / slope) * 1000) / 1000, version: latest.version };
}

function roundTo(value: number, decimals: number, parameter: Parameter): number {
  // A faulty temperature probe may read below zero (QC must catch it); nothing else can be negative.
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  return parameter.code === "water_temperature" ? rounded : Math.max(0, rounded);
}

/** Every reading from `fromMs` (inclusive) to `toMs` (exclusive), in memory: for analysis and tests. */
export function generateReadings(options: GeneratorOptions, fromMs: number, toMs: number): SimReading[] {
  const generator = new ReadingGenerator(options, fromMs);
  const readings: SimReading[] = [];
  while (generator.nextTime < toMs) {
    for (const r of generator.next()) readings.push(r);
  }
  for (const r of generator.drainHeld()) readings.push(r);
  return readings;
}
