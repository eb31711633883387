// Runs the QC tests for each incoming reading, keeping a short in-memory history per station ×
// sensor (a series). Readings older than the latest seen for their series (backfill, late or
// out-of-order arrivals) get the stateless tests only: the history describes a different moment.
// The gross-range limits are the sensor's own (catalog: sensorRange → fail, expectedRange → suspect).
// Readings taken in a maintenance window fail (4) and feed no history: the sensor was out of the
// water or in a calibration standard, and after the visit the series starts afresh.
//
// Several instances (issue #21): this history lives in the instance that receives a station's
// readings, and stays consistent because the load balancer sends each station token's ingest to
// one instance (HAProxy `balance hash req.hdr(authorization)`, `hash-type consistent`, on
// /api/v1/readings and /write). Keeping it in PostgreSQL or Redis instead would cost a round trip per
// batch on the hottest path and stop QC (and ingest) whenever that store is away. When an instance
// goes, its stations move to another, whose first readings of them get the stateless tests only, as
// after a restart.
import type { Sensor } from "../../../../common/catalog-model.ts";
import { QC, type QcFlag } from "../../../../common/reading.ts";
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

/**
 * A station's series state, all of it in one Float64Array: per sensor a slot of STRIDE numbers,
 * [last time, repeats, jumped (0/1), count, values oldest first…]. A station's readings arrive
 * together, so its slots are read one after another; with thousands of series (500 stations × 40
 * parameters) this keeps QC from waiting on memory for scattered little objects.
 */
const LAST_TIME = 0;
const REPEATS = 1;
const JUMPED = 2;
const COUNT = 3;
const VALUES = 4;
const STRIDE = VALUES + HISTORY;

class StationSeries {
  private readonly slots = new Map<string, number>();
  data = new Float64Array(STRIDE * 8);

  /** The offset of the sensor's slot, or -1 when it has none yet. */
  offset(sensor: string): number {
    const slot = this.slots.get(sensor);
    return slot === undefined ? -1 : slot * STRIDE;
  }

  add(sensor: string): number {
    const slot = this.slots.size;
    if ((slot + 1) * STRIDE > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.slots.set(sensor, slot);
    return slot * STRIDE;
  }
}

export interface QcInput {
  station: string;
  time: number;
  /** null when censored (below the LOD or LOQ). */
  value: number | null;
  /** Taken during a maintenance window (common/maintenance.ts). */
  maintenance?: boolean;
}

/** The catalog sensor fields QC reads. */
export type QcSensor = Pick<Sensor, "id" | "sensorRange" | "expectedRange">;

export class QcEngine {
  /** station → its series (nested: no key string to build per reading). */
  private readonly series = new Map<string, StationSeries>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly settings: QcSettings = DEFAULT_QC_SETTINGS,
  ) {}

  evaluate(input: QcInput, sensor: QcSensor): QcFlag {
    if (input.maintenance) return this.maintenance(input, sensor);
    const timeFlag = timestamp(input.time, this.now(), this.settings);
    if (input.value === null) return timeFlag; // censored: a valid result with nothing to range-check
    const value = input.value;
    const rangeFlag = grossRange(value, sensor.sensorRange, sensor.expectedRange);
    let station = this.series.get(input.station);
    if (!station) this.series.set(input.station, (station = new StationSeries()));
    let o = station.offset(sensor.id);
    if (o < 0) {
      o = station.add(sensor.id);
      const d = station.data;
      d[o + LAST_TIME] = input.time;
      d[o + REPEATS] = 1;
      d[o + JUMPED] = 0;
      d[o + COUNT] = 1;
      d[o + VALUES] = value;
      return worst(timeFlag, rangeFlag);
    }
    const d = station.data;
    if (input.time <= d[o + LAST_TIME]!) return worst(timeFlag, rangeFlag);
    if (d[o + COUNT] === 0) {
      // First reading after a maintenance visit: the history restarts here.
      d[o + LAST_TIME] = input.time;
      d[o + REPEATS] = 1;
      d[o + JUMPED] = 0;
      if (rangeFlag !== QC.fail) {
        d[o + COUNT] = 1;
        d[o + VALUES] = value;
      }
      return worst(timeFlag, rangeFlag);
    }

    let n = d[o + COUNT]!;
    const previous = d[o + VALUES + n - 1]!;
    d[o + REPEATS] = sameValue(previous, value) ? d[o + REPEATS]! + 1 : 1;
    // Real-time QC cannot see the next value, so the first reading of a real level shift (a spill
    // plume, a sudden dilution) looks like a spike. When the reading after a jump stays with it
    // rather than returning to the old level, the shift is confirmed: this reading passes and the
    // history restarts from the new level. A lone spike stays flagged; the value after it passes.
    if (d[o + JUMPED] === 1 && Math.abs(value - previous) < Math.abs(value - medianOf(d, o + VALUES, n - 1))) {
      d[o + VALUES] = previous;
      n = 1;
    }
    const jumpFlag = worst(spike(value, d, this.settings, o + VALUES, n), rateOfChange(value, d, this.settings, o + VALUES, n));
    d[o + JUMPED] = jumpFlag !== QC.pass ? 1 : 0;
    const flag = worst(timeFlag, rangeFlag, jumpFlag, flatLine(d[o + REPEATS]!, this.settings));
    d[o + LAST_TIME] = input.time;
    // Failed values stay out of the history so one bad reading does not skew the next tests.
    if (rangeFlag !== QC.fail) {
      if (n === HISTORY) d.copyWithin(o + VALUES, o + VALUES + 1, o + VALUES + HISTORY);
      else n++;
      d[o + VALUES + n - 1] = value;
    }
    d[o + COUNT] = n;
    return flag;
  }

  /**
   * A maintenance reading: QARTOD fail (4), the value describing the sensor's visit rather than the
   * river, and nothing of it enters the spike, rate-of-change or flat-line history. The series'
   * history is cleared, so the first reading after the visit (the sensor cleaned, recalibrated) is
   * not judged against the level before it; later, older readings get the stateless tests only.
   */
  private maintenance(input: QcInput, sensor: QcSensor): QcFlag {
    const station = this.series.get(input.station);
    const o = station?.offset(sensor.id) ?? -1;
    if (station && o >= 0) {
      const d = station.data;
      d[o + LAST_TIME] = Math.max(d[o + LAST_TIME]!, input.time);
      d[o + COUNT] = 0;
    }
    return QC.fail;
  }
}
