// Full-resolution CSV export: GET /api/v1/export from a server running as a child process against
// the `influx` CLI (`-format csv`) selecting the same columns over the same range, on the same data
// in the same run. Reports rows/s of both, their ratio, and the server's peak RSS (VmHWM).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { QcFlag, Reading } from "../../common/reading.ts";
import { RETENTION } from "../../server/src/influx/schema.ts";
import { toLineProtocol } from "../../server/src/influx/store.ts";
import { catalog, influxAdmin, primarySensor, type Benchmark } from "./bench-kit.ts";
import { runConcurrently, startServerProcess } from "./server-process.ts";

const STATIONS = catalog.stations.map((s) => s.id);
const PARAMETERS = ["carbamazepine", "diclofenac", "sulfamethoxazole", "water_temperature"];
const SERIES = STATIONS.length * PARAMETERS.length;
const SENSORS = new Map(STATIONS.flatMap((s) => PARAMETERS.map((p) => [`${s}\t${p}`, primarySensor(s, p)] as const)));
/** 1-minute readings: 10 million rows over 32 series span ~217 days, inside the raw retention. */
const STEP_MS = 60_000;
const WRITE_BATCH = 10_000;

/** Readings [offset, offset + count) of the benchmark's data, made on demand (10M would not fit). */
function readingsAt(offset: number, count: number, start: number): Reading[] {
  const out: Reading[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const i = offset + k;
    const series = i % SERIES;
    const step = Math.floor(i / SERIES);
    const parameter = PARAMETERS[Math.floor(series / STATIONS.length)]!;
    const below = parameter !== "water_temperature" && i % 19 === 0;
    const qc: QcFlag = i % 97 === 0 ? 4 : i % 31 === 0 ? 3 : 1;
    const station = STATIONS[series % STATIONS.length]!;
    out[k] = {
      station,
      parameter,
      sensor: SENSORS.get(`${station}\t${parameter}`)!,
      time: start + step * STEP_MS,
      value: below ? null : parameter === "water_temperature" ? -1 + (i % 250) / 10 : 20 + (i % 997) * 0.25,
      qualifier: below ? "<LOD" : null,
      limit: below ? 5 : null,
      uncertainty: null,
      rawSignal: null,
      calibration: null,
      qc,
    };
  }
  return out;
}

/** Runs a command, counting the newlines of its stdout without keeping it. */
function countLines(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let lines = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(lines) : reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

function currentRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export const exportBench: Benchmark = {
  name: "Export: GET /api/v1/export full-resolution CSV vs influx CLI -format csv",
  async run({ influxUrl, scale }) {
    const rows = Math.max(SERIES * 100, Math.round(10_000_000 * scale / SERIES) * SERIES);
    const steps = rows / SERIES;
    const end = Math.floor(Date.now() / STEP_MS) * STEP_MS - STEP_MS;
    const start = end - steps * STEP_MS;
    const database = `bench_export_${randomBytes(4).toString("hex")}`;
    const server = await startServerProcess(influxUrl, { INFLUX_DATABASE: database });
    try {
      const tasks: Array<() => Promise<void>> = [];
      for (let offset = 0; offset < rows; offset += WRITE_BATCH) {
        tasks.push(async () => {
          const body = toLineProtocol(readingsAt(offset, Math.min(WRITE_BATCH, rows - offset), start));
          const res = await fetch(`${influxUrl}/write?db=${database}&rp=${RETENTION.raw.name}&precision=ms`, { method: "POST", body });
          if (res.status !== 204) throw new Error(`write failed: ${res.status} ${await res.text()}`);
        });
      }
      await runConcurrently(tasks, 4);

      const cookie = await server.adminCookie();
      const rssBefore = currentRssMb(server.pid);
      const params = new URLSearchParams({
        stations: STATIONS.join(","),
        parameters: PARAMETERS.join(","),
        from: new Date(start).toISOString(),
        to: new Date(end).toISOString(),
        format: "csv",
      });
      const ourStart = performance.now();
      const res = await fetch(`${server.url}/api/v1/export?${params}`, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
      let ourLines = 0;
      let ourBytes = 0;
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        ourBytes += value.length;
        for (let i = 0; i < value.length; i++) if (value[i] === 10) ourLines++;
      }
      const ourSeconds = (performance.now() - ourStart) / 1000;
      const peak = server.peakRssMb();

      const url = new URL(influxUrl);
      const select = `SELECT "station","parameter","sensor","value","qc","lod","loq","uncertainty","maintenance" FROM "${RETENTION.raw.name}"."reading" WHERE time >= ${start}ms AND time < ${end}ms`;
      const cliStart = performance.now();
      const cliLines = await countLines("influx", ["-host", url.hostname, "-port", url.port, "-database", database, "-execute", select, "-format", "csv", "-precision", "ms"]);
      const cliSeconds = (performance.now() - cliStart) / 1000;
      await influxAdmin(influxUrl, `DROP DATABASE "${database}"`);

      if (ourLines - 1 !== rows || cliLines - 1 !== rows) {
        throw new Error(`row counts differ: export ${ourLines - 1}, influx CLI ${cliLines - 1}, written ${rows}`);
      }
      return {
        name: `${this.name}, ${rows.toLocaleString("en-US")} rows (${SERIES} series of 1-minute readings)`,
        ours: { label: "GET /api/v1/export (CSV)", value: rows / ourSeconds, unit: "rows/s" },
        baseline: { label: "influx -format csv", value: rows / cliSeconds, unit: "rows/s" },
        ratio: cliSeconds / ourSeconds,
        higherIsBetter: true,
        target: ">= 1.0x, server peak RSS < 200 MB",
        extra: [
          { label: "server peak RSS", value: peak, unit: "MB" },
          { label: "server RSS before the export", value: rssBefore, unit: "MB" },
          { label: "export size", value: ourBytes / 1024 / 1024, unit: "MB" },
          { label: "export throughput", value: ourBytes / 1024 / 1024 / ourSeconds, unit: "MB/s" },
        ],
      };
    } finally {
      await server.stop();
    }
  },
};
