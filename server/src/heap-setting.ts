// The server's V8 heap setting (HEAP_GROWING_PERCENT), applied by every entry point that runs a
// server process: main.ts, and the benchmarks' server (tests/bench/server-entry.ts), so what is
// measured is what runs.
import v8 from "node:v8";
import type { Config } from "./config.ts";

/**
 * Bulk ingest allocates fast, and V8 then lets garbage pile up to about 4× the live heap before a
 * full collection: the server's peak RSS in `npm run bench` (ingest 341–361 MB) was mostly that.
 * Growth capped at 100 %: 258–272 MB, and some 0.2 s more full-collection time per 500,000 readings
 * (issue #20). V8 reads the flag at every collection, so setting it after start takes effect.
 */
export function applyHeapSetting(config: Pick<Config, "heapGrowingPercent">): void {
  if (config.heapGrowingPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
}
