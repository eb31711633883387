// Alert rules, spill alerts in river order, live alert events, acknowledgement and bad input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertEvent, AlertInfo, AlertRule } from "../../common/alerts.ts";
import { authHeaders } from "../helpers/auth.ts";
import { connectLive, type LiveClient } from "../helpers/live-client.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { api, eventually, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { seed as catalog } from "../helpers/catalog.ts";

let system: AlertTestSystem;
let token: string;
let viewer: Record<string, string>;
let researcher: Record<string, string>;
let admin: Record<string, string>;
let socket: LiveClient;
const live: AlertEvent[] = [];

beforeAll(async () => {
  system = await startAlertSystem();
  token = (await system.stationTokens.create("t", ["*"])).token;
  viewer = await authHeaders(system, "viewer");
  researcher = await authHeaders(system, "researcher");
  admin = await authHeaders(system, "admin");
  socket = await connectLive(system.url, viewer.authorization!.slice(7));
  socket.on("alert", (e) => live.push(e));
});
afterAll(async () => {
  socket?.close();
  await system?.stop();
});

describe("alert rules", () => {
  it("creates built-in rules per station from the standards that apply there, with severity by legal status", async () => {
    const { status, body } = await api(system, "GET", "/api/v1/alert-rules", viewer);
    expect(status).toBe(200);
    const rules = body.rules as AlertRule[];
    const cited = (station: string) => rules.filter((r) => r.station === station && r.standard).map((r) => r.standard!.id).sort();
    // A Saxon station: the EU values (proposals, the SCHEER guidance, the binding Nitrates Directive)
    // and the German proposal; no Swiss value, no GB 3838 class limit, no watch-list detection limit.
    expect(cited("DE-ELBE-ZEHREN")).toEqual([
      "azithromycin.AA-EQS.EU-EQS-2022",
      "azithromycin.MAC-EQS.EU-EQS-2022",
      "carbamazepine.AA-EQS.EU-EQS-2022",
      "carbamazepine.MAC-EQS.EU-EQS-2022",
      "clarithromycin.AA-EQS.EU-EQS-2022",
      "clarithromycin.MAC-EQS.EU-EQS-2022",
      "diclofenac.AA-EQS.DE-UBA-proposal",
      "diclofenac.AA-EQS.EU-EQS-2022",
      "erythromycin.AA-EQS.EU-EQS-2022",
      "erythromycin.MAC-EQS.EU-EQS-2022",
      "ethinylestradiol.AA-EQS.EU-EQS-2022",
      "ibuprofen.AA-EQS.EU-SCHEER-2022",
      "nitrate.max.EU-NITRATES",
    ]);
    // A Chongqing station: GB 3838 at the station's target class (III), binding, so "warning".
    expect(cited("CN-YANGTZE-CUNTAN")).toEqual([
      "ammonium.class-limits.CN-GB3838-2002",
      "dissolved_oxygen.class-limits.CN-GB3838-2002",
      "ph.class-limits.CN-GB3838-2002",
    ]);
    const at = (station: string, id: string) => rules.find((r) => r.station === station && r.standard?.id === id);
    expect(at("CN-YANGTZE-CUNTAN", "ph.class-limits.CN-GB3838-2002")).toMatchObject({ kind: "range", low: 6, high: 9, unit: "pH", severity: "warning" });
    expect(at("CN-YANGTZE-CUNTAN", "dissolved_oxygen.class-limits.CN-GB3838-2002")).toMatchObject({ kind: "min", threshold: 5, unit: "mg/L" });
    expect(at("CN-YANGTZE-CUNTAN", "ammonium.class-limits.CN-GB3838-2002")).toMatchObject({ kind: "max", threshold: 1, unit: "mg/L" });
    for (const station of catalog.stations.filter((s) => s.region === "saxony")) {
      expect(rules.filter((r) => r.station === station.id && ["CN-GB3838-2002", "CH-GSchV", "CH-OEKOTOX"].includes(r.standard?.source ?? "")), station.id).toEqual([]);
    }
    expect(rules.some((r) => r.parameter === "sulfamethoxazole" || r.parameter === "venlafaxine")).toBe(false);
    // Severity: the EU MAC for clarithromycin is a proposal (informs); the Nitrates Directive binds (warns).
    expect(at("DE-ELBE-ZEHREN", "clarithromycin.MAC-EQS.EU-EQS-2022")).toMatchObject({
      kind: "mac",
      threshold: 130,
      severity: "info",
      builtIn: true,
      standard: { id: "clarithromycin.MAC-EQS.EU-EQS-2022", kind: "MAC-EQS", source: "EU-EQS-2022" },
      name: "Clarithromycin MAC-EQS (EU-EQS-2022) at Zehren (Elbe, below Dresden)",
    });
    expect(at("DE-ELBE-ZEHREN", "nitrate.max.EU-NITRATES")).toMatchObject({ kind: "max", threshold: 50, severity: "warning" });
    expect(rules.some((r) => r.severity === "critical" && r.standard)).toBe(false);
  });

  it("a researcher creates, edits and deletes an own rule; thresholds come from the cited standard", async () => {
    const created = await api(system, "POST", "/api/v1/alert-rules", researcher, {
      kind: "aa", parameter: "diclofenac", station: "DE-ELBE-ZEHREN", standard: { id: "diclofenac.AA-EQS.CH-GSchV" }, windowMs: 30 * 86_400_000,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ threshold: 50, unit: "ng/L", windowMs: 30 * 86_400_000, minCoverage: 0.8, builtIn: false });
    expect(created.body.name).toBe("rolling mean above the annual standard CH-GSchV: diclofenac at DE-ELBE-ZEHREN");
    const patched = await api(system, "PATCH", `/api/v1/alert-rules/${created.body.id}`, researcher, { threshold: 45, unit: "ng/L", forMs: 600_000 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ threshold: 45, forMs: 600_000, standard: { id: "diclofenac.AA-EQS.CH-GSchV", kind: "AA-EQS", source: "CH-GSchV" } });
    // A class-limits standard cited at a Chinese station takes the station's target-class limit.
    const oxygen = await api(system, "POST", "/api/v1/alert-rules", researcher, {
      kind: "min", parameter: "dissolved_oxygen", station: "CN-JIALING-BEIBEI", standard: { id: "dissolved_oxygen.class-limits.CN-GB3838-2002" },
    });
    expect(oxygen.status).toBe(201);
    expect(oxygen.body).toMatchObject({ threshold: 5, unit: "mg/L" });
    expect((await api(system, "DELETE", `/api/v1/alert-rules/${oxygen.body.id}`, researcher)).status).toBe(204);
    // Another researcher may not touch it; nobody but an admin touches built-in rules.
    const other = await authHeaders(system, "researcher");
    expect((await api(system, "DELETE", `/api/v1/alert-rules/${created.body.id}`, other)).status).toBe(403);
    const builtIn = (await api(system, "GET", "/api/v1/alert-rules", viewer)).body.rules.find((r: AlertRule) => r.builtIn);
    expect((await api(system, "PATCH", `/api/v1/alert-rules/${builtIn.id}`, researcher, { forMs: 0 })).status).toBe(403);
    expect((await api(system, "PATCH", `/api/v1/alert-rules/${builtIn.id}`, admin, { forMs: 0 })).status).toBe(200);
    expect((await api(system, "DELETE", `/api/v1/alert-rules/${created.body.id}`, researcher)).status).toBe(204);
  });

  it("anonymous callers and viewers may not change rules", async () => {
    expect((await api(system, "POST", "/api/v1/alert-rules", {}, { kind: "max", parameter: "nitrate", threshold: 40 })).status).toBe(401);
    expect((await api(system, "POST", "/api/v1/alert-rules", viewer, { kind: "max", parameter: "nitrate", threshold: 40 })).status).toBe(403);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ["unknown station", { kind: "mac", station: "DE-RHEIN-KOELN", parameter: "diclofenac", threshold: 100 }, /unknown station "DE-RHEIN-KOELN"/],
    ["unknown parameter", { kind: "mac", parameter: "caffeine", threshold: 100 }, /unknown parameter "caffeine"/],
    ["negative window", { kind: "aa", parameter: "diclofenac", threshold: 40, windowMs: -1000 }, /windowMs must not be negative/],
    ["zero window", { kind: "no-data", station: "DE-ELBE-ZEHREN", windowMs: 0 }, /windowMs must be positive/],
    [
      "an aa window shorter than the minimum for an annual standard",
      { kind: "aa", parameter: "diclofenac", standard: { id: "diclofenac.AA-EQS.EU-EQS-2022" }, windowMs: 7 * 86_400_000 },
      /windowMs 604800000 \(7 days\) is too short for an aa rule: it compares a rolling mean with an annual standard .* Give windowMs of at least 2592000000 \(30 days\)/,
    ],
    ["a day-long aa window", { kind: "aa", parameter: "diclofenac", threshold: 40, windowMs: 86_400_000 }, /too short for an aa rule/],
    ["a minimum coverage above 1", { kind: "aa", parameter: "diclofenac", threshold: 40, minCoverage: 1.5 }, /minCoverage must be at most 1/],
    ["a minimum coverage of 0", { kind: "aa", parameter: "diclofenac", threshold: 40, minCoverage: 0 }, /minCoverage must be above 0/],
    ["a minimum coverage on a max rule", { kind: "max", parameter: "nitrate", threshold: 40, minCoverage: 0.5 }, /minCoverage applies to aa rules only/],
    ["threshold in the wrong unit", { kind: "mac", parameter: "clarithromycin", threshold: 0.13, unit: "µg/L" }, /unit "µg\/L" does not match clarithromycin's unit "ng\/L"/],
    ["a standard the parameter does not have", { kind: "mac", parameter: "diclofenac", standard: { id: "diclofenac.MAC-EQS.EU-EQS-2022" } }, /diclofenac has no standard "diclofenac.MAC-EQS.EU-EQS-2022" \(its standards: /],
    ["a watch-list limit as an alarm", { kind: "max", parameter: "sulfamethoxazole", standard: { id: "sulfamethoxazole.watch-list-MDL.EU-WL-2022" } }, /must cite a max or class-limits standard, not watch-list-MDL/],
    ["a class limit without a station", { kind: "min", parameter: "dissolved_oxygen", standard: { id: "dissolved_oxygen.class-limits.CN-GB3838-2002" } }, /sets its limit by the station's target class/],
    ["a class limit at a station without a target class", { kind: "min", station: "DE-ELBE-ZEHREN", parameter: "dissolved_oxygen", standard: { id: "dissolved_oxygen.class-limits.CN-GB3838-2002" } }, /sets its limit by the station's target class/],
    ["a class maximum cited by a min rule", { kind: "min", station: "CN-YANGTZE-CUNTAN", parameter: "ammonium", standard: { id: "ammonium.class-limits.CN-GB3838-2002" } }, /sets a max limit for every class: cite it from a max rule/],
    ["a standard cited by kind and source", { kind: "mac", parameter: "clarithromycin", standard: { kind: "MAC-EQS", source: "EU-EQS-2022" } }, /standard\.id is required; Unknown fields: kind, source/],
    ["a range with low above high", { kind: "range", parameter: "ph", low: 9, high: 6 }, /low \(9\) must be below high \(6\)/],
    ["a missing threshold", { kind: "max", parameter: "nitrate" }, /needs a threshold/],
    ["an unknown kind", { kind: "sometimes", parameter: "nitrate" }, /kind/],
    ["an unknown property", { kind: "max", parameter: "nitrate", threshold: 40, colour: "red" }, /Unknown field: colour/],
  ];
  it.each(bad)("refuses %s with 400 and a clear message", async (_name, body, message) => {
    const res = await api(system, "POST", "/api/v1/alert-rules", researcher, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });
});

describe("a spill travelling down the Elbe", () => {
  const order = ["DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN", "DE-ELBE-DOMMITZSCH"];

  it("raises one MAC-EQS alert per station, in river order, citing the standard and linking the station page", async () => {
    const t0 = Date.now() - 3 * 3_600_000;
    for (const [i, station] of order.entries()) {
      const start = t0 + i * 3_600_000; // about an hour of travel between stations
      const readings = [0, 10, 20, 30].map((m, k) => ({ station, parameter: "clarithromycin", time: start + m * 60_000, value: [40, 160, 175, 150][k]! }));
      expect((await postReadings(system.url, token, { readings })).status).toBe(202);
    }
    const alerts = await eventually(async () => {
      const res = await api(system, "GET", "/api/v1/alerts?parameter=clarithromycin&state=firing", viewer);
      const mac = (res.body.alerts as AlertInfo[]).filter((a) => a.kind === "mac");
      return mac.length === 3 ? mac : undefined;
    }, "three MAC alerts");
    const byStart = [...alerts].sort((a, b) => a.startedAt - b.startedAt);
    expect(byStart.map((a) => a.station)).toEqual(order);
    const first = byStart[0]!;
    expect(first).toMatchObject({
      value: 160,
      unit: "ng/L",
      threshold: 130,
      // The EU MAC-EQS for clarithromycin is a proposal (COM(2022) 540): it informs, it is not a binding breach.
      severity: "info",
      category: "contamination",
      standard: { id: "clarithromycin.MAC-EQS.EU-EQS-2022", kind: "MAC-EQS", source: "EU-EQS-2022", legalStatus: "proposal", value: 130 },
      startedAt: t0 + 10 * 60_000,
      link: `http://localhost:${system.port}/#/station/DE-ELBE-SCHMILKA?range=custom&from=${t0 + 10 * 60_000 - 3 * 3_600_000}&to=${t0 + 10 * 60_000 + 3 * 3_600_000}&p=clarithromycin`,
    });
    expect(first.standard!.sourceText).toBe(catalog.source("EU-EQS-2022")!.citation);
    expect(first.message).toMatch(/Clarithromycin 160 ng\/L at Schmilka .* exceeds MAC-EQS \(EU-EQS-2022\) 130 ng\/L/);
    // The Swiss MAC (190 ng/L) applies in Switzerland only: no rule for it on the Elbe.
    expect(alerts.some((a) => a.standard?.source === "CH-GSchV")).toBe(false);
    // Live: every connected client heard of each alert once.
    await eventually(() => live.filter((e) => e.kind === "mac").length >= 3, "live alert events");
    const liveMac = live.filter((e) => e.kind === "mac" && e.parameter === "clarithromycin");
    expect(liveMac.map((e) => e.station)).toEqual(order);
    expect(liveMac.every((e) => e.state === "firing" && e.previousState === "ok" && !e.reminder)).toBe(true);
  });

  it("filters alerts by station and state, and refuses unknown filters", async () => {
    const res = await api(system, "GET", "/api/v1/alerts?station=DE-ELBE-ZEHREN&state=firing", viewer);
    expect(res.status).toBe(200);
    expect((res.body.alerts as AlertInfo[]).every((a) => a.station === "DE-ELBE-ZEHREN" && a.state === "firing")).toBe(true);
    expect((await api(system, "GET", "/api/v1/alerts?station=nowhere", viewer)).status).toBe(400);
    expect((await api(system, "GET", "/api/v1/alerts?state=burning", viewer)).status).toBe(400);
  });

  it("a researcher acknowledges an alert with a comment; who and when are recorded", async () => {
    const [alert] = (await api(system, "GET", "/api/v1/alerts?station=DE-ELBE-SCHMILKA&state=firing&parameter=clarithromycin", viewer)).body.alerts as AlertInfo[];
    expect((await api(system, "POST", `/api/v1/alerts/${alert!.id}/ack`, viewer, { comment: "seen" })).status).toBe(403);
    const updated = new Promise<{ id: number }>((resolve) => socket.once("alertUpdated", resolve));
    const acked = await api(system, "POST", `/api/v1/alerts/${alert!.id}/ack`, researcher, { comment: "Lab sample taken, BfUL informed" });
    expect(acked.status).toBe(200);
    // Other dashboards showing the alert hear of the acknowledgement at once.
    expect(await updated).toEqual({ id: alert!.id });
    expect(acked.body.ack).toMatchObject({ comment: "Lab sample taken, BfUL informed" });
    expect(acked.body.ack.by).toMatch(/^researcher-/);
    const detail = await api(system, "GET", `/api/v1/alerts/${alert!.id}`, viewer);
    expect(detail.body.history.map((h: { state: string }) => h.state)).toEqual(["firing", "acknowledged"]);
    expect((await api(system, "POST", "/api/v1/alerts/999999/ack", researcher, {})).status).toBe(404);
  });

  it("resolves when the plume has passed (below the 90 % clear level), once", async () => {
    const now = Date.now();
    const readings = [
      { station: "DE-ELBE-SCHMILKA", parameter: "clarithromycin", time: now - 60_000, value: 125 }, // hysteresis band: still firing
    ];
    await postReadings(system.url, token, { readings });
    await new Promise((r) => setTimeout(r, 100));
    let schmilka = (await api(system, "GET", "/api/v1/alerts?station=DE-ELBE-SCHMILKA&parameter=clarithromycin", viewer)).body.alerts as AlertInfo[];
    expect(schmilka.filter((a) => a.kind === "mac").map((a) => a.state)).toEqual(["firing"]);
    await postReadings(system.url, token, { readings: [{ station: "DE-ELBE-SCHMILKA", parameter: "clarithromycin", time: now, value: 30 }] });
    schmilka = await eventually(async () => {
      const list = (await api(system, "GET", "/api/v1/alerts?station=DE-ELBE-SCHMILKA&parameter=clarithromycin", viewer)).body.alerts as AlertInfo[];
      return list.some((a) => a.kind === "mac" && a.state === "resolved") ? list : undefined;
    }, "resolved");
    expect(schmilka.filter((a) => a.kind === "mac")).toHaveLength(1);
    expect(schmilka.find((a) => a.kind === "mac")!.resolvedAt).toBe(now);
  });
});

describe("sensor faults", () => {
  it("a run of QC-failed values raises a sensor-fault alert that silences contamination rules of that series", async () => {
    const now = Date.now() - 60 * 60_000;
    // pH 15 is outside the sensor range: QC fail (4) each time.
    const readings = Array.from({ length: 6 }, (_, i) => ({ station: "CN-YANGTZE-CUNTAN", parameter: "ph", time: now + i * 60_000, value: 15 }));
    await postReadings(system.url, token, { readings });
    const fault = await eventually(async () => {
      const list = (await api(system, "GET", "/api/v1/alerts?station=CN-YANGTZE-CUNTAN&parameter=ph", viewer)).body.alerts as AlertInfo[];
      return list.find((a) => a.kind === "sensor-fault");
    }, "sensor-fault alert");
    expect(fault).toMatchObject({ category: "sensor", state: "firing" });
    // While the sensor is faulty, a passed but out-of-range value does not raise a pH alert.
    await postReadings(system.url, token, { readings: [{ station: "CN-YANGTZE-CUNTAN", parameter: "ph", time: now + 7 * 60_000, value: 5.5 }] });
    await new Promise((r) => setTimeout(r, 100));
    const list = (await api(system, "GET", "/api/v1/alerts?station=CN-YANGTZE-CUNTAN&parameter=ph", viewer)).body.alerts as AlertInfo[];
    expect(list.filter((a) => a.kind === "range")).toHaveLength(0);
  });
});
