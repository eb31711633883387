// Alerts from laboratory results (issue #16), over real HTTP, SQLite and InfluxDB: a lab result above
// the MAC-EQS raises the contamination alert a sensor reading would, naming the sample, and the next
// result below the limit resolves it; a "< LOQ" result raises nothing. A "sensor disagrees with lab"
// rule fires for a simulated sensor that drifts by 20 %/month once its last pairs are beyond the
// threshold, naming the latest pair's sample; a rule with a threshold the drift never reaches stays quiet.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertInfo } from "../../common/alerts.ts";
import { startSimulator } from "../../sensors-sim/src/simulator.ts";
import { authHeaders, createUser } from "../helpers/auth.ts";
import { getJson, importFile, sendJson } from "../helpers/lab-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const HEADER = "Messstelle;Proben-Nr.;Probenart;Probenahme Beginn;Probenahme Ende;Parameter;Wert;BG;Einheit;Messunsicherheit;Labor;Verfahren;Analysendatum";
const row = (sample: string, day: string, value: string) =>
  `Zehren;${sample};zeitproportionale Mischprobe;${day}.03.2026 08:00;${String(Number(day) + 1).padStart(2, "0")}.03.2026 08:00;Clarithromycin;${value};0,01;µg/L;20 %;BfUL Labor;LC-MS/MS, DIN 38407-47;20.03.2026`;
const csv = (...rows: string[]) => ({ name: "clarithromycin.csv", bytes: [HEADER, ...rows].join("\r\n") + "\r\n" });

let system: TestSystem;
let researcher: Record<string, string>;

beforeAll(async () => {
  system = await startTestSystem();
  researcher = await authHeaders(system, "researcher");
});
afterAll(async () => {
  await system?.stop();
});

async function labAlerts(query: string): Promise<AlertInfo[]> {
  await system.labAlerts.idle();
  const { status, body } = await getJson(system.url, `/api/v1/alerts?${query}`, researcher);
  expect(status).toBe(200);
  return body.alerts;
}

describe("a lab result above the MAC-EQS", () => {
  it("raises the station's MAC alert at once, on the laboratory's series, naming the sample", async () => {
    const { applied } = await importFile(system.url, researcher, csv(row("ZE-101", "02", "0,012"), row("ZE-102", "09", "0,41")));
    expect(applied.status).toBe(201);
    const alerts = await labAlerts("station=DE-ELBE-ZEHREN&parameter=clarithromycin");
    expect(alerts).toHaveLength(1);
    const [alert] = alerts as [AlertInfo];
    expect(alert).toMatchObject({
      kind: "mac",
      category: "contamination",
      state: "firing",
      sensor: null,
      value: 410,
      valueKind: "lab",
      unit: "ng/L",
      threshold: 130,
      startedAt: Date.UTC(2026, 2, 10, 7),
      labSample: { laboratory: "BfUL Labor", sampleId: "ZE-102", kind: "time-proportional composite", method: "LC-MS/MS, DIN 38407-47" },
      standard: { kind: "MAC-EQS", source: "EU-EQS-2022" },
    });
    expect(alert.message).toBe("Clarithromycin 410 ng/L in lab sample ZE-102 (BfUL Labor, 24-h time-proportional composite) at Zehren (Elbe, below Dresden) exceeds MAC-EQS (EU-EQS-2022) 130 ng/L");
  });

  it("an older sample imported later moves nothing; the next result below the limit resolves the alert", async () => {
    await importFile(system.url, researcher, csv(row("ZE-100", "01", "0,9")));
    let [alert] = (await labAlerts("station=DE-ELBE-ZEHREN&parameter=clarithromycin")) as [AlertInfo];
    expect(alert).toMatchObject({ state: "firing", labSample: { sampleId: "ZE-102" } });

    await importFile(system.url, researcher, csv(row("ZE-103", "16", "0,05")));
    [alert] = (await labAlerts("station=DE-ELBE-ZEHREN&parameter=clarithromycin")) as [AlertInfo];
    expect(alert).toMatchObject({ state: "resolved", resolvedAt: Date.UTC(2026, 2, 17, 7) });
  });

  it("a result below the LOQ raises nothing, however high its LOQ", async () => {
    await importFile(system.url, researcher, csv(row("ZE-104", "23", "<0,5").replace(";0,01;", ";0,5;")));
    const alerts = await labAlerts("station=DE-ELBE-ZEHREN&parameter=clarithromycin");
    expect(alerts.map((a) => a.state)).toEqual(["resolved"]);
  });
});

/**
 * Runs the simulator for one station's carbamazepine sensor, drifting by `percentPerMonth`, with
 * `history` of weekly lab results (and the sensor's readings over it) sent to `target`.
 */
async function driftingSensor(target: TestSystem, station: string, history: string, percentPerMonth: number, seed: number): Promise<void> {
  const user = await createUser(target, "researcher");
  const { token: labToken } = await target.auth.apiTokens.create(user.id, "lab", "researcher", null);
  const { token } = await target.stationTokens.create("sim", [station]);
  const summary = await startSimulator(
    {
      url: target.url,
      token,
      stations: [station],
      parameters: ["carbamazepine"],
      start: Date.now() - 3_600_000,
      backfill: "1d",
      duration: "1h",
      speed: 1_000_000,
      seed,
      faults: { enabled: false },
      lab: { token: labToken, history },
      sensorDrift: [{ station, parameter: "carbamazepine", sensor: `SIM-${station}-CARBAMAZEPINE`, percentPerMonth }],
    },
    { catalog: target.catalog.current() },
  ).finished;
  expect(summary.lab).toMatchObject({ failures: 0 });
}

