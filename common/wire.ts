// Names on the wire and in storage for readings: the InfluxDB measurement, its tags and fields,
// and the censoring qualifiers. Stations (and the simulator) send these in line protocol; the
// server stores them. Retention policies and rollups belong to the server (server/src/influx/schema.ts).
import { QUALIFIER } from "./reading.ts";

export const MEASUREMENT = "reading" as const;

export const TAG = Object.freeze({
  station: "station",
  parameter: "parameter",
  /**
   * The sensor that measured the reading. Written for every reading since sensors became part of a
   * series' identity; data stored before has no sensor tag and reads as the primary sensor's.
   */
  sensor: "sensor",
} as const);

export const FIELD = Object.freeze({
  /** Measured value in the parameter's catalog unit; absent when censored (<LOD, <LOQ). */
  value: "value",
  /** Aggregate QARTOD flag: 1 pass, 2 not evaluated, 3 suspect, 4 fail, 9 missing. */
  qc: "qc",
  /** Limit of detection; present only when the reading is below it. */
  lod: "lod",
  /** Limit of quantification; present only when the reading is below it. */
  loq: "loq",
  /** "<LOD" or "<LOQ" for censored readings. */
  qualifier: "qualifier",
  /** Expanded measurement uncertainty (k = 2), in the parameter's unit. */
  uncertainty: "uncertainty",
  /** The sensor's raw signal the value was calculated from (e.g. current in nA). */
  raw: "raw",
  /** Version of the calibration (sensor's calibration log) that turned `raw` into `value`. */
  calibration: "calibration",
  /**
   * Value used for means (Directive 2009/90/EC, Art. 5(1)): the value itself, or half the limit the
   * value carries (LOQ/2 for <LOQ, LOD/2 for <LOD); absent when QC failed, so failed readings never
   * enter aggregates.
   */
  meanValue: "mean_value",
  /**
   * 1 when censored (below the LOD or the LOQ), 0 otherwise: lets aggregates tell "all values below
   * the limit". The name predates LOQs and stays, because stored data uses it.
   */
  belowLod: "below_lod",
  /**
   * 1 on readings taken during a maintenance window (common/maintenance.ts), absent otherwise. A field
   * of its own beside the QC flag rather than a new flag value: the QARTOD/IOC flag scale (1, 2, 3,
   * 4, 9; IOC Manuals and Guides 54 vol. 3, 2013) says how good a value is, and stored data and every
   * query compare it numerically (qc <= 2, max(qc)); maintenance is the reason a value is bad (its
   * flag is 4), as the qualifier codes USGS NWIS puts beside real-time values give a reason ("Eqp":
   * equipment malfunction). Written by the server only; stations cannot send it.
   */
  maintenance: "maintenance",
} as const);

export const BELOW_LOD_QUALIFIER = QUALIFIER.belowLod;
export const BELOW_LOQ_QUALIFIER = QUALIFIER.belowLoq;
