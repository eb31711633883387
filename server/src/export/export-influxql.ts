// InfluxQL for exports. Like query/influxql.ts (whose escaping helpers it uses), only catalog ids,
// catalog time-zone names and integer epoch times ever reach a query string; every measurement,
// field, tag and retention-policy name comes from influx/schema.ts.
import { escape } from "influx";
import { FIELD, TAG } from "../../../common/wire.ts";
import { ident, rawSource, sensorCondition, tagLiteral, timeLiteral, type CatalogSeries } from "../query/influxql.ts";
import type { ExportQcFilter, ExportResolution } from "../../../common/export-options.ts";

/** Column aliases of the export queries' results. */
export const EXPORT_COL = Object.freeze({
  station: "station",
  parameter: "parameter",
  sensor: "sensor",
  value: "value",
  qc: "qc",
  lod: "lod",
  loq: "loq",
  uncertainty: "uncertainty",
  mean: "mean",
  min: "min",
  max: "max",
  n: "n",
  nBelowLod: "n_below_lod",
} as const);

export const GROUP_INTERVAL: Readonly<Record<Exclude<ExportResolution, "raw">, string>> = Object.freeze({
  "1m": "1m",
  "1h": "1h",
  "1d": "1d",
});

function groupInterval(resolution: string): string {
  const interval = (GROUP_INTERVAL as Record<string, string | undefined>)[resolution];
  if (interval === undefined) throw new Error(`Refusing resolution ${JSON.stringify(resolution)} in InfluxQL`);
  return interval;
}

// IANA names only (Europe/Berlin, Asia/Shanghai, UTC, Etc/GMT+1): checked again before quoting.
const SAFE_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;

function zoneLiteral(zone: string): string {
  if (!SAFE_ZONE.test(zone)) throw new Error(`Refusing to put time zone ${JSON.stringify(zone)} into InfluxQL`);
  return escape.stringLit(zone);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * `(station = A OR …) AND (parameter = x OR …)`: the cross product of the requested stations and
 * parameters, which is the set of series an export covers; with `sensors` (an export of chosen
 * sensors) also `AND (sensor = S OR …)`, plus untagged data when one of them is a primary sensor
 * (export-records.ts then drops untagged rows of other stations' primary sensors).
 */
export function seriesFilter(series: readonly CatalogSeries[], sensors: readonly string[] | null = null): string {
  const stations = unique(series.map((s) => s.station.id)).map((id) => `${ident(TAG.station)} = ${tagLiteral(id)}`);
  const parameters = unique(series.map((s) => s.parameter.code)).map((c) => `${ident(TAG.parameter)} = ${tagLiteral(c)}`);
  const base = `(${stations.join(" OR ")}) AND (${parameters.join(" OR ")})`;
  if (sensors === null) return base;
  const untagged = series.some((s) => s.includeUntagged);
  const conditions = unique([...sensors]).map((id, i) => sensorCondition(id, untagged && i === 0));
  return `${base} AND (${conditions.join(" OR ")})`;
}

/** Readings that pass the QC filter: "pass" = flag 1 only. */
function qcCondition(qc: ExportQcFilter): string {
  return qc === "pass" ? ` AND ${ident(FIELD.qc)} = 1` : "";
}

function rangeCondition(from: number, to: number): string {
  return `time >= ${timeLiteral(from)} AND time < ${timeLiteral(to)}`;
}

/**
 * Every reading of the series in [from, to), merged across series in time order (no GROUP BY), with
 * the tags selected as columns so a single chunked response carries everything a row needs.
 */
export function rawExportQuery(series: readonly CatalogSeries[], sensors: readonly string[] | null, from: number, to: number, qc: ExportQcFilter): string {
  const cols = [TAG.station, TAG.parameter, TAG.sensor, FIELD.value, FIELD.qc, FIELD.lod, FIELD.loq, FIELD.uncertainty].map(ident).join(", ");
  return `SELECT ${cols} FROM ${rawSource()} WHERE ${seriesFilter(series, sensors)} AND ${rangeCondition(from, to)}${qcCondition(qc)}`;
}

/**
 * Per-interval aggregates from raw data (the rollups can miss late-written data, see
 * query/resolution.ts), grouped per series:
 * - mean of `mean_value` (half the limit for censored readings, Directive 2009/90/EC Art. 5(1));
 * - min/max of measured `value`s: half a limit is a convention for means, not a measurement;
 * - n and the censored count (all censored when equal), the highest LOD and LOQ, the worst flag.
 * QC-failed readings (4) never enter aggregates (`qc < 4`), so the counts describe the same readings.
 * `tz` aligns day (and hour) buckets to the stations' local time; null = UTC.
 */
export function aggregateExportQuery(
  series: readonly CatalogSeries[],
  sensors: readonly string[] | null,
  resolution: Exclude<ExportResolution, "raw">,
  from: number,
  to: number,
  qc: ExportQcFilter,
  tz: string | null,
): string {
  const c = EXPORT_COL;
  const f = FIELD;
  const select =
    `mean(${ident(f.meanValue)}) AS ${ident(c.mean)}, min(${ident(f.value)}) AS ${ident(c.min)}, ` +
    `max(${ident(f.value)}) AS ${ident(c.max)}, count(${ident(f.meanValue)}) AS ${ident(c.n)}, ` +
    `sum(${ident(f.belowLod)}) AS ${ident(c.nBelowLod)}, max(${ident(f.lod)}) AS ${ident(c.lod)}, max(${ident(f.loq)}) AS ${ident(c.loq)}, ` +
    `max(${ident(f.qc)}) AS ${ident(c.qc)}`;
  const qcWhere = qc === "pass" ? qcCondition(qc) : ` AND ${ident(f.qc)} < 4`;
  return (
    `SELECT ${select} FROM ${rawSource()} WHERE ${seriesFilter(series, sensors)} AND ${rangeCondition(from, to)}${qcWhere} ` +
    `GROUP BY time(${groupInterval(resolution)}), ${ident(TAG.station)}, ${ident(TAG.parameter)}, ${ident(TAG.sensor)} fill(none)` +
    (tz === null ? "" : ` tz(${zoneLiteral(tz)})`)
  );
}

/** Readings per series in [from, to) after the QC filter: the basis of export estimates. */
export function countQuery(series: readonly CatalogSeries[], sensors: readonly string[] | null, from: number, to: number, qc: ExportQcFilter): string {
  return (
    `SELECT count(${ident(FIELD.qc)}) AS ${ident(EXPORT_COL.n)} FROM ${rawSource()} ` +
    `WHERE ${seriesFilter(series, sensors)} AND ${rangeCondition(from, to)}${qcCondition(qc)} ` +
    `GROUP BY ${ident(TAG.station)}, ${ident(TAG.parameter)}, ${ident(TAG.sensor)}`
  );
}
