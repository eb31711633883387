// Validation at the edge: query strings of the read API become typed, catalog-checked values or a
// ValidationError (400) whose details name every bad parameter. Nothing user-typed survives past
// this module except as a catalog object.
import { z } from "zod";
import type { Station } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { ErrorDetail } from "../errors.ts";
import { invalid, parseOrThrow } from "../http/validation.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import { READ_VIEWS } from "../../../common/review.ts";
import type { ReadOptions } from "../review/corrected-reader.ts";
import { DAY_MS } from "./resolution.ts";

export const WIDTH_MIN = 10;
export const WIDTH_MAX = 5_000;
export const WIDTH_DEFAULT = 1_000;
export const MULTI_MAX_SERIES = 20;
/** Five years (with leap days): enough for trend views, bounded so one request stays cheap. */
export const MAX_RANGE_MS = 5 * 366 * DAY_MS;
/** When `from` is omitted: one day before `to`. */
export const DEFAULT_RANGE_MS = DAY_MS;
// Plausible bounds for a reading's time; also keeps numbers far inside InfluxDB's int64 nanoseconds.
const MIN_TIME = 0;
const MAX_TIME = Date.UTC(2200, 0, 1);

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

export function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** ISO 8601 (date-time with Z or offset, or a date = UTC midnight) or epoch milliseconds. */
export const timeParam = z.string().transform((raw, ctx) => {
  const text = raw.trim();
  let ms = Number.NaN;
  if (/^-?\d{1,16}$/.test(text)) ms = Number(text);
  else if (isoDateTime.safeParse(text).success || isoDate.safeParse(text).success) ms = Date.parse(text);
  if (!Number.isSafeInteger(ms)) {
    ctx.addIssue({
      code: "custom",
      message: `${shown(raw)} is not a time: use ISO 8601 with a time zone (2026-11-25T10:00:00Z) or epoch milliseconds`,
    });
    return z.NEVER;
  }
  if (ms < MIN_TIME || ms > MAX_TIME) {
    ctx.addIssue({ code: "custom", message: `${shown(raw)} is outside 1970-01-01 … 2200-01-01` });
    return z.NEVER;
  }
  return ms;
});

/** A time in a JSON body: ISO 8601 with a zone, or epoch milliseconds (as a number or a string). */
export const bodyTime = z
  .union([z.number(), z.string()], { error: "a time is ISO 8601 with a time zone (2026-11-25T10:00:00Z) or epoch milliseconds" })
  .transform((v) => String(v))
  .pipe(timeParam);

const widthParam = z
  .string()
  .regex(/^\d{1,6}$/, `width must be a whole number of pixels between ${WIDTH_MIN} and ${WIDTH_MAX}`)
  .transform(Number)
  .pipe(
    z
      .number()
      .min(WIDTH_MIN, `width must be at least ${WIDTH_MIN}`)
      .max(WIDTH_MAX, `width must be at most ${WIDTH_MAX}`),
  );

/** view=corrected|raw and asOf=<time> (data review): every read of readings takes them. */
const readShape = {
  view: z.enum(READ_VIEWS, { error: `view must be one of ${READ_VIEWS.join(", ")}` }).optional(),
  asOf: timeParam.optional(),
};

const rangeShape = {
  from: timeParam.optional(),
  to: timeParam.optional(),
  width: widthParam.optional(),
  ...readShape,
};

/** Stations per /latest request (a page of the overview at a time). */
export const LATEST_MAX_STATIONS = 100;
const latestSchema = z.strictObject({ station: z.string().optional(), stations: z.string().optional(), ...readShape });
const seriesSchema = z.strictObject({ station: z.string(), parameter: z.string(), sensor: z.string().optional(), ...rangeShape });
const multiSchema = z.strictObject({ series: z.string(), ...rangeShape });

export interface RangeParams {
  from: number;
  to: number;
  width: number;
  read: ReadOptions;
}

/** view (default corrected) and asOf (default now; never in the future). */
export function resolveRead(input: { view?: ReadOptions["view"] | undefined; asOf?: number | undefined }, now: number, details: ErrorDetail[]): ReadOptions {
  if (input.asOf !== undefined && input.asOf > now) details.push({ path: "asOf", message: "asOf must not be in the future: it asks for the data as it stood at a past time" });
  return { view: input.view ?? "corrected", asOf: input.asOf ?? null };
}

export interface SeriesParams extends RangeParams {
  series: CatalogSeries;
}

export interface MultiSeriesParams extends RangeParams {
  series: CatalogSeries[];
}

export function fail(details: ErrorDetail[]): never {
  invalid("query", details);
}

export function parseWith<T>(schema: z.ZodType<T>, query: unknown): T {
  return parseOrThrow(schema, query, "query");
}

function resolveRange(
  input: { from?: number | undefined; to?: number | undefined; width?: number | undefined; view?: ReadOptions["view"] | undefined; asOf?: number | undefined },
  now: number,
  details: ErrorDetail[],
): RangeParams {
  const to = input.to ?? now;
  const from = input.from ?? to - DEFAULT_RANGE_MS;
  if (from >= to) details.push({ path: "from", message: "from must be before to" });
  else if (to - from > MAX_RANGE_MS) details.push({ path: "to", message: "the range from … to must not exceed 5 years" });
  return { from, to, width: input.width ?? WIDTH_DEFAULT, read: resolveRead(input, now, details) };
}

