// Late history reaches the rollups: readings for times the continuous queries no longer revisit are
// rolled up once writes pause, so long-range charts and post-retention history stay complete.
// Without continuous queries (INFLUX_ROLLUPS=scheduler, as on InfluxDB 2.x/3.x) the scheduler
// builds every hour's rollups, live ones too, within its longest wait even while writes go on.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ROLLUP_FIELD, ROLLUP_MEASUREMENT, RETENTION } from "../../server/src/influx/schema.ts";
import { TAG } from "../../common/wire.ts";
import type { RollupMode } from "../../server/src/influx/schema.ts";
import { RollupScheduler } from "../../server/src/query/rollup-scheduler.ts";
import { SqlRollupStateRepository } from "../../server/src/query/rollup-state-repository.ts";
import { hourRuns, seriesKey } from "../../server/src/query/rollup-completeness.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { testReading } from "../helpers/catalog.ts";
import { startTestSystem, testLogger, type TestSystem } from "../helpers/test-system.ts";
import { continuousQueriesIn } from "../helpers/influx-admin.ts";

const HOUR = 3_600_000;

describe("hourRuns", () => {
  it.each([
    [[], []],
    [[0], [[0, 0]]],
    [[2 * HOUR, 0, HOUR, HOUR], [[0, 2 * HOUR]]],
    [[0, 5 * HOUR, 6 * HOUR], [[0, 0], [5 * HOUR, 6 * HOUR]]],
  ])("groups %j into %j", (hours, runs) => {
    expect(hourRuns(hours)).toEqual(runs);
  });
});

const MODES: ReadonlyArray<{ mode: RollupMode; recentHours: number }> = [
  // The continuous queries roll up recent readings: only late ones make their hour dirty.
  { mode: "continuous-queries", recentHours: 0 },
  // Nothing else does: both hours of the recent readings are dirty too.
  { mode: "scheduler", recentHours: 2 },
];

