// GET /api/v1/lab/validation beyond the happy path: bad input answered 400 with what to do, the role,
// the empty state, "<LOQ" lab results kept but excluded, and periods older than the raw retention,
// where the sensor is known only through the rollups the continuous queries left (1-minute for 800
// days, 1-hour for ever).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { LabValidationResponse } from "../../common/lab-validation.ts";
import type { Reading } from "../../common/reading.ts";
import { TAG } from "../../common/wire.ts";
import { RETENTION, ROLLUP_FIELD, ROLLUP_MEASUREMENT } from "../../server/src/influx/schema.ts";
import { authHeaders } from "../helpers/auth.ts";
import { testReading } from "../helpers/catalog.ts";
import { getJson, importFile } from "../helpers/lab-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const STATION = "DE-ELBE-SCHMILKA";
const PARAMETER = "diclofenac";
const SENSOR = "SIM-DE-ELBE-SCHMILKA-DICLOFENAC";

let system: TestSystem;
let researcher: Record<string, string>;
let viewer: Record<string, string>;
const now = Date.now();

beforeAll(async () => {
  system = await startTestSystem();
  researcher = await authHeaders(system, "researcher");
  viewer = await authHeaders(system, "viewer");
});
afterAll(async () => {
  await system?.stop();
});

const validation = (q: string, headers = researcher) => getJson(system.url, `/api/v1/lab/validation?${q}`, headers);

describe("bad input", () => {
  const base = `station=${STATION}&parameter=${PARAMETER}`;
  it.each([
    ["no station", `parameter=${PARAMETER}`, /station/],
    ["an unknown station", `station=DE-NOWHERE&parameter=${PARAMETER}`, /unknown station "DE-NOWHERE"/],
    ["an unknown parameter", `station=${STATION}&parameter=lead`, /unknown parameter "lead"/],
    ["a sensor of another station", `${base}&sensor=SIM-DE-ELBE-ZEHREN-DICLOFENAC`, /never installed at DE-ELBE-SCHMILKA for diclofenac; its diclofenac sensors: SIM-DE-ELBE-SCHMILKA-DICLOFENAC/],
    ["from after to", `${base}&from=2026-06-01T00:00:00Z&to=2026-05-01T00:00:00Z`, /from must be before to/],
    ["more than ten years", `${base}&from=2010-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`, /must not exceed 10 years/],
    ["a time that is no time", `${base}&from=yesterday`, /is not a time/],
    ["a grab window of 0 minutes", `${base}&grabWindowMinutes=0`, /grabWindowMinutes must be at least 1/],
    ["a coverage above 1", `${base}&minCoverage=1.5`, /minCoverage must be at most 1/],
    ["failed readings accepted", `${base}&qc=1,4`, /failed readings \(4\) never count/],
    ["an unknown option", `${base}&window=30`, /window/],
  ])("%s is refused with 400 saying what to do", async (_what, q, message) => {
    const res = await validation(q);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    const said = [res.body.error.message, ...res.body.error.details.map((d: { message: string }) => d.message)].join(" | ");
    expect(said).toMatch(message);
  });

  it("needs the researcher role (viewers may read lab results, not validate sensors)", async () => {
    expect((await validation(base, viewer)).status).toBe(403);
    expect((await getJson(system.url, `/api/v1/lab/validation.csv?${base}`, {})).status).toBe(401);
  });
});

describe("no lab results in the period", () => {
  it("answers the pairs (none) and says why there are no statistics", async () => {
    const res = await validation(`station=${STATION}&parameter=${PARAMETER}&from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z`);
    expect(res.status).toBe(200);
    const body = res.body as LabValidationResponse;
    expect(body).toMatchObject({ sensor: SENSOR, lab: [], readings: { raw: 0, rollup1m: 0, rollup1h: 0 } });
    expect(body.validation.counts).toMatchObject({ total: 0, used: 0 });
    expect(body.validation.agreement).toMatchObject({ status: "not-computable", reason: "not-enough-pairs", required: 10 });
  });
});

/** Rollup rows as the continuous queries write them: `count` readings an interval, all of value `mean`. */
async function writeRollup(rp: string, measurement: string, from: number, stepMs: number, rows: number, mean: number, count: number): Promise<void> {
  const f = ROLLUP_FIELD;
  const lines = Array.from(
    { length: rows },
    (_, i) =>
      `${measurement},${TAG.parameter}=${PARAMETER},${TAG.sensor}=${SENSOR},${TAG.station}=${STATION} ` +
      `${f.mean}=${mean},${f.min}=${mean},${f.max}=${mean},${f.count}=${count}i,${f.belowLodCount}=0i ${from + i * stepMs}`,
  );
  const res = await fetch(`${inject("influxUrl")}/write?db=${system.store.database}&rp=${rp}&precision=ms`, { method: "POST", body: lines.join("\n") });
  expect(res.status).toBe(204);
}

