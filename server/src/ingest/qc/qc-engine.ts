// Runs the QC tests for each incoming reading, keeping a short in-memory history per station ×
// sensor (a series). Readings older than the latest seen for their series (backfill, late or
// out-of-order arrivals) get the stateless tests only: the history describes a different moment.
// The gross-range limits are the sensor's own (catalog: sensorRange → fail, expectedRange → suspect).
import type { Sensor } from "../../../../common/catalog-model.ts";
import type { QcFlag } from "../../../../common/reading.ts";
import {
  DEFAULT_QC_SETTINGS,
  flatLine,
  grossRange,
  medianOf,
  rateOfChange,
  sameValue,
  spike,
  timestamp,
  worst,
  type QcSettings,
} from "./qc-tests.ts";

const HISTORY = 12;

interface SeriesState {
  lastTime: number;
  values: number[];
  repeats: number;
  /** The previous reading was flagged as a jump (spike or rate of change). */
  jumped: boolean;
}

export interface QcInput {
  station: string;
  time: number;
  /** null when censored (below the LOD or LOQ). */
  value: number | null;
}

/** The catalog sensor fields QC reads. */
export type QcSensor = Pick<Sensor, "id" | "sensorRange" | "expectedRange">;

export class QcEngine {
  /** station → sensor → state (nested maps: no key string to build per reading). */
  private readonly series = new Map<string, Map<string, SeriesState>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly settings: QcSettings = DEFAULT_QC_SETTINGS,
  ) {}

  evaluate(input: QcInput, sensor: QcSensor): QcFlag {
    const timeFlag = timestamp(input.time, this.now(), this.settings);
    if (input.value === null) return timeFlag; // censored: a valid result with nothing to range-check
    const rangeFlag = grossRange(input.value, sensor.sensorRange, sensor.expectedRange);
    let bySensor = this.series.get(input.station);
    if (!bySensor) this.series.set(input.station, (bySensor = new Map()));
    const state = bySensor.get(sensor.id);
    if (!state) {
      bySensor.set(sensor.id, { lastTime: input.time, values: [input.value], repeats: 1, jumped: false });
      return worst(timeFlag, rangeFlag);
    }
    if (input.time <= state.lastTime) return worst(timeFlag, rangeFlag);

    const previous = state.values[state.values.length - 1]!;
    state.repeats = sameValue(previous, input.value) ? state.repeats + 1 : 1;
    // Real-time QC cannot see the next value, so the first reading of a real level shift (a spill
    // plume, a sudden dilution) looks like a spike. When the reading after a jump stays with it
    // rather than returning to the old level, the shift is confirmed: this reading passes and the
    // history restarts from the new level. A lone spike stays flagged; the value after it passes.
    if (state.jumped && Math.abs(input.value - previous) < Math.abs(input.value - medianOf(state.values.slice(0, -1)))) {
      state.values = [previous];
    }
    const jumpFlag = worst(spike(input.value, state.values, this.settings), rateOfChange(input.value, state.values, this.settings));
    state.jumped = jumpFlag !== 1;
    const flag = worst(timeFlag, rangeFlag, jumpFlag, flatLine(state.repeats, this.settings));
    state.lastTime = input.time;
    // Failed values stay out of the history so one bad reading does not skew the next tests.
    if (rangeFlag !== 4) {
      state.values.push(input.value);
      if (state.values.length > HISTORY) state.values.shift();
    }
    return flag;
  }
}
