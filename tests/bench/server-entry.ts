// A Water Monitor server for benchmarks that serve a dashboard build of their own and weigh the
// server's heap: main.ts's startup with an external InfluxDB and no simulator, serving the build in
// argv[2], and answering "heap" over IPC with the heap in use after a full collection (run with
// --expose-gc) or "snapshot <file>" with a heap snapshot, so a benchmark can divide what a state grew by the series that hold it.
import v8 from "node:v8";
import { createLogger } from "../../common/logger.ts";
import { loadConfig } from "../../server/src/config.ts";
import { applyHeapSetting } from "../../server/src/heap-setting.ts";
import { startSystem } from "../../server/src/system.ts";

const config = loadConfig();
applyHeapSetting(config);
const logger = createLogger(config.logLevel, "water-monitor");
const system = await startSystem({ config, logger, influxUrl: config.influx.url!, influxMode: "external", clientDir: process.argv[2] });

process.on("message", (message) => {
  // "snapshot <file>": a heap snapshot (heap-summary.ts reads it), answered with its path.
  if (typeof message === "string" && message.startsWith("snapshot ")) {
    process.send!({ snapshot: v8.writeHeapSnapshot(message.slice("snapshot ".length)) });
    return;
  }
  if (message !== "heap") return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send!({ heapUsed: process.memoryUsage().heapUsed });
});
process.on("SIGTERM", () => {
  void system.close(5_000).finally(() => process.exit(0));
});
process.stdout.write(`Water Monitor is running at ${system.url}\n`);
