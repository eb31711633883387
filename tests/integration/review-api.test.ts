// Data review against a real InfluxDB (issue #17): corrections never touch the stored readings
// (byte for byte, after corrections and undos); the corrected view of series and export equals an
// independent application of the corrections; "as of" a time before a correction gives the old
// values; approved periods refuse corrections until un-approved (with a reason, audited);
// aggregates of a corrected range are those of the corrected readings; bad input stores nothing.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeriesResponse } from "../../common/api-types.ts";
import { MEASUREMENT } from "../../common/wire.ts";
import { testReading } from "../helpers/catalog.ts";
import { dataPackageOf } from "../helpers/datapackage.ts";
import { api, memberHeaders } from "../helpers/review.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEP = 10 * MIN;
const STATION = "DE-ELBE-ZEHREN"; // operated by BFUL
const PARAMETER = "ph"; // no LOD: the arithmetic is plain
const START = Math.floor(Date.now() / HOUR) * HOUR - 3 * DAY;
const STEPS = 2 * 144;
const END = START + STEPS * STEP;
const stored = (i: number) => Math.round((7 + (i % 24) * 0.05) * 100) / 100;
const h = (hours: number) => START + hours * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const series = { station: STATION, parameter: PARAMETER };

let system: TestSystem;
let reviewer: Record<string, string>;
let researcher: Record<string, string>;
let outsider: Record<string, string>;

/** The stored readings of the series, every field, as InfluxDB returns them. */
const rawSnapshot = async () => JSON.stringify(await system.store.query(`SELECT * FROM "${MEASUREMENT}" WHERE "station" = '${STATION}' AND "parameter" = '${PARAMETER}'`));
const pause = () => new Promise((r) => setTimeout(r, 5));

