// Shared shapes for benchmarks: each measures our figure and a baseline in the same run.
import type { Reading } from "../../common/reading.ts";
import { seedCatalog } from "../../server/src/catalog/seed.ts";

/** The shipped catalog, as the benchmarks' servers use it. */
export const catalog = seedCatalog();

export interface BenchContext {
  influxUrl: string;
  /** 1 for the full benchmark; the test suite's smoke run uses a tiny fraction. */
  scale: number;
  /** pid of the benchmark's influxd, for its CPU time (the CPU budget of ingest). */
  influxdPid?: number;
  /**
   * Named on the command line (`npm run bench -- scale`): benchmarks too long for every full run
   * run at their full size then, and at a reduced one in `npm run bench`.
   */
  named?: boolean;
}

export interface BenchFigure {
  label: string;
  value: number;
  unit: string;
}

export interface BenchResult {
  name: string;
  ours: BenchFigure;
  baseline: BenchFigure;
  /** ours / baseline, oriented so that > 1 means we are better when `higherIsBetter`. */
  ratio: number;
  higherIsBetter: boolean;
  target?: string;
  extra?: BenchFigure[];
}

export interface Benchmark {
  name: string;
  /** Short name that selects it on the command line (`npm run bench -- <id>`). */
  id?: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The shipped catalog's primary sensor of a station × parameter. */
export function primarySensor(station: string, parameter: string): string {
  return catalog.primarySensor(station, parameter, Date.now())!.id;
}

/** Deterministic readings: `count` points spread over stations and parameters (their primary sensors) at 10-minute steps. */
export function syntheticReadings(count: number, start = Date.UTC(2026, 0, 1)): Reading[] {
  const stations = catalog.stations.map((s) => s.id);
  const parameters = catalog.parameters.map((p) => p.code);
  const sensors = parameters.map((p) => stations.map((s) => primarySensor(s, p)));
  const out: Reading[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const series = i % (stations.length * parameters.length);
    const step = Math.floor(i / (stations.length * parameters.length));
    const p = Math.floor(series / stations.length);
    out[i] = {
      station: stations[series % stations.length]!,
      parameter: parameters[p]!,
      sensor: sensors[p]![series % stations.length]!,
      time: start + step * 600_000,
      value: 100 + (i % 97) * 0.5,
      qualifier: null,
      limit: null,
      uncertainty: null,
      rawSignal: null,
      calibration: null,
      qc: 1,
    };
  }
  return out;
}

/** Runs an administrative InfluxQL statement (CREATE/DROP DATABASE) against InfluxDB directly. */
export async function influxAdmin(influxUrl: string, statement: string): Promise<void> {
  const res = await fetch(`${influxUrl}/query?q=${encodeURIComponent(statement)}`, { method: "POST" });
  if (!res.ok) throw new Error(`${statement}: ${res.status} ${await res.text()}`);
  await res.body?.cancel();
}

export function formatResult(r: BenchResult): string {
  const fmt = (f: BenchFigure) => `${f.value.toLocaleString("en-US", { maximumFractionDigits: 1 })} ${f.unit}`;
  const lines = [
    `${r.name}`,
    `  ours:     ${r.ours.label}: ${fmt(r.ours)}`,
    `  baseline: ${r.baseline.label}: ${fmt(r.baseline)}`,
    `  ratio:    ${r.ratio.toFixed(2)}x ${r.higherIsBetter ? "(higher is better)" : "(lower is better)"}${r.target ? `  target ${r.target}` : ""}`,
  ];
  for (const e of r.extra ?? []) lines.push(`  ${e.label}: ${fmt(e)}`);
  return lines.join("\n");
}
