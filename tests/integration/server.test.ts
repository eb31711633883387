import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEASUREMENT, TAG, FIELD } from "../../common/wire.ts";
import type { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { testReading } from "../helpers/catalog.ts";
import { startOwnInfluxd, startTestSystem, type TestSystem } from "../helpers/test-system.ts";

describe("server against a real InfluxDB", () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  it("creates the database, retention policies and continuous queries", async () => {
    const rps = await system.store.query(`SHOW RETENTION POLICIES ON "${system.store.database}"`);
    const names = rps.map((r) => (r as { name: string }).name);
    expect(names).toEqual(expect.arrayContaining(["raw", "rp_1m", "rp_1h", "rp_6h"]));
    const cqs = await system.store.query("SHOW CONTINUOUS QUERIES");
    const text = JSON.stringify(cqs.groups());
    expect(text).toContain("cq_reading_1m");
    expect(text).toContain("cq_reading_1h");
  });

  it("writes a reading through the store and reads it back with tags, fields and time", async () => {
    const time = Date.UTC(2026, 10, 20, 10, 0, 0);
    await system.store.writeReadings([
      testReading({ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", time, value: 123.5 }),
      testReading({ station: "DE-ELBE-ZEHREN", parameter: "ethinylestradiol", time, value: null, qualifier: "<LOD", limit: 0.05 }),
    ]);
    const rows = await system.store.query<Record<string, unknown>>(
      `SELECT * FROM "${MEASUREMENT}" WHERE "${TAG.station}" = 'DE-ELBE-ZEHREN'`,
    );
    const byParameter = new Map(rows.map((r) => [r[TAG.parameter], r]));
    expect(byParameter.get("carbamazepine")).toMatchObject({ [FIELD.value]: 123.5, [FIELD.qc]: 1, [FIELD.meanValue]: 123.5, [TAG.sensor]: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE" });
    expect((byParameter.get("carbamazepine")!.time as Date).getTime()).toBe(time);
    expect(byParameter.get("ethinylestradiol")).toMatchObject({
      [FIELD.value]: null,
      [FIELD.lod]: 0.05,
      [FIELD.qualifier]: "<LOD",
      [FIELD.meanValue]: 0.025,
    });
  });

  it("answers /api/health with 200, version and InfluxDB status", async () => {
    const res = await fetch(`${system.url}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body.status).toBe("ok");
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.influx.reachable).toBe(true);
    expect(body.influx.version).toMatch(/^1\./);
    expect(body.writeQueue.queueDepth).toBe(0);
  });

  it("answers unknown API routes with a JSON 404", async () => {
    const res = await fetch(`${system.url}/api/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "No route for GET /api/nope" } });
  });
});

describe("health when InfluxDB goes away", () => {
  let influxd: ManagedInfluxd;
  let system: TestSystem;
  beforeAll(async () => {
    influxd = await startOwnInfluxd();
    system = await startTestSystem({}, influxd.url);
  });
  afterAll(async () => {
    await system?.stop();
    await influxd?.stop();
  });

  it("answers 503 with a clear reason while influxd is dead, keeps running, and recovers", async () => {
    await influxd.crash();
    const down = await fetch(`${system.url}/api/health`);
    expect(down.status).toBe(503);
    const body = (await down.json()) as Record<string, any>;
    expect(body.status).toBe("unavailable");
    expect(body.influx.reachable).toBe(false);
    expect(body.influx.error).toMatch(/InfluxDB is unreachable/);

    await influxd.restart();
    const up = await fetch(`${system.url}/api/health`);
    expect(up.status).toBe(200);
  });
});
