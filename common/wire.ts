// Names on the wire and in storage for readings: the InfluxDB measurement, its tags and fields,
// and the below-detection qualifier. Stations (and the simulator) send these in line protocol; the
// server stores them. Retention policies and rollups belong to the server (server/src/influx/schema.ts).

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