describe.each(MODES)("rollup repair after late writes ($mode)", ({ mode, recentHours }) => {
  let system: TestSystem;
  let token: string;
  beforeAll(async () => {
    system = await startTestSystem({ ROLLUP_REPAIR_QUIET_MS: "50", INFLUX_ROLLUPS: mode });
    token = (await system.stationTokens.create("backfill", ["*"])).token;
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function hourRollup(hourStart: number, station = "DE-MULDE-BADDUEBEN"): Promise<Record<string, number> | undefined> {
    const rows = await system.store.query<Record<string, number>>(
      `SELECT * FROM "${RETENTION.oneHour.name}"."${ROLLUP_MEASUREMENT.oneHour}" WHERE "${TAG.station}" = '${station}' AND time = ${hourStart}ms`,
    );
    return rows[0];
  }

  it("rolls up a backfilled hour (with a below-LOD reading) into rp_1h and rp_1m by itself", async () => {
    const hourStart = Math.floor((Date.now() - 3 * 24 * HOUR) / HOUR) * HOUR;
    const values = [10, 12, 14, 16, 18];
    const readings = [
      ...values.map((value, i) => ({ station: "DE-MULDE-BADDUEBEN", parameter: "diclofenac", time: hourStart + i * 10 * 60_000, value })),
      { station: "DE-MULDE-BADDUEBEN", parameter: "diclofenac", time: hourStart + 50 * 60_000, belowLod: { lod: 5 } },
    ];
    expect((await postReadings(system.url, token, { readings })).status).toBe(202);
    await system.writer.drained();
    await expect.poll(() => hourRollup(hourStart), { timeout: 10_000, interval: 100 }).toBeDefined();
    const row = (await hourRollup(hourStart))!;
    // EU convention: the <LOD reading counts as 2.5 (half the LOD) in the mean.
    expect(row[ROLLUP_FIELD.count]).toBe(6);
    expect(row[ROLLUP_FIELD.mean]).toBeCloseTo((10 + 12 + 14 + 16 + 18 + 2.5) / 6, 10);
    expect(row[ROLLUP_FIELD.belowLodCount]).toBe(1);
    const minutes = await system.store.query(
      `SELECT count("${ROLLUP_FIELD.mean}") AS n FROM "${RETENTION.oneMinute.name}"."${ROLLUP_MEASUREMENT.oneMinute}" WHERE time >= ${hourStart}ms AND time < ${hourStart + HOUR}ms`,
    );
    expect((minutes[0] as { n: number }).n).toBe(6);
  });

  it(`notes each late hour once${mode === "scheduler" ? ", and every recent one" : ", leaving recent readings to the continuous queries"}`, () => {
    const now = Date.UTC(2026, 10, 25, 12, 0);
    const scheduler = new RollupScheduler(system.store, testLogger, { lateAfterMs: 90 * 60_000, quietMs: 60_000, now: () => now, mode });
    const reading = (time: number) => testReading({ station: "DE-MULDE-BADDUEBEN", parameter: "ph", time, value: 7.6 });
    scheduler.written([reading(now - 10 * 60_000), reading(now - 80 * 60_000)]);
    expect(scheduler.pendingHours).toBe(recentHours);
    scheduler.written([reading(now - 3 * HOUR), reading(now - 3 * HOUR + 60_000), reading(now - 30 * HOUR)]);
    expect(scheduler.pendingHours).toBe(recentHours + 2);
    void scheduler.close();
  });

  it("trusts no rollup hour until it knows who builds the rollups (InfluxDB answering late), then follows that", async () => {
    let decide!: (decided: RollupMode) => void;
    const options = { lateAfterMs: 90 * 60_000, quietMs: 3_600_000, mode: new Promise<RollupMode>((resolve) => (decide = resolve)) };
    const scheduler = new RollupScheduler(system.store, testLogger, options);
    await scheduler.start();
    const key = seriesKey("DE-MULDE-BADDUEBEN", "ph", "");
    const now = Date.now();
    expect(scheduler.mode).toBeUndefined();
    expect(scheduler.completeSpans([key], "rollup1h", now - 30 * 24 * HOUR, now)).toEqual([]);
    decide(mode);
    await expect.poll(() => scheduler.mode).toBe(mode);
    scheduler.written([testReading({ station: "DE-MULDE-BADDUEBEN", parameter: "ph", time: now - 10 * 60_000, value: 7.6 })]);
    expect(scheduler.pendingHours).toBe(mode === "scheduler" ? 1 : 0);
    await scheduler.close();
  });

  it(`${mode === "scheduler" ? "creates no" : "keeps its"} continuous queries in the database`, async () => {
    expect(system.store.rollupMode).toBe(mode);
    expect((await continuousQueriesIn(inject("influxUrl"), system.store.database)).sort()).toEqual(mode === "scheduler" ? [] : ["cq_reading_1h", "cq_reading_1m"]);
  });
});

describe("rollups built by the scheduler (INFLUX_ROLLUPS=scheduler)", () => {
  let system: TestSystem;
  let token: string;
  beforeAll(async () => {
    // Writes never pause for 10 s here; the longest wait (300 ms) rebuilds anyway.
    system = await startTestSystem({ ROLLUP_REPAIR_QUIET_MS: "10000", ROLLUP_REPAIR_MAX_WAIT_MS: "300", INFLUX_ROLLUPS: "scheduler" });
    token = (await system.stationTokens.create("live", ["*"])).token;
  });
  afterAll(async () => {
    await system?.stop();
  });

  it("rolls up the current hour while readings keep arriving, below-LOD ones included", async () => {
    const station = "DE-ELBE-ZEHREN";
    const hourStart = Math.floor((Date.now() - 100) / HOUR) * HOUR;
    const rollupOfHour = async () =>
      (await system.store.query<Record<string, number>>(
        `SELECT * FROM "${RETENTION.oneHour.name}"."${ROLLUP_MEASUREMENT.oneHour}" WHERE "${TAG.station}" = '${station}' AND time = ${hourStart}ms`,
      ))[0];
    const posted: Array<number | null> = [];
    let rebuiltWhileWriting = false;
    // A reading every 50 ms for 2 s: never a pause of ROLLUP_REPAIR_QUIET_MS.
    for (let i = 0; i < 40; i++) {
      // Readings of this hour, each at its own instant (all in the past: at least 40 ms have passed).
      const t = hourStart + i;
      const value = i % 4 === 3 ? null : 20 + i;
      const reading = { station, parameter: "diclofenac", time: new Date(t).toISOString(), ...(value === null ? { belowLod: { lod: 4 } } : { value }) };
      expect((await postReadings(system.url, token, { readings: [reading] })).status).toBe(202);
      posted.push(value);
      if (i > 20 && (await rollupOfHour()) !== undefined) rebuiltWhileWriting = true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(rebuiltWhileWriting).toBe(true);
    await system.writer.drained();
    // Within the longest wait after the last write, the hour holds every reading.
    await expect.poll(async () => (await rollupOfHour())?.[ROLLUP_FIELD.count], { timeout: 10_000, interval: 100 }).toBe(40);
    const row = (await rollupOfHour())!;
    expect(row[ROLLUP_FIELD.belowLodCount]).toBe(10);
    // EU convention: a <LOD reading counts as half the LOD (2) in the mean.
    const values = posted.map((v) => v ?? 2);
    expect(row[ROLLUP_FIELD.mean]).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
    // The rebuild that found all 40 may have started before the last write ended: that write keeps
    // its hour dirty for one more rebuild, due within the longest wait. The hour counts as clean once
    // its 6-hour block is rebuilt too, from the complete 1-hour row.
    await expect.poll(() => system.rollups.pendingHours, { timeout: 10_000, interval: 100 }).toBe(0);
    const block = Math.floor(hourStart / (6 * HOUR)) * 6 * HOUR;
    const [sixHours] = await system.store.query<Record<string, number>>(
      `SELECT * FROM "${RETENTION.sixHours.name}"."${ROLLUP_MEASUREMENT.sixHours}" WHERE "${TAG.station}" = '${station}' AND time = ${block}ms`,
    );
    expect(sixHours?.[ROLLUP_FIELD.count]).toBe(40);
    expect(sixHours?.[ROLLUP_FIELD.mean]).toBeCloseTo(row[ROLLUP_FIELD.mean]!, 9);
  });
});

describe("rollup scheduler of several instances (INFLUX_ROLLUPS=scheduler)", () => {
  it("the leader rebuilds the hours a standby wrote to, read from the shared state, and trusts them only then", async () => {
    const system = await startTestSystem({ INFLUX_ROLLUPS: "scheduler", ROLLUP_REPAIR_QUIET_MS: "3600000", ROLLUP_REPAIR_MAX_WAIT_MS: "3600000" });
    const repository = new SqlRollupStateRepository(system.meta.db);
    const options = { lateAfterMs: 90 * 60_000, quietMs: 3_600_000, maxWaitMs: 3_600_000, mode: "scheduler" as const };
    const leader = new RollupScheduler(system.store, testLogger, options, repository);
    const standby = new RollupScheduler(system.store, testLogger, { ...options, leading: false }, repository);
    try {
      await Promise.all([leader.start(), standby.start()]);
      const hour = Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR;
      const key = seriesKey("DE-MULDE-BADDUEBEN", "ph", testReading({ station: "DE-MULDE-BADDUEBEN", parameter: "ph", time: hour }).sensor);
      // The leader built the hour (no reading in it yet): complete for it ...
      const readings = [testReading({ station: "DE-MULDE-BADDUEBEN", parameter: "ph", time: hour + 60_000, value: 7.2 })];
      leader.written(readings);
      await leader.flush();
      expect(leader.completeSpans([key], "rollup1h", hour, hour + HOUR)).toEqual([{ from: hour, to: hour + HOUR }]);
      // ... until the standby stores a reading in it: the leader hears of it from the shared state.
      await system.store.writeReadings(readings);
      standby.written(readings);
      await standby.saved();
      await leader.refreshDirty();
      expect(leader.pendingHours).toBe(1);
      expect(leader.completeSpans([key], "rollup1h", hour, hour + HOUR)).toEqual([]);
      await leader.flush();
      expect(leader.completeSpans([key], "rollup1h", hour, hour + HOUR)).toEqual([{ from: hour, to: hour + HOUR }]);
      const rows = await system.store.query<Record<string, number>>(`SELECT * FROM "${RETENTION.oneHour.name}"."${ROLLUP_MEASUREMENT.oneHour}" WHERE time = ${hour}ms AND "${TAG.parameter}" = 'ph'`);
      expect(rows[0]?.[ROLLUP_FIELD.mean]).toBe(7.2);
    } finally {
      await Promise.all([leader.close(), standby.close()]);
      await system.stop();
    }
  });
});
