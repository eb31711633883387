// Maintenance windows end to end, on a real server with a real InfluxDB: readings taken inside a
// window are stored with the maintenance marker (and QC 4, outside every mean), the series' alerts
// are held (no webhook while it lasts, the breach recorded as held), a breach still there after it
// fires once, and every start, plan and end is in the audit log.
import { afterEach, describe, expect, it } from "vitest";
import { FIELD, MEASUREMENT, TAG } from "../../common/wire.ts";
import { ManualTime } from "../../server/src/util/clock.ts";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { api, BINDING_CLARITHROMYCIN_MAC, eventually, FAST_ALERTING, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const MIN = 60_000;
const STATION = "DE-ELBE-ZEHREN";
const iso = (t: number) => new Date(t).toISOString();
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function webhook(s: AlertTestSystem, severities: string[]): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver({ failures: 0 });
  cleanups.push(() => receiver.close());
  const res = await api(s, "POST", "/api/v1/subscriptions", await authHeaders(s, "researcher"), { channel: "webhook", webhookUrl: receiver.url, stations: [STATION], severities });
  expect(res.status).toBe(201);
  return receiver;
}

async function post(s: AlertTestSystem, readings: Array<{ parameter: string; time: number; value: number }>) {
  const token = (await s.stationTokens.create("t", [STATION])).token;
  const res = await postReadings(s.url, token, { readings: readings.map((r) => ({ station: STATION, ...r, time: iso(r.time) })) });
  expect(res.status).toBe(202);
  return (await res.json()) as { accepted: number; flagged: { suspect: number; fail: number } };
}

