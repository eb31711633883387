// Fault state machines: one per sensor (at a station) and one per station. They walk forward
// step by step with their own seeded generator, decide when faults start, and turn the true value
// into what the sensor reports. Deterministic for a given seed and start step.
import type { Parameter } from "../../../common/catalog-model.ts";
import { hash32, hashNormal, mulberry32, stringKey } from "../model/random.ts";
import {
  SENSOR_FAULTS,
  STATION_FAULTS,
  type FaultSettings,
  type SensorFaultKind,
  type StationFaultKind,
} from "./fault-settings.ts";

const DAY_MS = 86_400_000;
const FAULT_KEY = 0xfa17;

interface Episode<K> {
  kind: K;
  startStep: number;
  /** First step after the episode. */
  endStep: number;
  /** Direction (+1/-1) and size drawn when the episode started. */
  sign: number;
  size: number;
}

/** The sensor's answer for one step: nothing (gap), or a measured value and its fault labels. */
export type SensorOutput =
  | { kind: "missing"; faults: SensorFaultKind[] }
  | { kind: "measured"; value: number; faults: SensorFaultKind[]; duplicate: boolean; holdSteps: number };

export class SensorFaultState {
  private readonly next: () => number;
  private readonly episodes = new Map<SensorFaultKind, Episode<SensorFaultKind>>();
  private frozen: number | undefined;
  private readonly span: number;
  private readonly relative: boolean;
  private readonly keys: number[];

  constructor(
    seed: number,
    stationId: string,
    sensorId: string,
    private readonly parameter: Parameter,
    private readonly settings: FaultSettings,
    private readonly intervalMs: number,
    /** "log" noise means a concentration: faults act relative to the value. */
    noiseKind: "log" | "abs",
  ) {
    this.keys = [seed, stringKey(stationId), stringKey(sensorId), FAULT_KEY];
    this.next = mulberry32(hash32(...this.keys));
    this.span = parameter.typical[1] - parameter.typical[0];
    this.relative = noiseKind === "log";
  }

  /** Starts faults due at this step (random, or forced), then measures `truth`. */
  step(step: number, truth: number, forced: boolean): SensorOutput {
    this.startEpisodes(step, forced);
    const active: SensorFaultKind[] = [];
    for (const [kind, episode] of this.episodes) {
      if (step >= episode.endStep) {
        this.episodes.delete(kind);
        if (kind === "stuck") this.frozen = undefined;
      } else active.push(kind);
    }
    if (active.includes("dropout")) return { kind: "missing", faults: active };
    return {
      kind: "measured",
      value: this.measure(step, truth),
      faults: active,
      duplicate: active.includes("duplicate"),
      holdSteps: active.includes("outOfOrder") ? this.settings.outOfOrderDelayReadings : 0,
    };
  }

  private startEpisodes(step: number, forced: boolean): void {
    const { settings } = this;
    const stepsPerDay = DAY_MS / this.intervalMs;
    for (const kind of SENSOR_FAULTS) {
      // One draw per kind per step, even when it cannot start: rates stay independent of each other.
      const draw = this.next();
      const shouldStart = (forced && settings.force.includes(kind)) || draw < settings.ratesPerDay[kind] / stepsPerDay;
      if (!shouldStart || this.episodes.has(kind)) continue;
      const sign = this.next() < 0.5 ? -1 : 1;
      const size = 0.5 + this.next() * 0.5;
      this.episodes.set(kind, { kind, startStep: step, endStep: step + this.lengthOf(kind), sign, size });
    }
  }

  private lengthOf(kind: SensorFaultKind): number {
    const s = this.settings;
    const steps = (ms: number) => Math.max(1, Math.round(ms / this.intervalMs));
    switch (kind) {
      case "stuck": return s.stuckReadings;
      case "dropout": return s.dropoutReadings;
      case "noiseBurst": return s.noiseBurstReadings;
      case "drift": return steps(s.driftMs);
      case "biofouling": return steps(s.biofoulingMs);
      case "spike":
      case "duplicate":
      case "outOfOrder": return 1;
    }
  }

  private measure(step: number, truth: number): number {
    const stuck = this.episodes.get("stuck");
    if (stuck && this.frozen !== undefined) return this.frozen;
    let value = truth;
    const drift = this.episodes.get("drift");
    if (drift) value += drift.sign * this.span * this.settings.driftSpanPerDay * ((step - drift.startStep) * this.intervalMs) / DAY_MS;
    const fouling = this.episodes.get("biofouling");
    if (fouling) {
      const progress = (step - fouling.startStep) / (fouling.endStep - fouling.startStep);
      // A fouled optical window scatters light (turbidity reads high); membranes and electrodes read low.
      const bias = this.settings.biofoulingBias * progress;
      value *= this.parameter.code === "turbidity" ? 1 + 3 * bias : 1 - bias;
    }
    if (this.episodes.has("noiseBurst")) {
      const z = hashNormal(...this.keys, step);
      value = this.relative ? value * Math.exp(0.6 * z) : value + z * this.span * this.settings.noiseBurstSpan;
    }
    const spike = this.episodes.get("spike");
    if (spike) {
      // Concentration spikes go up (contamination of the sample); others either way.
      value = this.relative ? value * (3 + 5 * spike.size) : value + spike.sign * spike.size * 0.8 * this.span;
    }
    if (stuck) this.frozen = value;
    return value;
  }
}

/** What a station's faults do at one step. */
export interface StationState {
  offline: boolean;
  /** Added to every timestamp the station sends, ms. */
  clockOffsetMs: number;
  faults: StationFaultKind[];
}

export class StationFaultState {
  private readonly next: () => number;
  private readonly episodes = new Map<StationFaultKind, Episode<StationFaultKind>>();

  constructor(
    seed: number,
    stationId: string,
    private readonly settings: FaultSettings,
    private readonly intervalMs: number,
  ) {
    this.next = mulberry32(hash32(seed, stringKey(stationId), FAULT_KEY, 1));
  }

  step(step: number, forced: boolean): StationState {
    const { settings } = this;
    const stepsPerDay = DAY_MS / this.intervalMs;
    for (const kind of STATION_FAULTS) {
      const draw = this.next();
      const shouldStart = (forced && settings.force.includes(kind)) || draw < settings.ratesPerDay[kind] / stepsPerDay;
      if (!shouldStart || this.episodes.has(kind)) continue;
      const ms = kind === "offline" ? settings.offlineMs : settings.clockSkewDurationMs;
      const length = Math.max(1, Math.round(ms / this.intervalMs));
      this.episodes.set(kind, { kind, startStep: step, endStep: step + length, sign: 1, size: 1 });
    }
    const faults: StationFaultKind[] = [];
    for (const [kind, episode] of this.episodes) {
      if (step >= episode.endStep) this.episodes.delete(kind);
      else faults.push(kind);
    }
    return {
      offline: faults.includes("offline"),
      clockOffsetMs: faults.includes("clockSkew") ? settings.clockSkewMs : 0,
      faults,
    };
  }
}
