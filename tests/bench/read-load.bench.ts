// Read API under load: 50 anonymous clients (each from its own address, as behind a reverse proxy)
// hammer GET /api/v1/series/multi over 5 years of data — each sends its next request as soon as
// the last is answered, refused or not — while a logged-in researcher loads their own 24 h station
// chart (series/multi of the station's parameters + latest). Ours: the researcher's chart load time
// under that load (median); baseline, same run: the same chart load with no load. Goal: < 2×.
// Data as a five-year-old installation has it: 10-minute raw readings for the raw retention
// (400 days) and hourly rollups (rp_1h) for the five years.
import { randomBytes } from "node:crypto";
import { QC, type Reading } from "../../common/reading.ts";
import { createLogger } from "../../common/logger.ts";
import { RETENTION, ROLLUP_FIELD, ROLLUP_MEASUREMENT } from "../../server/src/influx/schema.ts";
import { InfluxReadingStore } from "../../server/src/influx/store.ts";
import { TAG } from "../../common/wire.ts";
import { catalog, influxAdmin, median, primarySensor, type Benchmark } from "./bench-kit.ts";
import { startServerProcess } from "./server-process.ts";

const ANONYMOUS_CLIENTS = 50;
const STEP_MS = 600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const YEARS_MS = 5 * 365 * DAY_MS;
const RAW_DAYS = 399; // inside the raw retention policy (400 d): older points would be dropped
const WRITE_BATCH = 10_000;
const RESEARCHER_STATION = "DE-ELBE-ZEHREN";
const RESEARCHER_PARAMETERS = catalog.parameters.slice(0, 6).map((p) => p.code);

/** Series the anonymous clients ask for: stations other than the researcher's, up to 20. */
function hammeredSeries(count: number): Array<{ station: string; parameter: string }> {
  const out: Array<{ station: string; parameter: string }> = [];
  for (const p of catalog.parameters) {
    for (const s of catalog.stations) {
      if (s.id !== RESEARCHER_STATION && out.length < count) out.push({ station: s.id, parameter: p.code });
    }
  }
  return out;
}

function rawReadings(station: string, parameter: string, from: number, to: number, seed: number): Reading[] {
  const out: Reading[] = [];
  const sensor = primarySensor(station, parameter);
  for (let t = from, i = 0; t <= to; t += STEP_MS, i++) {
    const value = 50 + 30 * Math.sin((i + seed) / 24) + ((i * 7) % 11);
    out.push({ station, parameter, sensor, time: t, value, qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null, qc: QC.pass });
  }
  return out;
}

/** Hourly rollup rows as the continuous query writes them (rp_1h), in line protocol. */
function rollupLines(station: string, parameter: string, from: number, to: number): string {
  const f = ROLLUP_FIELD;
  const sensor = primarySensor(station, parameter);
  let body = "";
  for (let t = from, i = 0; t < to; t += HOUR_MS, i++) {
    const mean = 50 + 30 * Math.sin(i / 4);
    body +=
      `${ROLLUP_MEASUREMENT.oneHour},${TAG.parameter}=${parameter},${TAG.sensor}=${sensor},${TAG.station}=${station} ` +
      `${f.mean}=${mean},${f.min}=${mean - 5},${f.max}=${mean + 5},${f.count}=6i,${f.belowLodCount}=0i ${t}\n`;
  }
  return body;
}

async function writeRollups(influxUrl: string, database: string, lines: string): Promise<void> {
  const res = await fetch(`${influxUrl}/write?db=${database}&rp=${RETENTION.oneHour.name}&precision=ms`, { method: "POST", body: lines });
  if (res.status !== 204) throw new Error(`rollup write failed: ${res.status} ${await res.text()}`);
}