async function points(params: Record<string, string | number> = {}, headers = researcher): Promise<SeriesResponse> {
  const q = new URLSearchParams({ ...series, from: String(START), to: String(END - 1), width: "5000", ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
  const res = await api(system, "GET", `/api/v1/series?${q}`, headers);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as SeriesResponse;
}

async function correct(from: number, to: number, action: Record<string, unknown>, reason = "field visit found the sensor off"): Promise<number> {
  const res = await api(system, "POST", "/api/v1/review/corrections", reviewer, { ...series, from, to, action, reason });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await pause();
  return res.body.id as number;
}

async function exportCsv(params: Record<string, string>): Promise<Array<Record<string, string>>> {
  const q = new URLSearchParams({ stations: STATION, parameters: PARAMETER, from: iso(START), to: iso(END), ...params });
  const res = await fetch(`${system.url}/api/v1/export?${q}`, { headers: researcher });
  expect(res.status).toBe(200);
  return parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
}

const auditCount = async () => ((await api(system, "GET", `/api/v1/audit?series=${STATION}:${PARAMETER}`, reviewer)).body.entries as unknown[]).length;

// The review made in beforeAll, and the times around it.
const ids: Record<string, number> = {};
let beforeAny = 0;
let afterOffset = 0;
let beforeUndo = 0;
let afterUndo = 0;
let rawBefore = "";

/**
 * The corrected series, computed here independently of the server's algebra from what the
 * corrections below do: multiply before offset, drift from 0 at its start, the deletion and the
 * undone +100 offset, the interpolation's estimates between its neighbours, and the QC flag.
 */
function expectedCorrected(): Array<{ t: number; v: number; qc: number; estimated: boolean; corrections: number[] }> {
  const out: Array<{ t: number; v: number; qc: number; estimated: boolean; corrections: number[] }> = [];
  const before = stored((h(40) - STEP - START) / STEP);
  const after = stored((h(42) - START) / STEP);
  for (let i = 0; i < STEPS; i++) {
    const t = START + i * STEP;
    let v = stored(i);
    const applied: number[] = [];
    if (t >= h(12) && t < h(13)) continue; // deleted
    if (t >= h(40) && t < h(42)) {
      const share = (t - (h(40) - STEP)) / (h(42) - (h(40) - STEP));
      out.push({ t, v: before + (after - before) * share, qc: 2, estimated: true, corrections: [ids.interpolate!] });
      continue;
    }
    if (t >= h(6) && t < h(14)) {
      v *= 1.1;
      applied.push(ids.multiply!);
    }
    if (t >= h(2) && t < h(10)) {
      v += 0.5;
      applied.push(ids.offset!);
    }
    if (t >= h(20) && t < h(30)) {
      v += (1.0 * (t - h(20))) / (h(30) - h(20));
      applied.push(ids.drift!);
    }
    let qc = 1;
    if (t >= h(24) && t < h(26)) {
      qc = 3;
      applied.push(ids.qc!);
    }
    out.push({ t, v, qc, estimated: false, corrections: applied });
  }
  return out;
}

beforeAll(async () => {
  system = await startTestSystem();
  await system.store.writeReadings(Array.from({ length: STEPS }, (_, i) => testReading({ station: STATION, parameter: PARAMETER, time: START + i * STEP, value: stored(i) })));
  reviewer = (await memberHeaders(system, "reviewer", ["BFUL"])).headers;
  researcher = (await memberHeaders(system, "researcher", ["BFUL"])).headers;
  outsider = (await memberHeaders(system, "reviewer", ["KSI"])).headers;
  rawBefore = await rawSnapshot();
  beforeAny = Date.now();
  await pause();
  ids.offset = await correct(h(2), h(10), { kind: "offset", offset: 0.5 });
  afterOffset = Date.now();
  await pause();
  ids.multiply = await correct(h(6), h(14), { kind: "multiply", factor: 1.1 }, "gain error found at calibration");
  ids.delete = await correct(h(12), h(13), { kind: "delete" }, "maintenance spikes");
  ids.drift = await correct(h(20), h(30), { kind: "drift", offsetAtEnd: 1.0 }, "fouling, cleaned at the visit");
  ids.qc = await correct(h(24), h(26), { kind: "qc", flag: 3 }, "suspect: pump noise");
  ids.undone = await correct(h(30), h(31), { kind: "offset", offset: 100 }, "typo in the offset");
  ids.interpolate = await correct(h(40), h(42), { kind: "interpolate" }, "gap filled for the monthly mean");
  beforeUndo = Date.now();
  await pause();
  const undo = await api(system, "POST", `/api/v1/review/corrections/${ids.undone}/undo`, reviewer, { reason: "wrong offset" });
  expect(undo.status, JSON.stringify(undo.body)).toBe(200);
  await pause();
  afterUndo = Date.now();
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

describe("corrections leave the stored readings alone", () => {
  it("InfluxDB holds the same readings byte for byte after corrections and an undo, and view=raw returns them", async () => {
    expect(await rawSnapshot()).toBe(rawBefore);
    const raw = await points({ view: "raw" });
    expect(raw.view).toBe("raw");
    expect(raw.corrections).toEqual([]);
    expect(raw.points.map((p) => [p.t, p.v])).toEqual(Array.from({ length: STEPS }, (_, i) => [START + i * STEP, stored(i)]));
  });
});

describe("the corrected view", () => {
  it("series in view=corrected (the default) equal an independent application of the corrections", async () => {
    const res = await points();
    expect(res.view).toBe("corrected");
    const expected = expectedCorrected();
    expect(res.points.map((p) => p.t)).toEqual(expected.map((e) => e.t));
    res.points.forEach((p, i) => {
      const e = expected[i]!;
      expect(p.v, `at ${iso(p.t)}`).toBeCloseTo(e.v, 9);
      expect([p.qc, Boolean(p.estimated), p.corrections ?? []], `at ${iso(p.t)}`).toEqual([e.qc, e.estimated, e.corrections]);
    });
    expect(res.corrections.sort()).toEqual([ids.offset, ids.multiply, ids.delete, ids.drift, ids.qc, ids.interpolate].sort());
    expect(res.points.find((p) => p.estimated)).toMatchObject({ grade: "estimated" });
  });

  it("the export in view=corrected has the same values, with approval level and correction ids per row", async () => {
    const rows = await exportCsv({});
    const expected = expectedCorrected();
    expect(rows.map((r) => Date.parse(r.time!))).toEqual(expected.map((e) => e.t));
    rows.forEach((r, i) => {
      const e = expected[i]!;
      expect(Number(r.value), r.time).toBeCloseTo(e.v, 9);
      expect([r.qc_flag, r.estimated, r.corrections, r.approval], r.time).toEqual([String(e.qc), e.estimated ? "true" : "", e.corrections.join(" "), "raw"]);
    });
  });

  it("the datapackage names the view and the as-of time and lists the corrections applied", async () => {
    const q = new URLSearchParams({ stations: STATION, parameters: PARAMETER, from: iso(START), to: iso(END), metadata: "1", asOf: iso(afterUndo) });
    const res = await fetch(`${system.url}/api/v1/export?${q}`, { headers: researcher });
    expect(res.status).toBe(200);
    const review = (await dataPackageOf(res)).water_monitor.review;
    expect(review).toMatchObject({ view: "corrected", as_of: iso(afterUndo), release_level: "approved" });
    const listed = review.corrections as Array<Record<string, unknown>>;
    expect(listed.map((c) => c.id).sort()).toEqual([ids.offset, ids.multiply, ids.delete, ids.drift, ids.qc, ids.interpolate].sort());
    expect(listed.find((c) => c.id === ids.drift)).toMatchObject({ kind: "drift", offsetAtEnd: 1, reason: "fouling, cleaned at the visit", from: iso(h(20)), to: iso(h(30)) });
  });
});

describe("as of a past time", () => {
  it("before any correction: the stored values; between: what was recorded by then, an undone correction still counted", async () => {
    const old = await points({ asOf: beforeAny });
    expect(old.asOf).toBe(beforeAny);
    expect(old.points.map((p) => p.v)).toEqual(Array.from({ length: STEPS }, (_, i) => stored(i)));
    const mid = await points({ asOf: afterOffset });
    expect(mid.corrections).toEqual([ids.offset]);
    const at3h = mid.points.find((p) => p.t === h(3))!;
    expect(at3h.v).toBeCloseTo(stored((h(3) - START) / STEP) + 0.5, 9);
    // The +100 offset was undone later: as of before its undo it was in force.
    const undoPending = await points({ asOf: beforeUndo });
    expect(undoPending.points.find((p) => p.t === h(30))!.v).toBeCloseTo(stored((h(30) - START) / STEP) + 100, 9);
    const now = await points();
    expect(now.points.find((p) => p.t === h(30))!.v).toBeCloseTo(stored((h(30) - START) / STEP), 9);
    const rows = await exportCsv({ asOf: iso(beforeAny) });
    expect(rows.map((r) => Number(r.value))).toEqual(Array.from({ length: STEPS }, (_, i) => stored(i)));
  });

  it("the corrections list as of a time shows the undo only once it happened", async () => {
    const q = (asOf?: number) => `/api/v1/review/corrections?station=${STATION}&parameter=${PARAMETER}${asOf ? `&asOf=${asOf}` : ""}`;
    const now = (await api(system, "GET", q(), researcher)).body.corrections as Array<{ id: number; undone: unknown }>;
    expect(now.find((c) => c.id === ids.undone)!.undone).toMatchObject({ reason: "wrong offset" });
    const then = (await api(system, "GET", q(beforeUndo), researcher)).body.corrections as Array<{ id: number; undone: unknown }>;
    expect(then.find((c) => c.id === ids.undone)!.undone).toBeNull();
    expect((await api(system, "GET", q(beforeAny), researcher)).body.corrections).toEqual([]);
  });
});

describe("aggregates of a corrected range", () => {
  it("each interval's mean, extremes and count are those of the corrected readings in it", async () => {
    const corrected = (await points()).points;
    const agg = await points({ width: 12 });
    expect(agg.resolution).toBe("aggregate");
    const interval = agg.intervalMs!;
    for (const bucket of agg.points) {
      const inside = corrected.filter((p) => p.t >= bucket.t && p.t < bucket.t + interval && p.qc !== 4);
      if (inside.length === 0) continue;
      const values = inside.map((p) => p.v!);
      expect(bucket.n, iso(bucket.t)).toBe(inside.length);
      expect(bucket.v, iso(bucket.t)).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
      expect(bucket.min, iso(bucket.t)).toBeCloseTo(Math.min(...values), 9);
      expect(bucket.max, iso(bucket.t)).toBeCloseTo(Math.max(...values), 9);
    }
    expect(agg.points.some((b) => (b.corrections ?? []).includes(ids.drift!))).toBe(true);
  });
});

describe("approval levels lock data", () => {
  it("approved data refuse corrections, grades and undos until un-approved with a reason; overlapping un-approvals are refused", async () => {
    const approve = await api(system, "POST", "/api/v1/review/approvals", reviewer, { ...series, from: h(0), to: h(24), level: "approved", reason: "month checked against lab results" });
    expect(approve.status, JSON.stringify(approve.body)).toBe(201);
    const entries = await auditCount();
    const refused = await api(system, "POST", "/api/v1/review/corrections", reviewer, { ...series, from: h(23), to: h(25), action: { kind: "offset", offset: 1 }, reason: "late fix" });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/approved.*un-approve/);
    expect((await api(system, "POST", "/api/v1/review/grades", reviewer, { ...series, from: h(1), to: h(2), grade: "poor", reason: "noisy" })).status).toBe(409);
    expect((await api(system, "POST", `/api/v1/review/corrections/${ids.offset}/undo`, reviewer, { reason: "second thoughts" })).status).toBe(409);
    expect((await api(system, "POST", "/api/v1/review/unapprovals", reviewer, { ...series, from: h(12), to: h(24), reason: "" })).status).toBe(400);
    expect(await auditCount()).toBe(entries);

    // Approved points carry their level and are released; the rest stays provisional.
    const labelled = (await points()).points;
    expect(labelled.find((p) => p.t === h(1))).toMatchObject({ approval: "approved" });
    expect(labelled.find((p) => p.t === h(1))!.provisional).toBeUndefined();
    expect(labelled.find((p) => p.t === h(25))).toMatchObject({ approval: "raw", provisional: true });

    const unapprove = await api(system, "POST", "/api/v1/review/unapprovals", reviewer, { ...series, from: h(12), to: h(24), reason: "lab result disagrees" });
    expect(unapprove.status, JSON.stringify(unapprove.body)).toBe(201);
    const overlapping = await api(system, "POST", "/api/v1/review/unapprovals", reviewer, { ...series, from: h(20), to: h(24), reason: "again" });
    expect(overlapping.status).toBe(409);
    expect(overlapping.body.error.message).toMatch(/not approved/);
    expect((await points()).points.find((p) => p.t === h(13))).toMatchObject({ approval: "checked" });

    const fix = await api(system, "POST", "/api/v1/review/corrections", reviewer, { ...series, from: h(23), to: h(24), action: { kind: "qc", flag: 2 }, reason: "recheck after un-approval" });
    expect(fix.status).toBe(201);
    const grade = await api(system, "POST", "/api/v1/review/grades", reviewer, { ...series, from: h(14), to: h(16), grade: "fair", reason: "bulk grade" });
    expect(grade.status).toBe(201);
    expect((await points()).points.filter((p) => p.t >= h(14) && p.t < h(16)).every((p) => p.grade === "fair")).toBe(true);

    const audit = (await api(system, "GET", `/api/v1/audit?series=${STATION}:${PARAMETER}`, researcher)).body.entries as Array<{ action: string; reason: string }>;
    const actions = new Set(audit.map((e) => e.action));
    for (const a of ["correction", "undo", "approval", "unapproval", "grade"]) expect(actions, a).toContain(a);
    expect(audit.find((e) => e.action === "unapproval")!.reason).toBe("lab result disagrees");
    for (const method of ["PATCH", "DELETE", "PUT", "POST"]) expect((await api(system, method, "/api/v1/audit", reviewer, {})).status, method).toBe(404);
    expect((await api(system, "GET", `/api/v1/audit?series=${STATION}:${PARAMETER}`, researcher)).body.entries).toHaveLength(audit.length);
  });
});

describe("bad input", () => {
  const base = { ...series, from: h(44), to: h(45), action: { kind: "offset", offset: 1 }, reason: "why" };
  it.each<[string, Record<string, unknown>, number, RegExp]>([
    ["a range ending before it starts", { ...base, from: h(45), to: h(44) }, 400, /to must be after from/],
    ["a series that does not exist", { ...base, station: "DE-NOWHERE" }, 400, /station/],
    ["a sensor not at the station", { ...base, sensor: "KSI-CBZ-MIP-P2" }, 400, /sensor/],
    ["a factor of 0", { ...base, action: { kind: "multiply", factor: 0 } }, 400, /factor must be positive/],
    ["a factor that is not a number", { ...base, action: { kind: "multiply", factor: "NaN" } }, 400, /factor must be a number/],
    ["a drift with no end", { ...series, from: h(44), action: { kind: "drift", offsetAtEnd: 1 }, reason: "why" }, 400, /drift correction needs an end/],
    ["an empty reason", { ...base, reason: "   " }, 400, /reason must not be empty/],
    ["no reason at all", { ...series, from: h(44), to: h(45), action: { kind: "delete" } }, 400, /reason is required/],
    ["an unknown kind", { ...base, action: { kind: "smooth" } }, 400, /kind must be one of/],
    ["a calibration the sensor's log does not have", { ...base, action: { kind: "recalibrate", calibration: 7 } }, 400, /no calibration version 7/],
    ["a range in the future", { ...base, from: Date.now() + HOUR, to: Date.now() + 2 * HOUR }, 400, /future/],
    ["an interpolation with no reading after it", { ...base, from: END + HOUR, to: END + 2 * HOUR, action: { kind: "interpolate" } }, 400, /interpolation needs a usable reading/],
  ])("%s is refused and nothing is stored", async (_what, body, status, message) => {
    const entries = await auditCount();
    const res = await api(system, "POST", "/api/v1/review/corrections", reviewer, body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(JSON.stringify(res.body.error), JSON.stringify(res.body)).toMatch(message);
    expect(await auditCount()).toBe(entries);
  });

  it("a researcher, and a reviewer of another organisation, may not correct; nothing is stored", async () => {
    const entries = await auditCount();
    expect((await api(system, "POST", "/api/v1/review/corrections", researcher, base)).status).toBe(403);
    const other = await api(system, "POST", "/api/v1/review/corrections", outsider, base);
    expect(other.status).toBe(403);
    expect(other.body.error.message).toMatch(/belongs to BFUL/);
    expect(await auditCount()).toBe(entries);
  });
});

// Last: it adds a reading to the series.
describe("the corrected readings kept between reads", () => {
  it("a late reading written into a corrected range shows in the next read, corrected", async () => {
    const late = h(3) + 5 * 60_000;
    const before = await points({ width: 12 });
    expect((await points()).points.some((p) => p.t === late)).toBe(false);
    await system.store.writeReadings([testReading({ station: STATION, parameter: PARAMETER, time: late, value: 9 })]);
    const after = await points();
    expect(after.points.find((p) => p.t === late)).toMatchObject({ v: 9.5, corrections: [ids.offset] });
    // The aggregate over it counts it too.
    const bucket = (r: SeriesResponse) => r.points.find((p) => p.t <= late && late < p.t + r.intervalMs!)!;
    expect(bucket(await points({ width: 12 })).n).toBe(bucket(before).n! + 1);
  });
});
