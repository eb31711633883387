// InfluxDB deployments besides OSS 1.x (issue #21): INFLUX_ROLLUPS decides who builds the rollups
// (continuous queries, or the rollup scheduler for servers without them), and
// INFLUX_WRITE_CONSISTENCY (InfluxDB Enterprise 1.x) goes on every write. Against real influxd (OSS
// 1.x, which accepts and ignores `consistency`), behind a recording proxy that shows what was sent.
import { afterEach, describe, expect, inject, it } from "vitest";
import { InfluxReadingStore } from "../../server/src/influx/store.ts";
import { RETENTION } from "../../server/src/influx/schema.ts";
import { continuousQueriesIn } from "../helpers/influx-admin.ts";
import { startHttpRecorder, type HttpRecorder } from "../helpers/http-recorder.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { startTestSystem, testLogger, uniqueDatabase, type TestSystem } from "../helpers/test-system.ts";

const HOUR = 3_600_000;
const OURS = ["cq_reading_1h", "cq_reading_1m"];

describe("INFLUX_ROLLUPS", () => {
  const influxUrl = inject("influxUrl");
  const store = (database: string, rollups: "auto" | "continuous-queries" | "scheduler") => new InfluxReadingStore({ url: influxUrl, database, logger: testLogger, rollups });

  it("auto picks the continuous queries on InfluxDB 1.x", async () => {
    const database = uniqueDatabase();
    const auto = store(database, "auto");
    await auto.ensureSchema();
    expect(auto.rollupMode).toBe("continuous-queries");
    expect((await continuousQueriesIn(influxUrl, database)).sort()).toEqual(OURS);
    await auto.query(`DROP DATABASE "${database}"`);
  });

  it("scheduler drops the continuous queries Water Monitor created earlier, and only those", async () => {
    const database = uniqueDatabase();
    const before = store(database, "continuous-queries");
    await before.ensureSchema();
    // An operator's own continuous query stays.
    await before.query(`CREATE CONTINUOUS QUERY "operator_daily" ON "${database}" BEGIN SELECT count("value") INTO "${database}"."${RETENTION.oneHour.name}"."daily" FROM "${database}"."${RETENTION.raw.name}"."reading" GROUP BY time(1d) END`);
    expect((await continuousQueriesIn(influxUrl, database)).sort()).toEqual([...OURS, "operator_daily"]);
    const after = store(database, "scheduler");
    await after.ensureSchema();
    expect(after.rollupMode).toBe("scheduler");
    expect(await continuousQueriesIn(influxUrl, database)).toEqual(["operator_daily"]);
    await after.query(`DROP DATABASE "${database}"`);
  });
});

describe("INFLUX_WRITE_CONSISTENCY", () => {
  let recorder: HttpRecorder | undefined;
  let system: TestSystem | undefined;
  afterEach(async () => {
    await system?.stop();
    await recorder?.close();
    system = recorder = undefined;
  });

  const writes = () => recorder!.requests.filter((r) => r.method === "POST" && r.url.startsWith("/write")).map((r) => new URL(r.url, "http://x").searchParams);

  it.each([
    { consistency: "quorum", sent: "quorum" },
    { consistency: "all", sent: "all" },
    { consistency: undefined, sent: null },
  ])("consistency=$consistency: sent as $sent on every write, readings and the scheduler's rollup rows alike", async ({ consistency, sent }) => {
    recorder = await startHttpRecorder(inject("influxUrl"));
    system = await startTestSystem({ INFLUX_ROLLUPS: "scheduler", ROLLUP_REPAIR_QUIET_MS: "3600000", ...(consistency && { INFLUX_WRITE_CONSISTENCY: consistency }) }, recorder.url);
    const token = (await system.stationTokens.create("consistency", ["*"])).token;
    const time = new Date(Date.now() - 3 * HOUR).toISOString();
    expect((await postReadings(system.url, token, { readings: [{ station: "DE-MULDE-BADDUEBEN", parameter: "ph", time, value: 7.4 }] })).status).toBe(202);
    await system.writer.drained();
    await system.rollups.flush();
    // Stored (OSS accepts the parameter), and rolled up.
    const rows = await system.store.query(`SELECT count("value") AS n FROM "${RETENTION.raw.name}"."reading"`);
    expect((rows[0] as { n: number }).n).toBe(1);
    const seen = writes();
    expect(seen.map((p) => p.get("rp")).sort()).toEqual([RETENTION.raw.name, RETENTION.oneMinute.name, RETENTION.oneHour.name, RETENTION.sixHours.name].sort());
    for (const params of seen) expect(params.get("consistency")).toBe(sent);
  });
});
