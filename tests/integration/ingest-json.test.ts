import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELD, MEASUREMENT } from "../../common/wire.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { postReadings, reading } from "../helpers/ingest-client.ts";

let system: TestSystem;
let token: string;
let zehrenOnly: string;

beforeAll(async () => {
  system = await startTestSystem({ INGEST_MAX_BYTES: "200000", INGEST_MAX_READINGS: "1000" });
  token = (await system.stationTokens.create("all stations", ["*"])).token;
  zehrenOnly = (await system.stationTokens.create("Zehren logger", ["DE-ELBE-ZEHREN"])).token;
});
afterAll(async () => {
  await system?.stop();
});

async function countStored(): Promise<number> {
  await system.writer.drained();
  const rows = await system.store.query<{ count: number }>(`SELECT count("${FIELD.qc}") FROM "${MEASUREMENT}"`);
  return rows[0]?.count ?? 0;
}

describe("POST /api/v1/readings", () => {
  it("stores values and below-LOD readings with tags, fields, QC flag and time", async () => {
    const time = "2026-11-24T08:10:00+01:00";
    const res = await postReadings(system.url, token, {
      readings: [
        reading({ time, value: 130.25, unit: "ng/L" }),
        reading({ time, parameter: "ethinylestradiol", value: undefined, belowLod: { lod: 0.05 } }),
        reading({ time, parameter: "ph", value: 15 }),
      ],
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 3, flagged: { suspect: 0, fail: 1 } });
    await system.writer.drained();
    const rows = await system.store.query<Record<string, any>>(`SELECT * FROM "${MEASUREMENT}" WHERE time = '2026-11-24T07:10:00Z'`);
    const byParameter = Object.fromEntries(rows.map((r) => [r.parameter, r]));
    expect(byParameter.carbamazepine).toMatchObject({ station: "DE-ELBE-ZEHREN", sensor: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", value: 130.25, qc: 1, mean_value: 130.25 });
    expect(byParameter.ethinylestradiol).toMatchObject({ value: null, lod: 0.05, qualifier: "<LOD", qc: 1 });
    expect(byParameter.ph).toMatchObject({ value: 15, qc: 4, mean_value: null });
  });

  it("accepts epoch milliseconds and is idempotent by station, parameter and time", async () => {
    const before = await countStored();
    const body = { readings: [reading({ time: Date.UTC(2026, 10, 23, 12), parameter: "diclofenac", value: 44 })] };
    expect((await postReadings(system.url, token, body)).status).toBe(202);
    expect((await postReadings(system.url, token, body)).status).toBe(202);
    expect(await countStored()).toBe(before + 1);
  });

  it("accepts gzip-compressed bodies", async () => {
    const { gzipSync } = await import("node:zlib");
    const body = gzipSync(JSON.stringify({ readings: [reading({ time: Date.UTC(2026, 10, 23, 13) })] }));
    const res = await fetch(`${system.url}/api/v1/readings`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip", authorization: `Bearer ${token}` },
      body,
    });
    expect(res.status).toBe(202);
  });

  it("hands accepted readings to the live hub and alert engine stream", async () => {
    const seen: string[] = [];
    const off = system.events.onAccepted((rs) => rs.forEach((r) => seen.push(`${r.parameter}:${r.qc}`)));
    await postReadings(system.url, token, { readings: [reading({ parameter: "nitrate", value: 12, unit: "mg/L" })] });
    off();
    expect(seen).toEqual(["nitrate:1"]);
  });
});

describe("bad input is refused with a clear message and nothing is stored", () => {
  const now = () => new Date().toISOString();
  const cases: Array<[string, () => { body: unknown; token?: string | null; headers?: Record<string, string> }, number, RegExp]> = [
    ["malformed JSON", () => ({ body: '{"readings": [' }), 400, /Malformed JSON/],
    ["body over the size limit", () => ({ body: { readings: Array.from({ length: 900 }, () => reading({ time: now(), unit: "x".repeat(200) })) } }), 413, /exceeds the limit/],
    ["too many readings", () => ({ body: { readings: Array.from({ length: 1001 }, () => reading()) } }), 400, /at most 1000 readings/],
    ["empty batch", () => ({ body: { readings: [] } }), 400, /readings is empty/],
    ["no readings array", () => ({ body: { values: [] } }), 400, /readings/],
    ["NaN as a value", () => ({ body: '{"readings":[{"station":"DE-ELBE-ZEHREN","parameter":"ph","time":"2026-11-24T10:00:00Z","value":NaN}]}' }), 400, /Malformed JSON/],
    ["Infinity as a value", () => ({ body: '{"readings":[{"station":"DE-ELBE-ZEHREN","parameter":"ph","time":"2026-11-24T10:00:00Z","value":Infinity}]}' }), 400, /Malformed JSON/],
    ["a string as a value", () => ({ body: { readings: [reading({ value: "7.1" as unknown as number })] } }), 400, /value must be a number/],
    ["missing time", () => ({ body: { readings: [{ station: "DE-ELBE-ZEHREN", parameter: "ph", value: 7 }] } }), 400, /time/],
    ["unparseable time", () => ({ body: { readings: [reading({ time: "yesterday" })] } }), 400, /ISO 8601 with a time zone/],
    ["time without a zone", () => ({ body: { readings: [reading({ time: "2026-11-24T10:00:00" })] } }), 400, /ISO 8601 with a time zone/],
    ["time in the far future", () => ({ body: { readings: [reading({ time: "2030-01-01T00:00:00Z" })] } }), 400, /more than 24 h in the future/],
    ["time older than the retention", () => ({ body: { readings: [reading({ time: "2020-01-01T00:00:00Z" })] } }), 400, /older than the raw retention/],
    ["unknown station", () => ({ body: { readings: [reading({ station: "DE-RHEIN-KOELN" })] } }), 400, /unknown station "DE-RHEIN-KOELN"/],
    ["unknown parameter", () => ({ body: { readings: [reading({ parameter: "caffeine" })] } }), 400, /DE-ELBE-ZEHREN measures no "caffeine"; it measures: carbamazepine, diclofenac/],
    ["unit mismatch", () => ({ body: { readings: [reading({ unit: "µg/L" })] } }), 400, /unit "µg\/L" does not match carbamazepine's unit "ng\/L"/],
    ["value and belowLod together", () => ({ body: { readings: [reading({ belowLod: { lod: 5 } })] } }), 400, /send exactly one of value, belowLod \(not detected\) or belowLoq/],
    ["negative LOQ", () => ({ body: { readings: [reading({ value: undefined, belowLoq: { loq: -1 } })] } }), 400, /belowLoq.loq must be a positive finite number/],
    ["negative LOD", () => ({ body: { readings: [reading({ value: undefined, belowLod: { lod: -1 } })] } }), 400, /positive/],
    ["unknown property", () => ({ body: { readings: [{ ...reading(), extra: 1 }] } }), 400, /Unknown field: extra/],
    ["token of another station", () => ({ body: { readings: [reading(), reading({ station: "CN-YANGTZE-CUNTAN" })] }, token: zehrenOnly }), 403, /may not write station CN-YANGTZE-CUNTAN/],
    ["no token", () => ({ body: { readings: [reading()] }, token: null }), 401, /station write token is required/],
    ["unknown token", () => ({ body: { readings: [reading()] }, token: "wmst_00000000_forged" }), 401, /unknown or revoked/],
  ];

  it.each(cases)("%s → %d", async (_name, make, status, message) => {
    const before = await countStored();
    const c = make();
    const res = await postReadings(system.url, c.token === null ? undefined : (c.token ?? token), c.body, c.headers);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { message: string; details?: Array<{ message: string }> } };
    const text = `${body.error.message} ${(body.error.details ?? []).map((d) => d.message).join(" ")}`;
    expect(text).toMatch(message);
    expect(await countStored()).toBe(before);
  });

  it("lists every rejected reading with its index, and stores none of the batch", async () => {
    const before = await countStored();
    const res = await postReadings(system.url, token, {
      readings: [reading(), reading({ station: "nowhere" }), reading({ value: "x" as unknown as number }), reading()],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: Array<{ index: number; message: string }> } };
    expect(body.error.details.map((d) => d.index)).toEqual([1, 2]);
    expect(await countStored()).toBe(before);
  });

  it("a revoked token is refused", async () => {
    const created = await system.stationTokens.create("temporary", ["*"]);
    expect((await postReadings(system.url, created.token, { readings: [reading()] })).status).toBe(202);
    await system.stationTokens.revoke(created.id);
    expect((await postReadings(system.url, created.token, { readings: [reading()] })).status).toBe(401);
  });
});
