// Sensor validation view: GET /api/v1/lab/validation for one sensor over five years of 10-minute
// readings and 260 weekly lab results (a real server on port 0). The readings lie where an installation
// keeps them after five years: raw for the raw retention (400 days), as 1-minute rollups back to 800
// days, as hourly rollups before. Baseline, same run: SELECTing the same readings (raw points and
// rollup rows of the samples' periods, with the same query builders, one request per source)
// straight from InfluxDB — the floor of "read what the validation needs", without the lab results,
// pairing, statistics or HTTP. For scale it also reports one SELECT of all five years.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DateTime } from "luxon";
import type { LabValidationResponse } from "../../common/lab-validation.ts";
import { QC, type Reading } from "../../common/reading.ts";
import { TAG } from "../../common/wire.ts";
import { createLogger } from "../../common/logger.ts";
import { hashPassword } from "../../server/src/auth/passwords.ts";
import { loadConfig } from "../../server/src/config.ts";
import { RETENTION, ROLLUP_FIELD, ROLLUP_MEASUREMENT } from "../../server/src/influx/schema.ts";
import { mergeWindows, readingSegments } from "../../server/src/lab/sensor-readings.ts";
import { rawPointsQuery, rollupRowsQuery, type CatalogSeries } from "../../server/src/influx/influxql.ts";
import { SCHEMA_RETENTION } from "../../server/src/query/series-service.ts";
import { startSystem } from "../../server/src/system.ts";
import { importFile } from "../helpers/lab-client.ts";
import { uniqueDatabase } from "../helpers/test-system.ts";
import { catalog, median, type Benchmark } from "./bench-kit.ts";

const STATION = "DE-ELBE-ZEHREN";
const PARAMETER = "carbamazepine";
const SENSOR = "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE";
const STEP_MS = 600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WRITE_BATCH = 10_000;

/** The sensor's true-ish signal: a seasonal and daily rhythm, and a slow drift of 1 %/month. */
function valueAt(t: number, origin: number): number {
  const days = (t - origin) / DAY_MS;
  return (100 + 30 * Math.sin((2 * Math.PI * days) / 365) + 10 * Math.sin(2 * Math.PI * days)) * (1 + days / 3_000);
}

function rollupLine(measurement: string, t: number, mean: number, count: number): string {
  const f = ROLLUP_FIELD;
  return `${measurement},${TAG.parameter}=${PARAMETER},${TAG.sensor}=${SENSOR},${TAG.station}=${STATION} ${f.mean}=${mean},${f.min}=${mean},${f.max}=${mean},${f.count}=${count}i,${f.belowLodCount}=0i ${t}`;
}

async function writeLines(influxUrl: string, database: string, rp: string, lines: string[]): Promise<void> {
  for (let i = 0; i < lines.length; i += WRITE_BATCH) {
    const res = await fetch(`${influxUrl}/write?db=${database}&rp=${rp}&precision=ms`, { method: "POST", body: lines.slice(i, i + WRITE_BATCH).join("\n") });
    if (res.status !== 204) throw new Error(`rollup write failed: ${res.status} ${await res.text()}`);
  }
}

/** Weekly 24-hour composites (Tuesday 08:00 Berlin) ending before `to`, newest `count`, as a template CSV. */
function labFile(count: number, to: number, origin: number): string {
  let start = DateTime.fromMillis(to, { zone: "Europe/Berlin" }).set({ weekday: 2, hour: 8, minute: 0, second: 0, millisecond: 0 });
  while (start.plus({ days: 1 }).toMillis() > to) start = start.minus({ weeks: 1 });
  const rows: string[] = [];
  for (let i = 0; i < count; i++, start = start.minus({ weeks: 1 })) {
    const lab = valueAt(start.toMillis() + 12 * HOUR_MS, origin) * (1 + 0.08 * Math.sin(i * 1.7));
    rows.push(`${STATION},B-${i},time-proportional composite,${start.toISO()},${start.plus({ days: 1 }).toISO()},${PARAMETER},${lab.toFixed(1)},,1,ng/L,20 %,Bench lab`);
  }
  return ["station,sample_id,sample_type,sampling_start,sampling_end,compound,value,qualifier,loq,unit,uncertainty,laboratory", ...rows].join("\n");
}

