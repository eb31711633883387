// The server's V8 heap setting (HEAP_GROWING_PERCENT, HEAP_SLACK_MB), applied by every entry point
// that runs a server process: main.ts, and the benchmarks' server (tests/bench/server-entry.ts), so
// what is measured is what runs.
import { constants, PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";
import type { Config } from "./config.ts";

/** The lowest growth it sets: lower, full collections would follow each other closely, much CPU for little memory. */
export const MIN_GROWING_PERCENT = 25;
/** A change smaller than this is not worth setting. */
const STEP_PERCENT = 5;

/**
 * How far V8 may let the heap grow past `liveBytes` (what the last full collection kept) before the
 * next full collection: `ceilingPercent`, or less where that growth would exceed `slackBytes`, but
 * not below MIN_GROWING_PERCENT. `slackBytes` 0: the ceiling, whatever the heap.
 */
export function growingPercentFor(liveBytes: number, ceilingPercent: number, slackBytes: number): number {
  if (slackBytes <= 0 || liveBytes <= 0) return ceilingPercent;
  return Math.max(Math.min(MIN_GROWING_PERCENT, ceilingPercent), Math.min(ceilingPercent, Math.floor((100 * slackBytes) / liveBytes)));
}

/**
 * Bulk ingest allocates fast, and V8 then lets garbage pile up to about 4× the live heap before a
 * full collection: the server's peak RSS in `npm run bench` (ingest 341–361 MB) was mostly that.
 * Growth capped at 100 %: 258–272 MB, and some 0.2 s more full-collection time per 500,000 readings.
 * A national catalog (500 stations × 40 parameters) keeps some 190 MB live, and 100 % of that again
 * as garbage took the server to 563 MB in `npm run bench -- scale`; so the growth is also capped in
 * bytes (HEAP_SLACK_MB), set anew after every full collection from what it kept (issue #20). V8
 * reads the flag at every collection, so setting it after start takes effect.
 *
 * `setFlags` is for tests; returns a function that stops following the collections.
 */
export function applyHeapSetting(config: Pick<Config, "heapGrowingPercent" | "heapSlackMb">, setFlags: (flags: string) => void = (f) => v8.setFlagsFromString(f)): () => void {
  const ceiling = config.heapGrowingPercent;
  if (ceiling <= 0) return () => {};
  let current = ceiling;
  setFlags(`--heap-growing-percent=${ceiling}`);
  const slack = config.heapSlackMb * 1024 * 1024;
  if (slack <= 0) return () => {};
  const observer = new PerformanceObserver((list) => {
    // A "gc" entry's detail says which kind of collection it was (Node's perf_hooks documentation).
    const major = list.getEntries().some((e) => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    if (!major) return;
    const next = growingPercentFor(v8.getHeapStatistics().used_heap_size, ceiling, slack);
    // Small steps are skipped, except back to the ceiling.
    if (next === current || (Math.abs(next - current) < STEP_PERCENT && next !== ceiling)) return;
    current = next;
    setFlags(`--heap-growing-percent=${next}`);
  });
  observer.observe({ entryTypes: ["gc"] });
  return () => observer.disconnect();
}
