// One-off rollup of a time range: what the continuous queries would have written, had the readings
// arrived while their RESAMPLE window (2 h for both rp_1m and rp_1h) still covered that time.
//
// RollupScheduler calls `rebuildRollups` for every hour that late history (simulator backfill, spool
// replay after a long outage, imported lab results) was written to: until then charts read those
// hours from raw (rollup-completeness.ts), after it from the rollups again, and beyond the raw
// retention the rollups are all that is left of them.
//
// Without continuous queries (INFLUX_ROLLUPS=scheduler: InfluxDB 2.x/3.x, whose InfluxQL has no
// SELECT … INTO either) the same aggregates are read and written back as line protocol, so every
// hour's rollups come from the scheduler.
import { createHash } from "node:crypto";
import type { ReadingStore, SeriesValues } from "../influx/store.ts";
import { continuousQueries, ROLLUP_INTEGER_FIELDS, sixHourRollupSelect, type RollupMode } from "../influx/schema.ts";
import { escapeTag } from "../influx/stored-lines.ts";
import { DAY_MS, HOUR_MS, parseInfluxDuration } from "./resolution.ts";
import { settleAfter, type SettlingLevel } from "./rollup-completeness.ts";

/** Largest time span per SELECT … INTO: bounds the points InfluxDB materialises per statement. */
const CHUNK_MS: Readonly<Record<string, number>> = Object.freeze({ cq_reading_1m: DAY_MS, cq_reading_1h: 31 * DAY_MS });

interface RebuildStatement {
  /** `SELECT … INTO`, run inside InfluxDB. */
  into: string;
  /** The same aggregate without INTO, for the rows to be written back. */
  aggregate: string;
  retentionPolicy: string;
  measurement: string;
}

/** The `SELECT … INTO` statements that rebuild both rollups over whole hours covering [from, to]. */
export function rollupRebuildStatements(database: string, from: number, to: number): string[] {
  return rebuildSteps(database, from, to).map((s) => s.into);
}

function rebuildSteps(database: string, from: number, to: number): RebuildStatement[] {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to) {
    throw new RangeError(`Bad rollup range ${from} … ${to}`);
  }
  // Whole hours, so every 1-minute and 1-hour bucket touched is recomputed from all its readings.
  const start = Math.floor(from / HOUR_MS) * HOUR_MS;
  const end = (Math.floor(to / HOUR_MS) + 1) * HOUR_MS;
  const statements: RebuildStatement[] = [];
  for (const cq of continuousQueries(database)) {
    // Reuse the continuous query's own SELECT so the one-off rollup can never drift from it.
    const marker = " GROUP BY time(";
    if (cq.select.split(marker).length !== 2) throw new Error(`Unexpected continuous query shape: ${cq.name}`);
    const chunk = CHUNK_MS[cq.name] ?? DAY_MS;
    for (let t = start; t < end; t += chunk) {
      const where = ` WHERE time >= ${t}ms AND time < ${Math.min(t + chunk, end)}ms`;
      // fill(none): empty buckets hold no readings and must not become rows with count 0.
      const bounded = (select: string) => `${select.replace(marker, `${where}${marker}`)} fill(none)`;
      statements.push({ into: bounded(cq.select), aggregate: bounded(cq.aggregate), retentionPolicy: cq.retentionPolicy, measurement: cq.measurement });
    }
  }
  return statements;
}

/**
 * Rebuilds both rollups over the whole hours covering [from, to]: inside InfluxDB (`SELECT … INTO`)
 * where it has continuous queries, else by reading the aggregates and writing the rows back.
 */
export async function rebuildRollups(store: ReadingStore, from: number, to: number, mode: RollupMode = "continuous-queries"): Promise<void> {
  for (const step of rebuildSteps(store.database, from, to)) {
    if (mode === "continuous-queries") await store.query(step.into);
    else await store.writeLines(step.retentionPolicy, rollupLines(step.measurement, await store.queryValues(step.aggregate)));
  }
}


/**
 * The rows `SELECT … INTO` would write for a `GROUP BY time(…), *` result: one point per bucket and
 * series, empty tags left out (as INTO does), integer fields typed as InfluxDB computes them (a
 * different type in a shard would be refused), null fields omitted.
 */
export function rollupLines(measurement: string, series: readonly SeriesValues[]): string {
  const lines: string[] = [];
  for (const s of series) {
    const tags = Object.entries(s.tags ?? {})
      .filter(([, v]) => v !== "")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `,${escapeTag(k)}=${escapeTag(v)}`)
      .join("");
    const prefix = `${escapeTag(measurement)}${tags} `;
    const timeAt = s.columns.indexOf("time");
    for (const row of s.values) {
      const fields: string[] = [];
      s.columns.forEach((column, i) => {
        const value = row[i];
        if (i === timeAt || typeof value !== "number") return;
        fields.push(`${escapeTag(column)}=${ROLLUP_INTEGER_FIELDS.has(column) ? `${Math.round(value)}i` : String(value)}`);
      });
      if (fields.length > 0) lines.push(`${prefix}${fields.join(",")} ${row[timeAt] as number}`);
    }
  }
  return lines.join("\n");
}

/**
 * The continuous queries' text (without the database name): when it changes, older rollup rows are
 * not theirs. The scheduler's own rows are signed apart, so switching INFLUX_ROLLUPS either way
 * trusts only hours rebuilt since.
 */
export function continuousQuerySignature(mode: RollupMode = "continuous-queries"): string {
  const text = continuousQueries("_").map((cq) => (mode === "scheduler" ? cq.aggregate : `${cq.name} ${cq.resample} ${cq.select}`)).join("\n");
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 16);
  return mode === "scheduler" ? `scheduler:${hash}` : hash;
}

/**
 * The 6-hour rollup's SELECT (both forms, coarse-rollups.ts): when a release changes it, the blocks
 * built before are not what it would build, and are forgotten (rebuilt by the scheduler) while the
 * 1-hour rollups they come from stay trusted. Migration 19's default is this signature's first value.
 */
export function coarseRollupSignature(): string {
  const text = [true, false].map((into) => sixHourRollupSelect("_", 0, 1, into)).join("\n");
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Per level, how long after an hour's end its continuous query may still rewrite it. */
export function settleTimes(marginMs: number): Record<SettlingLevel, number> {
  const [oneMinute, oneHour] = continuousQueries("_");
  return {
    rollup1m: settleAfter(oneMinute!.resample, parseInfluxDuration, marginMs),
    rollup1h: settleAfter(oneHour!.resample, parseInfluxDuration, marginMs),
  };
}
