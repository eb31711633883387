// GET /api/v1/assessments over a year of 10-minute readings at two stations, written to InfluxDB in
// the stored schema: the verdicts, margins and loads must be those an independent computation from
// InfluxDB's own rows gives (plain arithmetic in tests/helpers/assessment-data.ts, not the engine).
// Also: a year with no data is "no data", approved-only is honest, CSV has the same numbers, the
// researcher-only values, and bad input.
import { parse } from "csv-parse/sync";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AssessmentResponse, LoadsResponse, SeriesResult, StandardResult } from "../../common/assessment-api.ts";
import { QC } from "../../common/reading.ts";
import { authHeaders } from "../helpers/auth.ts";
import { primarySensorId } from "../helpers/catalog.ts";
import { influxRows, maxOfDays, meanOfDays, monthsOf, referenceDays, yearOfReadings, type ReadingSpec } from "../helpers/assessment-data.ts";
import { getJson } from "../helpers/lab-client.ts";
import type { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { startOwnInfluxd, startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const YEAR = new Date().getUTCFullYear();
const DE = { id: "DE-ELBE-ZEHREN", zone: "Europe/Berlin" };
const CN = { id: "CN-YANGTZE-CUNTAN", zone: "Asia/Shanghai" };
const DAY_OF = (t: number, zone: string) => DateTime.fromMillis(t, { zone }).ordinal;

// Deterministic readings with censored, suspect and failed ones mixed in (failed readings carry
// absurd values: if they counted, every mean would show it).
const SPECS: Record<string, { station: typeof DE; spec: (i: number, t: number) => ReadingSpec }> = {
  diclofenac: {
    station: DE,
    spec: (i, t) =>
      i % 101 === 0 ? { value: 100_000, qc: QC.fail } : i % 37 === 0 ? { value: 400, qc: QC.suspect } : i % 13 === 0 ? { lod: 5 } : { value: 46 + 12 * Math.sin((2 * Math.PI * DAY_OF(t, DE.zone)) / 365) + ((i * 7919) % 21) - 10 },
  },
  clarithromycin: {
    station: DE,
    // A six-hour spike of 500 ng/L on day 200 lifts that day's mean above the MAC-EQS of 130.
    spec: (i, t) => {
      const local = DateTime.fromMillis(t, { zone: DE.zone });
      const spike = local.ordinal === 200 && local.hour >= 10 && local.hour < 16;
      return i % 101 === 0 ? { value: 90_000, qc: QC.fail } : { value: spike ? 500 : 60 + 20 * Math.sin((2 * Math.PI * local.ordinal) / 365) + (i % 7) };
    },
  },
  ethinylestradiol: { station: DE, spec: () => ({ lod: 0.05 }) },
  discharge: { station: DE, spec: (i) => ({ value: 100 + (i % 3) }) },
  ammonium: { station: CN, spec: (i, t) => (i % 89 === 0 ? { value: 50, qc: QC.fail } : { value: 0.6 + 0.3 * Math.sin((2 * Math.PI * DAY_OF(t, CN.zone)) / 365) + ((i % 11) - 5) * 0.01 }) },
  dissolved_oxygen: { station: CN, spec: (i, t) => ({ value: 6.8 + 1.5 * Math.cos((2 * Math.PI * DAY_OF(t, CN.zone)) / 365) + ((i % 5) - 2) * 0.05 }) },
};

// An influxd of its own: a year of acknowledged writes must all be there (see influxRows).
let influxd: ManagedInfluxd;
let system: TestSystem;
let viewer: Record<string, string>;
let researcher: Record<string, string>;
let influxUrl: string;

async function assessment(query: string, headers = viewer): Promise<AssessmentResponse> {
  const { status, body } = await getJson(system.url, `/api/v1/assessments?${query}`, headers);
  expect(status, JSON.stringify(body)).toBe(200);
  return body as AssessmentResponse;
}

function series(body: AssessmentResponse, station: string, parameter: string): SeriesResult {
  const s = body.stations.find((x) => x.station === station)!.series.find((x) => x.parameter === parameter);
  if (!s) throw new Error(`no ${station} ${parameter}`);
  return s;
}

function result(body: AssessmentResponse, station: string, parameter: string, standardId: string): StandardResult {
  const r = series(body, station, parameter).results.find((x) => body.standards[x.standard]!.id === standardId);
  if (!r) throw new Error(`no result for ${standardId}`);
  return r;
}

/** The readings written, by parameter. */
const written = new Map<string, readonly { time: number }[]>();

async function reference(parameter: string) {
  const { station } = SPECS[parameter]!;
  const from = DateTime.fromObject({ year: YEAR }, { zone: station.zone }).toMillis();
  const to = DateTime.fromObject({ year: YEAR + 1 }, { zone: station.zone }).toMillis();
  const rows = await influxRows(influxUrl, system.config.influx.database, station.id, parameter, from, to, written.get(parameter));
  expect(rows.length).toBe(written.get(parameter)!.length);
  return { rows, days: referenceDays(rows, station.zone), from, to };
}

beforeAll(async () => {
  influxd = await startOwnInfluxd();
  influxUrl = influxd.url;
  system = await startTestSystem({}, influxUrl);
  viewer = await authHeaders(system, "viewer");
  researcher = await authHeaders(system, "researcher");
  await system.store.ensureSchema();
  for (const [parameter, { station, spec }] of Object.entries(SPECS)) {
    const readings = yearOfReadings({ station: station.id, parameter, sensor: primarySensorId(station.id, parameter) }, YEAR, station.zone, spec);
    for (let i = 0; i < readings.length; i += 20_000) await system.store.writeReadings(readings.slice(i, i + 20_000));
    written.set(parameter, readings);
  }
}, 120_000);
afterAll(async () => {
  await system?.stop();
  await influxd?.stop();
});

describe("a simulated year at two stations against an independent computation from InfluxDB's rows", () => {
  let body: AssessmentResponse;
  beforeAll(async () => {
    body = await assessment(`year=${YEAR}&stations=${DE.id},${CN.id}&parameters=diclofenac,clarithromycin,ethinylestradiol,ammonium,dissolved_oxygen&basis=sensor&include=loads`);
  });

  it("AA-EQS diclofenac: the mean of the daily means (QC-passed readings, '<LOD' at half the LOD) against 40 ng/L (EU) and 50 ng/L (DE proposal)", async () => {
    const { days } = await reference("diclofenac");
    const mean = meanOfDays(days);
    expect(days.length).toBe(DateTime.fromObject({ year: YEAR }).daysInYear);
    for (const [id, eqs] of [["diclofenac.AA-EQS.EU-EQS-2022", 40], ["diclofenac.AA-EQS.DE-UBA-proposal", 50]] as const) {
      const r = result(body, DE.id, "diclofenac", id);
      expect(r.statistics.n).toBe(days.length);
      expect(r.statistics.mean.mean).toBeCloseTo(mean, 9);
      expect(r.verdict).toBe(mean > eqs ? "fails" : "complies");
      expect(r.margin!.ratio).toBeCloseTo(mean / eqs, 9);
      expect(r.statistics.coverage.months.withData).toBe(monthsOf(days));
    }
    // The data was made so: about 42.6 ng/L, above the EU value, below the German proposal.
    expect(result(body, DE.id, "diclofenac", "diclofenac.AA-EQS.EU-EQS-2022").verdict).toBe("fails");
    expect(result(body, DE.id, "diclofenac", "diclofenac.AA-EQS.DE-UBA-proposal").verdict).toBe("complies");
    // Swiss values do not apply on the Elbe: not assessed.
    expect(series(body, DE.id, "diclofenac").results.map((r) => body.standards[r.standard]!.id)).not.toContain("diclofenac.AA-EQS.CH-GSchV");
  });

  it("MAC-EQS clarithromycin: every daily mean against 130 ng/L (the spike day fails it), the AA-EQS complies", async () => {
    const { days } = await reference("clarithromycin");
    const max = maxOfDays(days);
    const mac = result(body, DE.id, "clarithromycin", "clarithromycin.MAC-EQS.EU-EQS-2022");
    expect(max).toBeGreaterThan(130);
    expect(mac.verdict).toBe("fails");
    expect(mac.exceedances).toBe(days.filter((d) => d.counted > 130).length);
    expect(mac.margin!.ratio).toBeCloseTo(max / 130, 9);
    const aa = result(body, DE.id, "clarithromycin", "clarithromycin.AA-EQS.EU-EQS-2022");
    expect(aa.verdict).toBe(meanOfDays(days) > 130 ? "fails" : "complies");
    expect(aa.margin!.ratio).toBeCloseTo(meanOfDays(days) / 130, 9);
  });

  it("ethinylestradiol never quantified with an LOD of 0.05 ng/L > 30 % of 0.017 ng/L: not assessable, method not sensitive", async () => {
    const { days } = await reference("ethinylestradiol");
    expect(days.every((d) => d.censored && d.limit === 0.05)).toBe(true);
    const r = result(body, DE.id, "ethinylestradiol", "ethinylestradiol.AA-EQS.EU-EQS-2022");
    expect(r).toMatchObject({ verdict: "not-assessable", reason: "method-not-sensitive" });
    expect(r.statistics.mean).toMatchObject({ reportedBelow: "<LOD", limit: 0.05 });
  });

  it("GB 3838 at Cuntan: ammonium and dissolved oxygen classed by their period mean, the station's class the worst (target class III)", async () => {
    // GB 3838-2002 Table 1 (domain/gb3838.json): NH3-N ≤ 0.15/0.5/1.0/1.5/2.0 mg/L; DO ≥ 7.5/6/5/3/2 mg/L.
    const nh = meanOfDays((await reference("ammonium")).days);
    const nhClass = nh <= 0.15 ? "I" : nh <= 0.5 ? "II" : nh <= 1 ? "III" : nh <= 1.5 ? "IV" : nh <= 2 ? "V" : "worse-than-V";
    const ox = meanOfDays((await reference("dissolved_oxygen")).days);
    const oxClass = ox >= 7.5 ? "I" : ox >= 6 ? "II" : ox >= 5 ? "III" : ox >= 3 ? "IV" : ox >= 2 ? "V" : "worse-than-V";
    const a = result(body, CN.id, "ammonium", "ammonium.class-limits.CN-GB3838-2002");
    expect(a.gb!.classOfMean).toBe(nhClass);
    expect(a.margin!.ratio).toBeCloseTo(nh / 1.0, 9);
    expect(a.verdict).toBe(["I", "II", "III"].includes(nhClass) ? "complies" : "fails");
    const o = result(body, CN.id, "dissolved_oxygen", "dissolved_oxygen.class-limits.CN-GB3838-2002");
    expect(o.gb!.classOfMean).toBe(oxClass);
    expect(o.margin!.ratio).toBeCloseTo(5 / ox, 9);
    const rank = ["I", "II", "III", "IV", "V", "worse-than-V"];
    const worst = rank[Math.max(rank.indexOf(nhClass), rank.indexOf(oxClass))];
    const cls = body.stations.find((s) => s.station === CN.id)!.class!;
    expect(cls).toMatchObject({ class: worst, targetClass: "III", verdict: "complies" });
    expect(body.rules["gb3838-worst-indicator"]?.sources).toContain("CN-HB-2011-22");
    expect(body.sources.map((s) => s.id)).toEqual(expect.arrayContaining(["CN-GB3838-2002", "CN-HB-2011-22", "EU-2008-105", "EU-2009-90", "EU-WFD-2000-60"]));
  });

  it("loads: diclofenac × discharge, the period load in kg equal to the flow-weighted sum by hand", async () => {
    const c = await reference("diclofenac");
    const q = referenceDays((await reference("discharge")).rows, DE.zone);
    const qByDay = new Map(q.map((d) => [d.day, d.counted]));
    // L = Qr · Σ(CᵢQᵢ)/ΣQᵢ, Qr = mean daily discharge × the year's seconds; ng/L × m³/s × s × 1000 L/m³ = ng; × 1e-12 = kg
    const cq = c.days.reduce((s, d) => s + d.counted * qByDay.get(d.day)!, 0);
    const qSum = c.days.reduce((s, d) => s + qByDay.get(d.day)!, 0);
    const qMean = q.reduce((s, d) => s + d.counted, 0) / q.length;
    const kg = (cq / qSum) * qMean * ((c.to - c.from) / 1000) * 1000 * 1e-12;
    const loads = series(body, DE.id, "diclofenac").loads!;
    expect(loads.periodLoad!.kg).toBeCloseTo(kg, 9);
    expect(loads.daily).toHaveLength(c.days.length);
    expect(loads.daily[0]!.load).toBeCloseTo(c.days[0]!.counted * qByDay.get(c.days[0]!.day)! * 0.0864, 9);
    expect(loads.dischargeSensor).toBe(primarySensorId(DE.id, "discharge"));
    // No discharge at Cuntan in this data: no load, said as null.
    expect(series(body, CN.id, "ammonium").loads).toBeNull();
  });

  it("gives the same numbers as CSV: one row per result, the station-class row, full precision", async () => {
    const res = await fetch(`${system.url}/api/v1/assessments?year=${YEAR}&stations=${DE.id},${CN.id}&parameters=diclofenac,ammonium&basis=sensor&include=loads&format=csv`, { headers: viewer });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    const eu = rows.find((r) => r.standard_id === "diclofenac.AA-EQS.EU-EQS-2022")!;
    const json = result(body, DE.id, "diclofenac", "diclofenac.AA-EQS.EU-EQS-2022");
    expect(Number(eu.mean)).toBe(json.statistics.mean.mean);
    expect(Number(eu.margin)).toBe(json.margin!.ratio);
    expect(eu).toMatchObject({ verdict: "fails", station_name: expect.stringContaining("Zehren"), n: String(json.statistics.n) });
    expect(eu.rules).toContain("eu-aa-annual-mean");
    expect(rows.find((r) => r.row_kind === "station-class")).toMatchObject({ station: CN.id, verdict: "complies" });
    // With include=loads the period load is in the result rows too.
    expect(Number(eu.load_kg)).toBe(series(body, DE.id, "diclofenac").loads!.periodLoad!.kg);
  });

  it("exports the loads: a CSV row per day (g/d with bounds) and one per period (kg), as JSON the same", async () => {
    const query = `year=${YEAR}&stations=${DE.id},${CN.id}&parameters=diclofenac&basis=sensor`;
    const res = await fetch(`${system.url}/api/v1/assessments/loads?${query}`, { headers: viewer });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toContain(`water-monitor-loads-${YEAR}.csv`);
    const rows = parse(await res.text(), { columns: true }) as Array<Record<string, string>>;
    const loads = series(body, DE.id, "diclofenac").loads!;
    const days = rows.filter((r) => r.row_kind === "day" && r.station === DE.id);
    expect(days).toHaveLength(loads.daily.length);
    expect(Number(days[0]!.load_g_per_day)).toBe(loads.daily[0]!.load);
    expect(Number(days[0]!.discharge_m3_s)).toBe(loads.daily[0]!.discharge);
    const period = rows.find((r) => r.row_kind === "period" && r.station === DE.id)!;
    expect(Number(period.load_kg)).toBe(loads.periodLoad!.kg);
    expect(period.discharge_sensor).toBe(primarySensorId(DE.id, "discharge"));
    // Cuntan has no discharge in this data: no rows, rather than a load of 0.
    expect(rows.some((r) => r.station === CN.id && r.load_kg !== "")).toBe(false);
    const json = await getJson(system.url, `/api/v1/assessments/loads?${query}&format=json`, viewer);
    expect(json.status).toBe(200);
    const s = (json.body as LoadsResponse).stations.find((x) => x.station === DE.id)!.series[0]!;
    expect(s.loads!.periodLoad!.kg).toBe(loads.periodLoad!.kg);
  });
});

describe("what is not a 'complies'", () => {
  it("a year without data is 'no data' for every standard, never 'complies'", async () => {
    const body = await assessment(`year=${YEAR + 1}&stations=${DE.id}&parameters=diclofenac,clarithromycin&basis=both`);
    const results = body.stations[0]!.series.flatMap((s) => s.results);
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r).toMatchObject({ verdict: "not-assessable", reason: "no-data" });
  });

  it("'approved only' on data no one has approved yet: not assessable, data not approved (and says what it would be)", async () => {
    const body = await assessment(`year=${YEAR}&stations=${DE.id}&parameters=diclofenac&basis=sensor&approvedOnly=true`);
    const r = result(body, DE.id, "diclofenac", "diclofenac.AA-EQS.EU-EQS-2022");
    expect(r).toMatchObject({ verdict: "not-assessable", reason: "not-approved" });
    expect(body.notes).toEqual(expect.arrayContaining(["corrected-sensor-days", "lab-results-not-reviewed"]));
  });

  it("gives the values used to researchers only, every day with the sensor and '<LOD' marked", async () => {
    const forbidden = await getJson(system.url, `/api/v1/assessments?year=${YEAR}&stations=${DE.id}&parameters=ethinylestradiol&basis=sensor&include=values`, viewer);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toMatch(/researcher/);
    const body = await assessment(`year=${YEAR}&stations=${DE.id}&parameters=ethinylestradiol&basis=sensor&include=values,monthly`, researcher);
    const s = series(body, DE.id, "ethinylestradiol");
    expect(s.values!.length).toBeGreaterThan(360);
    expect(s.values![0]).toMatchObject({ qualifier: "<LOD", limit: 0.05, value: null, counted: true, basis: "sensor-daily", sensor: primarySensorId(DE.id, "ethinylestradiol"), n: 144 });
    expect(s.monthly).toHaveLength(12);
    expect(s.monthly![0]!.mean).toMatchObject({ reportedBelow: "<LOD", limit: 0.05 });
  });
});

describe("bad input", () => {
  it.each([
    ["a period over 10 years", "from=2010-01-01&to=2021-01-02", /at most 10 years/],
    ["two periods", `year=${YEAR}&rolling=12m`, /give one period/],
    ["a year that is not one", "year=26", /four digits/],
    ["an unknown station", `year=${YEAR}&stations=DE-ELBE-NOWHERE`, /unknown station "DE-ELBE-NOWHERE"/],
    ["an unknown parameter", `year=${YEAR}&parameters=unobtainium`, /unknown parameter "unobtainium"/],
    ["an unknown basis", `year=${YEAR}&basis=guess`, /basis must be one of lab, sensor, both/],
    ["an unknown MAC mode", `year=${YEAR}&macMode=p99`, /macMode must be one of/],
    ["asOf in the future", `year=${YEAR}&asOf=2199-01-01T00:00:00Z`, /asOf must not be in the future/],
    ["an unknown include", `year=${YEAR}&include=everything`, /include/],
    ["a sensor never at the stations", `year=${YEAR}&stations=${CN.id}&sensors=KSI-CBZ-MIP-P2`, /never installed/],
    ["an unknown query parameter", `year=${YEAR}&colour=red`, /Unknown query parameter/],
    ["loads for an unknown station", `year=${YEAR}&stations=NOWHERE`, /unknown station "NOWHERE"/, "/loads"],
    ["loads over more than 10 years", "from=2010-01-01&to=2021-01-02", /at most 10 years/, "/loads"],
    ["loads in an unknown format", `year=${YEAR}&format=pdf`, /format must be one of json, csv/, "/loads"],
  ])("answers 400 for %s, saying what is wrong", async (_what, query, message, path = "") => {
    const { status, body } = await getJson(system.url, `/api/v1/assessments${path}?${query}`, viewer);
    expect(status).toBe(400);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toMatch(message);
  });

  it.each([
    ["more than 10 years", `station=${DE.id}&fromYear=2010&toYear=2025`, /at most 10 years/],
    ["years the wrong way round", `station=${DE.id}&fromYear=2025&toYear=2020`, /toYear must not be before fromYear/],
    ["an unknown station", "station=NOWHERE&fromYear=2024&toYear=2025", /unknown station/],
  ])("answers 400 for a year-over-year request with %s", async (_what, query, message) => {
    const { status, body } = await getJson(system.url, `/api/v1/assessments/years?${query}`, viewer);
    expect(status).toBe(400);
    expect(body.error.message).toMatch(message);
  });
});
