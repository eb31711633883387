// The 6-hour rollup (rp_6h / reading_6h): each epoch-aligned 6-hour block summed from the block's
// six 1-hour rows, for every series at once. A year chart at 12-hour (or coarser) buckets then sums
// 1,460 rows a series instead of 8,760 (InfluxDB's cost grows with the field values it reads).
//
// Built by Water Monitor, never by a continuous query, and from the 1-hour rows rather than from raw
// (six rows a block instead of 36+ readings), so it is the same with continuous queries and with
// INFLUX_ROLLUPS=scheduler. When a block counts as complete, and why a stale block is never read,
// is rollup-completeness.ts's invariant; RollupScheduler builds a block after every rebuild of one of
// its hours and, in bounded passes, every settled block not built yet.
import type { ReadingStore } from "../influx/store.ts";
import { RETENTION, ROLLUP_MEASUREMENT, sixHourRollupSelect, type RollupMode } from "../influx/schema.ts";
import { rollupLines } from "./rollup-repair.ts";
import { DAY_MS, SIX_HOURS_MS } from "./resolution.ts";
import { blockCeil, blockFloor, type TimeSpan } from "./rollup-completeness.ts";

/** Largest time span per statement: 28 blocks × series rows materialised at once. */
const CHUNK_MS = 7 * DAY_MS;

/** The 6-hour blocks covering [from, to), in statements of at most CHUNK_MS. */
export function coarseChunks(from: number, to: number): TimeSpan[] {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from >= to) throw new RangeError(`Bad 6-hour rollup range ${from} … ${to}`);
  const chunks: TimeSpan[] = [];
  const end = blockCeil(to);
  for (let t = blockFloor(from); t < end; t += CHUNK_MS) chunks.push({ from: t, to: Math.min(t + CHUNK_MS, end) });
  return chunks;
}

/**
 * (Re)builds the 6-hour rows of every block touching [from, to) from the 1-hour rows: inside
 * InfluxDB (`SELECT … INTO`) where continuous queries are available, else read and written back.
 */
export async function buildCoarseRollups(store: ReadingStore, from: number, to: number, mode: RollupMode = "continuous-queries"): Promise<number> {
  let blocks = 0;
  for (const chunk of coarseChunks(from, to)) {
    if (mode === "continuous-queries") await store.query(sixHourRollupSelect(store.database, chunk.from, chunk.to, true));
    else {
      const rows = await store.queryValues(sixHourRollupSelect(store.database, chunk.from, chunk.to, false));
      const lines = rollupLines(ROLLUP_MEASUREMENT.sixHours, rows);
      if (lines.length > 0) await store.writeLines(RETENTION.sixHours.name, lines);
    }
    blocks += (chunk.to - chunk.from) / SIX_HOURS_MS;
  }
  return blocks;
}

/** Blocks per background pass (four weeks): a pass holds InfluxDB for a bounded time. */
export const COARSE_BLOCKS_PER_PASS = 112;
/** Pause between background passes, and how often settled blocks are looked for. */
export const COARSE_PASS_PAUSE_MS = 1_000;
export const COARSE_LOOK_EVERY_MS = 10 * 60_000;
