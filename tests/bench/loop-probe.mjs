// Loaded into a benchmark's server process (`node --import tests/bench/loop-probe.mjs …`): watches
// its event-loop delay (perf_hooks monitorEventLoopDelay) and its garbage-collection pauses (the "gc"
// performance entries), so a latency figure can be split into "the loop was busy" and "the heap was
// being collected". On SIGUSR2 it prints what it saw since the last SIGUSR2 as one line on stdout,
// with the process's memory now (process.memoryUsage, MB), `loop-probe {json}` (server-process.ts `probe()` reads it from the log), and starts over.
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

const MS = 1e6; // the histogram counts nanoseconds
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let gc = { count: 0, totalMs: 0, maxMs: 0, over20Ms: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count++;
    gc.totalMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
    if (entry.duration >= 20) gc.over20Ms++;
  }
}).observe({ entryTypes: ["gc"] });

process.on("SIGUSR2", () => {
  const figures = {
    loopDelayP50Ms: loop.percentile(50) / MS,
    loopDelayP99Ms: loop.percentile(99) / MS,
    loopDelayMaxMs: loop.max / MS,
    gcCount: gc.count,
    gcTotalMs: gc.totalMs,
    gcMaxMs: gc.maxMs,
    gcOver20Ms: gc.over20Ms,
    ...Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [`${k}Mb`, v / 1048576])),
  };
  process.stdout.write(`loop-probe ${JSON.stringify(figures)}\n`);
  loop.reset();
  gc = { count: 0, totalMs: 0, maxMs: 0, over20Ms: 0 };
});
