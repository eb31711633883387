// The lab results table of an export bundle (include=lab): one row per lab result (sample ×
// compound) of the exported stations and parameters whose sampling period overlaps the range, as the
// results stand now (their latest revision, retracted ones left out). Its columns are also its
// resource's schema in datapackage.json.
import { BELOW_LOQ, type LabResultInfo } from "../../../common/lab.ts";
import type { ExportRequest } from "./export-params.ts";
import { column, timeFormatterFor, type Cell, type ExportColumn } from "./export-table.ts";

/** Most lab results one export carries (weekly composites of 12 compounds at 40 stations for four years). */
export const EXPORT_LAB_MAX_RESULTS = 100_000;

const c = column;

export const LAB_COLUMNS: readonly ExportColumn[] = Object.freeze([
  c("station", "string", "Station id (see stations in datapackage.json)"),
  c("laboratory", "string", "The analysing laboratory"),
  c("sample_id", "string", "The laboratory's sample id; a sample is identified by laboratory and sample id"),
  c("sample_type", "string", "grab, time-proportional composite or flow-proportional composite"),
  c("sampling_start", "datetime", "Start of sampling, ISO 8601 with offset; a grab sample's instant"),
  c("sampling_end", "datetime", "End of sampling (a composite covers [start, end)); equal to sampling_start for a grab sample"),
  c("parameter", "string", "Parameter code (see parameters)"),
  c("value", "number", `Result in the parameter's catalog unit; empty when the result is below the LOQ (qualifier "${BELOW_LOQ}")`),
  c("unit", "string", "Unit of value, loq and an absolute uncertainty: the parameter's catalog unit"),
  c("qualifier", "string", `"${BELOW_LOQ}": detected or not, below the laboratory's limit of quantification (loq); never reported as 0`),
  c("loq", "number", "The laboratory's limit of quantification for this result, in unit (given with every result the lab reported it for)"),
  c("uncertainty", "number", "Expanded measurement uncertainty (k = 2) as reported: in % of the value when uncertainty_kind is relative, in unit when absolute"),
  c("uncertainty_kind", "string", "relative (uncertainty in %) or absolute (uncertainty in unit); empty without an uncertainty"),
  c("reported_value", "number", "The value as the laboratory reported it, before unit conversion"),
  c("reported_loq", "number", "The LOQ as reported"),
  c("reported_unit", "string", "The unit the laboratory reported in"),
  c("method", "string", "Analytical method, e.g. LC-MS/MS, DIN 38407-47"),
  c("analysed_at", "datetime", "Date of analysis, when given"),
  c("lab_flag", "string", "The laboratory's own flag on the result, when given"),
  c("remarks", "string", "Remarks on the sample"),
  c("revision", "integer", "Revision of the result (1 = first import; each change by a later import adds one, GET /api/v1/lab/samples/:id shows all)"),
  c("import_id", "integer", "The import that recorded this revision (GET /api/v1/lab/imports/:id)"),
]);

export function labRows(req: ExportRequest, results: readonly LabResultInfo[]): Cell[][] {
  const timeOf = timeFormatterFor(req);
  return results.map((r) => {
    const time = timeOf(r.sample.station);
    return [
      r.sample.station,
      r.sample.laboratory,
      r.sample.sampleId,
      r.sample.kind,
      time(r.sample.start),
      time(r.sample.end),
      r.parameter,
      r.value,
      r.unit,
      r.qualifier,
      r.loq,
      r.uncertainty?.value ?? null,
      r.uncertainty?.kind ?? null,
      r.reported.value,
      r.reported.loq,
      r.reported.unit,
      r.sample.method,
      r.analysedAt === null ? null : time(r.analysedAt),
      r.labFlag,
      r.sample.remarks,
      r.revision,
      r.importId,
    ];
  });
}
