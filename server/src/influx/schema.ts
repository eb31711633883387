// The only module that spells InfluxDB retention-policy, rollup and continuous-query names; the
// reading's measurement, tag and field names are shared with stations in common/wire.ts.
import { FieldType, type ISchemaOptions } from "influx";
import { FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";

export interface RetentionPolicyDef {
  name: string;
  duration: string;
  isDefault: boolean;
}

export const RETENTION = Object.freeze({
  raw: { name: "raw", duration: "400d", isDefault: true },
  oneMinute: { name: "rp_1m", duration: "800d", isDefault: false },
  oneHour: { name: "rp_1h", duration: "INF", isDefault: false },
  sixHours: { name: "rp_6h", duration: "INF", isDefault: false },
} satisfies Record<string, RetentionPolicyDef>);

/** Measurements in the downsampled retention policies. */
export const ROLLUP_MEASUREMENT = Object.freeze({
  oneMinute: "reading_1m",
  oneHour: "reading_1h",
  sixHours: "reading_6h",
} as const);

/** Fields written by the continuous queries into the rollup measurements. */
export const ROLLUP_FIELD = Object.freeze({
  mean: "mean",
  min: "min",
  max: "max",
  count: "count",
  belowLodCount: "below_lod_count",
  /** Highest LOD and LOQ among the interval's censored readings, so a mean below the limit can be reported as "< LOQ"/"< LOD". */
  lod: "lod",
  loq: "loq",
  /**
   * Worst QC flag among the interval's readings (the numeric maximum, as the raw chart aggregate's
   * max(qc)), so a chart read from the rollups shows the same flag as one aggregated from raw. Rows
   * written before this field existed lack it; the rollup tracker (query/rollup-scheduler.ts) trusts
   * only rows written by the current continuous queries or rebuilt since.
   */
  qc: "qc",
  /**
   * Σ mean_value of the interval, so a chart can add rollup rows up inside InfluxDB (sum of sums over
   * sum of counts) instead of fetching every row; rows before this field existed lack it (as `qc`).
   */
  sum: "sum",
} as const);

/** INFLUX_ROLLUPS: who builds the rollups, or "auto" (continuous queries where the server accepts them). */
export type RollupsSetting = "auto" | "continuous-queries" | "scheduler";
/** What was decided: InfluxDB's continuous queries, or Water Monitor's rollup scheduler (query/rollup-scheduler.ts). */
export type RollupMode = Exclude<RollupsSetting, "auto">;

export interface ContinuousQueryDef {
  name: string;
  /** Full RESAMPLE clause. */
  resample: string;
  select: string;
  /** The same SELECT without INTO: what the rollup scheduler reads to write the rows itself (rollup-repair.ts). */
  aggregate: string;
  /** Where the rows go. */
  retentionPolicy: string;
  measurement: string;
}

/** Rollup fields InfluxDB computes as integers (count, and sum/max of integer fields); the rest are floats. */
export const ROLLUP_INTEGER_FIELDS: ReadonlySet<string> = new Set([ROLLUP_FIELD.count, ROLLUP_FIELD.belowLodCount, ROLLUP_FIELD.qc]);

function rollupSelect(database: string, source: string, into: string, interval: string): string {
  return (
    `SELECT mean("${FIELD.meanValue}") AS "${ROLLUP_FIELD.mean}", min("${FIELD.meanValue}") AS "${ROLLUP_FIELD.min}", ` +
    `max("${FIELD.meanValue}") AS "${ROLLUP_FIELD.max}", count("${FIELD.meanValue}") AS "${ROLLUP_FIELD.count}", ` +
    `sum("${FIELD.belowLod}") AS "${ROLLUP_FIELD.belowLodCount}", max("${FIELD.lod}") AS "${ROLLUP_FIELD.lod}", max("${FIELD.loq}") AS "${ROLLUP_FIELD.loq}", ` +
    `max("${FIELD.qc}") AS "${ROLLUP_FIELD.qc}", sum("${FIELD.meanValue}") AS "${ROLLUP_FIELD.sum}" ` +
    `${into}FROM "${database}"."${source}" GROUP BY time(${interval}), *`
  );
}

/**
 * The 6-hour rollup of the 1-hour rows over [from, to) (whole 6-hour blocks): what a raw aggregate
 * over the block gives — Σ sum / Σ count is its mean, counts add up, min of mins, max of the maxima,
 * flags and limits. Built by Water Monitor (query/coarse-rollups.ts), not by a continuous query, so
 * it is the same with and without continuous queries; `into` makes it a `SELECT … INTO`.
 */
export function sixHourRollupSelect(database: string, from: number, to: number, into: boolean): string {
  const f = ROLLUP_FIELD;
  const source = `"${database}"."${RETENTION.oneHour.name}"."${ROLLUP_MEASUREMENT.oneHour}"`;
  const target = into ? `INTO "${database}"."${RETENTION.sixHours.name}"."${ROLLUP_MEASUREMENT.sixHours}" ` : "";
  return (
    `SELECT sum("${f.sum}") / sum("${f.count}") AS "${f.mean}", min("${f.min}") AS "${f.min}", max("${f.max}") AS "${f.max}", ` +
    `sum("${f.count}") AS "${f.count}", sum("${f.belowLodCount}") AS "${f.belowLodCount}", max("${f.lod}") AS "${f.lod}", ` +
    `max("${f.loq}") AS "${f.loq}", max("${f.qc}") AS "${f.qc}", sum("${f.sum}") AS "${f.sum}" ` +
    `${target}FROM ${source} WHERE time >= ${from}ms AND time < ${to}ms GROUP BY time(6h), * fill(none)`
  );
}

/**
 * Continuous queries keep the 1-minute and 1-hour rollups current. RESAMPLE makes them
 * revisit recent intervals so late (buffered) readings are included.
 */
export function continuousQueries(database: string): ContinuousQueryDef[] {
  const raw = `${RETENTION.raw.name}"."${MEASUREMENT}`;
  const def = (name: string, resample: string, rp: string, measurement: string, interval: string): ContinuousQueryDef => ({
    name,
    resample,
    select: rollupSelect(database, raw, `INTO "${database}"."${rp}"."${measurement}" `, interval),
    aggregate: rollupSelect(database, raw, "", interval),
    retentionPolicy: rp,
    measurement,
  });
  return [
    def("cq_reading_1m", "RESAMPLE EVERY 1m FOR 2h", RETENTION.oneMinute.name, ROLLUP_MEASUREMENT.oneMinute, "1m"),
    // 2 h, as the 1-minute one: readings older than that behind the clock make their hour dirty anyway
    // (rollup-scheduler.ts `lateAfterMs`, 90 min) and are rebuilt from raw, so a longer window would
    // only recompute 48 hours of every series every 10 minutes and keep the last 2 days out of charts'
    // rollup parts (their hours count as complete only once they left the window).
    def("cq_reading_1h", "RESAMPLE EVERY 10m FOR 2h", RETENTION.oneHour.name, ROLLUP_MEASUREMENT.oneHour, "1h"),
  ];
}

/** node-influx schema: lets the client check every write against the declared fields and tags. */
export function influxSchema(): ISchemaOptions[] {
  return [
    {
      measurement: MEASUREMENT,
      fields: {
        [FIELD.value]: FieldType.FLOAT,
        [FIELD.qc]: FieldType.INTEGER,
        [FIELD.lod]: FieldType.FLOAT,
        [FIELD.loq]: FieldType.FLOAT,
        [FIELD.qualifier]: FieldType.STRING,
        [FIELD.uncertainty]: FieldType.FLOAT,
        [FIELD.raw]: FieldType.FLOAT,
        [FIELD.calibration]: FieldType.INTEGER,
        [FIELD.meanValue]: FieldType.FLOAT,
        [FIELD.belowLod]: FieldType.INTEGER,
        [FIELD.maintenance]: FieldType.INTEGER,
      },
      tags: [TAG.station, TAG.parameter, TAG.sensor],
    },
  ];
}
