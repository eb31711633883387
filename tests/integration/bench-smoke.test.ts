import { describe, expect, it } from "vitest";
import { runBenchmarks } from "../bench/run-all.ts";
import { benchmarks } from "../bench/registry.ts";

describe("benchmarks (smoke run at a tiny scale)", () => {
  it("every benchmark runs and reports positive figures for ours and the baseline", async () => {
    const results = await runBenchmarks(0.005);
    expect(results.map((r) => r.name.split(",")[0])).toHaveLength(benchmarks.length);
    for (const r of results) {
      expect(r.ours.value).toBeGreaterThan(0);
      expect(r.baseline.value).toBeGreaterThan(0);
      expect(Number.isFinite(r.ratio)).toBe(true);
    }
    // The scale benchmarks start servers with 20,000 series (seeding, derived alert rules): minutes on a shared machine.
  }, 420_000);
});
