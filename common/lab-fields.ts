// The fields of a lab file and their names in the template: shared by the import (server), the
// template, the simulator's lab files and the dashboard's mapping editor. No dependencies.
/** Sampling types (names as in server/src/lab/validation/pairing.ts `SampleKind`). */
export const SAMPLE_KINDS = ["grab", "time-proportional composite", "flow-proportional composite"] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/** A result below the limit of quantification is reported as "<LOQ" with its limit, never as a number. */
export const BELOW_LOQ = "<LOQ";
export type LabQualifier = typeof BELOW_LOQ;

/** The fields a lab file's columns can be mapped to. */
export const LAB_FIELDS = [
  "station",
  "sampleId",
  "kind",
  "start",
  "end",
  "compound",
  "value",
  "qualifier",
  "loq",
  "unit",
  "uncertainty",
  "laboratory",
  "method",
  "analysedAt",
  "remarks",
  "labFlag",
] as const;
export type LabField = (typeof LAB_FIELDS)[number];

/** The template's header for each field, in template column order (GET /api/v1/lab/template; the simulator writes its lab files with them). */
export const LAB_TEMPLATE_HEADERS: Readonly<Record<LabField, string>> = {
  station: "station",
  sampleId: "sample_id",
  kind: "sample_type",
  start: "sampling_start",
  end: "sampling_end",
  compound: "compound",
  value: "value",
  qualifier: "qualifier",
  loq: "loq",
  unit: "unit",
  uncertainty: "uncertainty",
  laboratory: "laboratory",
  method: "method",
  analysedAt: "analysis_date",
  remarks: "remarks",
  labFlag: "lab_flag",
};

/**
 * A file refused for missing columns lists its column headers as error details with this path
 * (`{ path, index, message: header }`), so a mapping editor can offer them.
 */
export const LAB_FILE_COLUMNS_PATH = "file.columns";
