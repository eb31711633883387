// One-off rollup of a time range: what the continuous queries would have written, had the readings
// arrived while their RESAMPLE window (2h for rp_1m, 2d for rp_1h) still covered that time.
//
// RollupScheduler calls `rebuildRollups` for every hour that late history (simulator backfill, spool
// replay after a long outage, imported lab results) was written to: until then charts read those
// hours from raw (rollup-completeness.ts), after it from the rollups again, and beyond the raw
// retention the rollups are all that is left of them.
import type { ReadingStore } from "../influx/store.ts";
import { continuousQueries } from "../influx/schema.ts";
import { DAY_MS, HOUR_MS } from "./resolution.ts";

/** Largest time span per SELECT … INTO: bounds the points InfluxDB materialises per statement. */
const CHUNK_MS: Readonly<Record<string, number>> = Object.freeze({ cq_reading_1m: DAY_MS, cq_reading_1h: 31 * DAY_MS });

/** The `SELECT … INTO` statements that rebuild both rollups over whole hours covering [from, to]. */
export function rollupRebuildStatements(database: string, from: number, to: number): string[] {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to) {
    throw new RangeError(`Bad rollup range ${from} … ${to}`);
  }
  // Whole hours, so every 1-minute and 1-hour bucket touched is recomputed from all its readings.
  const start = Math.floor(from / HOUR_MS) * HOUR_MS;
  const end = (Math.floor(to / HOUR_MS) + 1) * HOUR_MS;
  const statements: string[] = [];
  for (const cq of continuousQueries(database)) {
    // Reuse the continuous query's own SELECT so the one-off rollup can never drift from it.
    const marker = " GROUP BY time(";
    if (cq.select.split(marker).length !== 2) throw new Error(`Unexpected continuous query shape: ${cq.name}`);
    const chunk = CHUNK_MS[cq.name] ?? DAY_MS;
    for (let t = start; t < end; t += chunk) {
      const where = ` WHERE time >= ${t}ms AND time < ${Math.min(t + chunk, end)}ms`;
      // fill(none): empty buckets hold no readings and must not become rows with count 0.
      statements.push(`${cq.select.replace(marker, `${where}${marker}`)} fill(none)`);
    }
  }
  return statements;
}

export async function rebuildRollups(store: ReadingStore, from: number, to: number): Promise<void> {
  for (const statement of rollupRebuildStatements(store.database, from, to)) await store.query(statement);
}
