// The true state of the water at a station: parameter models driven by the environment, plus
// correlated process noise and the spill plume. Pure: values depend only on (seed, interval,
// scenario, station, parameter, grid step) — not on wall time, and not on when a run started.
import type { Parameter, Station } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { Ar1Noise } from "./ar1-noise.ts";
import { EnvironmentModel } from "./environment.ts";
import { modelFor, type ParameterModel } from "./parameter-models.ts";
import { stringKey } from "./random.ts";
import { planSpill, plumeConcentration, type PlumeArrival, type SpillScenario } from "./spill.ts";

const HOUR_MS = 3_600_000;
const FAST_NOISE_TAU_MS = 2 * HOUR_MS;
const SLOW_NOISE_TAU_MS = 48 * HOUR_MS;

export interface SignalOptions {
  seed: number;
  /** Reading interval, ms; readings fall on multiples of it since the epoch. */
  intervalMs: number;
  spill?: SpillScenario;
}

interface Channel {
  parameter: Parameter;
  model: ParameterModel;
  fast: Ar1Noise;
  slow: Ar1Noise;
  plume: PlumeArrival | undefined;
}

/** All parameters of one station, walked step by step (or sampled at any step). */
export class StationSignal {
  readonly environment: EnvironmentModel;
  private readonly channels: Channel[];

  constructor(
    options: SignalOptions,
    readonly station: Station,
    parameters: readonly Parameter[],
    catalog: CatalogSnapshot,
  ) {
    this.environment = new EnvironmentModel(options.seed, station);
    const plan = options.spill ? planSpill(options.spill, catalog) : [];
    const stationKey = stringKey(station.id);
    this.channels = parameters.map((parameter) => {
      const keys = [options.seed, stationKey, stringKey(parameter.code)];
      return {
        parameter,
        model: modelFor(parameter),
        fast: new Ar1Noise([...keys, 1], options.intervalMs, FAST_NOISE_TAU_MS),
        slow: new Ar1Noise([...keys, 2], options.intervalMs, SLOW_NOISE_TAU_MS),
        plume: options.spill?.compound === parameter.code ? plan.find((a) => a.station === station.id) : undefined,
      };
    });
  }

  get parameters(): Parameter[] {
    return this.channels.map((c) => c.parameter);
  }

  /** True values at grid instant t = step × interval, in the order of `parameters`. */
  valuesAt(step: number, t: number): number[] {
    const env = this.environment.at(t);
    return this.channels.map((channel) => {
      const { model } = channel;
      const expected = model.expected(env, this.environment.profile);
      const noise = model.noise.fast * channel.fast.at(step) + model.noise.slow * channel.slow.at(step);
      const value = model.noise.kind === "log" ? expected * Math.exp(noise) : expected + noise;
      return Math.max(model.floor, value + plumeConcentration(channel.plume, t));
    });
  }
}

/**
 * The true value of one parameter at one station at grid instant t (a multiple of the interval).
 * Convenience for analysis and tests; the simulator walks `StationSignal` forward instead.
 */
export function trueValueAt(options: SignalOptions, catalog: CatalogSnapshot, stationId: string, parameterCode: string, t: number): number {
  const station = catalog.station(stationId);
  const parameter = catalog.parameter(parameterCode);
  if (!station || !parameter) throw new Error(`Unknown station ${stationId} or parameter ${parameterCode}`);
  const signal = new StationSignal(options, station, [parameter], catalog);
  return signal.valuesAt(Math.floor(t / options.intervalMs), t)[0]!;
}
