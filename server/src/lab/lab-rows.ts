// Lab rows of the metadata store ↔ the lab model: drafts (what an import says) to columns, and
// columns back to drafts (to compare a re-import) and to the API's shapes.
import type { Selectable } from "kysely";
import { labMappingSchema } from "../../../common/lab-mapping.ts";
import {
  type LabImportInfo,
  type LabResultInfo,
  type LabResultRevision,
  type LabRevisionInfo,
  type LabSampleInfo,
  type LabSampleRevision,
} from "../../../common/lab.ts";
import type { LabResultDraft, LabSampleDraft } from "./import/row-parser.ts";
import type {
  LabImportsTable,
  LabResultColumns,
  LabResultRevisionsTable,
  LabResultsTable,
  LabRevisionColumns,
  LabSampleColumns,
  LabSampleRevisionsTable,
  LabSamplesTable,
} from "../meta/tables.ts";

export type LabImportRow = Selectable<LabImportsTable>;
export type LabSampleRow = Selectable<LabSamplesTable>;
export type LabResultRow = Selectable<LabResultsTable>;

export function sampleColumns(d: LabSampleDraft): LabSampleColumns {
  return { station: d.station, kind: d.kind, start_at: d.start, end_at: d.end, method: d.method, remarks: d.remarks };
}

/** The sample fields of a current row or a revision. */
function sampleFields(row: LabSampleColumns): Omit<LabSampleDraft, "laboratory" | "sampleId"> {
  return { station: row.station, kind: row.kind, start: row.start_at, end: row.end_at, method: row.method, remarks: row.remarks };
}

export function sampleDraft(row: LabSampleRow): LabSampleDraft {
  return { laboratory: row.laboratory, sampleId: row.lab_sample_id, ...sampleFields(row) };
}

export function resultColumns(d: LabResultDraft): LabResultColumns {
  return {
    value: d.value,
    qualifier: d.qualifier,
    loq: d.loq,
    unit: d.unit,
    uncertainty: d.uncertainty?.value ?? null,
    uncertainty_kind: d.uncertainty?.kind ?? null,
    reported_value: d.reportedValue,
    reported_loq: d.reportedLoq,
    reported_unit: d.reportedUnit,
    analysed_at: d.analysedAt,
    lab_flag: d.labFlag,
  };
}

/** The result columns of a row that has more (a current row or a revision). */
export function pickResultColumns(row: LabResultColumns): LabResultColumns {
  const { value, qualifier, loq, unit, uncertainty, uncertainty_kind, reported_value, reported_loq, reported_unit, analysed_at, lab_flag } = row;
  return { value, qualifier, loq, unit, uncertainty, uncertainty_kind, reported_value, reported_loq, reported_unit, analysed_at, lab_flag };
}

export function pickSampleColumns(row: LabSampleColumns): LabSampleColumns {
  const { station, kind, start_at, end_at, method, remarks } = row;
  return { station, kind, start_at, end_at, method, remarks };
}

export function resultDraft(parameter: string, row: LabResultColumns): LabResultDraft {
  return {
    parameter,
    value: row.value,
    qualifier: row.qualifier,
    loq: row.loq,
    unit: row.unit,
    uncertainty: row.uncertainty !== null && row.uncertainty_kind !== null ? { kind: row.uncertainty_kind, value: row.uncertainty } : null,
    reportedValue: row.reported_value,
    reportedLoq: row.reported_loq,
    reportedUnit: row.reported_unit,
    analysedAt: row.analysed_at,
    labFlag: row.lab_flag,
  };
}

export function sampleInfo(row: LabSampleRow): LabSampleInfo {
  return { id: row.id, ...sampleDraft(row) };
}

function resultFields(parameter: string, row: LabResultColumns): Omit<LabResultInfo, "id" | "sample" | "revision" | "recordedAt" | "recordedBy" | "importId"> {
  const d = resultDraft(parameter, row);
  return {
    parameter,
    value: d.value,
    qualifier: d.qualifier,
    loq: d.loq,
    unit: d.unit,
    uncertainty: d.uncertainty,
    reported: { value: d.reportedValue, loq: d.reportedLoq, unit: d.reportedUnit },
    analysedAt: d.analysedAt,
    labFlag: d.labFlag,
  };
}

export function resultInfo(row: LabResultRow, sample: LabSampleInfo): LabResultInfo {
  return {
    id: row.id,
    sample,
    ...resultFields(row.parameter, row),
    revision: row.revision,
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
    importId: row.source_import_id!,
  };
}

function revisionInfo(row: LabRevisionColumns): LabRevisionInfo {
  return {
    revision: row.revision,
    retracted: row.retracted === 1,
    action: row.action,
    importId: row.import_id,
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
    reason: row.reason,
  };
}

export function resultRevision(parameter: string, row: Selectable<LabResultRevisionsTable>): LabResultRevision {
  return { ...resultFields(parameter, row), ...revisionInfo(row) };
}

export function sampleRevision(row: Selectable<LabSampleRevisionsTable>): LabSampleRevision {
  return { ...sampleFields(row), ...revisionInfo(row) };
}

export function importInfo(row: LabImportRow): LabImportInfo {
  return {
    id: row.id,
    fileName: row.file_name,
    sha256: row.sha256,
    bytes: row.bytes,
    format: row.format,
    encoding: row.encoding,
    mapping: labMappingSchema.parse(JSON.parse(row.mapping)),
    preset: row.preset,
    onlyValid: row.only_valid === 1,
    note: row.note,
    importedBy: row.imported_by,
    importedAt: row.imported_at,
    counts: {
      samples: { added: row.samples_added, changed: row.samples_changed, unchanged: row.samples_unchanged },
      results: { added: row.results_added, changed: row.results_changed, unchanged: row.results_unchanged, rejected: row.rows_rejected },
    },
    undoneAt: row.undone_at,
    undoneBy: row.undone_by,
    undoReason: row.undo_reason,
  };
}
