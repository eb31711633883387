// Maintenance readings in exports (issue #19), on a real server with a real InfluxDB: a reading
// taken inside a maintenance window exports with the maintenance marker (and QC 4), one outside
// without, in CSV and JSON, for untouched series and for series a reviewer corrected; the
// datapackage.json describes the column.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIELD, MEASUREMENT, TAG } from "../../common/wire.ts";
import { authHeaders } from "../helpers/auth.ts";
import { dataPackageOf } from "../helpers/datapackage.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { eventually } from "../helpers/alert-system.ts";
import { api, memberHeaders } from "../helpers/review.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const MIN = 60_000;
const STATION = "DE-ELBE-ZEHREN";
const PARAMETER = "carbamazepine";
const iso = (t: number) => new Date(t).toISOString();
/** Readings every 10 minutes from T0; the window covers the 2nd and 3rd. */
const T0 = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
const TIMES = [0, 10, 20, 30].map((m) => T0 + m * MIN);
const INSIDE = new Set([TIMES[1], TIMES[2]]);

let system: TestSystem;
let researcher: Record<string, string>;
let reviewer: Record<string, string>;

beforeAll(async () => {
  system = await startTestSystem();
  researcher = await authHeaders(system, "researcher");
  // Zehren's sensors belong to the BfUL: its reviewers correct their data.
  reviewer = (await memberHeaders(system, "reviewer", ["BFUL"])).headers;
  const window = await api(system, "POST", "/api/v1/maintenance", reviewer, {
    station: STATION,
    parameter: PARAMETER,
    from: iso(T0 + 5 * MIN),
    to: iso(T0 + 25 * MIN),
    reason: "Sensor cleaning and calibration",
  });
  expect(window.status, JSON.stringify(window.body)).toBe(201);
  const token = (await system.stationTokens.create("t", [STATION])).token;
  const res = await postReadings(system.url, token, { readings: TIMES.map((t, i) => ({ station: STATION, parameter: PARAMETER, time: iso(t), value: 40 + i })) });
  expect(res.status).toBe(202);
  await eventually(async () => {
    const [series] = await system.store.queryValues(`SELECT "${FIELD.value}" FROM "${MEASUREMENT}" WHERE "${TAG.station}" = '${STATION}' AND "${TAG.parameter}" = '${PARAMETER}'`);
    return series?.values.length === TIMES.length ? true : undefined;
  }, "the four readings in InfluxDB");
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

async function download(params: Record<string, string>): Promise<Response> {
  const query = new URLSearchParams({ stations: STATION, parameters: PARAMETER, from: iso(T0), to: iso(T0 + 40 * MIN), ...params });
  const res = await fetch(`${system.url}/api/v1/export?${query}`, { headers: researcher });
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  return res;
}

/** [time, qc, maintenance] of each exported row, from CSV (cells as text) or JSON. */
async function marks(params: Record<string, string>): Promise<Array<[number, string, string]>> {
  if (params.format === "json") {
    const rows = (await (await download(params)).json()) as Array<Record<string, unknown>>;
    return rows.map((r) => [Date.parse(r.time as string), String(r.qc_flag), String(r.maintenance)]);
  }
  const rows = parse(await (await download(params)).text(), { columns: true }) as Array<Record<string, string>>;
  return rows.map((r) => [Date.parse(r.time!), r.qc_flag!, r.maintenance!]);
}

const expected = (marker: string, none: string): Array<[number, string, string]> => TIMES.map((t) => (INSIDE.has(t) ? [t, "4", marker] : [t, "1", none]));

describe("maintenance readings in exports", () => {
  it("marks the readings taken inside the window, and no other, in CSV and JSON", async () => {
    expect(await marks({})).toEqual(expected("true", ""));
    expect(await marks({ format: "json" })).toEqual(expected("true", "null"));
  });

  it("describes the maintenance column in datapackage.json", async () => {
    const pkg = await dataPackageOf(await download({ metadata: "1" }));
    const field = pkg.resources[0].schema.fields.find((f: { name: string }) => f.name === "maintenance");
    expect(field).toMatchObject({ type: "boolean", description: expect.stringMatching(/maintenance window.*qc_flag 4/) });
  });

  it("keeps the marker on corrected series (the reviewed path)", async () => {
    const res = await api(system, "POST", "/api/v1/review/corrections", reviewer, {
      station: STATION,
      parameter: PARAMETER,
      from: T0,
      to: T0 + 40 * MIN,
      action: { kind: "offset", offset: 1 },
      reason: "field visit found the sensor off by 1 ng/L",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const rows = parse(await (await download({})).text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.corrections)).toEqual(TIMES.map(() => String(res.body.id)));
    expect(rows.map((r) => [Date.parse(r.time!), r.qc_flag!, r.maintenance!])).toEqual(expected("true", ""));
  });
});
