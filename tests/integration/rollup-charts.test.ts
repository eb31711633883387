// Charts read the 6-hour, 1-hour and 1-minute rollups for the blocks and hours they hold completely,
// and the answer is the one aggregating raw data gives — with late data, replayed spool data and
// censored values, over days and over weeks (12-hour and 1-day buckets, from the 6-hour rollup); a
// dirty hour is read from raw until its rebuild (its 6-hour block too: never a stale 6-hour row), and
// a restart keeps it dirty. Each runs with the continuous queries and with the rollup scheduler
// building every hour (INFLUX_ROLLUPS=scheduler).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeriesPoint, SeriesResponse } from "../../common/api-types.ts";
import type { QcFlag, Reading } from "../../common/reading.ts";
import { openMetaStore } from "../../server/src/meta/open.ts";
import { aggregateParts, chartSeriesKeys } from "../../server/src/query/aggregate-reader.ts";
import { RollupScheduler } from "../../server/src/query/rollup-scheduler.ts";
import { coarseRollupSignature } from "../../server/src/query/rollup-repair.ts";
import type { RollupMode } from "../../server/src/influx/schema.ts";
import { hourFloor } from "../../server/src/query/rollup-completeness.ts";
import { SqlRollupStateRepository } from "../../server/src/query/rollup-state-repository.ts";
import { SeriesService, SCHEMA_RETENTION } from "../../server/src/query/series-service.ts";
import { chooseResolution, type RollupSource } from "../../server/src/query/resolution.ts";
import type { CatalogSeries } from "../../server/src/influx/influxql.ts";
import { seed as catalog, testReading } from "../helpers/catalog.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { startOwnInfluxd, startTestSystem, tempDir, testLogger, type TestSystem } from "../helpers/test-system.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEP = 10 * MIN;
const STATION = "DE-MULDE-BADDUEBEN";
const PARAMETER = "sulfamethoxazole"; // LOD 2 ng/L
// Five weeks back: long settled for every rollup, well inside raw retention.
const START = Math.floor((Date.now() - 35 * DAY) / HOUR) * HOUR;
const END = START + 3 * DAY;
/** Four weeks of readings: a year chart's 12-hour and 1-day buckets, on a smaller scale. */
const WEEKS_DAYS = 28;
const WEEKS_END = START + WEEKS_DAYS * DAY;

/** A mix a real station produces: <LOD and <LOQ values, suspect and failed ones. */
function reading(i: number, time = START + i * STEP, station = STATION): Reading {
  const qc: QcFlag = i % 17 === 0 ? 4 : i % 11 === 0 ? 3 : 1;
  if (i % 7 === 0) return testReading({ station, parameter: PARAMETER, time, qualifier: "<LOD", limit: 2, qc });
  if (i % 19 === 0) return testReading({ station, parameter: PARAMETER, time, qualifier: "<LOQ", limit: 6, qc });
  return testReading({ station, parameter: PARAMETER, time, value: Math.round((40 + 30 * Math.sin(i / 9) + (i % 5)) * 1000) / 1000, qc });
}

function seriesOf(station = STATION): CatalogSeries {
  return { station: catalog.station(station)!, parameter: catalog.parameter(PARAMETER)!, sensor: catalog.primarySensor(station, PARAMETER, START)!, includeUntagged: true };
}

/** Equal buckets: the same readings counted, flags and censoring alike, numbers within float rounding. */
function expectSameChart(actual: SeriesResponse, expected: SeriesResponse): void {
  expect(actual.intervalMs).toBe(expected.intervalMs);
  expect(actual.points.map((p) => p.t)).toEqual(expected.points.map((p) => p.t));
  // The API labels its points with the review state; the reference is the stored data as it is.
  const exact = (p: SeriesPoint) => ({ ...p, v: undefined, min: undefined, max: undefined, reportedBelow: undefined, approval: undefined, provisional: undefined });
  actual.points.forEach((p, i) => {
    const q = expected.points[i]!;
    expect(exact(p), `bucket ${new Date(p.t).toISOString()}`).toEqual(exact(q));
    for (const k of ["v", "min", "max", "reportedBelow"] as const) {
      const want = q[k];
      if (typeof want === "number") expect(p[k]).toBeCloseTo(want, 9);
      else expect(p[k]).toBe(want);
    }
  });
}