describe("a sensor that disagrees with the lab", () => {
  const STATION = "DE-ELBE-SCHMILKA";
  const PARAMETER = "carbamazepine";
  const SENSOR = `SIM-${STATION}-CARBAMAZEPINE`;

  it("fires for a sensor drifting by 20 %/month beyond 30 % in its last three pairs, not beyond 200 %", async () => {
    const rule = (threshold: number) => ({ name: `CBZ sensor vs lab ${threshold} %`, kind: "lab-disagreement", station: STATION, parameter: PARAMETER, threshold, runLength: 3 });
    const created = await sendJson(system.url, "POST", "/api/v1/alert-rules", researcher, rule(30));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "lab-disagreement", unit: "%", threshold: 30, runLength: 3, severity: "warning" });
    expect((await sendJson(system.url, "POST", "/api/v1/alert-rules", researcher, rule(200))).status).toBe(201);

    await driftingSensor(system, STATION, "112d", 20, 5);
    await system.writer.drained();

    const alerts = await labAlerts(`station=${STATION}&parameter=${PARAMETER}`);
    const disagreeing = alerts.filter((a) => a.kind === "lab-disagreement");
    expect(disagreeing).toHaveLength(1);
    const [alert] = disagreeing as [AlertInfo];
    expect(alert).toMatchObject({ category: "sensor", state: "firing", sensor: SENSOR, valueKind: "difference", unit: "%", threshold: 30, meanCount: 3, ruleName: "CBZ sensor vs lab 30 %" });
    // The drift reaches some 70 % after 112 days (a month is 30.44 days).
    expect(alert.value!).toBeGreaterThan(50);
    expect(alert.labSample).toMatchObject({ kind: "time-proportional composite" });
    expect(alert.message).toMatch(
      new RegExp(`^Sensor ${SENSOR} for Carbamazepine at Schmilka \\(Elbe, Czech border\\) disagrees with the lab: more than 30 % from the lab value in each of the last 3 pairs \\(latest \\+\\d\\d(\\.\\d)? %, lab sample ${alert.labSample!.sampleId} \\(Water Monitor simulated laboratory, 24-h time-proportional composite\\)\\)$`),
    );
  }, 120_000);
});

describe("lab results sent right after the sensor's readings", () => {
  // The readings are acknowledged but wait in the write queue (flushed once a minute, in batches
  // larger than the run): the lab results that follow are judged against them all the same.
  let slow: TestSystem;
  beforeAll(async () => {
    // Answered once journaled (also on PostgreSQL, where INGEST_ACK=stored would wait for the write).
    slow = await startTestSystem({ WRITE_FLUSH_MS: "60000", WRITE_BATCH_SIZE: "50000", INGEST_ACK: "journal" });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  it("are judged against every reading acknowledged before them", async () => {
    const STATION = "DE-ELBE-DOMMITZSCH";
    const PARAMETER = "carbamazepine";
    const SENSOR = `SIM-${STATION}-CARBAMAZEPINE`;
    const headers = await authHeaders(slow, "researcher");
    const rule = { name: "CBZ sensor vs lab", kind: "lab-disagreement", station: STATION, parameter: PARAMETER, threshold: 30, runLength: 3 };
    expect((await sendJson(slow.url, "POST", "/api/v1/alert-rules", headers, rule)).status).toBe(201);
    // 100 %/month: beyond 60 % in the last three weekly pairs of a 35-day history.
    await driftingSensor(slow, STATION, "35d", 100, 7);
    await slow.labAlerts.idle();
    const { body } = await getJson(slow.url, `/api/v1/alerts?station=${STATION}&parameter=${PARAMETER}`, headers);
    const disagreeing = (body.alerts as AlertInfo[]).filter((a) => a.kind === "lab-disagreement");
    expect(disagreeing).toHaveLength(1);
    expect(disagreeing[0]).toMatchObject({ state: "firing", sensor: SENSOR, meanCount: 3 });
    expect(disagreeing[0]!.value!).toBeGreaterThan(60);
  }, 120_000);
});

describe("bad lab-disagreement rules", () => {
  it.each([
    [{ threshold: null }, "needs a threshold"],
    [{ threshold: 0 }, "outside 0–1000 %"],
    [{ parameter: null }, "needs a parameter"],
    [{ standard: { id: "carbamazepine.AA-EQS.EU-EQS-2022" } }, "cannot cite a quality standard"],
    [{ unit: "ng/L" }, 'does not match carbamazepine\'s unit "%"'],
  ])("%j is refused: %s", async (patch, message) => {
    const body = { name: "bad", kind: "lab-disagreement", station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", threshold: 30, ...patch };
    const res = await sendJson(system.url, "POST", "/api/v1/alert-rules", researcher, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });
});