describe("a maintenance window on a compound", () => {
  it("stores its readings with the marker, holds the alert while it lasts and fires once after it", async () => {
    const s = await startAlertSystem({}, undefined, FAST_ALERTING, undefined, BINDING_CLARITHROMYCIN_MAC);
    cleanups.push(() => s.stop());
    const hook = await webhook(s, ["critical"]);
    const reviewer = await authHeaders(s, "reviewer");
    const t = Date.now() - 60 * MIN;
    const created = await api(s, "POST", "/api/v1/maintenance", reviewer, {
      station: STATION,
      parameter: "clarithromycin",
      from: iso(t + 5 * MIN),
      to: iso(t + 25 * MIN),
      reason: "Sensor cleaning and calibration",
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;

    // Before, inside (twice above the MAC-EQS of 130 ng/L: a calibration standard), after (still above).
    const answer = await post(s, [
      { parameter: "clarithromycin", time: t, value: 40 },
      { parameter: "clarithromycin", time: t + 10 * MIN, value: 160 },
      { parameter: "clarithromycin", time: t + 20 * MIN, value: 170 },
    ]);
    expect(answer.flagged.fail).toBe(2);
    await settle();
    expect(hook.deliveries).toHaveLength(0);

    await post(s, [{ parameter: "clarithromycin", time: t + 30 * MIN, value: 180 }]);
    await eventually(() => hook.deliveries.length >= 1, "the firing message after the window");
    await post(s, [{ parameter: "clarithromycin", time: t + 40 * MIN, value: 190 }]);
    await settle();
    expect(hook.deliveries.map((d) => `${d.json.type}:${d.json.event.kind}:${d.json.event.value}`)).toEqual(["alert.firing:mac:180"]);

    // In InfluxDB: the marker and QC 4 on the two readings inside, no mean value; nothing on the others.
    const rows = await eventually(async () => {
      const [series] = await s.store.queryValues(
        `SELECT "${FIELD.maintenance}", "${FIELD.qc}", "${FIELD.meanValue}", "${FIELD.value}" FROM "${MEASUREMENT}" WHERE "${TAG.station}" = '${STATION}' AND "${TAG.parameter}" = 'clarithromycin'`,
      );
      return series && series.values.length === 5 ? series.values : undefined;
    }, "the five readings in InfluxDB");
    expect(rows.map(([, maintenance, qc, mean, value]) => [maintenance, qc, mean, value])).toEqual([
      [null, 1, 40, 40],
      [1, 4, null, 160],
      [1, 4, null, 170],
      [null, 1, 180, 180],
      [null, 1, 190, 190],
    ]);

    // The window lists the alert it held.
    const listed = await eventually(async () => {
      const res = await api(s, "GET", `/api/v1/maintenance?station=${STATION}&from=${t}&to=${t + 60 * MIN}`, reviewer);
      return res.body.windows[0]?.heldAlerts > 0 ? res.body.windows : undefined;
    }, "the held alert recorded");
    expect(listed).toEqual([expect.objectContaining({ id, parameter: "clarithromycin", reason: "Sensor cleaning and calibration", heldAlerts: 1 })]);
    const audit = await s.auth.audit.recent();
    expect(audit.find((e) => e.action === "maintenance.start")).toMatchObject({ target: `station:${STATION}/clarithromycin`, details: { id, reason: "Sensor cleaning and calibration" } });
  });

  it("ends early (audited), after which readings are no longer marked; a planned one is listed and can be cancelled", async () => {
    const s = await startAlertSystem();
    cleanups.push(() => s.stop());
    const reviewer = await authHeaders(s, "reviewer");
    const started = await api(s, "POST", "/api/v1/maintenance", reviewer, { station: STATION, durationMinutes: 120, reason: "Pump replaced" });
    expect(started.status).toBe(201);
    const planned = await api(s, "POST", "/api/v1/maintenance", reviewer, { station: STATION, from: iso(Date.now() + 86_400_000), to: iso(Date.now() + 90_000_000), reason: "Annual service" });
    expect(planned.status).toBe(201);
    const listed = await api(s, "GET", `/api/v1/maintenance`, await authHeaders(s, "viewer"));
    expect(listed.body.windows.map((w: { id: number }) => w.id)).toEqual([started.body.id, planned.body.id]);

    expect((await post(s, [{ parameter: "ph", time: Date.now(), value: 7.8 }])).flagged.fail).toBe(1);
    const ended = await api(s, "POST", `/api/v1/maintenance/${started.body.id}/end`, reviewer);
    expect(ended.status).toBe(200);
    expect(ended.body.endedAt).toBeLessThanOrEqual(Date.now());
    expect(ended.body.to).toBe(ended.body.endedAt);
    expect((await post(s, [{ parameter: "ph", time: Date.now(), value: 7.8 }])).flagged.fail).toBe(0);
    const again = await api(s, "POST", `/api/v1/maintenance/${started.body.id}/end`, reviewer);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already over/);

    const cancelled = await api(s, "POST", `/api/v1/maintenance/${planned.body.id}/end`, reviewer);
    expect(cancelled.status).toBe(200);
    expect((await api(s, "GET", `/api/v1/maintenance`, reviewer)).body.windows).toEqual([]);
    const actions = (await s.auth.audit.recent()).filter((e) => e.action.startsWith("maintenance.")).map((e) => `${e.action} ${e.target}`);
    expect(actions.reverse()).toEqual([`maintenance.start station:${STATION}`, `maintenance.plan station:${STATION}`, `maintenance.end station:${STATION}`, `maintenance.cancel station:${STATION}`]);
  });

  it.each([
    ["a window ending before it starts", { station: STATION, reason: "x", from: "2026-06-02T10:00:00Z", to: "2026-06-02T09:00:00Z" }, 400, /before it starts/],
    ["a window longer than a year", { station: STATION, reason: "x", from: "2026-06-02T00:00:00Z", to: "2027-07-01T00:00:00Z" }, 400, /at most 366 days/],
    ["an unknown station", { station: "DE-ELBE-NOWHERE", reason: "x", durationMinutes: 30 }, 400, /unknown station "DE-ELBE-NOWHERE"/],
    ["an unknown parameter", { station: STATION, parameter: "unobtainium", reason: "x", durationMinutes: 30 }, 400, /measures no "unobtainium"/],
  ])("refuses %s with a 400 naming the problem, and records nothing", async (_what, body, status, message) => {
    const s = await startAlertSystem();
    cleanups.push(() => s.stop());
    const res = await api(s, "POST", "/api/v1/maintenance", await authHeaders(s, "reviewer"), body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toMatch(message);
    expect(await s.maintenance.repo.list()).toEqual([]);
    expect((await s.auth.audit.recent()).filter((e) => e.action.startsWith("maintenance."))).toEqual([]);
  });

  it("researchers may not start one", async () => {
    const s = await startAlertSystem();
    cleanups.push(() => s.stop());
    const res = await api(s, "POST", "/api/v1/maintenance", await authHeaders(s, "researcher"), { station: STATION, reason: "x", durationMinutes: 30 });
    expect(res.status).toBe(403);
  });
});

describe("a station-wide window and the no-data alert", () => {
  it("a station silent through its visit raises no offline alert until the window is over, then one; maintenance readings are no sensor fault", async () => {
    const time = new ManualTime(Date.now());
    const s = await startAlertSystem({}, undefined, { ...FAST_ALERTING, outbox: { ...FAST_ALERTING.outbox, pollMs: MIN }, engine: { checkIntervalMs: MIN } }, time);
    cleanups.push(() => s.stop());
    const hook = await webhook(s, ["info", "warning", "critical"]);
    const reviewer = await authHeaders(s, "reviewer");
    const t0 = time.now();
    await post(s, [{ parameter: "ph", time: t0 - MIN, value: 7.8 }]);
    expect((await api(s, "POST", "/api/v1/maintenance", reviewer, { station: STATION, durationMinutes: 150, reason: "Station rebuilt" })).status).toBe(201);
    // The team takes the probe out: eight out-of-water readings (QC 4, marked), then silence.
    const out = await post(s, Array.from({ length: 8 }, (_, i) => ({ parameter: "ph", time: t0 + i * 1_000, value: 0.1 })));
    expect(out.flagged.fail).toBe(8);
    for (let m = 1; m <= 149; m++) {
      time.advance(MIN);
      if (m % 30 === 0) await settle(50);
    }
    await settle();
    expect(hook.deliveries.map((d) => `${d.json.event.kind}:${d.json.type}`)).toEqual([]);
    for (let m = 0; m < 3; m++) {
      time.advance(MIN);
      await settle(100);
    }
    await eventually(() => hook.deliveries.length >= 1, "the offline alert after the window");
    for (let m = 0; m < 30; m++) time.advance(MIN);
    await settle();
    expect(hook.deliveries.map((d) => `${d.json.event.kind}:${d.json.type}`)).toEqual(["no-data:alert.firing"]);
  });
});
