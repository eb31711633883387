// Laboratory reference results (issue #16): samples (grab or composite) analysed by a laboratory,
// with one result per compound. Shared by server and client: the file's fields, and the read API's
// payloads (the import mapping's schema is in lab-mapping.ts, so the dashboard need not bundle zod).
// Times are epoch milliseconds UTC, as in the series API.

export * from "./lab-fields.ts";
import type { LabField, LabQualifier, SampleKind } from "./lab-fields.ts";
export type { LabMapping, LabMappingInput } from "./lab-mapping.ts";
import type { LabMapping } from "./lab-mapping.ts";

/** Expanded measurement uncertainty (k = 2): relative in %, or absolute in the result's unit. */
export interface LabUncertainty {
  kind: "relative" | "absolute";
  value: number;
}

export interface LabSampleInfo {
  /** Water Monitor's id of the sample (for GET /api/v1/lab/samples/:id). */
  id: number;
  laboratory: string;
  /** The laboratory's sample id. */
  sampleId: string;
  station: string;
  kind: SampleKind;
  /** Sampling start; a grab sample's instant. */
  start: number;
  /** Sampling end; equal to `start` for a grab sample. */
  end: number;
  method: string | null;
  remarks: string | null;
}

export interface LabResultInfo {
  /** Water Monitor's id of the result (sample × compound). */
  id: number;
  sample: LabSampleInfo;
  parameter: string;
  /** In the parameter's catalog unit; null when below the LOQ. */
  value: number | null;
  qualifier: LabQualifier | null;
  /** Limit of quantification in the parameter's unit, when the lab gave one. */
  loq: number | null;
  unit: string;
  /** Absolute uncertainties are in `unit`. */
  uncertainty: LabUncertainty | null;
  /** As the lab reported it, before conversion. */
  reported: { value: number | null; loq: number | null; unit: string };
  analysedAt: number | null;
  labFlag: string | null;
  /** 1 for the first import; each change adds one. */
  revision: number;
  recordedAt: number;
  recordedBy: string;
  importId: number;
}

export interface LabResultsResponse {
  results: LabResultInfo[];
  /** More results matched than `limit`: narrow the stations, parameters or time range. */
  truncated: boolean;
}

/** One revision of a result or sample: what it said, and who recorded it when and why. */
export interface LabRevisionInfo {
  revision: number;
  /** The result (or sample) was withdrawn by undoing the import that had added it. */
  retracted: boolean;
  action: "import" | "undo";
  importId: number;
  recordedAt: number;
  recordedBy: string;
  reason: string;
}

export type LabResultRevision = LabRevisionInfo & Omit<LabResultInfo, "id" | "sample" | "revision" | "recordedAt" | "recordedBy" | "importId">;
export type LabSampleRevision = LabRevisionInfo & Omit<LabSampleInfo, "id" | "laboratory" | "sampleId">;

export interface LabSampleResponse {
  sample: LabSampleInfo & { retracted: boolean; revision: number; history: LabSampleRevision[] };
  results: Array<{ id: number; parameter: string; retracted: boolean; revision: number; history: LabResultRevision[] }>;
}

export interface LabImportCounts {
  samples: { added: number; changed: number; unchanged: number };
  results: { added: number; changed: number; unchanged: number; rejected: number };
}

export interface LabImportInfo {
  id: number;
  fileName: string;
  sha256: string;
  bytes: number;
  format: "csv" | "xlsx";
  encoding: string | null;
  mapping: LabMapping;
  /** The preset the mapping came from, if any. */
  preset: string | null;
  onlyValid: boolean;
  note: string | null;
  importedBy: string;
  importedAt: number;
  counts: LabImportCounts;
  undoneAt: number | null;
  undoneBy: string | null;
  undoReason: string | null;
}

export interface LabRejectedRow {
  line: number;
  reason: string;
  field?: LabField;
  /** Closest catalog matches for an unknown station or compound. */
  suggestions?: string[];
}

export interface LabResultChange {
  line: number;
  laboratory: string;
  sampleId: string;
  parameter: string;
  /** Fields that differ, old → new. */
  changes: Record<string, { old: unknown; new: unknown }>;
}

export interface LabSampleChange {
  line: number;
  laboratory: string;
  sampleId: string;
  changes: Record<string, { old: unknown; new: unknown }>;
}

/** What POST /api/v1/lab/imports answers, for a dry run and for an applied import. */
export interface LabImportReport {
  dryRun: boolean;
  file: { name: string; sha256: string; bytes: number; format: "csv" | "xlsx"; encoding: string | null; delimiter: string | null; rows: number };
  /** The file's header used for each field, and the headers no field uses. */
  columns: Partial<Record<LabField, string>>;
  ignoredColumns: string[];
  mapping: LabMapping;
  preset: string | null;
  counts: LabImportCounts;
  rejected: LabRejectedRow[];
  sampleChanges: LabSampleChange[];
  resultChanges: LabResultChange[];
  /** The lists above were cut at this many entries each; the counts are complete. */
  listLimit: number;
  /** Send this back with the file to apply exactly what was previewed. */
  previewToken: string;
  /** Applying needs onlyValid=true: some rows were rejected. */
  needsOnlyValid: boolean;
  /** Set when applied. */
  import?: LabImportInfo;
}

export interface LabImportsResponse {
  imports: LabImportInfo[];
}

export interface LabUndoResponse {
  import: LabImportInfo;
  retracted: { samples: number; results: number };
  restored: { samples: number; results: number };
}

/** A result as an undo preview shows it: its value, or "<LOQ" with the LOQ, in `unit`. */
export interface LabUndoPreviewValue {
  value: number | null;
  qualifier: LabQualifier | null;
  loq: number | null;
}

/** GET /api/v1/lab/imports/:id/undo-preview: what undoing the import would retract and restore. */
export interface LabUndoPreview {
  import: LabImportInfo;
  retracted: { samples: number; results: number };
  restored: { samples: number; results: number };
  /** The results the undo touches (sampling order), at most `listLimit`; `after` null: retracted. */
  results: Array<{
    laboratory: string;
    sampleId: string;
    station: string;
    start: number;
    parameter: string;
    unit: string;
    current: LabUndoPreviewValue;
    after: LabUndoPreviewValue | null;
  }>;
  listLimit: number;
}

export interface LabMappingPreset {
  id: number;
  name: string;
  mapping: LabMapping;
  createdBy: string;
  createdAt: number;
  updatedBy: string;
  updatedAt: number;
}

/** Socket event `labResults`: lab results were imported or an import was undone. */
export interface LabResultsChanged {
  importId: number;
  action: "applied" | "undone";
  stations: string[];
  parameters: string[];
  /** Sampling period covered by the changed results. */
  from: number;
  to: number;
}
