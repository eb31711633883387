// A prototype sensor under embargo (issue #17): KSI's sensor KSI-CBZ-MIP-P2 stands beside BfUL's
// primary carbamazepine sensor at Zehren. While KSI's embargo holds, KSI's researchers see its
// readings live and export them; a BfUL researcher and anonymous users get none of them — not in
// series, latest, live readings, exports, sensor validation, the alert list or their notifications. After the
// release both see it (labelled provisional: it is not approved). Alerts linked to a deletion and
// corrected data not re-firing past alerts are checked on the same server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertInfo } from "../../common/alerts.ts";
import type { LiveReading } from "../../common/events.ts";
import { eventually, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { testReading } from "../helpers/catalog.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { connectLive, type LiveClient } from "../helpers/live-client.ts";
import { api, memberHeaders } from "../helpers/review.ts";
import { authHeaders } from "../helpers/auth.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const ZEHREN = "DE-ELBE-ZEHREN";
const CBZ = "carbamazepine";
const PROTOTYPE = "KSI-CBZ-MIP-P2"; // owned by KSI
const PRIMARY = "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE"; // owned by BfUL
const T0 = Math.floor(Date.now() / (10 * MIN)) * 10 * MIN - 6 * HOUR;

let system: AlertTestSystem;
let stationToken: string;
let ksi: { id: number; headers: Record<string, string> };
let ksiReviewer: Record<string, string>;
let bful: { id: number; headers: Record<string, string> };
let admin: Record<string, string>;
const anonymous: Record<string, string> = {};
const sockets: LiveClient[] = [];

const range = `from=${T0}&to=${Date.now()}`;
const seriesPath = `/api/v1/series?station=${ZEHREN}&parameter=${CBZ}&sensor=${PROTOTYPE}&${range}&width=1000`;
const exportPath = `/api/v1/export?stations=${ZEHREN}&parameters=${CBZ}&sensors=${PROTOTYPE}&from=${new Date(T0).toISOString()}&to=${new Date().toISOString()}&format=json`;

async function latestSensors(headers: Record<string, string>): Promise<string[]> {
  const res = await api(system, "GET", `/api/v1/latest?station=${ZEHREN}`, headers);
  expect(res.status).toBe(200);
  return (res.body.latest as Array<{ sensor: string; parameter: string }>).filter((r) => r.parameter === CBZ).map((r) => r.sensor);
}

async function alertsOf(headers: Record<string, string>, sensor: string): Promise<AlertInfo[]> {
  const res = await api(system, "GET", `/api/v1/alerts?station=${ZEHREN}&parameter=${CBZ}`, headers);
  expect(res.status).toBe(200);
  return (res.body.alerts as AlertInfo[]).filter((a) => a.sensor === sensor);
}

const inbox = async (headers: Record<string, string>) => ((await api(system, "GET", "/api/v1/notifications", headers)).body.notifications as Array<{ event: { sensor: string | null } }>).map((n) => n.event.sensor);

/** A live client subscribed to Zehren, collecting the readings it receives. */
async function watch(token?: string): Promise<LiveReading[]> {
  const socket = await connectLive(system.url, token);
  sockets.push(socket);
  const got: LiveReading[] = [];
  socket.on("readings", (batch) => got.push(...batch));
  await new Promise<void>((resolve, reject) => socket.emit("subscribe", { stations: [ZEHREN] }, (ack) => (ack.ok ? resolve() : reject(new Error(ack.msg)))));
  return got;
}

beforeAll(async () => {
  system = await startAlertSystem();
  stationToken = (await system.stationTokens.create("zehren", ["*"])).token;
  ksi = await memberHeaders(system, "researcher", ["KSI"]);
  ksiReviewer = (await memberHeaders(system, "reviewer", ["KSI"])).headers;
  bful = await memberHeaders(system, "researcher", ["BFUL"]);
  admin = await authHeaders(system, "admin");
  const history = [];
  for (let i = 0; i < 30; i++) {
    history.push(testReading({ station: ZEHREN, parameter: CBZ, sensor: PROTOTYPE, time: T0 + i * 10 * MIN, value: 40 + i }));
    history.push(testReading({ station: ZEHREN, parameter: CBZ, sensor: PRIMARY, time: T0 + i * 10 * MIN, value: 30 + i }));
  }
  await system.store.writeReadings(history);
  // Both researchers watch Zehren for alerts in the app.
  for (const who of [ksi, bful]) {
    const sub = await api(system, "POST", "/api/v1/subscriptions", who.headers, { channel: "in-app", stations: [ZEHREN], severities: ["info", "warning", "critical"] });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
  }
  const rule = await api(system, "POST", "/api/v1/alert-rules", ksi.headers, { kind: "max", parameter: CBZ, station: ZEHREN, threshold: 500, unit: "ng/L" });
  expect(rule.status, JSON.stringify(rule.body)).toBe(201);
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await system?.stop();
});

describe("a prototype sensor under embargo", () => {
  it("only its owner's members (and admins) read it: series, latest, live, export, alerts and notifications", async () => {
    const set = await api(system, "POST", "/api/v1/review/embargoes", ksiReviewer, { sensor: PROTOTYPE, until: Date.now() + 30 * 86_400_000, reason: "prototype: publication pending" });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    // A BfUL reviewer cannot lift KSI's embargo.
    const bfulReviewer = (await memberHeaders(system, "reviewer", ["BFUL"])).headers;
    expect((await api(system, "POST", "/api/v1/review/embargoes", bfulReviewer, { sensor: PROTOTYPE, until: null, reason: "let us see" })).status).toBe(403);

    for (const who of [ksi.headers, admin]) {
      const res = await api(system, "GET", seriesPath, who);
      expect(res.status).toBe(200);
      expect(res.body.points).toHaveLength(30);
    }
    for (const who of [bful.headers, anonymous]) {
      const res = await api(system, "GET", seriesPath, who);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/embargoed by KSI/);
    }
    // Sensor validation against lab results shows the sensor's readings too.
    const validation = `/api/v1/lab/validation?station=${ZEHREN}&parameter=${CBZ}&sensor=${PROTOTYPE}`;
    expect((await api(system, "GET", validation, bful.headers)).status).toBe(403);
    expect((await api(system, "GET", validation, ksi.headers)).status).toBe(200);
    expect(await latestSensors(ksi.headers)).toContain(PROTOTYPE);
    expect(await latestSensors(bful.headers)).toEqual([PRIMARY]);
    expect(await latestSensors(anonymous)).toEqual([PRIMARY]);

    const ksiExport = await api(system, "GET", exportPath, ksi.headers);
    expect(ksiExport.status).toBe(200);
    expect(JSON.stringify(ksiExport.body)).toContain(PROTOTYPE);
    const bfulExport = await api(system, "GET", exportPath, bful.headers);
    expect(bfulExport.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(bfulExport.body)).not.toMatch(/"value":\s*\d/);

    // Live: a reading of each sensor, and an alert from the prototype's.
    const ksiLive = await watch(ksi.headers.authorization!.replace("Bearer ", ""));
    const bfulLive = await watch(bful.headers.authorization!.replace("Bearer ", ""));
    const anonymousLive = await watch();
    const now = Date.now() - 1_000;
    const posted = await postReadings(system.url, stationToken, {
      readings: [
        { station: ZEHREN, parameter: CBZ, sensor: PROTOTYPE, time: new Date(now).toISOString(), value: 900 },
        { station: ZEHREN, parameter: CBZ, sensor: PRIMARY, time: new Date(now).toISOString(), value: 60 },
      ],
    });
    expect(posted.status).toBe(202);
    await eventually(() => ksiLive.some((r) => r.sensor === PROTOTYPE) && bfulLive.length > 0 && anonymousLive.length > 0, "live readings");
    await eventually(async () => (await alertsOf(ksi.headers, PROTOTYPE)).length > 0, "the prototype's alert");
    await eventually(async () => (await inbox(ksi.headers)).includes(PROTOTYPE), "KSI's notification");
    expect(bfulLive.map((r) => r.sensor)).toEqual([PRIMARY]);
    expect(anonymousLive.map((r) => r.sensor)).toEqual([PRIMARY]);
    expect(await alertsOf(bful.headers, PROTOTYPE)).toEqual([]);
    expect(await alertsOf(anonymous, PROTOTYPE)).toEqual([]);
    expect(await inbox(bful.headers)).not.toContain(PROTOTYPE);
    const alertId = (await alertsOf(ksi.headers, PROTOTYPE))[0]!.id;
    expect((await api(system, "GET", `/api/v1/alerts/${alertId}`, bful.headers)).status).toBe(404);
  });

  it("after the release, the other organisation's researcher and anonymous users read it, labelled provisional", async () => {
    const lift = await api(system, "POST", "/api/v1/review/embargoes", ksiReviewer, { sensor: PROTOTYPE, until: null, reason: "paper published" });
    expect(lift.status).toBe(201);
    for (const who of [bful.headers, anonymous]) {
      const res = await api(system, "GET", seriesPath, who);
      expect(res.status).toBe(200);
      expect(res.body.points.length).toBeGreaterThanOrEqual(30);
      expect(res.body.points[0]).toMatchObject({ approval: "raw", provisional: true });
      expect(res.body.provisionalLabel).toBe("provisional — subject to revision");
      expect(await latestSensors(who)).toContain(PROTOTYPE);
      expect((await alertsOf(who, PROTOTYPE))[0]).toMatchObject({ provisional: true });
    }
    expect((await api(system, "GET", exportPath, bful.headers)).status).toBe(200);
    const bfulLive = await watch(bful.headers.authorization!.replace("Bearer ", ""));
    await postReadings(system.url, stationToken, { readings: [{ station: ZEHREN, parameter: CBZ, sensor: PROTOTYPE, time: new Date().toISOString(), value: 70 }] });
    await eventually(() => bfulLive.some((r) => r.sensor === PROTOTYPE), "the prototype's live reading");
  });
});

