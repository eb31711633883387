// Validation at the edge for GET /api/v1/export and /api/v1/export/estimate: the query string
// becomes a typed, catalog-checked ExportRequest or a ValidationError (400) naming every bad
// parameter. Reuses the read API's time parsing and error shaping (query/query-params.ts).
import { z } from "zod";
import type { Parameter, Sensor, Station } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { ErrorDetail } from "../errors.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import { MAX_RANGE_MS, fail, parseWith, resolveStation, shown, timeParam } from "../query/query-params.ts";
import { DAY_MS } from "../query/resolution.ts";
import { READ_VIEWS, type ReadView } from "../../../common/review.ts";
import {
  EXPORT_FORMATS,
  EXPORT_INCLUDES,
  EXPORT_LAYOUTS,
  EXPORT_QC,
  EXPORT_RESOLUTIONS,
  EXPORT_TIME_ZONES,
  type ExportOptions,
} from "../../../common/export-options.ts";

export interface ExportRequest extends ExportOptions {
  /** The catalog snapshot the whole export works with. */
  catalog: CatalogSnapshot;
  stations: Station[];
  parameters: Parameter[];
  /** The sensors asked for (`sensors=`), or null for every sensor of the chosen stations and parameters. */
  sensors: Sensor[] | null;
  /** Every station × parameter × sensor series, stations outermost (the order of wide columns). */
  series: CatalogSeries[];
  /** Half-open range [from, to), epoch ms: consecutive exports never repeat a reading. */
  from: number;
  to: number;
  /** "corrected" (default): with the corrections applied; "raw": the readings as stored. */
  view: ReadView;
  /** The review state as it stood at this time (corrections, approvals, grades then); null: now. */
  asOf: number | null;
  /** Series of the chosen stations and parameters left out because their owner embargoes them. */
  withheld: CatalogSeries[];
}

/** An enum whose error names the parameter and its choices. */
function oneOf<T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.enum(values, { error: `${name} must be one of ${values.join(", ")}` });
}

const flag = z.enum(["0", "1", "true", "false"], { error: "use 1 or 0" }).transform((v) => v === "1" || v === "true");

const exportSchema = z.strictObject({
  stations: z.string(),
  parameters: z.string(),
  sensors: z.string().optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  format: oneOf("format", EXPORT_FORMATS).default("csv"),
  resolution: oneOf("resolution", EXPORT_RESOLUTIONS).default("raw"),
  layout: oneOf("layout", EXPORT_LAYOUTS).default("long"),
  tz: oneOf("tz", EXPORT_TIME_ZONES).default("UTC"),
  qc: oneOf("qc", EXPORT_QC).default("all"),
  metadata: flag.default(false),
  bom: flag.default(false),
  include: z
    .string()
    .transform((v) => splitList(v))
    .pipe(z.array(oneOf("include", EXPORT_INCLUDES)).transform((v) => [...new Set(v)]))
    .default([]),
  view: oneOf("view", READ_VIEWS).default("corrected"),
  asOf: timeParam.optional(),
});

