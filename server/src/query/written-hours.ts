// Which series' hours a written batch touched, for the rollup scheduler's dirty marks. A series'
// readings in a batch mostly come in time order, several to an hour (a 5,000-reading backfill of
// one series over 35 days touches ~830 hours): each run of a series' readings within one hour is
// one mark, not one per reading, and the series key is built once per series and batch (issue #20).
import type { Reading } from "../../../common/reading.ts";
import { seriesOfBatch } from "../ingest/batch-series.ts";
import { hourFloor, seriesKey } from "./rollup-completeness.ts";

/**
 * Calls `mark` with the series key and hour of readings older than `lateBefore`, in the readings'
 * order, leaving out a reading whose series' previous late reading was in the same hour (marking
 * an hour again in the same batch changes nothing). Returns whether any reading was that old.
 */
export function markWrittenHours(readings: readonly Reading[], lateBefore: number, mark: (key: string, hour: number) => void): boolean {
  let late = false;
  let batch: ReturnType<typeof seriesOfBatch> | undefined;
  let keys: Array<string | undefined> = [];
  let lastHour: Float64Array | undefined;
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    if (r.time >= lateBefore) continue;
    if (batch === undefined) {
      // Grouped only when some reading is late: live readings (the usual case) need no marks.
      batch = seriesOfBatch(readings);
      keys = new Array<string | undefined>(batch.series.length);
      lastHour = new Float64Array(batch.series.length).fill(NaN);
    }
    late = true;
    const s = batch.indexOf[i]!;
    const hour = hourFloor(r.time);
    if (hour === lastHour![s]) continue;
    lastHour![s] = hour;
    const series = batch.series[s]!;
    mark((keys[s] ??= seriesKey(series.station, series.parameter, series.sensor)), hour);
  }
  return late;
}
