// The door through which the assessment reads its values: reviewed-data-source.ts implements it on the
// corrected data of the review (corrections applied, approval levels per day, `asOf`).
import type { Parameter, Sensor, Station } from "../../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import type { DataNoteCode } from "../../../../common/assessment-api.ts";
import type { AssessedValue } from "../types.ts";

export interface ReadOptions {
  /** Data as it stood at this instant (epoch ms); null: as it stands now. */
  asOf: number | null;
  /** The caller will count approved values only (the source may skip reading the rest). */
  approvedOnly: boolean;
}

/** A sensor's daily mean: one value per local day from its QC-passed readings. */
export interface SensorDailyMean extends AssessedValue {
  basis: "sensor-daily";
  /** The sensor whose readings made the day (the station's primary sensor that day, or the one chosen). */
  sensor: string;
  /** Readings behind the mean. */
  n: number;
  /**
   * "raw": QC-passed readings (QC 1). "rollup-1h": a day older than the raw retention, from the
   * 1-hour rollups, which keep suspect readings (QC 3) and leave out failed ones (QC 4) only.
   */
  source: "raw" | "rollup-1h";
}

/** A laboratory result as a value of the series. */
export interface LabValue extends AssessedValue {
  basis: "lab";
  /** Water Monitor's id of the sample (GET /api/v1/lab/samples/:id) and the lab's own. */
  sample: number;
  labSampleId: string;
  laboratory: string;
}

export interface DailyMeansRequest {
  /** The snapshot the caller works on (primary sensors per day come from it). */
  catalog: CatalogSnapshot;
  stations: readonly Station[];
  /** Parameters to read at every station of the request. */
  parameters: readonly Parameter[];
  /** [from, to): whole local days of `zone`. */
  from: number;
  to: number;
  /** The stations' time zone: days are local days there. */
  zone: string;
  /** A sensor chosen instead of the primary one, by `${station}\t${parameter}`. */
  sensors: ReadonlyMap<string, Sensor>;
}

export interface LabRequest {
  stations: readonly string[];
  parameters: readonly string[];
  from: number;
  to: number;
}

export interface LabValues {
  /** By `${station}\t${parameter}`, in sampling order. */
  values: Map<string, LabValue[]>;
  /** Results left out because they were recorded (or last revised) after `asOf`, by the same key. */
  recordedAfterAsOf: Map<string, number>;
}

export interface AssessmentDataSource {
  dailyMeans(request: DailyMeansRequest, options: ReadOptions): Promise<Map<string, SensorDailyMean[]>>;
  labResults(request: LabRequest, options: ReadOptions): Promise<LabValues>;
  /**
   * What, besides the data versions (data-versions.ts), decides what the reads of [from, to) return:
   * part of the cache key. Here: where raw retention ends, when the period reaches before it.
   */
  readKey(from: number, to: number, zone: string): string;
  /** What a reader of the results must know about how this source read the data. */
  notes(options: ReadOptions): DataNoteCode[];
}

export const seriesKey = (station: string, parameter: string): string => `${station}\t${parameter}`;
