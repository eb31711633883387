import { gzipSync } from "node:zlib";
import { InfluxDB } from "influx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEASUREMENT } from "../../common/wire.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

let system: TestSystem;
let token: string;
let db: string;

beforeAll(async () => {
  system = await startTestSystem();
  db = system.config.influx.database;
  token = (await system.stationTokens.create("gateway", ["*"])).token;
});
afterAll(async () => {
  await system?.stop();
});

function write(body: string, query: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${system.url}/write?${query}`, { method: "POST", headers: { authorization: `Token ${token}`, ...headers }, body });
}

async function stored(where: string): Promise<Array<Record<string, any>>> {
  await system.writer.drained();
  return system.store.query(`SELECT * FROM "${MEASUREMENT}" WHERE ${where}`);
}

describe("InfluxDB-compatible /write", () => {
  it("answers /ping like InfluxDB", async () => {
    const res = await fetch(`${system.url}/ping`);
    expect(res.status).toBe(204);
    expect(res.headers.get("x-influxdb-version")).toMatch(/^1\./);
  });

  it("stores line protocol with the right tags, fields, QC flag and time", async () => {
    const ts = Date.UTC(2026, 10, 24, 6, 0);
    const body = [
      `reading,station=CN-JIALING-BEIBEI,parameter=sulfamethoxazole,host=gw1 value=18.5 ${ts}`,
      `reading,station=CN-JIALING-BEIBEI,parameter=ethinylestradiol lod=0.05,qualifier="<LOD" ${ts}`,
    ].join("\n");
    const res = await write(body, `db=${db}&precision=ms`);
    expect(res.status).toBe(204);
    const rows = await stored(`station = 'CN-JIALING-BEIBEI' AND time = ${ts}ms`);
    expect(rows).toHaveLength(2);
    const byParameter = Object.fromEntries(rows.map((r) => [r.parameter, r]));
    expect(byParameter.sulfamethoxazole).toMatchObject({ value: 18.5, qc: 1 });
    expect(byParameter.ethinylestradiol).toMatchObject({ value: null, lod: 0.05, qualifier: "<LOD" });
    expect(Object.keys(rows[0]!)).not.toContain("host");
  });

  it("accepts gzip bodies, second precision, basic auth and u/p query parameters", async () => {
    const s = Math.floor(Date.UTC(2026, 10, 24, 7) / 1000);
    const basic = `Basic ${Buffer.from(`station:${token}`).toString("base64")}`;
    let res = await fetch(`${system.url}/write?db=${db}&precision=s`, {
      method: "POST",
      headers: { authorization: basic, "content-encoding": "gzip" },
      body: gzipSync(`reading,station=DE-MULDE-BADDUEBEN,parameter=ph value=7.9 ${s}`),
    });
    expect(res.status).toBe(204);
    res = await fetch(`${system.url}/write?db=${db}&precision=s&u=station&p=${encodeURIComponent(token)}`, {
      method: "POST",
      body: `reading,station=DE-MULDE-BADDUEBEN,parameter=ph value=7.8 ${s + 600}`,
    });
    expect(res.status).toBe(204);
    expect(await stored(`station = 'DE-MULDE-BADDUEBEN'`)).toHaveLength(2);
  });

  it("works unchanged with the influx npm client's writePoints", async () => {
    const client = new InfluxDB({ host: "127.0.0.1", port: system.port, database: db, username: "station", password: token });
    const time = new Date(Date.UTC(2026, 10, 24, 8));
    await client.writePoints(
      [
        { measurement: "reading", tags: { station: "DE-ZSCHOPAU-WALDHEIM", parameter: "diclofenac" }, fields: { value: 61.2 }, timestamp: time },
        { measurement: "reading", tags: { station: "DE-ZSCHOPAU-WALDHEIM", parameter: "turbidity" }, fields: { value: 14 }, timestamp: time },
      ],
      { precision: "ms" },
    );
    const rows = await stored(`station = 'DE-ZSCHOPAU-WALDHEIM'`);
    expect(rows.map((r) => [r.parameter, r.value]).sort()).toEqual([["diclofenac", 61.2], ["turbidity", 14]]);
    const pings = await client.ping(2000);
    expect(pings[0]?.online).toBe(true);
  });

  const ts = Date.UTC(2026, 10, 24, 9);
  it.each([
    ["unescaped spaces", `reading,station=DE-ELBE-ZEHREN,parameter=ph value=7 extra ${ts}`, "precision=ms", 400, /unable to parse/],
    ["a string value", `reading,station=DE-ELBE-ZEHREN,parameter=ph value="7" ${ts}`, "precision=ms", 400, /value must be a number/],
    ["a boolean value", `reading,station=DE-ELBE-ZEHREN,parameter=ph value=true ${ts}`, "precision=ms", 400, /value must be a number/],
    ["another measurement", `cpu,station=DE-ELBE-ZEHREN,parameter=ph value=7 ${ts}`, "precision=ms", 400, /measurement "cpu" is not accepted/],
    ["newline injection in a tag value", `reading,station=DE-ELBE-ZEHREN\nDROP DATABASE x,parameter=ph value=7 ${ts}`, "precision=ms", 400, /unable to parse/],
    ["comma and = in a tag value", `reading,station=DE-ELBE-ZEHREN\\,parameter\\=ph,parameter=ph value=7 ${ts}`, "precision=ms", 400, /unknown station/],
    ["an unknown station", `reading,station=XX,parameter=ph value=7 ${ts}`, "precision=ms", 400, /line 1: unknown station "XX"/],
    ["a wrong precision", `reading,station=DE-ELBE-ZEHREN,parameter=ph value=7 ${ts}`, "precision=fortnight", 400, /invalid precision "fortnight"/],
    ["a timestamp at the wrong precision (far future)", `reading,station=DE-ELBE-ZEHREN,parameter=ph value=7 ${ts}`, "precision=s", 400, /in the future/],
    ["no points", "\n\n", "precision=ms", 400, /writing requires points/],
  ])("rejects %s", async (_name, body, precision, status, message) => {
    const before = (await stored("time > 0")).length;
    const res = await write(body, `db=${db}&${precision}`);
    expect(res.status).toBe(status);
    const json = (await res.json()) as { error: string };
    expect(typeof json.error).toBe("string");
    expect(json.error).toMatch(message);
    expect((await stored("time > 0")).length).toBe(before);
  });

  it("answers a missing or unknown database and missing credentials like InfluxDB", async () => {
    let res = await write("reading,station=S,parameter=P value=1", "precision=ms");
    expect([res.status, await res.json()]).toEqual([400, { error: "database is required" }]);
    res = await write("reading,station=S,parameter=P value=1", "db=other");
    expect([res.status, await res.json()]).toEqual([404, { error: 'database not found: "other"' }]);
    res = await fetch(`${system.url}/write?db=${db}`, { method: "POST", body: "reading,station=S,parameter=P value=1" });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/token is required/);
  });
});

describe("rate-limited /write", () => {
  let limited: TestSystem;
  beforeAll(async () => {
    limited = await startTestSystem({ WRITE_RATE_LIMIT_PER_MINUTE: "2" });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it("answers 429 in InfluxDB's error style with Retry-After, like every other /write error", async () => {
    const gateway = (await limited.stationTokens.create("gateway", ["*"])).token;
    const send = () =>
      fetch(`${limited.url}/write?db=${limited.config.influx.database}&precision=ms`, {
        method: "POST",
        headers: { authorization: `Token ${gateway}` },
        body: `reading,station=DE-ELBE-ZEHREN,parameter=ph value=7.9 ${Date.now()}`,
      });
    expect((await send()).status).toBe(204);
    expect((await send()).status).toBe(204);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: unknown };
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error).toEqual(expect.stringMatching(/Too many write requests .*limit 2 per minute.*retry in \d+ s/));
  });
});
