// Validation at the edge for GET /api/v1/assessments (and its loads and years views): the query
// string becomes a typed, catalog-checked AssessmentQuery or a ValidationError (400) naming every bad
// parameter. Times reuse the read API's parsing (query/query-params.ts).
import { z } from "zod";
import { ASSESSMENT_BASES, ASSESSMENT_INCLUDES, MAC_MODES, VERSION_RULES, type AssessmentInclude } from "../../../../common/assessment-api.ts";
import type { Parameter, Sensor, Station } from "../../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import type { ErrorDetail } from "../../errors.ts";
import { fail, parseWith, shown, timeParam } from "../../query/query-params.ts";
import { MAX_PERIOD_YEARS } from "../period.ts";
import type { BasisChoice, MacMode, VersionRule } from "../types.ts";
import { seriesKey } from "../data/data-source.ts";
import { riverOrder } from "../../../../common/river-order.ts";

/** A bound of a range: a calendar date (local midnight at each station) or an instant. */
export type PeriodBound = { date: string } | { instant: number };

export type PeriodChoice =
  | { kind: "calendar-year"; year: number }
  | { kind: "rolling-12-months" }
  | { kind: "range"; from: PeriodBound; to: PeriodBound; text: { from: string; to: string } };

export interface AssessmentOptionsQuery {
  basis: BasisChoice;
  approvedOnly: boolean;
  asOf: number | null;
  macMode: MacMode;
  versionRule: VersionRule;
  /** Sensors chosen instead of the primary one, by `${station}\t${parameter}`. */
  sensors: Map<string, Sensor>;
}

export interface AssessmentQuery extends AssessmentOptionsQuery {
  catalog: CatalogSnapshot;
  period: PeriodChoice;
  /** In river order. */
  stations: Station[];
  /** In catalog order. */
  parameters: Parameter[];
  include: Set<AssessmentInclude>;
  format: "json" | "csv";
}

export interface YearsQuery extends AssessmentOptionsQuery {
  catalog: CatalogSnapshot;
  station: Station;
  parameters: Parameter[];
  fromYear: number;
  toYear: number;
}

const flag = z.enum(["0", "1", "true", "false"], { error: "use true or false" }).transform((v) => v === "1" || v === "true");
const oneOf = <T extends readonly [string, ...string[]]>(name: string, values: T) => z.enum(values, { error: `${name} must be one of ${values.join(", ")}` });
const list = z.string().transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x !== ""));
const yearParam = (name: string) => z.string().regex(/^\d{4}$/, `${name} must be a year of four digits, e.g. 2026`).transform(Number);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const optionsShape = {
  basis: oneOf("basis", ASSESSMENT_BASES).default("both"),
  approvedOnly: flag.default(false),
  asOf: timeParam.optional(),
  macMode: oneOf("macMode", MAC_MODES).default("every-value"),
  versionRule: oneOf("versionRule", VERSION_RULES).default("split"),
  sensors: list.optional(),
};

const assessmentSchema = z.strictObject({
  year: yearParam("year").optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  rolling: z.enum(["12m"], { error: "rolling must be 12m (the last twelve months)" }).optional(),
  stations: list.optional(),
  parameters: list.optional(),
  include: list.optional(),
  format: oneOf("format", ["json", "csv"] as const).default("json"),
  ...optionsShape,
});

const yearsSchema = z.strictObject({
  station: z.string(),
  parameters: list.optional(),
  fromYear: yearParam("fromYear"),
  toYear: yearParam("toYear"),
  ...optionsShape,
});

function resolveIds<T>(ids: readonly string[], find: (id: string) => T | undefined, what: string, path: string, details: ErrorDetail[]): T[] {
  const out: T[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const found = find(id);
    if (found === undefined) details.push({ path, message: `unknown ${what} ${shown(id)}` });
    else out.push(found);
  }
  return out;
}

/** Compounds with a quality standard: the status table's columns when none are named. */
const withStandards = (catalog: CatalogSnapshot): Parameter[] => catalog.parameters.filter((p) => catalog.standardsOf(p.code).length > 0);

function resolveSensors(ids: readonly string[] | undefined, catalog: CatalogSnapshot, stations: readonly Station[], details: ErrorDetail[]): Map<string, Sensor> {
  const chosen = new Map<string, Sensor>();
  const asked = new Set(stations.map((s) => s.id));
  for (const id of ids ?? []) {
    const sensor = catalog.sensor(id);
    if (!sensor) {
      details.push({ path: "sensors", message: `unknown sensor ${shown(id)}` });
      continue;
    }
    const at = [...new Set(sensor.deployments.map((d) => d.station))].filter((s) => asked.has(s));
    if (at.length === 0) details.push({ path: "sensors", message: `sensor ${id} was never installed at the stations asked for` });
    for (const station of at) chosen.set(seriesKey(station, sensor.parameter), sensor);
  }
  return chosen;
}

function resolveOptions(input: { basis: BasisChoice; approvedOnly: boolean; asOf?: number | undefined; macMode: MacMode; versionRule: VersionRule }, now: number, details: ErrorDetail[]) {
  if (input.asOf !== undefined && input.asOf > now) details.push({ path: "asOf", message: "asOf must not be in the future" });
  return { basis: input.basis, approvedOnly: input.approvedOnly, asOf: input.asOf ?? null, macMode: input.macMode, versionRule: input.versionRule };
}