export const readLoad: Benchmark = {
  name: "Read API under load: a researcher's 24 h chart while 50 anonymous clients hammer series/multi over 5 years",
  async run({ influxUrl, scale }) {
    const seriesCount = Math.max(2, Math.round(20 * scale));
    const runs = scale >= 0.5 ? 25 : scale >= 0.05 ? 9 : 3;
    // The test suite's smoke run (scale 0.005) keeps a month of raw data; the rollups still span 5 years.
    const rawDays = scale >= 0.05 ? RAW_DAYS : 30;
    const database = `bench_reads_${randomBytes(4).toString("hex")}`;
    const server = await startServerProcess(influxUrl, { INFLUX_DATABASE: database });
    const store = new InfluxReadingStore({ url: influxUrl, database, logger: createLogger("silent") });
    try {
      // Data: five years per hammered series, and the researcher's station for the last two days.
      await store.ensureSchema();
      const now = Math.floor(Date.now() / STEP_MS) * STEP_MS;
      const hammered = hammeredSeries(seriesCount);
      for (const [i, s] of hammered.entries()) {
        const raw = rawReadings(s.station, s.parameter, now - rawDays * DAY_MS, now, i * 13);
        for (let k = 0; k < raw.length; k += WRITE_BATCH) await store.writeReadings(raw.slice(k, k + WRITE_BATCH));
        const rollupFrom = Math.floor((now - YEARS_MS) / HOUR_MS) * HOUR_MS;
        for (let t = rollupFrom; t < now; t += 30 * DAY_MS) await writeRollups(influxUrl, database, rollupLines(s.station, s.parameter, t, Math.min(now, t + 30 * DAY_MS)));
      }
      for (const [i, parameter] of RESEARCHER_PARAMETERS.entries()) {
        await store.writeReadings(rawReadings(RESEARCHER_STATION, parameter, now - 2 * DAY_MS, now, i));
      }

      // The researcher, logged in like in the dashboard (a session cookie).
      const adminCookie = await server.adminCookie();
      const adminSession = (await (await fetch(`${server.url}/api/v1/auth/session`, { headers: { cookie: adminCookie } })).json()) as { csrfToken: string };
      const password = `bench-${randomBytes(8).toString("hex")}`;
      const created = await fetch(`${server.url}/api/v1/admin/users`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: adminCookie, "x-csrf-token": adminSession.csrfToken },
        body: JSON.stringify({ username: "researcher", password, role: "researcher" }),
      });
      if (created.status !== 201) throw new Error(`creating the researcher failed: ${created.status} ${await created.text()}`);
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "researcher", password }),
      });
      const researcher = { cookie: (login.headers.get("set-cookie") ?? "").split(";")[0]! };

      const chartUrls = () => {
        const to = Date.now();
        const range = `from=${to - DAY_MS}&to=${to}&width=1200`;
        return [
          `${server.url}/api/v1/series/multi?series=${RESEARCHER_PARAMETERS.map((p) => `${RESEARCHER_STATION}:${p}`).join(",")}&${range}`,
          `${server.url}/api/v1/latest?station=${RESEARCHER_STATION}`,
        ];
      };
      const serverTimes: number[] = [];
      const loadChart = async (): Promise<number> => {
        const started = performance.now();
        const answers = await Promise.all(chartUrls().map((u) => fetch(u, { headers: researcher })));
        for (const res of answers) {
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`the researcher's chart got ${res.status}`);
        }
        serverTimes.push(Number(/dur=([\d.]+)/.exec(answers[0]!.headers.get("server-timing") ?? "")?.[1] ?? Number.NaN));
        return performance.now() - started;
      };
      const chartLoads = async (): Promise<number[]> => {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          times.push(await loadChart());
          await new Promise((r) => setTimeout(r, 200));
        }
        return times;
      };

      await loadChart();
      const unloaded = await chartLoads();
      const unloadedServer = median(serverTimes.splice(0));

      // The crowd: each client from its own address (X-Forwarded-For, trusted from loopback).
      const hammerUrl = `${server.url}/api/v1/series/multi?series=${hammered.map((s) => `${s.station}:${s.parameter}`).join(",")}&from=${now - YEARS_MS + DAY_MS}&to=${now}&width=1000`;
      const aloneStarted = performance.now();
      const alone = await fetch(hammerUrl, { headers: { "x-forwarded-for": "198.51.100.250" } });
      await alone.arrayBuffer();
      const aloneMs = performance.now() - aloneStarted;
      const aloneServerMs = Number(/dur=([\d.]+)/.exec(alone.headers.get("server-timing") ?? "")?.[1] ?? Number.NaN);
      const statuses = new Map<number, number>();
      const stop = new AbortController();
      const client = async (i: number) => {
        const headers = { "x-forwarded-for": `198.51.100.${i + 1}` };
        while (!stop.signal.aborted) {
          try {
            const res = await fetch(hammerUrl, { headers, signal: stop.signal });
            await res.arrayBuffer();
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          } catch {
            if (!stop.signal.aborted) statuses.set(0, (statuses.get(0) ?? 0) + 1);
          }
        }
      };
      const loadStarted = performance.now();
      const crowd = Array.from({ length: ANONYMOUS_CLIENTS }, (_, i) => client(i));
      await new Promise((r) => setTimeout(r, 3_000));
      serverTimes.length = 0;
      const loaded = await chartLoads();
      const loadedServer = median(serverTimes);
      stop.abort();
      await Promise.all(crowd);
      const loadSeconds = (performance.now() - loadStarted) / 1000;

      const oursMs = median(loaded);
      const baselineMs = median(unloaded);
      const count = (status: number) => statuses.get(status) ?? 0;
      return {
        name: `${this.name}, ${seriesCount} series × 5 years per anonymous request`,
        ours: { label: "researcher's 24 h chart under load (median)", value: oursMs, unit: "ms" },
        baseline: { label: "the same chart without load (median)", value: baselineMs, unit: "ms" },
        ratio: oursMs / baselineMs,
        higherIsBetter: false,
        target: "< 2x",
        extra: [
          { label: "researcher's chart under load, slowest", value: Math.max(...loaded), unit: "ms" },
          { label: "researcher's series/multi server time without / with load (median)", value: unloadedServer, unit: "ms" },
          { label: "… with load", value: loadedServer, unit: "ms" },
          { label: "one anonymous 5-year request alone (round trip)", value: aloneMs, unit: "ms" },
          { label: "one anonymous 5-year request alone (server time)", value: aloneServerMs, unit: "ms" },
          { label: "anonymous series/multi answered 200", value: count(200) / loadSeconds, unit: "per s" },
          { label: "anonymous requests refused 429 (rate limit)", value: count(429) / loadSeconds, unit: "per s" },
          { label: "anonymous requests refused 503 (busy)", value: count(503) / loadSeconds, unit: "per s" },
        ],
      };
    } finally {
      await influxAdmin(influxUrl, `DROP DATABASE "${database}"`).catch(() => undefined);
      await server.stop();
    }
  },
};
