// The only module that spells InfluxDB measurement, tag, field, retention-policy and
// continuous-query names. Everything else imports these constants.
import { FieldType, type ISchemaOptions } from "influx";

export const MEASUREMENT = "reading" as const;

export const TAG = Object.freeze({
  station: "station",
  parameter: "parameter",
} as const);

export const FIELD = Object.freeze({
  /** Measured value in the parameter's catalog unit; absent when below the limit of detection. */
  value: "value",
  /** Aggregate QARTOD flag: 1 pass, 2 not evaluated, 3 suspect, 4 fail, 9 missing. */
  qc: "qc",
  /** Limit of detection; present only when the reading is below it. */
  lod: "lod",
  /** "<LOD" for below-detection readings. */
  qualifier: "qualifier",
  /**
   * Value used for means (EU Directive 2009/90/EC): the value itself, or half the LOD when
   * below detection; absent when QC failed, so failed readings never enter aggregates.
   */
  meanValue: "mean_value",
  /** 1 when below the limit of detection, 0 otherwise: lets aggregates tell "all values <LOD". */
  belowLod: "below_lod",
} as const);

export const BELOW_LOD_QUALIFIER = "<LOD";

export interface RetentionPolicyDef {
  name: string;
  duration: string;
  isDefault: boolean;
}

export const RETENTION = Object.freeze({
  raw: { name: "raw", duration: "400d", isDefault: true },
  oneMinute: { name: "rp_1m", duration: "800d", isDefault: false },
  oneHour: { name: "rp_1h", duration: "INF", isDefault: false },
} satisfies Record<string, RetentionPolicyDef>);

/** Measurements in the downsampled retention policies. */
export const ROLLUP_MEASUREMENT = Object.freeze({
  oneMinute: "reading_1m",
  oneHour: "reading_1h",
} as const);

/** Fields written by the continuous queries into the rollup measurements. */
export const ROLLUP_FIELD = Object.freeze({
  mean: "mean",
  min: "min",
  max: "max",
  count: "count",
  belowLodCount: "below_lod_count",
} as const);

export interface ContinuousQueryDef {
  name: string;
  /** Full RESAMPLE clause. */
  resample: string;
  select: string;
}

function rollupSelect(database: string, source: string, target: string, interval: string): string {
  return (
    `SELECT mean("${FIELD.meanValue}") AS "${ROLLUP_FIELD.mean}", min("${FIELD.meanValue}") AS "${ROLLUP_FIELD.min}", ` +
    `max("${FIELD.meanValue}") AS "${ROLLUP_FIELD.max}", count("${FIELD.meanValue}") AS "${ROLLUP_FIELD.count}", ` +
    `sum("${FIELD.belowLod}") AS "${ROLLUP_FIELD.belowLodCount}" ` +
    `INTO "${database}"."${target}" FROM "${database}"."${source}" GROUP BY time(${interval}), *`
  );
}

/**
 * Continuous queries keep the 1-minute and 1-hour rollups current. RESAMPLE makes them
 * revisit recent intervals so late (buffered) readings are included.
 */
export function continuousQueries(database: string): ContinuousQueryDef[] {
  const raw = `${RETENTION.raw.name}"."${MEASUREMENT}`;
  const oneMinute = `${RETENTION.oneMinute.name}"."${ROLLUP_MEASUREMENT.oneMinute}`;
  const oneHour = `${RETENTION.oneHour.name}"."${ROLLUP_MEASUREMENT.oneHour}`;
  return [
    {
      name: "cq_reading_1m",
      resample: "RESAMPLE EVERY 1m FOR 2h",
      select: rollupSelect(database, raw, oneMinute, "1m"),
    },
    {
      name: "cq_reading_1h",
      resample: "RESAMPLE EVERY 10m FOR 2d",
      select: rollupSelect(database, raw, oneHour, "1h"),
    },
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
        [FIELD.qualifier]: FieldType.STRING,
        [FIELD.meanValue]: FieldType.FLOAT,
        [FIELD.belowLod]: FieldType.INTEGER,
      },
      tags: [TAG.station, TAG.parameter],
    },
  ];
}
