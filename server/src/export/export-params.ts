// Validation at the edge for GET /api/v1/export and /api/v1/export/estimate: the query string
// becomes a typed, catalog-checked ExportRequest or a ValidationError (400) naming every bad
// parameter. Reuses the read API's time parsing and error shaping (query/query-params.ts).
import { z } from "zod";
import { findParameter, type Parameter, type Station } from "../../../common/catalog.ts";
import type { ErrorDetail } from "../errors.ts";
import type { CatalogSeries } from "../query/influxql.ts";
import { MAX_RANGE_MS, fail, parseWith, resolveStation, shown, timeParam } from "../query/query-params.ts";
import { DAY_MS } from "../query/resolution.ts";
import {
  EXPORT_FORMATS,
  EXPORT_LAYOUTS,
  EXPORT_QC,
  EXPORT_RESOLUTIONS,
  EXPORT_TIME_ZONES,
  type ExportOptions,
} from "../../../common/export-options.ts";

export interface ExportRequest extends ExportOptions {
  stations: Station[];
  parameters: Parameter[];
  /** Every station × parameter pair, stations outermost (the order of wide columns). */
  series: CatalogSeries[];
  /** Half-open range [from, to), epoch ms: consecutive exports never repeat a reading. */
  from: number;
  to: number;
}

/** An enum whose error names the parameter and its choices. */
function oneOf<T extends readonly [string, ...string[]]>(name: string, values: T) {
  return z.enum(values, { error: `${name} must be one of ${values.join(", ")}` });
}

const flag = z.enum(["0", "1", "true", "false"], { error: "use 1 or 0" }).transform((v) => v === "1" || v === "true");

const exportSchema = z.strictObject({
  stations: z.string(),
  parameters: z.string(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  format: oneOf("format", EXPORT_FORMATS).default("csv"),
  resolution: oneOf("resolution", EXPORT_RESOLUTIONS).default("raw"),
  layout: oneOf("layout", EXPORT_LAYOUTS).default("long"),
  tz: oneOf("tz", EXPORT_TIME_ZONES).default("UTC"),
  qc: oneOf("qc", EXPORT_QC).default("all"),
  metadata: flag.default(false),
  bom: flag.default(false),
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

function resolveParameter(code: string, path: string, details: ErrorDetail[]): Parameter | undefined {
  const parameter = findParameter(code);
  if (!parameter) details.push({ path, message: `unknown parameter ${shown(code)}` });
  return parameter;
}

export function parseExportQuery(query: unknown, now: number): ExportRequest {
  const input = parseWith(exportSchema, query);
  const details: ErrorDetail[] = [];
  const stations = resolveList("stations", input.stations, resolveStation, details);
  const parameters = resolveList("parameters", input.parameters, resolveParameter, details);
  const to = input.to ?? now;
  const from = input.from ?? to - DAY_MS;
  if (from >= to) details.push({ path: "from", message: "from must be before to" });
  else if (to - from > MAX_RANGE_MS) details.push({ path: "to", message: "the range from … to must not exceed 5 years" });
  // A wide row has one time for all columns; with stations in different zones no local time fits all.
  if (input.layout === "wide" && input.tz === "station" && new Set(stations.map((s) => s.timezone)).size > 1) {
    details.push({ path: "tz", message: "tz=station with layout=wide needs stations in one time zone; use tz=UTC or layout=long" });
  }
  if (details.length > 0) fail(details);
  const series: CatalogSeries[] = [];
  for (const station of stations) for (const parameter of parameters) series.push({ station, parameter });
  return { ...input, from, to, stations, parameters, series };
}

/** The request as it is echoed in datapackage.json and logs: ids and ISO times, no objects. */
export function describeRequest(req: ExportRequest): Record<string, unknown> {
  return {
    stations: req.stations.map((s) => s.id),
    parameters: req.parameters.map((p) => p.code),
    from: new Date(req.from).toISOString(),
    to: new Date(req.to).toISOString(),
    range: "half-open [from, to)",
    format: req.format,
    resolution: req.resolution,
    layout: req.layout,
    tz: req.tz,
    qc: req.qc,
  };
}
