// The alert engine's rolling-mean history (AA early warnings) from corrected data: InfluxDB's bucket
// sums of the stored readings, except for the series a correction touches in the window, whose
// buckets are summed here from their corrected readings — a rejected spike no longer lifts the mean.
import { addValue, emptySums, type CensoredSums } from "../../../common/statistics/censored-mean.ts";
import type { MeanBucket, MeanHistory, SensorOfPoint } from "../alerts/history-loader.ts";
import { storedMeanBuckets } from "../alerts/history-loader.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import type { ReadingStore } from "../influx/store.ts";
import { catalogSeries, keyOf, type CorrectedReader } from "./corrected-reader.ts";
import { seriesId } from "./review-repository.ts";

export class CorrectedMeanHistory implements MeanHistory {
  constructor(
    private readonly store: ReadingStore,
    private readonly reader: CorrectedReader,
    private readonly catalog: CatalogSource,
  ) {}

  async meanBuckets(parameter: string, from: number, to: number, bucketMs: number, maxQc: number, sensorOf: SensorOfPoint): Promise<MeanBucket[]> {
    const series = catalogSeries(this.catalog.current()).filter((s) => s.parameter.code === parameter);
    const [stored, states] = await Promise.all([
      storedMeanBuckets(this.store, parameter, from, to, bucketMs, maxQc, sensorOf),
      this.reader.states(series.map(keyOf), null),
    ]);
    // The window is (from, to]: a correction counts when it covers any of it.
    const corrected = series.filter((s) => states.get(seriesId(keyOf(s)))!.corrections.some((c) => c.from <= to && c.to > from + 1));
    if (corrected.length === 0) return stored;
    const replaced = new Set(corrected.map((s) => `${s.station.id}\t${s.sensor.id}`));
    const out = stored.filter((b) => !replaced.has(`${b.station}\t${b.sensor}`));
    for (const s of corrected) {
      const points = await this.reader.points(s, [{ from: from + 1, to, closed: true }], states.get(seriesId(keyOf(s)))!, "corrected");
      const buckets = new Map<number, CensoredSums>();
      for (const p of points) {
        if (p.qc > maxQc) continue;
        const start = Math.floor(p.time / bucketMs) * bucketMs;
        let sums = buckets.get(start);
        if (!sums) buckets.set(start, (sums = emptySums()));
        addValue(sums, p);
      }
      for (const [time, sums] of buckets) if (sums.n > 0) out.push({ station: s.station.id, sensor: s.sensor.id, time, sums });
    }
    return out;
  }
}
