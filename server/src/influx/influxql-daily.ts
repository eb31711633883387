// The assessment's daily sums, part of the one InfluxQL builder (influxql.ts holds the shared
// literals and the result-column table COL; these statements name their own aliases in DAILY_COL).
import type { Parameter, Station } from "../../../common/catalog-model.ts";
import { FIELD, TAG } from "../../../common/wire.ts";
import { QC } from "../../../common/reading.ts";
import { ident, rawSource, tagLiteral, timeLiteral, zoneLiteral } from "./influxql.ts";
import { RETENTION, ROLLUP_FIELD, ROLLUP_MEASUREMENT } from "./schema.ts";

/** Column aliases of the daily sums the assessment reads (dailySumsQuery, rollupDailySumsQuery). */
export const DAILY_COL = Object.freeze({
  n: "n",
  sum: "sum",
  sumQuantified: "sum_quantified",
  nCensored: "n_censored",
  nBelowLod: "n_below_lod",
  nBelowLoq: "n_below_loq",
  lod: "lod",
  loq: "loq",
} as const);

/** `("tag" = 'a' OR "tag" = 'b')` over catalog ids. */
function anyOf(tag: string, ids: readonly string[]): string {
  if (ids.length === 0) throw new Error(`no ${tag} to select`);
  return `(${ids.map((id) => `${ident(tag)} = ${tagLiteral(id)}`).join(" OR ")})`;
}

/**
 * Daily sums of the QC-passed readings (qc = 1, QARTOD "pass") of the given stations and parameters,
 * every sensor (the untagged points of data stored before sensors as sensor ''), in the local days of
 * `zone`: tz() makes InfluxDB cut days at local midnight, 23 and 25 hours long across daylight-saving
 * changes. Per day: the count and sum of `mean_value` (censored readings at half their limit,
 * Directive 2009/90/EC Art. 5(1)), the sum of the quantified values (`value` exists only for them),
 * the censored counts by the limit they carry and the highest LOD and LOQ — everything
 * common/statistics/censored-mean.ts needs for the day's mean and its "< LOQ" report.
 */
export function dailySumsQuery(stations: readonly Pick<Station, "id">[], parameters: readonly Pick<Parameter, "code">[], from: number, to: number, zone: string): string {
  const c = DAILY_COL;
  return (
    `SELECT count(${ident(FIELD.meanValue)}) AS ${ident(c.n)}, sum(${ident(FIELD.meanValue)}) AS ${ident(c.sum)}, sum(${ident(FIELD.value)}) AS ${ident(c.sumQuantified)}, ` +
    `count(${ident(FIELD.lod)}) AS ${ident(c.nBelowLod)}, count(${ident(FIELD.loq)}) AS ${ident(c.nBelowLoq)}, ` +
    `max(${ident(FIELD.lod)}) AS ${ident(c.lod)}, max(${ident(FIELD.loq)}) AS ${ident(c.loq)} FROM ${rawSource()} ` +
    `WHERE ${anyOf(TAG.station, stations.map((s) => s.id))} AND ${anyOf(TAG.parameter, parameters.map((p) => p.code))} ` +
    `AND ${ident(FIELD.qc)} = ${QC.pass} AND time >= ${timeLiteral(from)} AND time < ${timeLiteral(to)} ` +
    `GROUP BY time(1d), ${ident(TAG.station)}, ${ident(TAG.parameter)}, ${ident(TAG.sensor)} fill(none) tz(${zoneLiteral(zone)})`
  );
}

/**
 * The same daily sums from the 1-hour rollups, for days older than the raw retention. The rollups
 * keep mean × count, the censored count and the highest LOD and LOQ per hour; they leave out failed
 * readings (QC 4) but not suspect ones (QC 3), and they do not keep the quantified sum or the
 * censored counts by qualifier. InfluxQL cannot aggregate a product, so a subquery forms mean × count
 * per hour first.
 */
export function rollupDailySumsQuery(stations: readonly Pick<Station, "id">[], parameters: readonly Pick<Parameter, "code">[], from: number, to: number, zone: string): string {
  const c = DAILY_COL;
  const f = ROLLUP_FIELD;
  const tags = `${ident(TAG.station)}, ${ident(TAG.parameter)}, ${ident(TAG.sensor)}`;
  const inner =
    `SELECT ${ident(f.mean)} * ${ident(f.count)} AS ${ident(c.sum)}, ${ident(f.count)} AS ${ident(c.n)}, ${ident(f.belowLodCount)} AS ${ident(c.nCensored)}, ` +
    `${ident(f.lod)} AS ${ident(c.lod)}, ${ident(f.loq)} AS ${ident(c.loq)} FROM ${ident(RETENTION.oneHour.name)}.${ident(ROLLUP_MEASUREMENT.oneHour)} ` +
    `WHERE ${anyOf(TAG.station, stations.map((s) => s.id))} AND ${anyOf(TAG.parameter, parameters.map((p) => p.code))} ` +
    `AND time >= ${timeLiteral(from)} AND time < ${timeLiteral(to)} GROUP BY ${tags}`;
  return (
    `SELECT sum(${ident(c.n)}) AS ${ident(c.n)}, sum(${ident(c.sum)}) AS ${ident(c.sum)}, sum(${ident(c.nCensored)}) AS ${ident(c.nCensored)}, ` +
    `max(${ident(c.lod)}) AS ${ident(c.lod)}, max(${ident(c.loq)}) AS ${ident(c.loq)} FROM (${inner}) ` +
    `WHERE time >= ${timeLiteral(from)} AND time < ${timeLiteral(to)} GROUP BY time(1d), ${tags} fill(none) tz(${zoneLiteral(zone)})`
  );
}
