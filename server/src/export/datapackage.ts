// Frictionless Data Package descriptor (https://specs.frictionlessdata.io/data-package/) for an
// export bundle: what each column means and in which unit, where the stations are, which sensors
// measured (make, model, method, owner, LOD/LOQ, uncertainty), what the QC flags and the <LOD/<LOQ
// conventions mean, which quality standards exist for the data with their legal status, scope and
// source, and the query that produced the file. Custom properties carry the `water_monitor` prefix,
// as the spec allows.
import type { QualityStandard, Sensor } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { QUALIFIER } from "../../../common/reading.ts";
import { scopeCovers } from "../../../common/standards.ts";
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

function sensorInfo(catalog: CatalogSnapshot, sensor: Sensor, stations: ReadonlySet<string>): Record<string, unknown> {
  const owner = sensor.owner === null ? undefined : catalog.organisation(sensor.owner);
  return {
    id: sensor.id,
    parameter: sensor.parameter,
    make: sensor.make,
    model: sensor.model,
    serial: sensor.serial,
    method: sensor.method,
    owner: owner ? { id: owner.id, name: owner.name.en } : sensor.owner,
    lod: sensor.lod,
    loq: sensor.loq,
    uncertainty: sensor.uncertainty,
    interval_seconds: sensor.intervalSeconds,
    deployments: sensor.deployments.filter((d) => stations.has(d.station)),
    calibrations: sensor.calibrations.map((c) => ({ version: c.version, at: c.at, by: c.by, reference: c.reference, function: c.function })),
  };
}

function standardInfo(catalog: CatalogSnapshot, s: QualityStandard, stationIds: readonly string[]): Record<string, unknown> {
  const appliesAt = stationIds.filter((id) => {
    const station = catalog.station(id)!;
    return scopeCovers(s.scope, station, catalog.region(station.region));
  });
  return {
    id: s.id,
    parameter: s.parameter,
    kind: s.kind,
    ...(s.value !== undefined ? { value: s.value } : {}),
    ...(s.min !== undefined ? { min: s.min, max: s.max } : {}),
    ...(s.classes !== undefined ? { classes: s.classes } : {}),
    unit: s.unit,
    legal_status: s.legalStatus,
    scope: s.scope,
    valid_from: s.validFrom,
    valid_to: s.validTo,
    source: s.source,
    source_text: catalog.source(s.source)?.citation,
    // Where its scope covers an exported station it applies there; elsewhere it is a reference only.
    applies_at: appliesAt,
  };
}

export function dataPackage(input: DataPackageInput): Record<string, unknown> {
  const { req } = input;
  const { catalog } = req;
  const csv = req.format === "csv";
  const stationIds = req.stations.map((s) => s.id);
  const standards = req.parameters.flatMap((p) => [...catalog.standardsOf(p.code)]);
  const usedSources = new Set(standards.map((s) => s.source));
  const sensors = [...new Set(req.series.map((s) => s.sensor))];
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
    title: `Water Monitor export: ${req.parameters.map((p) => p.name.en).join(", ")} at ${req.stations.map((s) => s.name.en).join("; ")}`,
    created: input.exportedAt.toISOString(),
    description:
      "Readings of the Sino-Saxon Water Monitor network, one series per station, parameter and sensor. Censored values " +
      `are kept with their qualifier and limit, never as 0: "${QUALIFIER.belowLod}" not detected (below the limit of ` +
      `detection), "${QUALIFIER.belowLoq}" detected but not quantified (below the limit of quantification). Interval means ` +
      "follow Directive 2009/90/EC Art. 5: censored values count as half the limit they carry (LOQ/2, LOD/2), and a mean " +
      "of only censored values is reported with the qualifier. Spreadsheet-safety: CSV text cells starting with = + - @ " +
      "tab or CR are prefixed with an apostrophe.",
    contributors: [{ title: `Water Monitor ${input.version}`, role: "publisher" }],
    sources: catalog.data.sources
      .filter((source) => usedSources.has(source.id))
      .map((source) => ({ title: source.citation, ...(source.url ? { path: source.url } : {}), water_monitor_key: source.id })),
    resources: [resource],
    water_monitor: {
      query: describeRequest(req),
      catalog_version: catalog.version,
      exported_at: input.exportedAt.toISOString(),
      qc_flags: { scheme: "QARTOD", meanings: QC_FLAG_MEANINGS },
      censoring: {
        qualifiers: { [QUALIFIER.belowLod]: "not detected: below the limit of detection", [QUALIFIER.belowLoq]: "detected, not quantified: below the limit of quantification (DIN 32645)" },
        mean_convention:
          "Directive 2009/90/EC Art. 5(1): censored values count as half the limit they carry (LOQ/2 for <LOQ, LOD/2 for <LOD) in means; a mean of only censored values is reported with the qualifier",
      },
      stations: req.stations.map((s) => ({
        id: s.id,
        name: s.name,
        river: { id: s.river, name: catalog.river(s.river)?.name },
        river_km: s.riverKm,
        region: { id: s.region, name: catalog.region(s.region)?.name },
        latitude: s.lat,
        longitude: s.lon,
        timezone: s.timezone,
        operator: s.operator,
        identifiers: s.identifiers,
        target_class: s.targetClass,
        status: s.status,
        note: s.note,
      })),
      parameters: req.parameters.map((p) => ({
        code: p.code,
        name: p.name,
        cas: p.cas,
        group: p.group,
        class: p.class,
        unit: p.unit,
      })),
      sensors: sensors.map((sensor) => sensorInfo(catalog, sensor, new Set(stationIds))),
      quality_standards: standards.map((s) => standardInfo(catalog, s, stationIds)),
    },
  };
}
