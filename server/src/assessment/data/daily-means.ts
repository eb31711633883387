// Daily means from InfluxDB's daily sums (dailySumsQuery / rollupDailySumsQuery in influx/influxql-daily.ts).
// Pure. A day's mean follows Directive 2009/90/EC Art. 5 like every mean in Water Monitor
// (common/statistics/censored-mean.ts): censored readings count at half their limit, and a mean
// below the highest limit among them is itself censored with that limit ("< LOQ", Art. 5(2)) — the
// daily value the assessment then treats like a lab result "< LOQ".
import { QC } from "../../../../common/reading.ts";
import { aggregateSums, censoredMean, mergeSums, type CensoredSums } from "../../../../common/statistics/censored-mean.ts";
import { seriesKey, type SensorDailyMean } from "./data-source.ts";

/** One row of the daily sums: a station × parameter × sensor tag × local day. */
export interface DailySumsRow {
  station: string;
  parameter: string;
  /** The sensor tag; '' for data stored before sensors were tagged (it belongs to the primary sensor). */
  sensor: string;
  /** Local midnight, epoch ms. */
  time: number;
  n: number;
  /** Σ mean_value: censored readings at half their limit. */
  sum: number;
  /** Σ of the quantified values; null where the source does not keep it (rollups). */
  sumQuantified: number | null;
  nCensored: number;
  /** Censored counts by the limit they carry; null where the source does not keep them (rollups). */
  nBelowLod: number | null;
  nBelowLoq: number | null;
  maxLod: number | null;
  maxLoq: number | null;
  source: SensorDailyMean["source"];
}

export interface SensorPick {
  /** The sensor whose readings make the day: the one chosen, or the station's primary sensor that day. */
  wanted(station: string, parameter: string, day: number): string | undefined;
  /** Whom untagged points of that day belong to: the primary sensor then. */
  untaggedOwner(station: string, parameter: string, day: number): string | undefined;
}

function sumsOf(row: DailySumsRow): CensoredSums {
  return aggregateSums({
    sum: row.sum,
    n: row.n,
    nCensored: row.nCensored,
    maxLod: row.maxLod,
    maxLoq: row.maxLoq,
    ...(row.sumQuantified === null ? {} : { sumQuantified: row.sumQuantified }),
    ...(row.nBelowLod === null || row.nBelowLoq === null ? {} : { nBelowLod: row.nBelowLod, nBelowLoq: row.nBelowLoq }),
  });
}

/**
 * A day's mean from its sums (null: no value): Art. 5 — below the highest limit among its censored
 * values, the day is itself "< limit". Approval "raw" until the review says otherwise.
 */
export function dailyMeanOf(sums: CensoredSums, day: Pick<SensorDailyMean, "time" | "sensor" | "n" | "source">): SensorDailyMean | null {
  const m = censoredMean(sums);
  if (m.mean === null) return null;
  const censored = m.reportedBelow !== null;
  return {
    ...day,
    value: censored ? null : m.mean,
    qualifier: m.reportedBelow,
    limit: censored ? m.limit : null,
    qc: QC.pass,
    basis: "sensor-daily",
    approval: "raw",
  };
}

/**
 * The daily means of each station × parameter (key `${station}\t${parameter}`), in day order: per
 * day, the rows of the wanted sensor (its tagged rows, and untagged ones when it was the primary
 * sensor that day) merged into one mean. Rows of other sensors are left out.
 */
export function dailyMeansOf(rows: readonly DailySumsRow[], pick: SensorPick): Map<string, SensorDailyMean[]> {
  const days = new Map<string, { row: DailySumsRow; sensor: string; sums: CensoredSums; n: number }>();
  for (const row of rows) {
    if (row.n <= 0) continue;
    const wanted = pick.wanted(row.station, row.parameter, row.time);
    const owner = row.sensor === "" ? pick.untaggedOwner(row.station, row.parameter, row.time) : row.sensor;
    if (wanted === undefined || owner !== wanted) continue;
    const key = `${seriesKey(row.station, row.parameter)}\t${row.time}`;
    const day = days.get(key);
    if (day) {
      mergeSums(day.sums, sumsOf(row));
      day.n += row.n;
      // A day read partly from the rollups is only as good as its rollup part.
      if (row.source !== "raw") day.row = row;
    } else {
      days.set(key, { row, sensor: wanted, sums: sumsOf(row), n: row.n });
    }
  }
  const out = new Map<string, SensorDailyMean[]>();
  for (const { row, sensor, sums, n } of days.values()) {
    const value = dailyMeanOf(sums, { time: row.time, sensor, n, source: row.source });
    if (value === null) continue;
    const key = seriesKey(row.station, row.parameter);
    const list = out.get(key) ?? [];
    list.push(value);
    out.set(key, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.time - b.time);
  return out;
}
