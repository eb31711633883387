// The batch writer's queue of accepted readings, held as columns (typed arrays and arrays of the
// catalog's id strings) rather than an object per reading. Readings wait there until InfluxDB takes
// them, long enough for every V8 scavenge meanwhile to copy them and then promote them to the old
// generation: in `npm run bench` that made the ingest server's peak RSS garbage waiting for a full
// collection. Columns are a few objects per enqueued batch, whatever its size; a batch taken for
// InfluxDB (or the spool) gets its reading objects back, exactly as they were enqueued.
import { QUALIFIER, type QcFlag, type Qualifier, type Reading } from "../../../common/reading.ts";

/** Bits of `nulls`: which nullable fields of a reading are null. */
const VALUE = 1;
const LIMIT = 2;
const UNCERTAINTY = 4;
const RAW_SIGNAL = 8;
const CALIBRATION = 16;
const MAINTENANCE = 32;
const QUALIFIERS: ReadonlyArray<Qualifier | null> = [null, QUALIFIER.belowLod, QUALIFIER.belowLoq];

/** Readings enqueued together, as columns; `from` is the first one still queued. */
class Columns {
  readonly stations: string[];
  readonly parameters: string[];
  readonly sensors: string[];
  /** time, value, limit, uncertainty, rawSignal, calibration of reading i at 6 i … 6 i + 5. */
  readonly numbers: Float64Array;
  readonly qc: Uint8Array;
  readonly qualifier: Uint8Array;
  readonly nulls: Uint8Array;
  from = 0;

  constructor(
    readings: readonly Reading[],
    /** Journal segment of every one of them (0 without a journal). */
    readonly segment: number,
  ) {
    const n = readings.length;
    this.stations = new Array<string>(n);
    this.parameters = new Array<string>(n);
    this.sensors = new Array<string>(n);
    this.numbers = new Float64Array(6 * n);
    this.qc = new Uint8Array(n);
    this.qualifier = new Uint8Array(n);
    this.nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const r = readings[i]!;
      this.stations[i] = r.station;
      this.parameters[i] = r.parameter;
      this.sensors[i] = r.sensor;
      const o = 6 * i;
      this.numbers[o] = r.time;
      let nulls = 0;
      if (r.value === null) nulls |= VALUE;
      else this.numbers[o + 1] = r.value;
      if (r.limit === null) nulls |= LIMIT;
      else this.numbers[o + 2] = r.limit;
      if (r.uncertainty === null) nulls |= UNCERTAINTY;
      else this.numbers[o + 3] = r.uncertainty;
      if (r.rawSignal === null) nulls |= RAW_SIGNAL;
      else this.numbers[o + 4] = r.rawSignal;
      if (r.calibration === null) nulls |= CALIBRATION;
      else this.numbers[o + 5] = r.calibration;
      if (r.maintenance) nulls |= MAINTENANCE;
      this.nulls[i] = nulls;
      this.qc[i] = r.qc;
      this.qualifier[i] = r.qualifier === null ? 0 : r.qualifier === QUALIFIER.belowLod ? 1 : 2;
    }
  }

  get length(): number {
    return this.stations.length - this.from;
  }

  /** Reading `i` (an index into all of them) as the object it was enqueued as. */
  reading(i: number): Reading {
    const o = 6 * i;
    const nulls = this.nulls[i]!;
    const reading: Reading = {
      station: this.stations[i]!,
      parameter: this.parameters[i]!,
      sensor: this.sensors[i]!,
      time: this.numbers[o]!,
      value: nulls & VALUE ? null : this.numbers[o + 1]!,
      qualifier: QUALIFIERS[this.qualifier[i]!]!,
      limit: nulls & LIMIT ? null : this.numbers[o + 2]!,
      uncertainty: nulls & UNCERTAINTY ? null : this.numbers[o + 3]!,
      rawSignal: nulls & RAW_SIGNAL ? null : this.numbers[o + 4]!,
      calibration: nulls & CALIBRATION ? null : this.numbers[o + 5]!,
      qc: this.qc[i] as QcFlag,
    };
    if (nulls & MAINTENANCE) reading.maintenance = true;
    return reading;
  }
}

export class QueuedReadings {
  private chunks: Columns[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Queues readings journaled in `segment`, behind those queued before. */
  push(readings: readonly Reading[], segment: number): void {
    if (readings.length === 0) return;
    this.chunks.push(new Columns(readings, segment));
    this.count += readings.length;
  }

  /** Puts a batch taken earlier back at the front, in its order (`segments`: one per reading). */
  unshift(readings: readonly Reading[], segments: readonly number[]): void {
    const back: Columns[] = [];
    for (let start = 0; start < readings.length; ) {
      let end = start + 1;
      while (end < readings.length && segments[end] === segments[start]) end++;
      back.push(new Columns(readings.slice(start, end), segments[start]!));
      start = end;
    }
    this.chunks.unshift(...back);
    this.count += readings.length;
  }

  /**
   * Takes up to `n` readings from the front: how many, the journal segment of each, and a function
   * making their reading objects (anew on each call: a batch in flight holds no object per reading).
   */
  take(n: number): TakenReadings {
    const parts: Array<{ chunk: Columns; from: number; to: number }> = [];
    const segments: number[] = [];
    let count = 0;
    while (count < n && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const from = chunk.from;
      const to = Math.min(chunk.stations.length, from + n - count);
      parts.push({ chunk, from, to });
      for (let i = from; i < to; i++) segments.push(chunk.segment);
      count += to - from;
      chunk.from = to;
      if (chunk.length === 0) this.chunks.shift();
    }
    this.count -= count;
    const readings = (): Reading[] => {
      const out = new Array<Reading>(count);
      let k = 0;
      for (const { chunk, from, to } of parts) for (let i = from; i < to; i++) out[k++] = chunk.reading(i);
      return out;
    };
    return { count, segments, readings };
  }
}

export interface TakenReadings {
  count: number;
  /** Journal segment of each reading. */
  segments: number[];
  readings: () => Reading[];
}