/** Where the service would read each part of the chart. */
function partsOf(system: TestSystem | { rollups: RollupScheduler }, from: number, to: number, width: number) {
  const plan = chooseResolution({ from, to, width, now: Date.now(), retention: SCHEMA_RETENTION, forceAggregate: true });
  if (plan.kind !== "aggregate") throw new Error("aggregate expected");
  return aggregateParts({ series: seriesOf(), from, to, intervalMs: plan.intervalMs, rollup: plan.rollup as RollupSource, rawHorizon: Date.now() - SCHEMA_RETENTION.rawMs, completeness: system.rollups });
}

/** Through the batch writer, as ingest and spool replay store readings. */
async function stored(system: TestSystem, readings: Reading[]): Promise<void> {
  system.writer.enqueue(readings);
  await system.writer.drained();
}

const rollupHours = (parts: ReturnType<typeof partsOf>) => parts.filter((p) => p.source !== "raw" && p.source !== "fuller").reduce((s, p) => s + (p.to - p.from) / HOUR, 0);

const MODES: readonly RollupMode[] = ["continuous-queries", "scheduler"];

describe.each(MODES)("charts from rollups (%s)", (mode) => {
  let system: TestSystem;
  const chart = async (from: number, to: number, width: number): Promise<SeriesResponse> => {
    const params = new URLSearchParams({ station: STATION, parameter: PARAMETER, from: String(from), to: String(to), width: String(width) });
    const res = await fetch(`${system.url}/api/v1/series?${params}`);
    expect(res.status).toBe(200);
    return (await res.json()) as SeriesResponse;
  };
  const fromRaw = (from: number, to: number, width: number) => new SeriesService(system.store).series(seriesOf(), from, to, width);

  beforeAll(async () => {
    // Rebuilds only when a test asks (flush), so it can look at a dirty hour first.
    system = await startTestSystem({ ROLLUP_REPAIR_QUIET_MS: "3600000", ROLLUP_REPAIR_MAX_WAIT_MS: "3600000", INFLUX_ROLLUPS: mode });
    await stored(system, Array.from({ length: WEEKS_DAYS * 144 }, (_, i) => reading(i)));
    expect(system.rollups.pendingHours).toBe(WEEKS_DAYS * 24);
    await system.rollups.flush();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it.each([
    ["1-hour buckets, ragged edges", START + 17 * MIN, END - 23 * MIN, 100, "rollup1h"],
    ["6-hour buckets from the 6-hour rows", START, END, 20, "rollup6h"],
    ["15-minute buckets from the 1-minute rollup", START + DAY, START + DAY + 12 * HOUR, 60, "rollup1m"],
    ["12-hour buckets over four weeks from the 6-hour rollup", START, WEEKS_END, 60, "rollup6h"],
    ["1-day buckets over four weeks, ragged edges", START + 5 * HOUR + 7 * MIN, WEEKS_END - 3 * HOUR - 11 * MIN, 30, "rollup6h"],
    // More than MAX_ROWS_PER_BUCKET rows a bucket: summed inside InfluxDB rather than read as rows.
    ["7-day buckets over four weeks, 6-hour rows summed in InfluxDB", START, WEEKS_END, 10, "rollup6h"],
  ] as const)("%s equal raw aggregation (censored, suspect and failed readings included)", async (_name, from, to, width, level) => {
    const parts = partsOf(system, from, to, width);
    expect(parts.some((p) => p.source === level)).toBe(true);
    if (level === "rollup6h") expect(parts.filter((p) => p.source === "rollup6h").reduce((n, p) => n + p.to - p.from, 0)).toBeGreaterThan((to - from) * 0.6);
    expect(rollupHours(parts)).toBeGreaterThan((to - from) / HOUR - 3);
    const ours = await chart(from, to, width);
    expectSameChart(ours, await fromRaw(from, to, width));
    expect(ours.points.some((p) => p.qualifier === "<LOQ" || p.qualifier === "<LOD") || ours.points.some((p) => p.nBelowLod! > 0)).toBe(true);
    expect(ours.points.some((p) => p.qc === 4)).toBe(true);
  });

  it.each([
    ["an hour", START + DAY + 5 * HOUR, END, 100, "rollup1h"],
    // A stale 6-hour row would miss the late maximum: the block must not be read from rp_6h until rebuilt.
    ["a 6-hour block (12-hour buckets)", START + 10 * DAY + 8 * HOUR, WEEKS_END, 60, "rollup6h"],
  ] as const)("reads %s with late data from raw until its rebuild, and from the rollup after", async (_name, hour, to, width, level) => {
    const late = [testReading({ station: STATION, parameter: PARAMETER, time: hour + 5 * MIN, value: 900 }), testReading({ station: STATION, parameter: PARAMETER, time: hour + 6 * MIN, qualifier: "<LOD", limit: 2 })];
    const bucketOf = (res: SeriesResponse) => res.points.find((p) => p.t <= hour && hour < p.t + res.intervalMs!)!;
    expect(partsOf(system, START, to, width).find((p) => p.from <= hour && hour < p.to)!.source).toBe(level);
    expect(bucketOf(await chart(START, to, width)).max).toBeLessThan(900);
    await stored(system, late);
    const inHour = (parts: ReturnType<typeof partsOf>) => parts.find((p) => p.from <= hour && hour < p.to)!.source;
    expect(inHour(partsOf(system, START, to, width))).toBe("raw");
    const before = await chart(START, to, width);
    expect(bucketOf(before).max).toBe(900);
    expectSameChart(before, await fromRaw(START, to, width));

    await system.rollups.flush();
    expect(inHour(partsOf(system, START, to, width))).toBe(level);
    const after = await chart(START, to, width);
    expect(bucketOf(after).max).toBe(900);
    expectSameChart(after, await fromRaw(START, to, width));
  });

  it("serves the last hours' live data equal to raw aggregation, from the rollup once it is complete", async () => {
    const station = "DE-ELBE-ZEHREN";
    const series = seriesOf(station);
    const now = Date.now();
    const from = hourFloor(now) - 2 * HOUR;
    // A reading a minute up to now, censored and flagged ones among them, stored as ingest stores them.
    const readings = Array.from({ length: Math.floor((now - from) / MIN) }, (_, i) => reading(i, from + i * MIN, station));
    await stored(system, readings);
    await system.rollups.flush();
    const plan = chooseResolution({ from, to: now, width: 20, now, retention: SCHEMA_RETENTION, nativeIntervalMs: MIN });
    if (plan.kind !== "aggregate") throw new Error("aggregate expected");
    const parts = aggregateParts({ series, from, to: now, intervalMs: plan.intervalMs, rollup: plan.rollup as RollupSource, rawHorizon: 0, completeness: system.rollups });
    // Without continuous queries the scheduler built both past hours at once; the continuous
    // queries may still rewrite them (RESAMPLE FOR 2h), so those are read from raw. The current
    // hour takes writes yet: raw either way.
    const fromRollup = parts.filter((p) => p.source === "rollup1m").reduce((sum, p) => sum + (p.to - p.from), 0);
    expect(fromRollup).toBe(mode === "scheduler" ? 2 * HOUR : 0);
    expect(parts.find((p) => p.from <= now - 1 && now - 1 < p.to)!.source).toBe("raw");
    const withRollups = await new SeriesService(system.store, { rollups: system.rollups }).series(series, from, now, 20);
    expectSameChart(withRollups, await new SeriesService(system.store).series(series, from, now, 20));
    // Every reading but the failed ones (QC 4, left out of means) is counted.
    expect(withRollups.points.reduce((sum, p) => sum + p.n!, 0)).toBe(readings.filter((r) => r.qc !== 4).length);
  });

  it("does not trust a dirty hour after a restart: it stays raw until rebuilt", async () => {
    const dir = tempDir("wm-test-rollup-state-");
    const meta = await openMetaStore(dir.dir);
    try {
      const repo = new SqlRollupStateRepository(meta.db);
      const options = { lateAfterMs: 90 * MIN, quietMs: 3_600_000, maxWaitMs: 3_600_000, mode };
      const hour = START + 2 * DAY + 3 * HOUR;
      const first = new RollupScheduler(system.store, testLogger, options, repo);
      await first.start();
      // This tracker knows the chart's hours as rebuilt (as after a backfill) …
      first.written(Array.from({ length: 3 * 144 }, (_, i) => reading(i)));
      await first.flush();
      expect(rollupHours(partsOf({ rollups: first }, START, END, 100))).toBe(72);
      // The same chart at 6-hour buckets reads the hour's block from the 6-hour rollup.
      const inBlock = (s: RollupScheduler) => partsOf({ rollups: s }, START, END, 20).find((p) => p.from <= hour && hour < p.to)!.source;
      expect(inBlock(first)).toBe("rollup6h");
      // … and then sees late data arrive in one of them.
      const late = [testReading({ station: STATION, parameter: PARAMETER, time: hour + 1 * MIN, value: -50 })];
      first.written(late);
      await system.store.writeReadings(late);
      first.written(late);
      await first.close(); // as if the process ended before the rebuild

      // The system's own tracker rebuilt nothing yet either: the rollup of that hour is stale.
      const second = new RollupScheduler(system.store, testLogger, options, repo);
      await second.start();
      expect(second.pendingHours).toBe(1);
      const chartOf = (s: RollupScheduler) => new SeriesService(system.store, { rollups: s }).series(seriesOf(), START, END, 100);
      const inHour = (s: RollupScheduler) => partsOf({ rollups: s }, START, END, 100).find((p) => p.from <= hour && hour < p.to)!.source;
      expect(inHour(second)).toBe("raw");
      expect(inBlock(second)).toBe("raw");
      expect(rollupHours(partsOf({ rollups: second }, START, END, 100))).toBe(71);
      const reference = await fromRaw(START, END, 100);
      expect(reference.points.find((p) => p.t === hour)!.min).toBe(-50);
      expectSameChart(await chartOf(second), reference);

      await second.flush();
      await second.close();
      const third = new RollupScheduler(system.store, testLogger, options, repo);
      await third.start();
      expect(third.pendingHours).toBe(0);
      expect(inHour(third)).toBe("rollup1h");
      expectSameChart(await chartOf(third), reference);
      // The blocks built before the restart are known as built: none has to be built again.
      expect(inBlock(third)).toBe("rollup6h");
      expect(third.completeSpans(chartSeriesKeys(seriesOf()), "rollup6h", START, END).reduce((n, s) => n + s.to - s.from, 0)).toBeGreaterThanOrEqual(2 * DAY);
      const sixHourChart = await fromRaw(START, END, 20);
      expectSameChart(await new SeriesService(system.store, { rollups: third }).series(seriesOf(), START, END, 20), sixHourChart);
      await third.close();

      // A release whose 6-hour SELECT differs (as if the stored blocks came from an older one): the
      // blocks are forgotten and read from the 1-hour rows until rebuilt; the 1-hour rollups stay trusted.
      await meta.db.updateTable("rollup_watch").set({ coarse_signature: "an-older-select" }).execute();
      const fourth = new RollupScheduler(system.store, testLogger, options, repo);
      await fourth.start();
      expect(inBlock(fourth)).toBe("rollup1h");
      expect(inHour(fourth)).toBe("rollup1h");
      await fourth.buildCoarse(0);
      expect(inBlock(fourth)).toBe("rollup6h");
      expectSameChart(await new SeriesService(system.store, { rollups: fourth }).series(seriesOf(), START, END, 20), sixHourChart);
      await fourth.close();
      expect((await repo.load()).watch?.coarseSignature).toBe(coarseRollupSignature());
    } finally {
      await meta.close();
      dir.remove();
    }
  });
});

describe.each(MODES)("charts from rollups after an upgrade (%s)", (mode) => {
  it.each([
    [100, "rollup1m"],
    [8, "rollup6h"],
  ] as const)("reads history written before the tracker watched from raw until the background rebuild, then from the rollup (%i px: %s)", async (width, level) => {
    const system = await startTestSystem({ ROLLUP_REPAIR_QUIET_MS: "3600000", ROLLUP_REPAIR_MAX_WAIT_MS: "3600000", INFLUX_ROLLUPS: mode });
    const dir = tempDir("wm-test-rollup-upgrade-");
    const meta = await openMetaStore(dir.dir);
    try {
      await system.store.writeReadings(Array.from({ length: 2 * 144 }, (_, i) => reading(i)));
      // A tracker that starts only now, as after an upgrade: the history is older than its anchor.
      const tracker = new RollupScheduler(system.store, testLogger, { lateAfterMs: 90 * MIN, quietMs: 3_600_000, mode }, new SqlRollupStateRepository(meta.db));
      await tracker.start();
      const to = START + 2 * DAY - STEP;
      expect(rollupHours(partsOf({ rollups: tracker }, START, to, width))).toBe(0);
      await tracker.rebuildHistory(SCHEMA_RETENTION.rawMs, 0);
      const parts = partsOf({ rollups: tracker }, START, to, width);
      expect(rollupHours(parts)).toBe(47);
      expect(parts.some((p) => p.source === level)).toBe(true);
      const reference = await new SeriesService(system.store).series(seriesOf(), START, to, width);
      expectSameChart(await new SeriesService(system.store, { rollups: tracker }).series(seriesOf(), START, to, width), reference);
      await tracker.close();
    } finally {
      await meta.close();
      dir.remove();
      await system.stop();
    }
  });
});

describe.each(MODES)("6-hour rollups after an upgrade (%s)", (mode) => {
  it("builds the settled blocks never built, on the leader only, and charts read them then", async () => {
    const system = await startTestSystem({ ROLLUP_REPAIR_QUIET_MS: "3600000", ROLLUP_REPAIR_MAX_WAIT_MS: "3600000", INFLUX_ROLLUPS: mode });
    const dir = tempDir("wm-test-rollup-coarse-");
    const meta = await openMetaStore(dir.dir);
    const trackers: RollupScheduler[] = [];
    const tracker = async (leading: boolean) => {
      const t = new RollupScheduler(system.store, testLogger, { lateAfterMs: 90 * MIN, quietMs: 3_600_000, mode, leading }, new SqlRollupStateRepository(meta.db));
      trackers.push(t);
      await t.start();
      return t;
    };
    try {
      await system.store.writeReadings(Array.from({ length: 2 * 144 }, (_, i) => reading(i)));
      await (await tracker(true)).rebuildHistory(SCHEMA_RETENTION.rawMs, 0);
      await trackers[0]!.close();
      // As before the 6-hour rollup existed: the hours are rebuilt, no block is.
      await new SqlRollupStateRepository(meta.db).saveCoarse([], coarseRollupSignature());
      await system.store.query(`DELETE FROM "reading_6h"`);
      const to = START + 2 * DAY - STEP;
      const sixHours = (t: RollupScheduler) => partsOf({ rollups: t }, START, to, 8).filter((p) => p.source === "rollup6h").length;
      const standby = await tracker(false);
      await standby.buildCoarse(0);
      expect(sixHours(standby)).toBe(0);
      const leader = await tracker(true);
      await leader.buildCoarse(0);
      expect(sixHours(leader)).toBeGreaterThan(0);
      expectSameChart(await new SeriesService(system.store, { rollups: leader }).series(seriesOf(), START, to, 8), await new SeriesService(system.store).series(seriesOf(), START, to, 8));
    } finally {
      for (const t of trackers) await t.close();
      await meta.close();
      dir.remove();
      await system.stop();
    }
  });
});

describe.each(MODES)("charts from rollups after a spool replay (%s)", (mode) => {
  it.each([
    [2, 100, "rollup1m"],
    [14, 20, "rollup6h"],
  ] as const)("serves %i replayed days from raw until rebuilt, then from the rollup (%i px: %s), equal to raw aggregation", async (days, width, level) => {
    const influxd = await startOwnInfluxd();
    const system = await startTestSystem({ WRITE_FLUSH_MS: "50", ROLLUP_REPAIR_QUIET_MS: "3600000", ROLLUP_REPAIR_MAX_WAIT_MS: "3600000", INFLUX_ROLLUPS: mode }, influxd.url);
    try {
      const token = (await system.stationTokens.create("replay", ["*"])).token;
      const station = "DE-ELBE-ZEHREN";
      const readings = Array.from({ length: days * 144 }, (_, i) => reading(i, START + i * STEP, station));
      await influxd.crash();
      const body = {
        readings: readings.map((r) => ({
          station: r.station, parameter: r.parameter, time: new Date(r.time).toISOString(),
          ...(r.value !== null ? { value: r.value } : r.qualifier === "<LOD" ? { belowLod: { lod: r.limit } } : { belowLoq: { loq: r.limit } }),
        })),
      };
      expect((await postReadings(system.url, token, body)).status).toBe(202);
      await expect.poll(() => system.writer.stats().spoolBatches, { timeout: 10_000 }).toBeGreaterThan(0);
      await influxd.restart();
      await system.writer.drained();
      await expect.poll(() => system.writer.stats().spoolBatches, { timeout: 30_000 }).toBe(0);

      const series = { ...seriesOf(station) };
      const from = START;
      const to = START + days * DAY - STEP;
      const withRollups = () => new SeriesService(system.store, { rollups: system.rollups }).series(series, from, to, width);
      const raw = await new SeriesService(system.store).series(series, from, to, width);
      expect(raw.points.reduce((s, p) => s + p.n!, 0)).toBeGreaterThan(200);
      const partsNow = () => {
        const plan = chooseResolution({ from, to, width, now: Date.now(), retention: SCHEMA_RETENTION });
        if (plan.kind !== "aggregate") throw new Error("aggregate expected");
        return aggregateParts({ series, from, to, intervalMs: plan.intervalMs, rollup: plan.rollup, rawHorizon: 0, completeness: system.rollups });
      };
      expect(partsNow().every((p) => p.source === "raw")).toBe(true);
      expectSameChart(await withRollups(), raw);

      await system.rollups.flush();
      expect(rollupHours(partsNow())).toBe(days * 24 - 1);
      expect(partsNow().some((p) => p.source === level)).toBe(true);
      expectSameChart(await withRollups(), raw);
    } finally {
      await system.stop();
      await influxd.stop();
    }
  }, 90_000);
});