export const labValidationBench: Benchmark = {
  name: "Sensor validation: GET /api/v1/lab/validation vs SELECTing the same readings from InfluxDB",
  async run({ influxUrl, scale }) {
    // The test suite's smoke run (scale 0.005) keeps three weeks and one lab result.
    const days = Math.max(21, Math.round(5 * 365.25 * scale));
    const labCount = Math.max(1, Math.min(Math.floor(days / 7) - 1, Math.round(260 * scale)));
    const runs = scale >= 0.5 ? 9 : 3;
    const dir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-validation-"));
    const database = uniqueDatabase();
    const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dir, INFLUX_URL: influxUrl, INFLUX_DATABASE: database, SIMULATOR: "off", LOG_LEVEL: "warn", ADMIN_PASSWORD: "bench-admin-password" });
    const system = await startSystem({ config, logger: createLogger("warn", "bench-validation"), influxUrl, influxMode: "external", clientDir: dir });
    try {
      const now = Date.now();
      const to = Math.floor(now / STEP_MS) * STEP_MS;
      const from = to - days * DAY_MS;
      // Where each part of the five years is kept (the validation reads it from there too).
      const segments = readingSegments(from, to, now, SCHEMA_RETENTION);
      let readings = 0;
      for (const seg of segments) {
        if (seg.source === "raw") {
          const batch: Reading[] = [];
          for (let t = Math.ceil(seg.from / STEP_MS) * STEP_MS; t <= seg.to; t += STEP_MS) {
            batch.push({ station: STATION, parameter: PARAMETER, sensor: SENSOR, time: t, value: valueAt(t, from), qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null, qc: QC.pass });
          }
          for (let i = 0; i < batch.length; i += WRITE_BATCH) await system.store.writeReadings(batch.slice(i, i + WRITE_BATCH));
          readings += batch.length;
        } else if (seg.source === "rollup1m") {
          // One 10-minute reading per 1-minute row.
          const lines: string[] = [];
          for (let t = Math.ceil(seg.from / STEP_MS) * STEP_MS; t <= seg.to; t += STEP_MS) lines.push(rollupLine(ROLLUP_MEASUREMENT.oneMinute, t, valueAt(t, from), 1));
          await writeLines(influxUrl, database, RETENTION.oneMinute.name, lines);
          readings += lines.length;
        } else {
          const lines: string[] = [];
          for (let t = Math.ceil(seg.from / HOUR_MS) * HOUR_MS; t <= seg.to; t += HOUR_MS) lines.push(rollupLine(ROLLUP_MEASUREMENT.oneHour, t, valueAt(t + HOUR_MS / 2, from), 6));
          await writeLines(influxUrl, database, RETENTION.oneHour.name, lines);
          readings += 6 * lines.length;
        }
      }
      const user = await system.auth.users.create("bench-researcher", await hashPassword("bench-researcher-password"), "researcher");
      const { token } = await system.auth.apiTokens.create(user.id, "bench", "researcher", null);
      const headers = { authorization: `Bearer ${token}` };
      const url = `http://127.0.0.1:${system.port}`;
      const { applied } = await importFile(url, headers, { name: "bench-lab.csv", bytes: labFile(labCount, to, from) });
      if (applied.status !== 201) throw new Error(`lab import answered ${applied.status}: ${JSON.stringify(applied.body).slice(0, 300)}`);

      const q = new URLSearchParams({ station: STATION, parameter: PARAMETER, sensor: SENSOR, from: String(from), to: String(to) });
      let last: LabValidationResponse | undefined;
      const ours = async (): Promise<number> => {
        const t = performance.now();
        const res = await fetch(`${url}/api/v1/lab/validation?${q}`, { headers });
        const body = (await res.json()) as LabValidationResponse;
        const ms = performance.now() - t;
        if (res.status !== 200) throw new Error(`validation answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
        last = body;
        return ms;
      };
      // The same readings with the same builders: the lab samples' periods, one SELECT each per source,
      // all of a source's statements in one request; and, for scale, all five years in one SELECT per source.
      const series: CatalogSeries = { station: catalog.station(STATION)!, parameter: catalog.parameter(PARAMETER)!, sensor: catalog.sensor(SENSOR)!, includeUntagged: true };
      await ours();
      const windows = mergeWindows(last!.validation.pairs.map((p) => ({ from: p.start, to: p.end })));
      const statementsFor = (spans: ReadonlyArray<{ from: number; to: number }>) => {
        const bySource = new Map<string, string[]>();
        for (const w of spans) {
          for (const seg of readingSegments(w.from, w.to, now, SCHEMA_RETENTION)) {
            const query = seg.source === "raw" ? rawPointsQuery(series, seg.from, seg.to, 1_000_000) : rollupRowsQuery(series, seg.source, seg.from, seg.to, 1_000_000);
            bySource.set(seg.source, [...(bySource.get(seg.source) ?? []), query]);
          }
        }
        return [...bySource.values()].map((list) => list.join("; "));
      };
      const sameReadings = statementsFor(windows);
      const allReadings = statementsFor([{ from, to }]);
      let baselineRows = 0;
      const select = async (requests: string[]): Promise<{ ms: number; rows: number }> => {
        const t = performance.now();
        let rows = 0;
        for (const request of requests) for (const r of await system.store.queryValues(request)) rows += r.values.length;
        return { ms: performance.now() - t, rows };
      };
      const baseline = async (): Promise<number> => {
        const r = await select(sameReadings);
        baselineRows = r.rows;
        return r.ms;
      };
      await baseline();
      const all = await select(allReadings);
      const oursRuns: number[] = [];
      const baseRuns: number[] = [];
      for (let i = 0; i < runs; i++) {
        oursRuns.push(await ours());
        baseRuns.push(await baseline());
      }
      const counts = last!.validation.counts;
      if (counts.total !== labCount || counts.used !== labCount) throw new Error(`validation paired ${counts.used} of ${counts.total} (${labCount} lab results)`);
      const oursMs = median(oursRuns);
      const baseMs = median(baseRuns);
      return {
        name: `${this.name}, ${days.toLocaleString("en-US")} days of 10-minute readings (${readings.toLocaleString("en-US")}), ${labCount} lab results`,
        ours: { label: "validation round trip (median)", value: oursMs, unit: "ms" },
        baseline: { label: "SELECT of the same readings (the samples' periods: raw points and rollup rows, median)", value: baseMs, unit: "ms" },
        ratio: oursMs / baseMs,
        higherIsBetter: false,
        target: "< 2 s",
        extra: [
          { label: "rows the baseline read", value: baselineRows, unit: "rows" },
          { label: "for scale: one SELECT of the whole period per source (once)", value: all.ms, unit: "ms" },
          { label: "rows in the whole period", value: all.rows, unit: "rows" },
          { label: "raw readings the validation read", value: last!.readings.raw, unit: "readings" },
          { label: "1-minute rollup rows it read", value: last!.readings.rollup1m, unit: "rows" },
          { label: "1-hour rollup rows it read", value: last!.readings.rollup1h, unit: "rows" },
          { label: "pairs in the statistics", value: counts.used, unit: "pairs" },
        ],
      };
    } finally {
      await system.store.query(`DROP DATABASE "${database}"`).catch(() => undefined);
      await system.close(2_000);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
