// Turns the true signal into what a network of stations reports: walks the reading grid step by
// step, applies sensor and station faults, censors values below the limit of detection, rounds to
// the sensor's resolution, and emits readings in the order a logger would send them (duplicates
// and held-back readings included). Pure and deterministic: no I/O, no wall clock.
import type { Parameter, ParameterCode, Station, StationId } from "../../common/catalog.ts";
import { modelFor } from "./model/parameter-models.ts";
import { StationSignal } from "./model/signal.ts";
import type { SpillScenario } from "./model/spill.ts";
import type { FaultKind, FaultSettings } from "./sensor/fault-settings.ts";
import { SensorFaultState, StationFaultState } from "./sensor/sensor-faults.ts";

export interface SimReading {
  station: StationId;
  parameter: ParameterCode;
  /** Timestamp the station sends, epoch ms (the grid instant plus any clock skew). */
  time: number;
  /** Reported value in the catalog unit, or null when below the limit of detection. */
  value: number | null;
  /** The limit of detection when the value is below it, else null. */
  lod: number | null;
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
  stations: readonly Station[];
  parameters: readonly Parameter[];
  faults: FaultSettings;
  spill?: SpillScenario;
}

interface Sensor {
  parameter: Parameter;
  decimals: number;
  faults: SensorFaultState;
}

interface StationChannel {
  station: Station;
  signal: StationSignal;
  faults: StationFaultState;
  sensors: Sensor[];
}

export class ReadingGenerator {
  private readonly channels: StationChannel[];
  private readonly forceStep: number | undefined;
  private held: Array<{ releaseStep: number; reading: SimReading }> = [];
  private step: number;

  /** @param startTime first reading instant; rounded up to the interval grid. */
  constructor(
    private readonly options: GeneratorOptions,
    startTime: number,
  ) {
    const { seed, intervalMs, faults } = options;
    this.step = Math.ceil(startTime / intervalMs);
    this.forceStep = faults.forceAt === undefined ? undefined : Math.ceil(faults.forceAt / intervalMs);
    this.channels = options.stations.map((station) => ({
      station,
      signal: new StationSignal({ seed, intervalMs, spill: options.spill }, station, options.parameters),
      faults: new StationFaultState(seed, station.id, faults, intervalMs),
      sensors: options.parameters.map((parameter) => ({
        parameter,
        decimals: modelFor(parameter).decimals,
        faults: new SensorFaultState(seed, station.id, parameter, faults, intervalMs, modelFor(parameter).noise.kind),
      })),
    }));
  }

  /** Grid instant of the next step, epoch ms. */
  get nextTime(): number {
    return this.step * this.options.intervalMs;
  }

  /** Readings emitted at the next grid instant, in sending order; advances one step. */
  next(): SimReading[] {
    const step = this.step++;
    const gridTime = step * this.options.intervalMs;
    const forced = step === this.forceStep;
    const out: SimReading[] = [];
    for (const channel of this.channels) {
      const stationState = channel.faults.step(step, forced);
      const truths = channel.signal.valuesAt(step, gridTime);
      channel.sensors.forEach((sensor, i) => {
        // Fault state machines advance even while the station is offline, so their timing holds.
        const output = sensor.faults.step(step, truths[i]!, forced);
        if (stationState.offline || output.kind === "missing") return;
        const { parameter } = sensor;
        const below = parameter.lod !== undefined && output.value < parameter.lod;
        const reading: SimReading = {
          station: channel.station.id,
          parameter: parameter.code,
          time: gridTime + stationState.clockOffsetMs,
          value: below ? null : roundTo(output.value, sensor.decimals, parameter),
          lod: below ? parameter.lod! : null,
          gridTime,
          truth: truths[i]!,
          faults: [...output.faults, ...stationState.faults],
        };
        if (output.holdSteps > 0) {
          this.held.push({ releaseStep: step + output.holdSteps, reading });
          return;
        }
        out.push(reading);
        if (output.duplicate) out.push({ ...reading });
      });
    }
    if (this.held.length > 0) {
      const due = this.held.filter((h) => h.releaseStep <= step);
      this.held = this.held.filter((h) => h.releaseStep > step);
      for (const h of due) out.push(h.reading);
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
