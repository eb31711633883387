// The series of a batch of readings, found once per batch and shared by everyone who hears of it.
// What listens to accepted and written readings (/latest, the alert engine, rollup marks, cache
// invalidation) mostly wants a result per series, not per reading: the newest reading, the time
// span, the hours touched. Grouping by the readings' own id strings (the catalog's, whose hashes V8
// keeps) costs three Map look-ups per reading and no string built; a combined key built per reading
// and each listener grouping on its own was most of the listeners' CPU in `npm run bench` (issue #20).
import type { Reading } from "../../../common/reading.ts";

/** What grouping needs of a reading. */
export type SeriesReading = Pick<Reading, "station" | "parameter" | "sensor" | "time">;

/** One series (station × parameter × sensor) of a batch. */
export interface BatchSeries<R extends SeriesReading = Reading> {
  readonly station: string;
  readonly parameter: string;
  readonly sensor: string;
  /** The newest reading (of equal times the last in the batch, as if offered one by one). */
  newest: R;
  /** Earliest and latest reading time. */
  from: number;
  to: number;
}

export interface SeriesOfBatch<R extends SeriesReading = Reading> {
  /** In order of first appearance in the batch. */
  readonly series: readonly BatchSeries<R>[];
  /** `series` index of each reading, by the reading's index in the batch. */
  readonly indexOf: Uint32Array;
}

type Nested = Map<string, Map<string, Map<string, number>>>;

/** Batches already grouped: the same array reaches several listeners (ingest's, the store's twice). */
const grouped = new WeakMap<readonly SeriesReading[], SeriesOfBatch<SeriesReading>>();

/**
 * The batch's series. Remembered by array: callers must not change the array afterwards (accepted
 * and written batches are not changed once announced).
 */
export function seriesOfBatch<R extends SeriesReading>(readings: readonly R[]): SeriesOfBatch<R> {
  let batch = grouped.get(readings) as SeriesOfBatch<R> | undefined;
  if (batch === undefined) grouped.set(readings, (batch = group(readings)));
  return batch;
}

function group<R extends SeriesReading>(readings: readonly R[]): SeriesOfBatch<R> {
  const nested: Nested = new Map();
  const series: BatchSeries<R>[] = [];
  const indexOf = new Uint32Array(readings.length);
  // Senders mostly send a series' readings together, or one reading per series in the same order
  // again and again: the previous reading's series is the first guess.
  let last: BatchSeries<R> | undefined;
  let lastIndex = 0;
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    let index: number;
    if (last !== undefined && last.station === r.station && last.parameter === r.parameter && last.sensor === r.sensor) index = lastIndex;
    else {
      let byParameter = nested.get(r.station);
      if (!byParameter) nested.set(r.station, (byParameter = new Map()));
      let bySensor = byParameter.get(r.parameter);
      if (!bySensor) byParameter.set(r.parameter, (bySensor = new Map()));
      const known = bySensor.get(r.sensor);
      if (known === undefined) {
        index = series.length;
        bySensor.set(r.sensor, index);
        series.push({ station: r.station, parameter: r.parameter, sensor: r.sensor, newest: r, from: r.time, to: r.time });
      } else index = known;
    }
    const s = series[index]!;
    if (r.time >= s.newest.time) s.newest = r;
    if (r.time < s.from) s.from = r.time;
    if (r.time > s.to) s.to = r.time;
    indexOf[i] = index;
    last = s;
    lastIndex = index;
  }
  return { series, indexOf };
}

/** Whether the readings are in time order (then judging them needs no sorted copy). */
export function inTimeOrder(readings: readonly Reading[]): boolean {
  for (let i = 1; i < readings.length; i++) if (readings[i]!.time < readings[i - 1]!.time) return false;
  return true;
}
