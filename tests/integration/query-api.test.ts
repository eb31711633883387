import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CatalogResponse, LatestResponse, ParametersResponse, SeriesPoint, SeriesResponse, StationsResponse } from "../../common/api-types.ts";
import type { QcFlag, Reading } from "../../common/reading.ts";
import { RETENTION, ROLLUP_FIELD, ROLLUP_MEASUREMENT } from "../../server/src/influx/schema.ts";
import { FIELD, MEASUREMENT, TAG } from "../../common/wire.ts";
import { rebuildRollups } from "../../server/src/query/rollup-repair.ts";
import { SeriesService } from "../../server/src/query/series-service.ts";
import { UNREVIEWED } from "../helpers/review.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { seed as catalog, testReading } from "../helpers/catalog.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEP = 10 * MIN;
const STATION = "DE-ELBE-ZEHREN";
const CBZ = "carbamazepine"; // LOD 5 ng/L
const EE2 = "ethinylestradiol"; // always below its LOD of 0.05 ng/L here
const SPIKE = 10_000;

// The data ends an hour ago so "now" is always after it, and spans 30 days of 10-minute readings.
// Hour-aligned, so the first bucket never holds only the first reading (which fails QC): the
// expected bucket layout does not depend on the minute the tests run in.
const END = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
const START = END - 30 * DAY;

/** Carbamazepine with a daily-ish wave, below-LOD values, suspect values and failed spikes. */
function cbzReading(i: number): Reading {
  const time = START + i * STEP;
  const belowLod = i % 13 === 0;
  const failed = i % 17 === 0;
  const qc: QcFlag = failed ? 4 : i % 11 === 0 ? 3 : 1;
  if (belowLod) return testReading({ station: STATION, parameter: CBZ, time, value: null, qualifier: "<LOD", limit: 5, qc });
  const value = failed ? SPIKE : Math.round((50 + 40 * Math.sin(i / 20) + (i % 7)) * 1000) / 1000;
  return testReading({ station: STATION, parameter: CBZ, time, value, qc });
}

const COUNT = 30 * 144 + 1;
const cbz = Array.from({ length: COUNT }, (_, i) => cbzReading(i));
const ee2: Reading[] = Array.from({ length: COUNT }, (_, i) =>
  testReading({ station: STATION, parameter: EE2, time: START + i * STEP, value: null, qualifier: "<LOD", limit: 0.05 }),
);

interface Expected {
  mean: number | null;
  min: number | null;
  max: number | null;
  n: number;
  nBelowLod: number;
  qc: number;
}

/** What the EU convention says a bucket should hold, computed independently of the server. */
function expectedBuckets(readings: Reading[], intervalMs: number): Map<number, Expected> {
  const out = new Map<number, Expected & { sum: number }>();
  for (const r of readings) {
    const t = Math.floor(r.time / intervalMs) * intervalMs;
    const b = out.get(t) ?? { mean: null, min: null, max: null, n: 0, nBelowLod: 0, qc: 0, sum: 0 };
    b.qc = Math.max(b.qc, r.qc);
    if (r.qc !== 4) {
      const v = r.value ?? r.limit! / 2;
      b.n += 1;
      b.sum += v;
      b.min = b.min === null ? v : Math.min(b.min, v);
      b.max = b.max === null ? v : Math.max(b.max, v);
      if (r.value === null) b.nBelowLod += 1;
      b.mean = b.sum / b.n;
    }
    out.set(t, b);
  }
  return out;
}

