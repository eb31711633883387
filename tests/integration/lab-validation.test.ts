// Sensor validation end to end: the simulator writes a sensor's readings (with a 20 %/month
// calibration drift) through the real ingest into InfluxDB and imports its laboratory's results
// through the real import API (dry run, then apply); GET /api/v1/lab/validation pairs them and finds
// the drift. Then the pairs as CSV, and a second run of the simulator that imports nothing new.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LabValidationResponse } from "../../common/lab-validation.ts";
import type { LabImportsResponse } from "../../common/lab.ts";
import { startSimulator, type SimulatorOptions } from "../../sensors-sim/src/simulator.ts";
import { createUser } from "../helpers/auth.ts";
import { getJson } from "../helpers/lab-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const STATION = "DE-ELBE-ZEHREN";
const PARAMETER = "carbamazepine";
const SENSOR = "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE";
const DAY = 86_400_000;

let system: TestSystem;
let researcher: Record<string, string>;
let simOptions: SimulatorOptions;
const started = Date.now();

beforeAll(async () => {
  system = await startTestSystem();
  const user = await createUser(system, "researcher");
  const { token: labToken } = await system.auth.apiTokens.create(user.id, "lab", "researcher", null);
  researcher = { authorization: `Bearer ${labToken}` };
  const { token } = await system.stationTokens.create("sim", [STATION]);
  simOptions = {
    url: system.url,
    token,
    stations: [STATION],
    parameters: [PARAMETER],
    start: started - 3_600_000,
    backfill: "1d",
    duration: "1h",
    speed: 1_000_000,
    seed: 11,
    faults: { enabled: false },
    // Sixteen weekly composites: enough pairs to estimate a trend within a few %/month.
    lab: { token: labToken, history: "112d" },
    sensorDrift: [{ station: STATION, parameter: PARAMETER, sensor: SENSOR, percentPerMonth: 20 }],
  };
  const summary = await startSimulator(simOptions, { catalog: system.catalog.current() }).finished;
  expect(summary).toMatchObject({ rejected: 0, dropped: 0, buffered: 0 });
  expect(summary.lab).toMatchObject({ failures: 0 });
  expect(summary.lab!.imported).toBeGreaterThan(0);
  await system.writer.drained();
}, 120_000);
afterAll(async () => {
  await system?.stop();
});

const query = (extra = "") => `station=${STATION}&parameter=${PARAMETER}&sensor=${SENSOR}&from=${started - 120 * DAY}&to=${started}${extra}`;

describe("the validation of a simulated sensor that drifts by 20 %/month", () => {
  let body: LabValidationResponse;

  beforeAll(async () => {
    const res = await getJson(system.url, `/api/v1/lab/validation?${query()}`, researcher);
    expect(res.status).toBe(200);
    body = res.body;
  });

  it("pairs every weekly composite with the mean of the sensor's readings over its 24 hours", () => {
    expect(body).toMatchObject({ station: STATION, parameter: PARAMETER, sensor: SENSOR, unit: "ng/L" });
    expect(body.lab).toHaveLength(body.validation.pairs.length);
    expect(body.validation.counts.total).toBeGreaterThanOrEqual(15);
    expect(body.validation.counts.used).toBe(body.validation.counts.total);
    for (const pair of body.validation.pairs) {
      expect(pair.kind).toBe("time-proportional composite");
      expect(pair.end - pair.start).toBe(DAY);
      expect(pair.sensor).toMatchObject({ aggregation: "mean", nFromAggregates: 0, coverage: 1 });
      expect(pair.sensor.nReadings).toBe(144);
    }
    expect(body.readings.raw).toBeGreaterThan(15 * 144);
  });

  it("shows a Theil–Sen trend of the relative difference of about 20 %/month, with 20 inside its confidence interval", () => {
    const drift = body.validation.drift;
    if (drift.status !== "ok") throw new Error(drift.message);
    expect(drift.slopePercentPerMonth).toBeGreaterThan(16);
    expect(drift.slopePercentPerMonth).toBeLessThan(24);
    expect(drift.slopeCI!.lower).toBeLessThan(20);
    expect(drift.slopeCI!.upper).toBeGreaterThan(20);
    expect(drift.mannKendall.pValue).toBeLessThan(0.001);
  });

  it("names Passing–Bablok and gives Deming alongside; the sensor reads high on average", () => {
    const { regression, agreement } = body.validation;
    expect(regression.named).toBe("passing-bablok");
    expect(regression.passingBablok.status).toBe("ok");
    expect(regression.deming).toMatchObject({ status: "ok", errorRatio: 1 });
    if (agreement.status !== "ok") throw new Error(agreement.message);
    // The drift starts at 0 % at the start of the history and reaches ~73 %: on average well above the lab.
    expect(agreement.meanRelativeBiasPercent!).toBeGreaterThan(20);
    expect(agreement.rmse).toBeGreaterThan(0);
  });

  it("exports the pairs as CSV, one row per lab result, with the numbers of the JSON answer", async () => {
    const res = await fetch(`${system.url}/api/v1/lab/validation.csv?${query()}`, { headers: researcher });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="validation-DE-ELBE-ZEHREN-carbamazepine-SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE-/);
    const rows = parse((await res.text()).replace(/^\uFEFF/, ""), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(body.validation.pairs.length);
    rows.forEach((row, i) => {
      const pair = body.validation.pairs[i]!;
      expect(row.sample_id).toBe(pair.sampleId);
      expect(Number(row.lab_value)).toBe(pair.labValue);
      expect(Number(row.sensor_value)).toBeCloseTo(pair.sensor.value!, 9);
      expect(Number(row.relative_difference_percent)).toBeCloseTo(pair.relativeDifferencePercent!, 9);
      expect(row.excluded).toBe("");
    });
  });

  it("a second run over the same weeks imports nothing new", async () => {
    const before = (await getJson(system.url, "/api/v1/lab/imports", researcher)).body as LabImportsResponse;
    const summary = await startSimulator(simOptions, { catalog: system.catalog.current() }).finished;
    expect(summary.lab).toMatchObject({ failures: 0, imported: 0 });
    const after = (await getJson(system.url, "/api/v1/lab/imports", researcher)).body as LabImportsResponse;
    expect(after.imports.map((i) => i.id)).toEqual(before.imports.map((i) => i.id));
  }, 120_000);
});
