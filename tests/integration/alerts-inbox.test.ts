// The in-app inbox: GET /api/v1/notifications lists the notices of the caller's in-app subscriptions.
import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent } from "../../common/alerts.ts";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { api, BINDING_CLARITHROMYCIN_MAC, eventually, FAST_ALERTING, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";

const ZEHREN = "DE-ELBE-ZEHREN";
const SCHMILKA = "DE-ELBE-SCHMILKA";

let system: AlertTestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

interface InboxEntry {
  id: number;
  alertId: number | null;
  event: AlertEvent;
  createdAt: number;
}

describe("in-app inbox", () => {
  it("lists the user's notices newest first: the resolved notice above its firing notice, nothing for unwatched stations or other users", async () => {
    // Critical alerts: the clarithromycin MAC-EQS binds in this catalog.
    const s = (system = await startAlertSystem({}, undefined, FAST_ALERTING, undefined, BINDING_CLARITHROMYCIN_MAC));
    const ana = await authHeaders(s, "researcher");
    const ben = await authHeaders(s, "researcher");
    const created = await api(s, "POST", "/api/v1/subscriptions", ana, { channel: "in-app", stations: [ZEHREN], severities: ["critical"] });
    expect(created.status).toBe(201);
    expect((await api(s, "GET", "/api/v1/notifications", ana)).body).toEqual({ notifications: [] });

    const token = (await s.stationTokens.create("t", ["*"])).token;
    const t = Date.now() - 3_600_000;
    const clarithromycin = (station: string, time: number, value: number) => ({ station, parameter: "clarithromycin", time, value });
    // Above the MAC-EQS of 130 ng/L at both stations; only Zehren is watched.
    await postReadings(s.url, token, { readings: [clarithromycin(ZEHREN, t, 160), clarithromycin(SCHMILKA, t, 170)] });
    await postReadings(s.url, token, { readings: [clarithromycin(ZEHREN, t + 600_000, 20)] });

    const inbox = await eventually(async () => {
      const res = await api(s, "GET", "/api/v1/notifications", ana);
      expect(res.status).toBe(200);
      const entries = res.body.notifications as InboxEntry[];
      return entries.length >= 2 ? entries : null;
    }, "two inbox entries");
    expect(inbox.map((n) => `${n.event.state}:${n.event.kind}:${n.event.station}`)).toEqual([`resolved:mac:${ZEHREN}`, `firing:mac:${ZEHREN}`]);
    const [resolved, firing] = inbox as [InboxEntry, InboxEntry];
    expect(resolved.alertId).toBe(firing.alertId);
    expect(firing.event.id).toBe(firing.alertId);
    expect(firing.event.value).toBe(160);
    expect(resolved.event.resolvedAt).toBe(t + 600_000);
    expect(resolved.id).toBeGreaterThan(firing.id);

    // In-app notices are not sent anywhere: nothing waits in the outbox for them.
    expect((await s.alerting.outbox.rows()).filter((r) => r.subscription_id === created.body.subscription.id)).toEqual([]);
    expect((await api(s, "GET", "/api/v1/notifications", ben)).body).toEqual({ notifications: [] });
  });
});
