// `npm run bench`: starts a private influxd, runs every benchmark, prints ours vs baseline and ratio.
// BENCH_SCALE (default 1) shrinks the work for quick runs; BENCH_ONLY selects benchmarks by name.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { createLogger } from "../../common/logger.ts";
import { formatResult, type BenchResult, type Benchmark } from "./bench-kit.ts";
import { removeSharedClientBuild } from "./client-build.ts";
import { benchmarks } from "./registry.ts";

export async function runBenchmarks(scale: number, only?: string, list: Benchmark[] = benchmarks): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-influx-"));
  const influxd = new ManagedInfluxd({ dir, port: 0, logger: createLogger("warn", "bench-influxd"), removeDirOnExit: true });
  await influxd.start();
  const results: BenchResult[] = [];
  try {
    for (const bench of list) {
      if (only && !bench.name.toLowerCase().includes(only.toLowerCase())) continue;
      results.push(await bench.run({ influxUrl: influxd.url, scale, influxdPid: influxd.pid }));
    }
  } finally {
    removeSharedClientBuild();
    await influxd.stop();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const scale = Number(process.env.BENCH_SCALE ?? "1");
  const results = await runBenchmarks(scale, process.env.BENCH_ONLY, benchmarks).catch((err: unknown) => {
    process.stderr.write(`benchmark failed: ${(err as Error).stack}\n`);
    process.exit(1);
  });
  for (const r of results) process.stdout.write(`${formatResult(r)}\n\n`);
}
