// The assessment's data with the data review applied (issue #17): sensor daily means of corrected
// readings, each day carrying its approval level, and the review as it stood at `asOf` (corrections
// and approvals recorded after it ignored — review/review-state.ts reviewStateAt). An assessment of
// corrected data uses the corrected values: the same door every other corrected read path uses
// (review/corrected-reader.ts). Lab results come as they stand (lab-values.ts); the review does not
// approve them, so "approved only" leaves them out.
import type { DataNoteCode } from "../../../../common/assessment-api.ts";
import type { SeriesKey } from "../../../../common/review.ts";
import type { CatalogSeries } from "../../influx/influxql.ts";
import type { ReadingStore } from "../../influx/store.ts";
import type { LabQueries } from "../../lab/lab-queries.ts";
import { keyOf, type CorrectedReader } from "../../review/corrected-reader.ts";
import { seriesId } from "../../review/review-repository.ts";
import type { SeriesReviewState } from "../../review/review-state.ts";
import { seriesKey, type AssessmentDataSource, type DailyMeansRequest, type LabRequest, type LabValues, type ReadOptions, type SensorDailyMean } from "./data-source.ts";
import { InfluxDailyMeans, sensorPick, type InfluxDailyMeansOptions } from "./influx-daily-means.ts";
import { readLabValues } from "./lab-values.ts";
import { approvalOver, dayRanges, recomputedDays, reviewedDays, touchedDays } from "./reviewed-days.ts";

export class ReviewedDataSource implements AssessmentDataSource {
  private readonly influx: InfluxDailyMeans;

  constructor(
    store: ReadingStore,
    private readonly reader: CorrectedReader,
    private readonly lab: LabQueries,
    options: InfluxDailyMeansOptions,
  ) {
    this.influx = new InfluxDailyMeans(store, options);
  }

  async dailyMeans(request: DailyMeansRequest, options: ReadOptions): Promise<Map<string, SensorDailyMean[]>> {
    // The same cut as the stored sums: readings timed after asOf cannot have been known then.
    const read = { from: request.from, to: options.asOf === null ? request.to : Math.min(request.to, options.asOf) };
    if (read.to <= read.from) return new Map();
    const { catalog } = request;
    const series: CatalogSeries[] = [];
    for (const station of request.stations) {
      for (const parameter of request.parameters) {
        for (const sensor of catalog.sensorsOf(station.id, parameter.code)) {
          series.push({ station, parameter, sensor, includeUntagged: catalog.isPrimaryAt(station.id, parameter.code, sensor.id) });
        }
      }
    }
    const [stored, states] = await Promise.all([this.influx.read(request, options), this.reader.states(series.map(keyOf), options.asOf)]);
    const stateOf = (key: SeriesKey): SeriesReviewState | undefined => states.get(seriesId(key));
    const pick = sensorPick(catalog, request.sensors);
    // Corrections need the raw readings: days already read from the rollups keep them (raw expired).
    const rawFrom = Math.max(read.from, this.influx.rawFrom(request.zone));
    const recomputed = new Map<string, Map<number, SensorDailyMean | null>>();
    await Promise.all(
      series.map(async (s) => {
        const state = stateOf(keyOf(s))!;
        const corrections = this.reader.corrections(state, "corrected");
        if (corrections.length === 0) return;
        const key = seriesKey(s.station.id, s.parameter.code);
        const days = touchedDays(corrections, rawFrom, read.to, request.zone).filter((day) => pick.wanted(s.station.id, s.parameter.code, day) === s.sensor.id);
        if (days.length === 0) return;
        const ranges = dayRanges(days, request.zone).map((r) => ({ from: Math.max(r.from, read.from), to: Math.min(r.to, read.to) }));
        const points = await this.reader.points(s, ranges, state, "corrected");
        const map = recomputed.get(key) ?? new Map<number, SensorDailyMean | null>();
        for (const [day, mean] of recomputedDays(points, days, request.zone, s.sensor.id)) map.set(day, mean);
        recomputed.set(key, map);
      }),
    );
    const out = new Map<string, SensorDailyMean[]>();
    for (const station of request.stations) {
      for (const parameter of request.parameters) {
        const key = seriesKey(station.id, parameter.code);
        const approvalOf = (sensor: string, span: { from: number; to: number }) =>
          approvalOver(stateOf({ station: station.id, parameter: parameter.code, sensor })?.approvals ?? [], span);
        const days = reviewedDays(stored.get(key) ?? [], recomputed.get(key) ?? new Map(), approvalOf, read, request.zone);
        if (days.length > 0) out.set(key, days);
      }
    }
    return out;
  }

  labResults(request: LabRequest, options: ReadOptions): Promise<LabValues> {
    return readLabValues(this.lab, request, options);
  }

  readKey(from: number, _to: number, zone: string): string {
    // Days before rawFrom come from the rollups: when raw data expires, the period reads otherwise.
    const rawFrom = this.influx.rawFrom(zone);
    return rawFrom > from ? `rollups-until:${rawFrom}` : "raw";
  }

  notes(options: ReadOptions): DataNoteCode[] {
    const notes: DataNoteCode[] = ["corrected-sensor-days"];
    if (options.approvedOnly) notes.push("lab-results-not-reviewed");
    if (options.asOf !== null) notes.push("as-of-review-state", "as-of-sensor-readings-timed-before", "as-of-lab-current-revision");
    return notes;
  }
}
