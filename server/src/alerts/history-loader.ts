// Rebuilds what the engine keeps in memory from InfluxDB after a start: AA rolling-mean buckets and
// when each series last reported (for no-data). Alert states themselves come from SQLite.
import { FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { RollingMean } from "./rolling-mean.ts";

const quote = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
const ns = (ms: number): string => `${BigInt(Math.floor(ms)) * 1_000_000n}`;

interface BucketRow {
  time: { getTime(): number };
  station: string;
  s: number | null;
  n: number | null;
  b: number | null;
}

/**
 * Fills the rolling means of one parameter (one entry per station) with `(from, to]` of stored data.
 * Only values that count for contamination rules (QC ≤ maxQc) enter, with <LOD as LOD/2 via mean_value.
 */
export async function loadMeanBuckets(
  store: ReadingStore,
  parameter: string,
  windowMs: number,
  bucketMs: number,
  to: number,
  maxQc: number,
  meanFor: (station: string) => RollingMean,
): Promise<void> {
  const from = to - windowMs;
  const rows = await store.query<BucketRow>(
    `SELECT sum("${FIELD.meanValue}") AS s, count("${FIELD.meanValue}") AS n, sum("${FIELD.belowLod}") AS b FROM "${MEASUREMENT}" ` +
      `WHERE "${TAG.parameter}" = ${quote(parameter)} AND "${FIELD.qc}" <= ${maxQc} AND time > ${ns(from)} AND time <= ${ns(to)} ` +
      `GROUP BY time(${bucketMs}ms), "${TAG.station}" fill(none)`,
  );
  for (const row of rows) {
    if (!row.n) continue;
    meanFor(row.station).addAggregate(row.time.getTime(), row.s ?? 0, row.n, row.b ?? 0);
  }
}

interface LastRow {
  time: { getTime(): number };
  station: string;
  parameter: string;
}

/** When each series last reported within `lookbackMs` before `to`. */
export async function loadLastSeen(store: ReadingStore, to: number, lookbackMs: number): Promise<Map<string, { station: string; parameter: string; time: number }>> {
  const rows = await store.query<LastRow>(
    `SELECT last("${FIELD.qc}") FROM "${MEASUREMENT}" WHERE time > ${ns(to - lookbackMs)} AND time <= ${ns(to)} GROUP BY "${TAG.station}", "${TAG.parameter}"`,
  );
  const out = new Map<string, { station: string; parameter: string; time: number }>();
  for (const row of rows) out.set(`${row.station}\t${row.parameter}`, { station: row.station, parameter: row.parameter, time: row.time.getTime() });
  return out;
}