describe("alerts and corrections", () => {
  it("deleting the spike that raised an alert links the alert to the deletion; the alert stays as it was", async () => {
    const [alert] = await alertsOf(ksi.headers, PROTOTYPE);
    const before = (await api(system, "GET", "/api/v1/alerts", admin)).body.alerts.length as number;
    const del = await api(system, "POST", "/api/v1/review/corrections", ksiReviewer, {
      station: ZEHREN, parameter: CBZ, sensor: PROTOTYPE, from: alert!.startedAt, to: alert!.startedAt + 1, action: { kind: "delete" }, reason: "spike: bubble on the electrode",
    });
    expect(del.status, JSON.stringify(del.body)).toBe(201);
    const detail = (await api(system, "GET", `/api/v1/alerts/${alert!.id}`, ksi.headers)).body;
    expect(detail.corrections).toEqual([expect.objectContaining({ correction: del.body.id, kind: "delete", reason: "spike: bubble on the electrode", undone: false })]);
    expect(detail).toMatchObject({ startedAt: alert!.startedAt, value: 900 });
    expect((await api(system, "GET", "/api/v1/alerts", admin)).body.alerts.length).toBe(before);
  });

  it("a correction that lifts past readings above a threshold raises no alert for the past", async () => {
    const before = (await api(system, "GET", "/api/v1/alerts", admin)).body.alerts.length as number;
    const lift = await api(system, "POST", "/api/v1/review/corrections", ksiReviewer, {
      station: ZEHREN, parameter: CBZ, sensor: PROTOTYPE, from: T0, to: T0 + 2 * HOUR, action: { kind: "offset", offset: 1_000 }, reason: "zero offset from the calibration log",
    });
    expect(lift.status).toBe(201);
    const corrected = await api(system, "GET", `/api/v1/series?station=${ZEHREN}&parameter=${CBZ}&sensor=${PROTOTYPE}&from=${T0}&to=${T0 + HOUR}&width=1000`, ksi.headers);
    expect(corrected.body.points[0].v).toBeGreaterThan(1_000);
    // Several engine rounds (200 ms) pass.
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await api(system, "GET", "/api/v1/alerts", admin)).body.alerts.length).toBe(before);
  });
});
