// A logged-in caller's compare chart sends its InfluxDB statements in several requests at once
// (aggregate-reader.ts readAggregates, one per core up to READ_CONCURRENCY): the answer is the one a
// single request gives, and when one of the requests fails the chart fails with the same JSON
// error a chart read in one request gives.
import { availableParallelism } from "node:os";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { SeriesResponse } from "../../common/api-types.ts";
import type { CatalogSeries } from "../../server/src/influx/influxql.ts";
import { InfluxReadingStore } from "../../server/src/influx/store.ts";
import { SeriesService } from "../../server/src/query/series-service.ts";
import { authHeaders } from "../helpers/auth.ts";
import { seed as catalog, testReading } from "../helpers/catalog.ts";
import { startHttpRecorder, type HttpRecorder } from "../helpers/http-recorder.ts";
import { startTestSystem, testLogger, type TestSystem } from "../helpers/test-system.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const PARAMETER = "sulfamethoxazole"; // LOD 2 ng/L
const START = Math.floor((Date.now() - 20 * DAY) / HOUR) * HOUR;
const DAYS = 3;
// Ragged edges: raw minutes before the first and after the last whole hour, hourly rollup rows between.
const FROM = START + 17 * MIN;
const TO = START + DAYS * DAY - 23 * MIN;
const WIDTH = 100;

const stations = catalog.stations.filter((s) => catalog.primarySensor(s.id, PARAMETER, START)).slice(0, 4);
const series: CatalogSeries[] = stations.map((s) => ({ station: s, parameter: catalog.parameter(PARAMETER)!, sensor: catalog.primarySensor(s.id, PARAMETER, START)!, includeUntagged: true }));

describe("compare charts split over several InfluxDB requests", () => {
  let system: TestSystem;
  let failing: HttpRecorder;
  let counting: HttpRecorder;
  /** The station whose statements the failing recorder answers with an InfluxDB error (none: forward all). */
  let failStation: string | null = null;

  beforeAll(async () => {
    expect(series).toHaveLength(4);
    const influxError = { status: 500, body: { error: "timeout: the query took too long" } };
    failing = await startHttpRecorder(inject("influxUrl"), {
      fail: (body) => (failStation !== null && (new URLSearchParams(body).get("q") ?? "").includes(`'${failStation}'`) ? influxError : undefined),
    });
    counting = await startHttpRecorder(inject("influxUrl"));
    system = await startTestSystem({ READ_CONCURRENCY: "2" }, failing.url);
    system.writer.enqueue(
      series.flatMap((s, k) =>
        Array.from({ length: DAYS * 144 }, (_, i) => {
          const time = START + i * 10 * MIN;
          const qc = (i + k) % 17 === 0 ? 4 : 1;
          if ((i + k) % 7 === 0) return testReading({ station: s.station.id, parameter: PARAMETER, time, qualifier: "<LOD", limit: 2, qc });
          return testReading({ station: s.station.id, parameter: PARAMETER, time, value: 40 + 30 * Math.sin((i + 5 * k) / 9), qc });
        }),
      ),
    );
    await system.writer.drained();
    await system.rollups.flush();
  });
  afterAll(async () => {
    await system?.stop();
    await failing?.close();
    await counting?.close();
  });

  it("gives the answer of one request, from one request per core (at most READ_CONCURRENCY)", async () => {
    const store = new InfluxReadingStore({ url: counting.url, database: system.config.influx.database, logger: testLogger });
    await store.queryEach(["SHOW MEASUREMENTS"]); // the store's schema check, before counting
    const service = (chartRequests: number) => new SeriesService(store, { rollups: system.rollups, chartRequests });
    const requestsOf = async (chartRequests: number, oneQueryAtATime = false): Promise<[SeriesResponse[], number]> => {
      const before = counting.requests.length;
      const answer = await service(chartRequests).seriesMany(series, FROM, TO, WIDTH, { concurrency: 8, oneQueryAtATime });
      return [answer, counting.requests.slice(before).filter((r) => r.method === "POST" && r.url.startsWith("/query")).length];
    };
    const [one, oneRequests] = await requestsOf(1);
    expect(oneRequests).toBe(1);
    expect(one.every((s) => s.resolution === "aggregate" && s.intervalMs === HOUR && s.points.length > 60)).toBe(true);
    expect(one.flatMap((s) => s.points).some((p) => p.qualifier === "<LOD" || p.nBelowLod! > 0)).toBe(true);
    for (const requests of [2, 3, 4]) {
      const [split, sent] = await requestsOf(requests);
      expect(sent).toBe(requests);
      expect(split).toEqual(one);
    }
    // Callers who are not logged in: one request, whatever the cores.
    expect((await requestsOf(4, true))[1]).toBe(1);
  });

  it("through the API: a logged-in compare chart is sent in min(cores, READ_CONCURRENCY) requests, and equals the single-series charts", async () => {
    const headers = await authHeaders(system, "viewer");
    const ids = series.map((s) => `${s.station.id}:${PARAMETER}`).join(",");
    const before = failing.requests.length;
    const res = await fetch(`${system.url}/api/v1/series/multi?series=${ids}&from=${FROM}&to=${TO}&width=${WIDTH}`, { headers });
    expect(res.status).toBe(200);
    const multi = ((await res.json()) as { series: SeriesResponse[] }).series;
    const sent = failing.requests.slice(before).filter((r) => r.method === "POST" && r.url.startsWith("/query")).length;
    // (The server may send other reads meanwhile, e.g. review state is in SQLite, so at least that many.)
    expect(sent).toBeGreaterThanOrEqual(Math.min(availableParallelism(), 2));
    for (const [i, s] of series.entries()) {
      const single = await fetch(`${system.url}/api/v1/series?station=${s.station.id}&parameter=${PARAMETER}&from=${FROM}&to=${TO}&width=${WIDTH}`, { headers });
      expect(single.status).toBe(200);
      expect(multi[i]).toEqual(await single.json());
    }
  });

  it("fails the whole chart with the error one request gives when one of its requests fails", async () => {
    const headers = await authHeaders(system, "viewer");
    const ids = series.map((s) => `${s.station.id}:${PARAMETER}`).join(",");
    failStation = series.at(-1)!.station.id;
    try {
      const before = failing.requests.length;
      const res = await fetch(`${system.url}/api/v1/series/multi?series=${ids}&from=${FROM}&to=${TO}&width=${WIDTH}`, { headers });
      const chartRequests = failing.requests.slice(before).filter((r) => r.method === "POST" && r.url.startsWith("/query"));
      // One request failed; with two or more cores the other half went through.
      expect(chartRequests.filter((r) => r.failed)).toHaveLength(1);
      if (availableParallelism() >= 2) expect(chartRequests.filter((r) => !r.failed).length).toBeGreaterThanOrEqual(1);
      // Today's reference: the failing series alone, read in one request.
      const single = await fetch(`${system.url}/api/v1/series?station=${failStation}&parameter=${PARAMETER}&from=${FROM}&to=${TO}&width=${WIDTH}`, { headers });
      expect(single.status).toBe(503);
      expect(res.status).toBe(single.status);
      const error = (await res.json()) as { error: { code: string; message: string } };
      expect(error).toEqual(await single.json());
      expect(error.error.message).toMatch(/timeout: the query took too long/);
    } finally {
      failStation = null;
    }
  });
});