function splitList(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function resolveList<T>(
  path: string,
  raw: string,
  lookup: (id: string, path: string, details: ErrorDetail[]) => T | undefined,
  details: ErrorDetail[],
): T[] {
  const items = splitList(raw);
  if (items.length === 0) details.push({ path, message: `${path} must name at least one entry` });
  const seen = new Set<string>();
  const out: T[] = [];
  items.forEach((item, index) => {
    if (seen.has(item)) {
      details.push({ index, path: `${path}[${index}]`, message: `${shown(item)} is listed twice` });
      return;
    }
    seen.add(item);
    const found = lookup(item, `${path}[${index}]`, details);
    if (found) out.push(found);
  });
  return out;
}

/**
 * Every sensor ever installed at a chosen station for a chosen parameter (its history there stays
 * exportable after it moved on), narrowed to `sensors` when given.
 */
function exportSeries(catalog: CatalogSnapshot, stations: Station[], parameters: Parameter[], sensors: Sensor[] | null): CatalogSeries[] {
  const wanted = sensors === null ? null : new Set(sensors.map((s) => s.id));
  const series: CatalogSeries[] = [];
  for (const station of stations) {
    for (const parameter of parameters) {
      for (const sensor of catalog.sensorsOf(station.id, parameter.code)) {
        if (wanted && !wanted.has(sensor.id)) continue;
        series.push({ station, parameter, sensor, includeUntagged: catalog.isPrimaryAt(station.id, parameter.code, sensor.id) });
      }
    }
  }
  return series;
}

export function parseExportQuery(query: unknown, catalog: CatalogSnapshot, now: number): ExportRequest {
  const input = parseWith(exportSchema, query);
  const details: ErrorDetail[] = [];
  const stations = resolveList("stations", input.stations, (id, path, d) => resolveStation(catalog, id, path, d), details);
  const parameters = resolveList(
    "parameters",
    input.parameters,
    (code, path, d) => {
      const parameter = catalog.parameter(code);
      if (!parameter) d.push({ path, message: `unknown parameter ${shown(code)}` });
      return parameter;
    },
    details,
  );
  const sensors =
    input.sensors === undefined
      ? null
      : resolveList(
          "sensors",
          input.sensors,
          (id, path, d) => {
            const sensor = catalog.sensor(id);
            if (!sensor) d.push({ path, message: `unknown sensor ${shown(id)}` });
            else if (!stations.some((st) => catalog.sensorsOf(st.id, sensor.parameter).includes(sensor)) || !parameters.some((p) => p.code === sensor.parameter)) {
              d.push({ path, message: `sensor ${sensor.id} (${sensor.parameter}) was never installed at the chosen stations for the chosen parameters` });
              return undefined;
            }
            return sensor;
          },
          details,
        );
  const to = input.to ?? now;
  const from = input.from ?? to - DAY_MS;
  if (from >= to) details.push({ path: "from", message: "from must be before to" });
  else if (to - from > MAX_RANGE_MS) details.push({ path: "to", message: "the range from … to must not exceed 5 years" });
  // A second table cannot follow the first in one CSV or JSON document without changing its shape.
  if (input.include.includes("lab") && !input.metadata) {
    details.push({
      path: "include",
      message: "include=lab adds the lab results as a second table, which only the bundle can hold: add metadata=1 (a zip with both files and datapackage.json), or read them from GET /api/v1/lab/results",
    });
  }
  // A wide row has one time for all columns; with stations in different zones no local time fits all.
  if (input.layout === "wide" && input.tz === "station" && new Set(stations.map((s) => s.timezone)).size > 1) {
    details.push({ path: "tz", message: "tz=station with layout=wide needs stations in one time zone; use tz=UTC or layout=long" });
  }
  const series = details.length > 0 ? [] : exportSeries(catalog, stations, parameters, sensors);
  if (details.length === 0 && series.length === 0) {
    details.push({ path: "parameters", message: "the chosen stations measure none of the chosen parameters" });
  }
  if (input.asOf !== undefined && input.asOf > now) details.push({ path: "asOf", message: "asOf must not be in the future" });
  if (details.length > 0) fail(details);
  return { ...input, catalog, from, to, stations, parameters, sensors, series, asOf: input.asOf ?? null, withheld: [] };
}

/** The request as it is echoed in datapackage.json and logs: ids and ISO times, no objects. */
export function describeRequest(req: ExportRequest): Record<string, unknown> {
  return {
    stations: req.stations.map((s) => s.id),
    parameters: req.parameters.map((p) => p.code),
    sensors: req.sensors === null ? "all" : req.sensors.map((s) => s.id),
    from: new Date(req.from).toISOString(),
    to: new Date(req.to).toISOString(),
    range: "half-open [from, to)",
    format: req.format,
    resolution: req.resolution,
    layout: req.layout,
    tz: req.tz,
    qc: req.qc,
    include: req.include,
    view: req.view,
    as_of: req.asOf === null ? null : new Date(req.asOf).toISOString(),
  };
}
