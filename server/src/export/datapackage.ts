// Frictionless Data Package descriptor (https://specs.frictionlessdata.io/data-package/) for an
// export bundle: what each column means and in which unit, where the stations are, which sensors
// measured (make, model, method, owner, LOD/LOQ, uncertainty), what the QC flags and the <LOD/<LOQ
// conventions mean, which quality standards exist for the data with their legal status, scope and
// source, and the query that produced the file. Custom properties carry the `water_monitor` prefix,
// as the spec allows.
import type { QualityStandard, Sensor } from "../../../common/catalog-model.ts";
import { BELOW_LOQ, type LabResultInfo } from "../../../common/lab.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { QUALIFIER } from "../../../common/reading.ts";
import { CORRECTION_KINDS, PROVISIONAL_LABEL } from "../../../common/review.ts";
import { scopeCovers } from "../../../common/standards.ts";
import { describeRequest, type ExportRequest } from "./export-params.ts";
import type { ExportProgress } from "./export-stream.ts";
import type { ExportColumn } from "./export-table.ts";
import { LAB_COLUMNS } from "./lab-table.ts";
import type { ExportReview } from "./export-review.ts";
import { clip } from "../review/timeline.ts";

export const QC_FLAG_MEANINGS: Readonly<Record<string, string>> = Object.freeze({
  "1": "pass",
  "2": "not evaluated",
  "3": "suspect",
  "4": "fail (kept, but never part of means or alerts)",
  "9": "missing",
});

/** The lab results file of a bundle (include=lab). */
export interface LabTableInfo {
  path: string;
  mediaType: string;
  bytes: number;
  rows: number;
  hash: string;
  results: readonly LabResultInfo[];
}

export interface DataPackageInput {
  req: ExportRequest;
  /** The review applied: corrections, approvals, grades, release level. */
  review: ExportReview;
  columns: readonly ExportColumn[];
  /** File name of the data inside the bundle. */
  path: string;
  mediaType: string;
  exportedAt: Date;
  progress: ExportProgress;
  version: string;
  /** The lab results file, when include=lab. */
  lab?: LabTableInfo | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * What a paper needs to cite this exact version: the view and "as of" time, the release level, every
 * correction applied (who, when, why, what, over which range) and each series' approval periods.
 */
function reviewInfo(input: DataPackageInput): Record<string, unknown> {
  const { req, review } = input;
  return {
    view: req.view,
    as_of: req.asOf === null ? null : iso(req.asOf),
    as_of_meaning: "the corrections, approvals and grades as recorded at this time (null: at the export); the raw readings are the ones stored",
    release_level: review.policy.release.releaseLevel,
    provisional_label: PROVISIONAL_LABEL,
    approval_levels: { raw: "not reviewed", checked: "reviewed, may still change", approved: "final" },
    grades: review.grades,
    correction_order: CORRECTION_KINDS,
    corrections:
      req.view === "raw"
        ? []
        : review.applied.map((c) => ({
            id: c.id,
            station: c.station,
            parameter: c.parameter,
            sensor: c.sensor,
            from: iso(c.from),
            to: iso(c.to),
            ...c.action,
            reason: c.reason,
            reference: c.reference,
            created_by: c.createdBy,
            created_at: iso(c.createdAt),
            ...(c.undone ? { undone_after_as_of: { at: iso(c.undone.at), by: c.undone.by, reason: c.undone.reason } } : {}),
          })),
    approvals: review.series.map((s) => ({
      station: s.series.station.id,
      parameter: s.series.parameter.code,
      sensor: s.series.sensor.id,
      periods: clip(s.state.approvals, req.from, req.to).map((p) => ({ from: iso(p.from), to: iso(p.to), level: p.value })),
    })),
    withheld_series: req.withheld.map((s) => ({ station: s.station.id, parameter: s.parameter.code, sensor: s.sensor.id, reason: "embargoed by its owner" })),
  };
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
  const dialect = { delimiter: ",", lineTerminator: "\r\n", quoteChar: '"', doubleQuote: true, header: true };
  if (csv) resource.dialect = dialect;
  const resources = [resource];
  if (input.lab) resources.push(labResource(input.lab, csv ? dialect : undefined, req.format));
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
    resources,
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
      ...(input.lab ? { lab_results: labSemantics(input.lab) } : {}),
      review: reviewInfo(input),
    },
  };
}

function labResource(lab: LabTableInfo, dialect: Record<string, unknown> | undefined, format: string): Record<string, unknown> {
  const fields = LAB_COLUMNS.map((c) => {
    const field = schemaField(c);
    if (c.name === "qualifier") field.constraints = { enum: [BELOW_LOQ] };
    if (c.name === "uncertainty_kind") field.constraints = { enum: ["relative", "absolute"] };
    return field;
  });
  return {
    name: "lab_results",
    title: "Laboratory reference results",
    description:
      "One row per lab result (sample × compound) whose sampling period overlaps the exported range, as it stands now " +
      "(the latest revision; results withdrawn by undoing their import are left out). Values, LOQs and absolute " +
      "uncertainties are in the parameter's catalog unit (column unit); the columns reported_* keep what the laboratory wrote.",
    path: lab.path,
    profile: dialect ? "tabular-data-resource" : "data-resource",
    format,
    mediatype: lab.mediaType.split(";")[0],
    encoding: "utf-8",
    bytes: lab.bytes,
    hash: lab.hash,
    schema: { fields, missingValues: [""], primaryKey: ["laboratory", "sample_id", "parameter"] },
    ...(dialect ? { dialect } : {}),
    water_monitor_rows: lab.rows,
  };
}

function labSemantics(lab: LabTableInfo): Record<string, unknown> {
  const distinct = (f: (r: LabResultInfo) => string | null) => [...new Set(lab.results.map(f).filter((v): v is string => v !== null))].sort();
  return {
    resource: "lab_results",
    loq: `A result below the laboratory's limit of quantification has no value: qualifier "${BELOW_LOQ}" and its LOQ in loq (DIN 32645). Means over such results follow Directive 2009/90/EC Art. 5: LOQ/2.`,
    uncertainty:
      "Expanded measurement uncertainty with coverage factor k = 2 (about 95 %), as the laboratory reported it: uncertainty_kind relative means uncertainty is in % of the value, absolute means it is in unit.",
    sampling:
      "grab: one instant (sampling_start = sampling_end); time-proportional composite: equal volumes at equal intervals over [sampling_start, sampling_end); flow-proportional composite: volumes proportional to discharge over that period (ISO 5667-1).",
    revisions: "Re-imports with different content create revisions; revision and import_id name the one shown (GET /api/v1/lab/samples/:id lists every revision).",
    laboratories: distinct((r) => r.sample.laboratory),
    methods: distinct((r) => r.sample.method),
  };
}
