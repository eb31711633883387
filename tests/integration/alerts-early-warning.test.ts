// AA early warnings end to end (issue #13), through ingest into a real server and InfluxDB: a fresh
// installation's two days of simulated history raise none; 80 % of 30 days above the annual standard
// do, and the alert (list, webhook) names its window and count; a compound never detected (EE2, LOD
// above the EQS) gives "< LOD" means and no alert; and two sensors of one compound alert apart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertInfo } from "../../common/alerts.ts";
import type { SeriesResponse } from "../../common/api-types.ts";
import { ALL_STATIONS } from "../../server/src/auth/station-tokens.ts";
import { startSimulator } from "../../sensors-sim/src/simulator.ts";
import { authHeaders } from "../helpers/auth.ts";
import { seed as catalog } from "../helpers/catalog.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { api, eventually, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const MIN = 60_000;
const DAY = 86_400_000;

async function alerts(s: AlertTestSystem, headers: Record<string, string>, query = ""): Promise<AlertInfo[]> {
  const res = await api(s, "GET", `/api/v1/alerts${query}`, headers);
  expect(res.status).toBe(200);
  return res.body.alerts as AlertInfo[];
}

/** `count` ten-minute readings of a series ending 7 hours ago (older than 6 h: history, no alert starts from it). */
function history(station: string, parameter: string, count: number, value: (i: number) => { value: number } | { belowLod: { lod: number } }) {
  const end = Date.now() - 7 * 60 * MIN;
  return Array.from({ length: count }, (_, i) => ({ station, parameter, time: end - (count - 1 - i) * 10 * MIN, ...value(i) }));
}

describe("a fresh installation with two days of simulated history", () => {
  let system: AlertTestSystem;
  beforeAll(async () => {
    system = await startAlertSystem();
  });
  afterAll(() => system?.stop());

  it("raises no AA early warning, though two-day means lie above annual standards", async () => {
    const { token } = await system.stationTokens.create("sim", [ALL_STATIONS]);
    const sim = startSimulator({ url: system.url, token, start: Date.now() - 3_600_000, backfill: "2d", duration: "1h", speed: 100_000, seed: 1 }, { catalog });
    const summary = await sim.finished;
    expect(summary).toMatchObject({ rejected: 0, dropped: 0 });
    await system.writer.drained();
    await system.alerting.engine.idle();
    const viewer = await authHeaders(system, "viewer");
    // What a year-long window filled with two days made of it before: diclofenac's two-day mean
    // above the EU AA-EQS of 40 ng/L somewhere (and EE2's LOD/2 of 0.025 ng/L above its 0.017).
    const now = Date.now();
    const twoDayMeans = await Promise.all(
      catalog.stations.filter((s) => s.simulated && catalog.measures(s.id, "diclofenac")).map(async (s) => {
        const res = await api(system, "GET", `/api/v1/series?station=${s.id}&parameter=diclofenac&from=${now - 2 * DAY}&to=${now}&width=10`, viewer);
        const points = (res.body as SeriesResponse).points;
        const n = points.reduce((sum, p) => sum + (p.n ?? 0), 0);
        return points.reduce((sum, p) => sum + (p.v ?? 0) * (p.n ?? 0), 0) / n;
      }),
    );
    expect(Math.max(...twoDayMeans)).toBeGreaterThan(40);
    expect((await alerts(system, viewer)).filter((a) => a.kind === "aa")).toEqual([]);
  });
});

