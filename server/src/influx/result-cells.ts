// Reading the cells of an InfluxDB query result (the JSON of /query): every reader of stored
// readings, rollups and aggregates goes through these, so a missing field, a null from an empty
// GROUP BY bucket or a stray value is read the same way everywhere.
import { QC, type QcFlag } from "../../../common/reading.ts";

const QC_FLAGS: ReadonlySet<unknown> = new Set(Object.values(QC));

/** A finite number, or null for an empty cell (no reading in the bucket, field not written). */
export function numberCell(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** A QARTOD flag (common/reading.ts QC), or undefined when the cell holds none. */
export function qcCell(value: unknown): QcFlag | undefined {
  return QC_FLAGS.has(value) ? (value as QcFlag) : undefined;
}
