// A quality standard changes its value with a new validity (the EU revision adopted and binding from
// a date): the old version ends where the new one starts and both stay in the catalog; alerts before
// the date are judged by the old value and after it by the new one; the built-in rule derived from
// the standard follows it when the new version starts (audited), a rule a person edited keeps what
// the person set; the catalog as of before the change still shows one version. Time is a ManualTime.
import { afterEach, describe, expect, it } from "vitest";
import type { AlertInfo, AlertRule } from "../../common/alerts.ts";
import type { CatalogResponse } from "../../common/api-types.ts";
import { ManualTime } from "../../server/src/util/clock.ts";
import { FAST_ALERTING, api, eventually, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { authHeaders } from "../helpers/auth.ts";
import { postReadings } from "../helpers/ingest-client.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const STANDARD = "clarithromycin.MAC-EQS.EU-EQS-2022";
const ZEHREN = "DE-ELBE-ZEHREN";
const SCHMILKA = "DE-ELBE-SCHMILKA";
const iso = (t: number) => new Date(t).toISOString();

let system: AlertTestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

describe("a standard's new version with its own validity", () => {
  it("ends the old version, keeps both, and alerts before and after use the right value", async () => {
    const start = Math.floor(Date.now() / MIN) * MIN - 3 * HOUR;
    const time = new ManualTime(start);
    const s = (system = await startAlertSystem({}, undefined, { ...FAST_ALERTING, engine: { checkIntervalMs: MIN } }, time));
    const admin = await authHeaders(s, "admin");
    const token = (await s.stationTokens.create("t", ["*"])).token;
    const post = async (station: string, value: number) => {
      const res = await postReadings(s.url, token, { readings: [{ station, parameter: "clarithromycin", time: time.now() - MIN, value }] });
      expect(res.status, await res.clone().text()).toBe(202);
      await s.alerting.engine.idle();
    };
    const ruleAt = async (station: string): Promise<AlertRule> =>
      (await s.alerting.rules.list()).find((r) => r.station === station && r.parameter === "clarithromycin" && r.kind === "mac")!;
    const alertsAt = async (station: string): Promise<AlertInfo[]> => (await api(s, "GET", `/api/v1/alerts?station=${station}&parameter=clarithromycin`, admin)).body.alerts;

    expect(await ruleAt(ZEHREN)).toMatchObject({ threshold: 130, severity: "info", standard: { id: STANDARD } });
    // A person sets their own threshold on Schmilka's rule: from now on it is theirs.
    const schmilka = await ruleAt(SCHMILKA);
    expect((await api(s, "PATCH", `/api/v1/alert-rules/${schmilka.id}`, admin, { threshold: 150 })).status).toBe(200);

    time.advance(MIN);
    const switchAt = start + HOUR;
    const created = await api(s, "POST", `/api/v1/catalog/standards/${STANDARD}/versions`, admin, { validFrom: iso(switchAt), value: 100, legalStatus: "binding" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.versions.map((v: { validFrom: string | null; validTo: string | null; value: number; legalStatus: string }) => [v.validFrom, v.validTo, v.value, v.legalStatus])).toEqual([
      [null, iso(switchAt), 130, "proposal"],
      [iso(switchAt), null, 100, "binding"],
    ]);
    const now = (await api(s, "GET", "/api/v1/catalog", admin)).body as CatalogResponse;
    expect(now.catalog.standards.filter((x) => x.id === STANDARD)).toHaveLength(2);

    // Before the new version starts: the old value (130) is the limit, and the rule still checks it.
    expect(await ruleAt(ZEHREN)).toMatchObject({ threshold: 130, severity: "info" });
    await post(ZEHREN, 115);
    expect(await alertsAt(ZEHREN)).toHaveLength(0);
    await post(ZEHREN, 140);
    const before = await eventually(async () => (await alertsAt(ZEHREN)).find((a) => a.state === "firing"), "the alert under the old value");
    expect(before).toMatchObject({ threshold: 130, severity: "info", standard: { id: STANDARD, value: 130, legalStatus: "proposal" } });
    await post(ZEHREN, 20);
    await eventually(async () => (await alertsAt(ZEHREN)).every((a) => a.state === "resolved"), "the alert to resolve");

    // The new version starts: the rule derived from the standard follows it, the edited one does not.
    time.advance(HOUR);
    await eventually(async () => (await ruleAt(ZEHREN)).threshold === 100, "the derived rule to follow the new version");
    expect(await ruleAt(ZEHREN)).toMatchObject({ threshold: 100, severity: "critical" });
    expect(await ruleAt(SCHMILKA)).toMatchObject({ threshold: 150, severity: "info" });
    const audit = (await api(s, "GET", "/api/v1/admin/audit", admin)).body.entries as Array<{ action: string; target: string; details: any }>;
    const zehrenRule = await ruleAt(ZEHREN);
    const followed = audit.find((e) => e.action === "alert-rule.follow-standard" && e.target === `alert-rule:${zehrenRule.id}`);
    expect(followed?.details.changes).toEqual(
      expect.arrayContaining([
        { field: "threshold", before: 130, after: 100 },
        { field: "severity", before: "info", after: "critical" },
      ]),
    );
    const kept = audit.find((e) => e.action === "alert-rule.keep-edited" && e.target === `alert-rule:${schmilka.id}`);
    expect(kept?.details.note).toMatch(/edited by hand/);

    await post(ZEHREN, 115);
    const after = await eventually(async () => (await alertsAt(ZEHREN)).find((a) => a.state === "firing"), "the alert under the new value");
    expect(after).toMatchObject({ threshold: 100, severity: "critical", standard: { id: STANDARD, value: 100, legalStatus: "binding" } });

    // The catalog as it was before the new version was entered: one version, valid without end.
    const then = (await api(s, "GET", `/api/v1/catalog?asOf=${iso(start)}`, admin)).body as CatalogResponse;
    expect(then.catalog.standards.filter((x) => x.id === STANDARD).map((x) => [x.validFrom, x.validTo, x.value])).toEqual([[null, null, 130]]);

    // History is not rewritten: the version that has applied keeps its value.
    const rewrite = await api(s, "POST", `/api/v1/catalog/standards/${STANDARD}/versions`, admin, { validFrom: iso(start + 30 * MIN), value: 90 });
    expect(rewrite.status).toBe(400);
  });

  it("a derived rule a person deleted is not made again when its standard changes", async () => {
    const time = new ManualTime(Math.floor(Date.now() / MIN) * MIN - HOUR);
    const s = (system = await startAlertSystem({}, undefined, { ...FAST_ALERTING, engine: { checkIntervalMs: MIN } }, time));
    const admin = await authHeaders(s, "admin");
    const rule = (await s.alerting.rules.list()).find((r) => r.station === ZEHREN && r.standard?.id === STANDARD)!;
    expect((await api(s, "DELETE", `/api/v1/alert-rules/${rule.id}`, admin)).status).toBe(204);
    const res = await api(s, "POST", `/api/v1/catalog/standards/${STANDARD}/versions`, admin, { validFrom: iso(time.now()), value: 100 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const rules = await s.alerting.rules.list();
    expect(rules.filter((r) => r.station === ZEHREN && r.standard?.id === STANDARD)).toHaveLength(0);
    expect(rules.find((r) => r.station === SCHMILKA && r.standard?.id === STANDARD)).toMatchObject({ threshold: 100 });
  });
});
