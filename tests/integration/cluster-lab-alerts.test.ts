// Lab-result alerts with two instances on one PostgreSQL (issue #21): only the leader runs the alert
// engine, so a lab import made at the standby is judged there — read from the shared lab_imports
// table — and a clarithromycin result above its MAC-EQS fires exactly one alert and one webhook
// message. A second import at the leader itself is judged once as well.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertInfo } from "../../common/alerts.ts";
import { authHeaders } from "../helpers/auth.ts";
import { api, BINDING_CLARITHROMYCIN_MAC, eventually, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { importFile } from "../helpers/lab-client.ts";
import { createTestDatabase } from "../helpers/test-meta.ts";
import { uniqueDatabase } from "../helpers/test-system.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver.ts";

const ZEHREN = "DE-ELBE-ZEHREN";
const HEADER = "Messstelle;Proben-Nr.;Probenart;Probenahme Beginn;Probenahme Ende;Parameter;Wert;BG;Einheit;Messunsicherheit;Labor;Verfahren;Analysendatum";
const row = (sample: string, day: string, value: string) =>
  `Zehren;${sample};zeitproportionale Mischprobe;${day}.03.2026 08:00;${String(Number(day) + 1).padStart(2, "0")}.03.2026 08:00;Clarithromycin;${value};0,01;µg/L;20 %;BfUL Labor;LC-MS/MS, DIN 38407-47;20.03.2026`;
const csv = (...rows: string[]) => ({ name: "clarithromycin.csv", bytes: [HEADER, ...rows].join("\r\n") + "\r\n" });

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let hook: WebhookReceiver;
let a: AlertTestSystem;
let b: AlertTestSystem;

beforeAll(async () => {
  database = await createTestDatabase();
  hook = await startWebhookReceiver();
  const shared = { DATABASE_URL: database.url, INFLUX_DATABASE: uniqueDatabase() };
  // One after the other: the first makes the schema and the catalog, the second finds them.
  a = await startAlertSystem(shared, undefined, undefined, undefined, BINDING_CLARITHROMYCIN_MAC);
  b = await startAlertSystem(shared, undefined, undefined, undefined, BINDING_CLARITHROMYCIN_MAC);
  const subscribed = await api(a, "POST", "/api/v1/subscriptions", await authHeaders(a, "researcher"), { channel: "webhook", webhookUrl: hook.url, stations: [ZEHREN] });
  expect(subscribed.status).toBe(201);
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await hook?.close();
  await database?.drop();
}, 30_000);

async function macAlerts(system: AlertTestSystem): Promise<AlertInfo[]> {
  const res = await api(system, "GET", `/api/v1/alerts?station=${ZEHREN}&parameter=clarithromycin`, await authHeaders(system, "viewer"));
  expect(res.status).toBe(200);
  return (res.body.alerts as AlertInfo[]).filter((alert) => alert.kind === "mac");
}

const firing = () => hook.deliveries.filter((d) => d.json.type === "alert.firing");

describe("lab-result alerts across two instances", () => {
  it("a MAC-EQS result imported at the standby fires one alert and one webhook message, from the leader", async () => {
    expect([a.leadership.role(), b.leadership.role()].sort()).toEqual(["leader", "standby"]);
    const [leader, standby] = a.leadership.role() === "leader" ? [a, b] : [b, a];
    const { applied } = await importFile(standby.url, await authHeaders(standby, "researcher"), csv(row("ZE-101", "02", "0,012"), row("ZE-102", "09", "0,41")));
    expect(applied.status).toBe(201);
    const alerts = await eventually(async () => {
      const list = await macAlerts(leader);
      return list.length > 0 ? list : null;
    }, "the MAC alert", 15_000);
    await eventually(() => firing().length > 0, "the webhook message");
    // Time for a second judgement (a later poll, the other instance) to show, if there were one.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await macAlerts(standby)).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ state: "firing", value: 410, valueKind: "lab", labSample: { sampleId: "ZE-102" } });
    expect(firing()).toHaveLength(1);
  }, 60_000);

  it("a result below the limit imported at the leader resolves it, judged once", async () => {
    const leader = a.leadership.role() === "leader" ? a : b;
    const { applied } = await importFile(leader.url, await authHeaders(leader, "researcher"), csv(row("ZE-103", "16", "0,05")));
    expect(applied.status).toBe(201);
    await eventually(async () => ((await macAlerts(leader))[0]?.state === "resolved" ? true : null), "the resolution", 15_000);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await macAlerts(leader)).toHaveLength(1);
    expect(firing()).toHaveLength(1);
  }, 60_000);
});