function labCsv(rows: Array<{ id: string; start: number; end: number; value: string }>): string {
  const header = "station,sample_id,sample_type,sampling_start,sampling_end,compound,value,qualifier,loq,unit,uncertainty,laboratory";
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");
  return [
    header,
    ...rows.map((r) =>
      r.value.startsWith("<")
        ? `${STATION},${r.id},time-proportional composite,${iso(r.start)},${iso(r.end)},${PARAMETER},,<,${r.value.slice(1)},ng/L,,Testlabor`
        : `${STATION},${r.id},time-proportional composite,${iso(r.start)},${iso(r.end)},${PARAMETER},${r.value},,1,ng/L,20 %,Testlabor`,
    ),
  ].join("\r\n");
}

describe("periods older than the raw retention, and lab results below the LOQ", () => {
  const threeYears = Math.floor((now - 3 * 365 * DAY) / DAY) * DAY;
  const fiveHundredDays = Math.floor((now - 500 * DAY) / DAY) * DAY;
  const recent = Math.floor((now - 10 * DAY) / DAY) * DAY;
  let body: LabValidationResponse;

  beforeAll(async () => {
    // Three years ago: hourly rollups of 6 readings each at 80 ng/L. 500 days ago: 1-minute rollups, one
    // reading every 10 minutes at 60 ng/L. Ten days ago: raw readings at 40 ng/L, and a "<LOQ" lab result.
    await writeRollup(RETENTION.oneHour.name, ROLLUP_MEASUREMENT.oneHour, threeYears, HOUR, 24, 80, 6);
    await writeRollup(RETENTION.oneMinute.name, ROLLUP_MEASUREMENT.oneMinute, fiveHundredDays, 10 * 60_000, 144, 60, 1);
    const raw: Reading[] = Array.from({ length: 2 * 144 }, (_, i) => testReading({ station: STATION, parameter: PARAMETER, sensor: SENSOR, time: recent + i * 600_000, value: 40 }));
    await system.store.writeReadings(raw);
    const csv = labCsv([
      { id: "OLD-1", start: threeYears, end: threeYears + DAY, value: "100" },
      { id: "MID-1", start: fiveHundredDays, end: fiveHundredDays + DAY, value: "50" },
      { id: "NEW-1", start: recent, end: recent + DAY, value: "32" },
      { id: "NEW-2", start: recent + DAY, end: recent + 2 * DAY, value: "<5" },
    ]);
    const { applied } = await importFile(system.url, researcher, { name: "history.csv", bytes: csv });
    expect(applied.status).toBe(201);
    const res = await validation(`station=${STATION}&parameter=${PARAMETER}&from=${threeYears - DAY}&to=${now}`);
    expect(res.status).toBe(200);
    body = res.body;
  });

  it("reads each period from the source that still holds it", () => {
    expect(body.readings.rollup1h).toBe(24);
    expect(body.readings.rollup1m).toBe(144);
    expect(body.readings.raw).toBe(2 * 144);
    expect(body.readings.rawFrom).toBeGreaterThan(fiveHundredDays);
  });

  it("pairs old samples with the rollups' means, and says how many readings came from them", () => {
    const [old, mid, fresh, belowLoq] = body.validation.pairs;
    expect(old).toMatchObject({ sampleId: "OLD-1", labValue: 100, sensor: { value: 80, nReadings: 144, nFromAggregates: 144, coverage: 1 }, difference: -20, excluded: null });
    expect(mid).toMatchObject({ sampleId: "MID-1", labValue: 50, sensor: { value: 60, nReadings: 144, nFromAggregates: 144 }, relativeDifferencePercent: 20, excluded: null });
    expect(fresh).toMatchObject({ sampleId: "NEW-1", labValue: 32, sensor: { value: 40, nReadings: 144, nFromAggregates: 0 }, relativeDifferencePercent: 25, excluded: null });
    expect(belowLoq).toMatchObject({ sampleId: "NEW-2", lab: { qualifier: "<LOQ", limit: 5 }, labValue: null, sensor: { value: 40 }, difference: null, excluded: "lab-below-limit" });
    expect(body.validation.counts).toMatchObject({ total: 4, used: 3, excluded: 1, excludedBy: { "lab-below-limit": 1 } });
  });

  it("lists the <LOQ pair in the CSV with its reason", async () => {
    const res = await fetch(`${system.url}/api/v1/lab/validation.csv?station=${STATION}&parameter=${PARAMETER}&from=${threeYears - DAY}&to=${now}`, { headers: researcher });
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/^NEW-2,Testlabor,.*,<LOQ,5,.*lab-below-limit$/);
  });
});
