// The assessment's data as it is today, before data review: sensor daily means from the raw
// readings (QC-passed only) and lab results as they stand, every value at approval level "raw".
// "Approved only" therefore finds nothing approved, and the engine says "not assessable: data not
// approved", which is the truth until review approves data.
import type { DataNoteCode } from "../../../../common/assessment-api.ts";
import type { ReadingStore } from "../../influx/store.ts";
import type { LabQueries } from "../../lab/lab-queries.ts";
import type { AssessmentDataSource, DailyMeansRequest, LabRequest, LabValues, ReadOptions, SensorDailyMean } from "./data-source.ts";
import { InfluxDailyMeans, type InfluxDailyMeansOptions } from "./influx-daily-means.ts";
import { readLabValues } from "./lab-values.ts";

export class RawDataSource implements AssessmentDataSource {
  private readonly influx: InfluxDailyMeans;

  constructor(
    store: ReadingStore,
    private readonly lab: LabQueries,
    options: InfluxDailyMeansOptions,
  ) {
    this.influx = new InfluxDailyMeans(store, options);
  }

  dailyMeans(request: DailyMeansRequest, options: ReadOptions): Promise<Map<string, SensorDailyMean[]>> {
    return this.influx.read(request, options);
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
    const notes: DataNoteCode[] = ["approval-levels-raw-only"];
    if (options.asOf !== null) notes.push("as-of-sensor-readings-timed-before", "as-of-lab-current-revision");
    return notes;
  }
}
