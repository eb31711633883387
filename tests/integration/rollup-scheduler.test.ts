// Late history reaches the rollups: readings for times the continuous queries no longer revisit are
// rolled up once writes pause, so long-range charts and post-retention history stay complete.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLLUP_FIELD, ROLLUP_MEASUREMENT, RETENTION } from "../../server/src/influx/schema.ts";
import { TAG } from "../../common/wire.ts";
import { RollupScheduler, hourRuns } from "../../server/src/query/rollup-scheduler.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { testReading } from "../helpers/catalog.ts";
import { startTestSystem, testLogger, type TestSystem } from "../helpers/test-system.ts";

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

describe("rollup repair after late writes", () => {
  let system: TestSystem;
  let token: string;
  beforeAll(async () => {
    system = await startTestSystem({ ROLLUP_REPAIR_QUIET_MS: "50" });
    token = (await system.stationTokens.create("backfill", ["*"])).token;
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function hourRollup(hourStart: number): Promise<Record<string, number> | undefined> {
    const rows = await system.store.query<Record<string, number>>(
      `SELECT * FROM "${RETENTION.oneHour.name}"."${ROLLUP_MEASUREMENT.oneHour}" WHERE "${TAG.station}" = 'DE-MULDE-BADDUEBEN' AND time = ${hourStart}ms`,
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

  it("leaves recent readings to the continuous queries and notes each late hour once", () => {
    const now = Date.UTC(2026, 10, 25, 12, 0);
    const scheduler = new RollupScheduler(system.store, testLogger, { lateAfterMs: 90 * 60_000, quietMs: 60_000, now: () => now });
    const reading = (time: number) => testReading({ station: "DE-MULDE-BADDUEBEN", parameter: "ph", time, value: 7.6 });
    scheduler.written([reading(now - 10 * 60_000), reading(now - 80 * 60_000)]);
    expect(scheduler.pendingHours).toBe(0);
    scheduler.written([reading(now - 3 * HOUR), reading(now - 3 * HOUR + 60_000), reading(now - 30 * HOUR)]);
    expect(scheduler.pendingHours).toBe(2);
    void scheduler.close();
  });
});
