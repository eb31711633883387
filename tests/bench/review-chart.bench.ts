// Data review's cost on a chart: a year of 10-minute readings at 1,200 px through GET /api/v1/series
// (a real server on port 0, as a logged-in researcher), on a series with 200 corrections spread over the year (offsets,
// factors, drifts, deletions, QC flags, interpolations; every aggregate interval they touch is
// recomputed from the corrected readings) against the same chart of an identical series without
// corrections. Goal (issue #17): within 1.3× of the uncorrected chart. The figure is the median of
// repeated views (a dashboard refreshing); the first view after the corrections, which reads and
// corrects every touched interval's raw readings, is reported beside it.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SeriesResponse } from "../../common/api-types.ts";
import type { Reading } from "../../common/reading.ts";
import type { CorrectionAction } from "../../common/review.ts";
import { createLogger } from "../../common/logger.ts";
import { loadConfig } from "../../server/src/config.ts";
import { startSystem } from "../../server/src/system.ts";
import { authHeaders } from "../helpers/auth.ts";
import { median, primarySensor, type Benchmark } from "./bench-kit.ts";

const STEP_MS = 600_000;
const DAY_MS = 86_400_000;
const WIDTH = 1_200;
const WRITE_BATCH = 10_000;
const PARAMETER = "carbamazepine";
const CORRECTED = "DE-ELBE-ZEHREN";
const PLAIN = "DE-ELBE-SCHMILKA";

function readings(station: string, start: number, count: number): Reading[] {
  const sensor = primarySensor(station, PARAMETER);
  return Array.from({ length: count }, (_, i) => ({
    station,
    parameter: PARAMETER,
    sensor,
    time: start + i * STEP_MS,
    value: 120 + 40 * Math.sin(i / 72) + ((i * 7) % 13),
    qualifier: null,
    limit: null,
    uncertainty: null,
    rawSignal: null,
    calibration: null,
    qc: i % 97 === 0 ? 3 : 1,
  }));
}

/** The i-th correction's action: a reviewer's usual mix. */
function actionOf(i: number): CorrectionAction {
  switch (i % 6) {
    case 0:
      return { kind: "offset", offset: -3.5 };
    case 1:
      return { kind: "drift", offsetAtEnd: 12 };
    case 2:
      return { kind: "multiply", factor: 1.08 };
    case 3:
      return { kind: "delete" };
    case 4:
      return { kind: "qc", flag: 3 };
    default:
      return { kind: "interpolate" };
  }
}

export const reviewChart: Benchmark = {
  name: "Review chart: GET /api/v1/series over a year (1,200 px) with 200 corrections vs the same chart without",
  async run({ influxUrl, scale }) {
    const days = Math.max(2, Math.round(365 * scale));
    const corrections = Math.max(4, Math.round(200 * scale));
    const runs = scale >= 0.5 ? 9 : 5;
    const count = days * 144;
    const end = Math.floor(Date.now() / STEP_MS) * STEP_MS - 3_600_000;
    const from = end - days * DAY_MS;
    const database = `bench_review_${randomBytes(4).toString("hex")}`;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "wm-bench-review-"));
    const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, INFLUX_URL: influxUrl, INFLUX_DATABASE: database, SIMULATOR: "off", LOG_LEVEL: "silent" });
    const server = await startSystem({ config, logger: createLogger("silent"), influxUrl, influxMode: "external" });
    try {
      for (const station of [CORRECTED, PLAIN]) {
        const list = readings(station, from, count);
        for (let i = 0; i < list.length; i += WRITE_BATCH) await server.store.writeReadings(list.slice(i, i + WRITE_BATCH));
      }
      // Corrections of a few hours each, evenly over the year (as recorded through the review API).
      const sensor = primarySensor(CORRECTED, PARAMETER);
      const spacing = Math.floor((end - from) / corrections);
      const actor = { name: "bench-reviewer", id: null };
      for (let i = 0; i < corrections; i++) {
        const start = from + i * spacing + STEP_MS * 6;
        const length = (2 + (i % 5) * 4) * 3_600_000;
        await server.review.repo.addCorrection(
          { station: CORRECTED, parameter: PARAMETER, sensor, from: start, to: start + length, action: actionOf(i), reason: "benchmark", reference: null },
          actor,
          Date.now(),
        );
      }

      // A logged-in reader (a reviewer's or researcher's chart): InfluxDB may answer its queries at once.
      const headers = await authHeaders(server, "researcher");
      const chart = async (station: string): Promise<{ ms: number; body: SeriesResponse }> => {
        const url = `http://127.0.0.1:${server.port}/api/v1/series?station=${station}&parameter=${PARAMETER}&from=${from}&to=${end}&width=${WIDTH}`;
        const t = performance.now();
        const res = await fetch(url, { headers });
        const body = (await res.json()) as SeriesResponse;
        const ms = performance.now() - t;
        if (res.status !== 200) throw new Error(`series answered ${res.status}: ${JSON.stringify(body)}`);
        return { ms, body };
      };
      // The first view after the corrections reads and corrects the raw readings; later views of
      // the same chart take the corrected ranges from the cache (review/corrected-cache.ts).
      const cold = await chart(CORRECTED);
      if (cold.body.corrections.length !== corrections) throw new Error(`the chart names ${cold.body.corrections.length} corrections, not ${corrections}`);
      await chart(PLAIN);
      const oursRuns: number[] = [];
      const baselineRuns: number[] = [];
      let points = 0;
      for (let i = 0; i < runs; i++) {
        const o = await chart(CORRECTED);
        oursRuns.push(o.ms);
        points = o.body.points.length;
        baselineRuns.push((await chart(PLAIN)).ms);
      }
      const oursMs = median(oursRuns);
      const baselineMs = median(baselineRuns);
      return {
        name: `${this.name}: ${days} days × 144 = ${count.toLocaleString("en-US")} readings, ${corrections} corrections`,
        ours: { label: "chart with corrections (median)", value: oursMs, unit: "ms" },
        baseline: { label: "same chart, no corrections (median)", value: baselineMs, unit: "ms" },
        ratio: oursMs / baselineMs,
        higherIsBetter: false,
        target: "≤ 1.3×",
        extra: [
          { label: "first view after the corrections (nothing cached)", value: cold.ms, unit: "ms" },
          { label: "points on the corrected chart", value: points, unit: "points" },
          { label: "corrected readings cached", value: server.review.reader.cached.values, unit: "readings" },
        ],
      };
    } finally {
      await server.store.query(`DROP DATABASE "${database}"`).catch(() => undefined);
      await server.close(2_000);
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
