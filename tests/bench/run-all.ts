// `npm run bench`: starts a private influxd, runs every benchmark, prints ours vs baseline and ratio.
// BENCH_SCALE (default 1) shrinks the work for quick runs; BENCH_ONLY selects benchmarks by name.
// `npm run bench -- <id>…` runs the benchmarks of those ids (bench-kit.ts `Benchmark.id`), or else
// those whose names contain the words, at their full size (`named`).
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { createLogger } from "../../common/logger.ts";
import { formatResult, type BenchResult, type Benchmark } from "./bench-kit.ts";
import { removeSharedClientBuild } from "./client-build.ts";
import { benchmarks } from "./registry.ts";

/** The benchmarks `names` select: those of that id where one has it, else those whose names contain it. */
export function selectBenchmarks(names: readonly string[], list: Benchmark[] = benchmarks): Benchmark[] {
  return list.filter((b) =>
    names.some((n) => {
      const word = n.toLowerCase();
      return list.some((x) => x.id === word) ? b.id === word : b.name.toLowerCase().includes(word);
    }),
  );
}

export async function runBenchmarks(scale: number, only?: string, list: Benchmark[] = benchmarks, named = false): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-influx-"));
  const influxd = new ManagedInfluxd({ dir, port: 0, logger: createLogger("warn", "bench-influxd"), removeDirOnExit: true });
  await influxd.start();
  const results: BenchResult[] = [];
  try {
    for (const bench of list) {
      if (only && !bench.name.toLowerCase().includes(only.toLowerCase())) continue;
      results.push(await bench.run({ influxUrl: influxd.url, scale, influxdPid: influxd.pid, named }));
    }
  } finally {
    removeSharedClientBuild();
    await influxd.stop();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const scale = Number(process.env.BENCH_SCALE ?? "1");
  const names = process.argv.slice(2);
  const list = names.length > 0 ? selectBenchmarks(names) : benchmarks;
  if (list.length === 0) {
    process.stderr.write(`no benchmark matches ${names.join(" ")}; ids: ${benchmarks.flatMap((b) => b.id ?? []).join(", ")}\n`);
    process.exit(2);
  }
  const results = await runBenchmarks(scale, process.env.BENCH_ONLY, list, names.length > 0).catch((err: unknown) => {
    process.stderr.write(`benchmark failed: ${(err as Error).stack}\n`);
    process.exit(1);
  });
  for (const r of results) process.stdout.write(`${formatResult(r)}\n\n`);
}