describe("read API (/api/v1) against a real InfluxDB", () => {
  let system: TestSystem;
  const get = async (pathAndQuery: string): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${system.url}${pathAndQuery}`);
    return { status: res.status, body: await res.json() };
  };
  const series = async (q: Record<string, string | number>): Promise<SeriesResponse> => {
    const params = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]));
    const { status, body } = await get(`/api/v1/series?${params}`);
    expect(status, JSON.stringify(body)).toBe(200);
    return body as SeriesResponse;
  };

  beforeAll(async () => {
    system = await startTestSystem();
    await system.store.writeReadings(cbz);
    await system.store.writeReadings(ee2);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it("serves the catalog with its version, and the stations and parameters with standards and sources", async () => {
    const whole = (await get("/api/v1/catalog")).body as CatalogResponse;
    expect(whole.version).toBe(1);
    expect(whole.catalog).toEqual(catalog.data);
    const stations = (await get("/api/v1/stations")).body as StationsResponse;
    expect(stations.stations.map((s) => s.id)).toEqual(catalog.stations.map((s) => s.id));
    expect(stations.stations.find((s) => s.id === "CN-YANGTZE-CUNTAN")).toMatchObject({ name: { zh: expect.stringMatching(/^寸滩/) }, riverKm: 62, targetClass: "III" });
    const parameters = (await get("/api/v1/parameters")).body as ParametersResponse;
    expect(parameters.parameters.find((p) => p.code === CBZ)).toMatchObject({ cas: "298-46-4", name: { de: "Carbamazepin", zh: "卡马西平" } });
    expect(parameters.standards.filter((s) => s.parameter === CBZ).length).toBeGreaterThan(0);
    expect(parameters.sources.find((s) => s.id === "EU-EQS-2022")?.citation).toContain("COM(2022) 540");
  });

  it("aggregates 30 days into ≤ width buckets whose mean, envelope, counts and QC match the EU convention", async () => {
    const res = await series({ station: STATION, parameter: CBZ, from: START, to: END, width: 100 });
    expect(res).toMatchObject({ station: STATION, parameter: CBZ, sensor: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", unit: "ng/L", resolution: "aggregate", from: START, to: END });
    expect(res.intervalMs).toBe(12 * HOUR);
    expect(res.points.length).toBeLessThanOrEqual(100);
    const expected = expectedBuckets(cbz, res.intervalMs!);
    expect(res.points.map((p) => p.t)).toEqual([...expected.keys()]);
    for (const p of res.points) {
      const e = expected.get(p.t)!;
      expect(p.v).toBeCloseTo(e.mean!, 6);
      expect(p).toMatchObject({ min: e.min, max: e.max, n: e.n, nBelowLod: e.nBelowLod, qc: e.qc });
      // Failed spikes never reach a mean or an envelope.
      expect(p.max!).toBeLessThan(SPIKE);
    }
    expect(res.points.some((p) => p.nBelowLod! > 0)).toBe(true);
  });

  it("agrees with InfluxDB's own mean over mean_value", async () => {
    const res = await series({ station: STATION, parameter: CBZ, from: START, to: END, width: 1200 });
    expect(res.intervalMs).toBe(HOUR);
    expect(res.points.length).toBeLessThanOrEqual(1200);
    const own = await system.store.query<{ time: Date; mean: number }>(
      `SELECT mean("${FIELD.meanValue}") AS "mean" FROM "${MEASUREMENT}" WHERE "${TAG.station}" = '${STATION}' ` +
        `AND "${TAG.parameter}" = '${CBZ}' AND time >= ${START}ms AND time <= ${END}ms GROUP BY time(1h) fill(none)`,
    );
    expect(res.points).toHaveLength(own.length);
    own.forEach((row, i) => {
      expect(res.points[i]!.t).toBe(row.time.getTime());
      expect(res.points[i]!.v).toBeCloseTo(row.mean, 9);
    });
  });

  it("never returns more points than the width", async () => {
    for (const width of [10, 11, 37, 100, 333, 1000, 4320, 4321, 5000]) {
      const res = await series({ station: STATION, parameter: CBZ, from: START, to: END, width });
      expect(res.points.length, `width ${width}`).toBeLessThanOrEqual(width);
      expect(res.resolution).toBe(width >= COUNT ? "raw" : "aggregate");
    }
  });

  it("returns raw readings when they fit: below-LOD as null with qualifier and limit, failed values with flag 4", async () => {
    const from = START;
    const to = START + DAY;
    const res = await series({ station: STATION, parameter: CBZ, from: new Date(from).toISOString(), to, width: 1000 });
    expect(res.resolution).toBe("raw");
    expect(res.intervalMs).toBeNull();
    const inRange = cbz.filter((r) => r.time >= from && r.time <= to);
    expect(res.points).toEqual(inRange.map((r) => ({ t: r.time, v: r.value, qc: r.qc, ...(r.value === null ? { qualifier: "<LOD", limit: r.limit } : {}), ...UNREVIEWED })));
  });

  it("reports an all-<LOD series' means as '< LOD' (Art. 5(2)): LOD/2 = 0.025 < 0.05, with nBelowLod = n", async () => {
    const res = await series({ station: STATION, parameter: EE2, from: START, to: END, width: 200 });
    expect(res.points.length).toBeGreaterThan(0);
    for (const p of res.points) {
      expect(p.v).toBeCloseTo(0.025, 12);
      expect(p.nBelowLod).toBe(p.n);
      expect(p.max).toBeCloseTo(0.025, 12);
      expect(p).toMatchObject({ reportedBelow: "<LOD", limit: 0.05 });
    }
  });

  it("reports an aggregate mean below the LOQ as '< LOQ', from raw data and from the rollups alike (Art. 5(2))", async () => {
    const station = "DE-ZSCHOPAU-WALDHEIM";
    const parameter = "ibuprofen"; // LOD 5, LOQ 16.7 ng/L
    const from = Math.floor((Date.now() - 10 * DAY) / DAY) * DAY;
    // Day 1: per hour one 20 ng/L and five <LOQ 16.7: mean (20 + 5 × 16.7/2) / 6 = 61.75 / 6 = 10.29 < 16.7 → "< LOQ".
    // Day 2: the same hours with three values of 30 and three <LOQ: (90 + 3 × 8.35) / 6 = 19.175 ≥ 16.7 → a number.
    const readings: Reading[] = [];
    for (let i = 0; i < 2 * 144; i++) {
      const time = from + i * STEP;
      const quantified = i < 144 ? i % 6 === 0 : i % 6 < 3;
      const value = i < 144 ? 20 : 30;
      readings.push(testReading({ station, parameter, time, ...(quantified ? { value } : { value: null, qualifier: "<LOQ", limit: 16.7 }) }));
    }
    await system.store.writeReadings(readings);
    const to = readings.at(-1)!.time;
    await rebuildRollups(system.store, from, to);
    const seriesOf = { station: catalog.station(station)!, parameter: catalog.parameter(parameter)!, sensor: catalog.primarySensor(station, parameter, from)!, includeUntagged: true };
    const today = await new SeriesService(system.store).series(seriesOf, from, to, 2);
    const afterRawExpiry = await new SeriesService(system.store, { now: () => Date.now() + 400 * DAY }).series(seriesOf, from, to, 2);
    for (const res of [today, afterRawExpiry]) {
      expect(res.intervalMs).toBe(DAY);
      expect(res.points).toHaveLength(2);
      const [first, second] = res.points as [SeriesPoint, SeriesPoint];
      expect(first.v).toBeCloseTo(61.75 / 6, 9);
      expect(first).toMatchObject({ reportedBelow: "<LOQ", limit: 16.7, n: 144, nBelowLod: 120 });
      expect(second.v).toBeCloseTo(19.175, 9);
      expect(second.reportedBelow).toBeUndefined();
    }
    // The API says the same for every finer bucket (raw aggregate today).
    const api = await series({ station, parameter, from, to, width: 10 });
    expect(api.resolution).toBe("aggregate");
    for (const p of api.points) expect([p.t < from + DAY, p.reportedBelow, p.reportedBelow && p.limit]).toEqual(p.t < from + DAY ? [true, "<LOQ", 16.7] : [false, undefined, undefined]);
  });

  it("aggregates when a station reports faster than the native 10 minutes", async () => {
    const end = END;
    const fast: Reading[] = Array.from({ length: 24 * 60 + 1 }, (_, i) =>
      testReading({ station: "CN-YANGTZE-CUNTAN", parameter: "ph", time: end - DAY + i * MIN, value: 7 + (i % 10) / 100 }),
    );
    await system.store.writeReadings(fast);
    const res = await series({ station: "CN-YANGTZE-CUNTAN", parameter: "ph", from: end - DAY, to: end, width: 1000 });
    expect(res.resolution).toBe("aggregate");
    expect(res.intervalMs).toBe(2 * MIN);
    expect(res.points.length).toBeLessThanOrEqual(1000);
    expect(res.points.reduce((sum, p) => sum + p.n!, 0)).toBe(fast.length);
  });

  it("reads history older than raw retention from the 1-hour rollup, and joins it to raw data", async () => {
    const station = "CN-JIALING-BEIBEI";
    const parameter = "diclofenac";
    const oldStart = Math.floor((Date.now() - 2 * 365 * DAY) / DAY) * DAY;
    // Rollup rows as the continuous query writes them: 6 readings per hour, one of them <LOD.
    const lines = Array.from({ length: 48 }, (_, h) => {
      const t = oldStart + h * HOUR;
      const f = ROLLUP_FIELD;
      return `${ROLLUP_MEASUREMENT.oneHour},${TAG.parameter}=${parameter},${TAG.station}=${station} ${f.mean}=${h + 0.5},${f.min}=${h},${f.max}=${h + 1},${f.count}=6i,${f.belowLodCount}=1i ${t}`;
    });
    const write = await fetch(`${inject("influxUrl")}/write?db=${system.store.database}&rp=${RETENTION.oneHour.name}&precision=ms`, {
      method: "POST",
      body: lines.join("\n"),
    });
    expect(write.status).toBe(204);
    const old = await series({ station, parameter, from: oldStart, to: oldStart + 2 * DAY - 1, width: 12 });
    expect(old).toMatchObject({ resolution: "aggregate", intervalMs: 6 * HOUR });
    expect(old.points).toHaveLength(8);
    expect(old.points[0]).toEqual({ t: oldStart, v: 3, min: 0, max: 6, n: 36, nBelowLod: 6, ...UNREVIEWED });

    const recent: Reading[] = Array.from({ length: 144 }, (_, i) => testReading({ station, parameter, time: END - DAY + i * STEP, value: 100 }));
    await system.store.writeReadings(recent);
    const span = await series({ station, parameter, from: oldStart, to: END, width: 1000 });
    expect(span.points.length).toBeLessThanOrEqual(1000);
    expect(span.points.reduce((sum, p) => sum + p.n!, 0)).toBe(48 * 6 + 144);
    expect(span.points.at(-1)!.v).toBe(100);
  });

  it("rebuilds rollups for backfilled history so that, once raw has expired, the rollup answer equals today's raw one", async () => {
    const station = "DE-MULDE-BADDUEBEN";
    const parameter = "sulfamethoxazole"; // LOD 2 ng/L
    const from = Math.floor((Date.now() - 20 * DAY) / HOUR) * HOUR + 17 * MIN;
    const backfill: Reading[] = Array.from({ length: 3 * 144 }, (_, i) => {
      const r = cbzReading(i);
      return testReading({ ...r, station, parameter, sensor: undefined, time: from + i * STEP, limit: r.limit === null ? null : 2 });
    });
    await system.store.writeReadings(backfill);
    const to = backfill.at(-1)!.time;
    const rollupRows = () =>
      system.store.query(
        `SELECT * FROM "${RETENTION.oneHour.name}"."${ROLLUP_MEASUREMENT.oneHour}" WHERE "${TAG.station}" = '${station}' AND time >= ${from - HOUR}ms`,
      );
    // The continuous queries only look back 2 days: backfilled history is not rolled up by itself.
    expect(await rollupRows()).toHaveLength(0);
    await rebuildRollups(system.store, from, to);
    expect(await rollupRows()).toHaveLength(73);

    const series = { station: catalog.station(station)!, parameter: catalog.parameter(parameter)!, sensor: catalog.primarySensor(station, parameter, from)!, includeUntagged: true };
    const today = await new SeriesService(system.store).series(series, from, to, 20);
    const afterRawExpiry = await new SeriesService(system.store, { now: () => Date.now() + 400 * DAY }).series(series, from, to, 20);
    expect(today.intervalMs).toBe(6 * HOUR);
    expect(afterRawExpiry.intervalMs).toBe(6 * HOUR);
    expect(afterRawExpiry.points).toHaveLength(today.points.length);
    afterRawExpiry.points.forEach((p, i) => {
      const q = today.points[i]!;
      expect(p.v).toBeCloseTo(q.v!, 9);
      // Rollups carry the worst QC flag of their interval as raw's max(qc) does; the first
      // bucket takes its whole first hour (also the 17 minutes before `from`) from the rollup.
      const same = { v: 0, nBelowLod: 0 };
      expect({ ...p, ...same }).toEqual({ ...q, ...same, ...(i === 0 ? { n: p.n, min: p.min, max: p.max, qc: p.qc } : {}) });
      expect(p.nBelowLod).toBeGreaterThanOrEqual(q.nBelowLod!);
      expect(p.nBelowLod).toBeLessThanOrEqual(p.n!);
    });
  });

  it("answers /latest with the newest reading per station × parameter × sensor, <LOD ones included", async () => {
    const { status, body } = await get(`/api/v1/latest?station=${STATION}`);
    expect(status).toBe(200);
    const latest = (body as LatestResponse).latest;
    expect(latest.every((r) => r.station === STATION)).toBe(true);
    const last = cbz.at(-1)!;
    expect(latest.find((r) => r.parameter === CBZ)).toEqual({ ...last, ...UNREVIEWED });
    expect(latest.find((r) => r.parameter === EE2)).toEqual({ ...ee2.at(-1), ...UNREVIEWED });
    const all = (await get("/api/v1/latest")).body as LatestResponse;
    expect(all.latest.map((r) => r.station)).toEqual(expect.arrayContaining([STATION, "CN-YANGTZE-CUNTAN"]));
  });

  it("answers /series/multi for the compare view, each series within the width", async () => {
    const q = new URLSearchParams({ series: `${STATION}:${CBZ},${STATION}:${EE2},CN-YANGTZE-CUNTAN:ph`, from: String(START), to: String(END), width: "300" });
    const { status, body } = await get(`/api/v1/series/multi?${q}`);
    expect(status).toBe(200);
    const list = body.series as SeriesResponse[];
    expect(list.map((s) => `${s.station}:${s.parameter}:${s.sensor}`)).toEqual([
      `${STATION}:${CBZ}:SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE`,
      `${STATION}:${EE2}:SIM-DE-ELBE-ZEHREN-ETHINYLESTRADIOL`,
      "CN-YANGTZE-CUNTAN:ph:SIM-CN-YANGTZE-CUNTAN-PH",
    ]);
    for (const s of list) expect(s.points.length).toBeLessThanOrEqual(300);
  });

  it("reads every series of an aggregated /series/multi in one InfluxDB request, each as /series answers it", async () => {
    const list = [`${STATION}:${CBZ}`, `${STATION}:${EE2}`, "CN-YANGTZE-CUNTAN:ph"];
    const q = new URLSearchParams({ series: list.join(","), from: String(START), to: String(END), width: "300" });
    // Counts the store's requests (the real store still answers them).
    const store = system.store;
    const queryEach = store.queryEach.bind(store);
    let requests = 0;
    store.queryEach = (statements) => {
      requests++;
      return queryEach(statements);
    };
    let multi: SeriesResponse[];
    try {
      const { status, body } = await get(`/api/v1/series/multi?${q}`);
      expect(status).toBe(200);
      multi = body.series as SeriesResponse[];
    } finally {
      store.queryEach = queryEach;
    }
    expect(requests).toBe(1);
    expect(multi.every((s) => s.resolution === "aggregate")).toBe(true);
    for (const [i, id] of list.entries()) {
      const [station, parameter] = id.split(":");
      const single = await get(`/api/v1/series?${new URLSearchParams({ station: station!, parameter: parameter!, from: String(START), to: String(END), width: "300" })}`);
      expect(multi[i]!.points).toEqual((single.body as SeriesResponse).points);
    }
  });

  it.each([
    ["an unknown station", `station=NOPE&parameter=${CBZ}`, 'unknown station "NOPE"'],
    ["an injection attempt in station", `station=${encodeURIComponent("x' OR 1=1")}&parameter=${CBZ}`, "unknown station"],
    ["an injection attempt in parameter", `station=${STATION}&parameter=${encodeURIComponent(`${CBZ}' OR '1'='1`)}`, "unknown parameter"],
    ["a statement smuggled into time", `station=${STATION}&parameter=${CBZ}&from=${encodeURIComponent("0; DROP DATABASE x")}`, "is not a time"],
    ["a bad time", `station=${STATION}&parameter=${CBZ}&from=yesterday`, "is not a time"],
    ["from ≥ to", `station=${STATION}&parameter=${CBZ}&from=2000&to=1000`, "from must be before to"],
    ["width 0", `station=${STATION}&parameter=${CBZ}&width=0`, "width must be at least 10"],
    ["a missing parameter", `station=${STATION}`, "parameter is required"],
    ["a repeated station", `station=${STATION}&station=${STATION}&parameter=${CBZ}`, "station must be given once"],
  ])("answers %s with 400 and a message", async (_name, query, text) => {
    const { status, body } = await get(`/api/v1/series?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toContain(text);
    expect(body.error.details.length).toBeGreaterThan(0);
  });

  it("answers bad /latest and /series/multi input with 400", async () => {
    expect((await get(`/api/v1/latest?station=${encodeURIComponent("x' OR 1=1")}`)).status).toBe(400);
    const tooMany = Array.from({ length: 21 }, (_, i) => `${catalog.stations[i % 8]!.id}:${catalog.parameters[i % catalog.parameters.length]!.code}`).join(",");
    const res = await get(`/api/v1/series/multi?series=${tooMany}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("at most 20");
    // The database is still there and untouched after all the attempts above.
    const rows = await system.store.query(`SELECT count("${FIELD.qc}") FROM "${MEASUREMENT}" WHERE "${TAG.parameter}" = '${CBZ}'`);
    expect((rows[0] as { count: number }).count).toBe(COUNT);
  });
});
