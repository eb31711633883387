// Frictionless Data Package descriptor (https://specs.frictionlessdata.io/data-package/) for an
// export bundle: what each column means and in which unit, where the stations are, what the QC flags
// and the <LOD convention mean, which quality standards apply and where they come from, and the
// query that produced the file. Custom properties carry the `water_monitor` prefix, as the spec allows.
import { catalog } from "../../../common/catalog.ts";
import { BELOW_LOD_QUALIFIER } from "../../../common/wire.ts";
import { describeRequest, type ExportRequest } from "./export-params.ts";
import type { ExportProgress } from "./export-stream.ts";
import type { ExportColumn } from "./export-table.ts";

export const QC_FLAG_MEANINGS: Readonly<Record<string, string>> = Object.freeze({
  "1": "pass",
  "2": "not evaluated",
  "3": "suspect",
  "4": "fail (kept, but never part of means or alerts)",
  "9": "missing",
});

export interface DataPackageInput {
  req: ExportRequest;
  columns: readonly ExportColumn[];
  /** File name of the data inside the bundle. */
  path: string;
  mediaType: string;
  exportedAt: Date;
  progress: ExportProgress;
  version: string;
}

function schemaField(c: ExportColumn): Record<string, unknown> {
  const field: Record<string, unknown> = { name: c.name, type: c.type, description: c.description };
  if (c.type === "datetime") field.format = "any";
  if (c.unit !== undefined) field.unit = c.unit;
  if (c.station !== undefined) field.station = c.station;
  if (c.parameter !== undefined) field.parameter = c.parameter;
  if (c.name === "qc_flag") field.constraints = { enum: [1, 2, 3, 4, 9] };
  return field;
}

export function dataPackage(input: DataPackageInput): Record<string, unknown> {
  const { req } = input;
  const csv = req.format === "csv";
  const usedSources = new Set(req.parameters.flatMap((p) => p.standards.map((s) => s.source)));
  const resource: Record<string, unknown> = {
    name: "readings",
    path: input.path,
    profile: csv ? "tabular-data-resource" : "data-resource",
    format: req.format,
    mediatype: input.mediaType.split(";")[0],
    encoding: "utf-8",
    bytes: input.progress.bytes,
    schema: { fields: input.columns.map(schemaField), missingValues: [""] },
    water_monitor_rows: input.progress.rows,
  };
  if (input.progress.hash) resource.hash = input.progress.hash;
  if (csv) resource.dialect = { delimiter: ",", lineTerminator: "\r\n", quoteChar: '"', doubleQuote: true, header: true };
  return {
    profile: csv ? "tabular-data-package" : "data-package",
    name: "water-monitor-export",
    title: `Water Monitor export: ${req.parameters.map((p) => p.name).join(", ")} at ${req.stations.map((s) => s.name).join("; ")}`,
    created: input.exportedAt.toISOString(),
    description:
      "Readings of the Sino-Saxon Water Monitor network. Values below the limit of detection are kept as " +
      `"${BELOW_LOD_QUALIFIER}" with the limit, never as 0. Interval means follow Directive 2009/90/EC: half the LOD ` +
      `for below-LOD values, and "${BELOW_LOD_QUALIFIER}" when every value was below it. Spreadsheet-safety: CSV text ` +
      "cells starting with = + - @ tab or CR are prefixed with an apostrophe.",
    contributors: [{ title: `Water Monitor ${input.version}`, role: "publisher" }],
    sources: Object.entries(catalog.sources)
      .filter(([key]) => usedSources.has(key))
      .map(([key, title]) => ({ title, water_monitor_key: key })),
    resources: [resource],
    water_monitor: {
      query: describeRequest(req),
      exported_at: input.exportedAt.toISOString(),
      qc_flags: { scheme: "QARTOD", meanings: QC_FLAG_MEANINGS },
      below_lod: {
        qualifier: BELOW_LOD_QUALIFIER,
        mean_convention: "Directive 2009/90/EC Art. 5: below-LOD values count as LOD/2 in means; a mean of only below-LOD values is reported as <LOD",
      },
      stations: req.stations.map((s) => ({
        id: s.id,
        name: s.name,
        river: s.river,
        region: s.region,
        latitude: s.lat,
        longitude: s.lon,
        timezone: s.timezone,
        note: s.note,
      })),
      parameters: req.parameters.map((p) => ({
        code: p.code,
        name: p.name,
        group: p.group,
        class: p.class,
        unit: p.unit,
        lod: p.lod,
        quality_standards: p.standards.map((s) => ({ ...s, source_text: catalog.sources[s.source] })),
      })),
    },
  };
}
