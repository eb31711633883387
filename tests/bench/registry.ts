import type { Benchmark } from "./bench-kit.ts";
import { influxWrite } from "./influx-write.bench.ts";

/** Every benchmark `npm run bench` runs, in order. */
export const benchmarks: Benchmark[] = [influxWrite];