export function resolveStation(catalog: CatalogSnapshot, id: string, path: string, details: ErrorDetail[]): Station | undefined {
  const station = catalog.station(id);
  if (!station) details.push({ path, message: `unknown station ${shown(id)}` });
  return station;
}

/**
 * A station × parameter × sensor series. Without a sensor: the station's primary sensor now (for a
 * station without one now, its most recent primary sensor). A sensor must have been installed at the
 * station for that parameter at some time; its history there stays readable after it moved on.
 */
export function resolveSeries(
  catalog: CatalogSnapshot,
  key: { station: string; parameter: string; sensor: string | undefined },
  now: number,
  path: string,
  details: ErrorDetail[],
): CatalogSeries | undefined {
  const station = resolveStation(catalog, key.station, path === "" ? "station" : path, details);
  const parameter = catalog.parameter(key.parameter);
  if (!parameter) details.push({ path: path === "" ? "parameter" : path, message: `unknown parameter ${shown(key.parameter)}` });
  if (!station || !parameter) return undefined;
  const sensorPath = path === "" ? "sensor" : path;
  const installed = catalog.sensorsOf(station.id, parameter.code);
  if (installed.length === 0) {
    const measured = catalog.parametersOf(station.id).map((p) => p.code).join(", ") || "nothing yet";
    details.push({ path: path === "" ? "parameter" : path, message: `${station.id} measures no ${parameter.code}; it measures: ${measured}` });
    return undefined;
  }
  const sensor = key.sensor === undefined ? catalog.defaultSensor(station.id, parameter.code, now) : installed.find((s) => s.id === key.sensor);
  if (!sensor) {
    const known = key.sensor === undefined ? undefined : catalog.sensor(key.sensor);
    const why = known ? `sensor ${known.id} was never installed at ${station.id} for ${parameter.code}` : `unknown sensor ${shown(key.sensor ?? "")}`;
    details.push({ path: sensorPath, message: `${why}; its ${parameter.code} sensors: ${installed.map((s) => s.id).join(", ")}` });
    return undefined;
  }
  return { station, parameter, sensor, includeUntagged: catalog.isPrimaryAt(station.id, parameter.code, sensor.id) };
}

export function parseLatestQuery(query: unknown, catalog: CatalogSnapshot, now: number): { station: Station | undefined; stations: Station[] | undefined; read: ReadOptions } {
  const input = parseWith(latestSchema, query);
  const details: ErrorDetail[] = [];
  const read = resolveRead(input, now, details);
  if (input.station !== undefined && input.stations !== undefined) fail([{ message: "give station or stations, not both" }]);
  if (input.stations !== undefined) {
    const ids = [...new Set(input.stations.split(",").map((s) => s.trim()).filter(Boolean))];
    if (ids.length === 0 || ids.length > LATEST_MAX_STATIONS) fail([{ path: "stations", message: `stations: give 1 to ${LATEST_MAX_STATIONS} station ids, comma-separated` }]);
    const stations = ids.map((id) => resolveStation(catalog, id, "stations", details));
    if (details.length > 0) fail(details);
    return { station: undefined, stations: stations as Station[], read };
  }
  const station = input.station === undefined ? undefined : resolveStation(catalog, input.station, "station", details);
  if (details.length > 0) fail(details);
  return { station, stations: undefined, read };
}

export function parseSeriesQuery(query: unknown, catalog: CatalogSnapshot, now: number): SeriesParams {
  const input = parseWith(seriesSchema, query);
  const details: ErrorDetail[] = [];
  const series = resolveSeries(catalog, { station: input.station, parameter: input.parameter, sensor: input.sensor }, now, "", details);
  const range = resolveRange(input, now, details);
  if (details.length > 0 || !series) fail(details);
  return { ...range, series };
}

/** `series=STATION:PARAMETER[:SENSOR],…` (at most MULTI_MAX_SERIES, no repeats). */
export function parseMultiSeriesQuery(query: unknown, catalog: CatalogSnapshot, now: number): MultiSeriesParams {
  const input = parseWith(multiSchema, query);
  const details: ErrorDetail[] = [];
  const items = input.series.split(",").map((s) => s.trim());
  const series: CatalogSeries[] = [];
  if (items.length > MULTI_MAX_SERIES) {
    details.push({ path: "series", message: `at most ${MULTI_MAX_SERIES} series per request, got ${items.length}` });
  } else {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const path = `series[${index}]`;
      const parts = item.split(":");
      if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) {
        details.push({ index, path, message: `${shown(item)} is not STATION:PARAMETER or STATION:PARAMETER:SENSOR` });
        return;
      }
      if (seen.has(item)) {
        details.push({ index, path, message: `${shown(item)} is listed twice` });
        return;
      }
      seen.add(item);
      const resolved = resolveSeries(catalog, { station: parts[0]!, parameter: parts[1]!, sensor: parts[2] }, now, path, details);
      if (resolved) series.push(resolved);
    });
  }
  const range = resolveRange(input, now, details);
  if (details.length > 0) fail(details);
  return { ...range, series };
}