function bound(text: string, path: string, details: ErrorDetail[]): { bound: PeriodBound; ms: number } | undefined {
  if (DATE.test(text.trim()) && Number.isFinite(Date.parse(text.trim()))) return { bound: { date: text.trim() }, ms: Date.parse(text.trim()) };
  const parsed = timeParam.safeParse(text);
  if (!parsed.success) {
    details.push({ path, message: `${path}: ${shown(text)} is neither a date (2026-01-01, local midnight at each station) nor a time (ISO 8601 with a zone, or epoch ms)` });
    return undefined;
  }
  return { bound: { instant: parsed.data }, ms: parsed.data };
}

// A local date can be up to 14 hours from UTC midnight: the exact check runs per station (period.ts).
const TEN_YEARS_MS = (MAX_PERIOD_YEARS * 365.25 + 1) * 86_400_000;

function resolvePeriod(input: { year?: number | undefined; from?: string | undefined; to?: string | undefined; rolling?: "12m" | undefined }, now: number, details: ErrorDetail[]): PeriodChoice {
  const given = [input.year !== undefined, input.from !== undefined || input.to !== undefined, input.rolling !== undefined].filter(Boolean).length;
  if (given > 1) details.push({ path: "year", message: "give one period: year, from and to, or rolling=12m" });
  if (input.rolling !== undefined) return { kind: "rolling-12-months" };
  if (input.from === undefined && input.to === undefined) return { kind: "calendar-year", year: input.year ?? new Date(now).getUTCFullYear() };
  if (input.from === undefined || input.to === undefined) {
    details.push({ path: input.from === undefined ? "from" : "to", message: "a range needs both from and to" });
    return { kind: "calendar-year", year: 0 };
  }
  const from = bound(input.from, "from", details);
  const to = bound(input.to, "to", details);
  if (from && to) {
    if (to.ms <= from.ms) details.push({ path: "to", message: "to must be after from" });
    else if (to.ms - from.ms > TEN_YEARS_MS) details.push({ path: "to", message: `a period may span at most ${MAX_PERIOD_YEARS} years` });
  }
  return { kind: "range", from: from?.bound ?? { instant: 0 }, to: to?.bound ?? { instant: 0 }, text: { from: input.from, to: input.to } };
}

export function parseAssessmentQuery(query: unknown, catalog: CatalogSnapshot, now: number): AssessmentQuery {
  const input = parseWith(assessmentSchema, query);
  const details: ErrorDetail[] = [];
  const period = resolvePeriod(input, now, details);
  const stations =
    input.stations === undefined
      ? catalog.stations.filter((s) => s.status !== "planned")
      : resolveIds(input.stations, (id) => catalog.station(id), "station", "stations", details);
  const parameters =
    input.parameters === undefined
      ? withStandards(catalog)
      : resolveIds(input.parameters, (code) => catalog.parameter(code), "parameter", "parameters", details);
  if (input.stations !== undefined && input.stations.length === 0) details.push({ path: "stations", message: "name at least one station, or leave stations out for all" });
  if (input.parameters !== undefined && input.parameters.length === 0) details.push({ path: "parameters", message: "name at least one parameter, or leave parameters out for every compound with a standard" });
  const include = new Set<AssessmentInclude>();
  for (const part of input.include ?? []) {
    const known = ASSESSMENT_INCLUDES.find((i) => i === part);
    if (known) include.add(known);
    else details.push({ path: "include", message: `include: ${shown(part)} is not one of ${ASSESSMENT_INCLUDES.join(", ")}` });
  }
  const options = resolveOptions(input, now, details);
  const sensors = resolveSensors(input.sensors, catalog, stations, details);
  if (details.length > 0) fail(details);
  const ordered = new Set(parameters.map((p) => p.code));
  return {
    catalog,
    period,
    stations: riverOrder(catalog, stations),
    parameters: catalog.parameters.filter((p) => ordered.has(p.code)),
    include,
    format: input.format,
    ...options,
    sensors,
  };
}

export function parseYearsQuery(query: unknown, catalog: CatalogSnapshot, now: number): YearsQuery {
  const input = parseWith(yearsSchema, query);
  const details: ErrorDetail[] = [];
  const station = catalog.station(input.station);
  if (!station) details.push({ path: "station", message: `unknown station ${shown(input.station)}` });
  const parameters =
    input.parameters === undefined ? withStandards(catalog) : resolveIds(input.parameters, (code) => catalog.parameter(code), "parameter", "parameters", details);
  if (input.toYear < input.fromYear) details.push({ path: "toYear", message: "toYear must not be before fromYear" });
  else if (input.toYear - input.fromYear + 1 > MAX_PERIOD_YEARS) details.push({ path: "toYear", message: `at most ${MAX_PERIOD_YEARS} years at once` });
  const options = resolveOptions(input, now, details);
  const sensors = station ? resolveSensors(input.sensors, catalog, [station], details) : new Map<string, Sensor>();
  if (details.length > 0 || !station) fail(details);
  return { catalog, station, parameters, fromYear: input.fromYear, toYear: input.toYear, ...options, sensors };
}