describe("AA early warnings and sensors through ingest", () => {
  let system: AlertTestSystem;
  let token: string;
  let viewer: Record<string, string>;
  let hook: WebhookReceiver;

  beforeAll(async () => {
    system = await startAlertSystem();
    token = (await system.stationTokens.create("t", ["*"])).token;
    viewer = await authHeaders(system, "viewer");
    hook = await startWebhookReceiver();
    const researcher = await authHeaders(system, "researcher");
    const sub = await api(system, "POST", "/api/v1/subscriptions", researcher, { channel: "webhook", webhookUrl: hook.url, stations: ["DE-ELBE-DOMMITZSCH"], parameters: ["diclofenac"] });
    expect(sub.status).toBe(201);
  });
  afterAll(async () => {
    await system?.stop();
    await hook?.close();
  });

  it("fires once 80 % of 30 days are above the annual standard; list, message and webhook name window and count", async () => {
    const station = "DE-ELBE-DOMMITZSCH";
    // 3,456 readings of 44–46 ng/L = 80 % of the 4,320 a 10-minute sensor gives in 30 days; then one live.
    const readings = history(station, "diclofenac", 3456, (i) => ({ value: 44 + (i % 3) }));
    expect((await postReadings(system.url, token, { readings })).status).toBe(202);
    await system.writer.drained();
    await system.alerting.engine.idle();
    expect((await alerts(system, viewer, `?station=${station}`)).filter((a) => a.kind === "aa")).toEqual([]);
    expect((await postReadings(system.url, token, { readings: [{ station, parameter: "diclofenac", time: Date.now(), value: 45 }] })).status).toBe(202);
    const [alert] = await eventually(async () => {
      const list = (await alerts(system, viewer, `?station=${station}`)).filter((a) => a.kind === "aa");
      return list.length > 0 ? list : null;
    }, "the early warning");
    const mean = (readings.reduce((s, r) => s + (r as { value: number }).value, 0) + 45) / 3457;
    expect(alert).toMatchObject({ state: "firing", valueKind: "mean", meanWindowMs: 30 * DAY, meanCount: 3457, threshold: 40, sensor: "SIM-DE-ELBE-DOMMITZSCH-DICLOFENAC" });
    expect(alert!.value).toBeCloseTo(mean, 9);
    expect(alert!.message).toMatch(/^Early warning: Diclofenac rolling 30-day mean of 3,457 values 45 ng\/L at Dommitzsch .* is above the annual standard AA-EQS \(EU-EQS-2022\) 40 ng\/L$/);
    // The webhook carries the same structured fields, for receivers to word it themselves.
    await eventually(() => hook.deliveries.length > 0, "the webhook");
    expect(hook.deliveries[0]!.json).toMatchObject({ type: "alert.firing", event: { kind: "aa", valueKind: "mean", meanWindowMs: 30 * DAY, meanCount: 3457, sensor: "SIM-DE-ELBE-DOMMITZSCH-DICLOFENAC" } });
  });

  it("EE2 never detected (LOD 0.05 ng/L above the AA-EQS of 0.017): means are '< LOD', and no alert", async () => {
    const station = "DE-ELBE-ZEHREN";
    const readings = history(station, "ethinylestradiol", 4320, () => ({ belowLod: { lod: 0.05 } }));
    expect((await postReadings(system.url, token, { readings })).status).toBe(202);
    expect((await postReadings(system.url, token, { readings: [{ station, parameter: "ethinylestradiol", time: Date.now(), belowLod: { lod: 0.05 } }] })).status).toBe(202);
    await system.writer.drained();
    await system.alerting.engine.idle();
    expect(await alerts(system, viewer, `?station=${station}&parameter=ethinylestradiol`)).toEqual([]);
    const now = Date.now();
    const res = await api(system, "GET", `/api/v1/series?station=${station}&parameter=ethinylestradiol&from=${now - 31 * DAY}&to=${now}&width=60`, viewer);
    const points = (res.body as SeriesResponse).points;
    expect(points.length).toBeGreaterThan(20);
    for (const p of points) expect(p).toMatchObject({ reportedBelow: "<LOD", limit: 0.05 });
  });

  it("two sensors of one compound at one station raise separate alerts, each naming its sensor", async () => {
    const researcher = await authHeaders(system, "researcher");
    const rule = await api(system, "POST", "/api/v1/alert-rules", researcher, { kind: "max", station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", threshold: 200 });
    expect(rule.status).toBe(201);
    const now = Date.now();
    const cbz = (sensor: string | undefined, t: number, value: number) => ({ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", ...(sensor ? { sensor } : {}), time: t, value });
    // The primary (named by default) and the KSI prototype, both above 200 ng/L.
    const readings = [cbz(undefined, now - 20 * MIN, 250), cbz("KSI-CBZ-MIP-P2", now - 20 * MIN, 270), cbz(undefined, now - 10 * MIN, 255), cbz("KSI-CBZ-MIP-P2", now - 10 * MIN, 280)];
    expect((await postReadings(system.url, token, { readings })).status).toBe(202);
    const fired = await eventually(async () => {
      const list = (await alerts(system, viewer, "?station=DE-ELBE-ZEHREN&parameter=carbamazepine")).filter((a) => a.ruleId === rule.body.id);
      return list.length === 2 ? list : null;
    }, "two alerts");
    expect(fired.map((a) => [a.sensor, a.value, a.valueKind]).sort()).toEqual([
      ["KSI-CBZ-MIP-P2", 270, "single"],
      ["SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", 250, "single"],
    ]);
    expect((await alerts(system, viewer, "?sensor=KSI-CBZ-MIP-P2")).map((a) => a.sensor)).toEqual(["KSI-CBZ-MIP-P2"]);
  });
});
