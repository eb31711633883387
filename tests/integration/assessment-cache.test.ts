// The assessment cache and what invalidates it — readings written into a period, lab imports and
// their undo, a change of the managed catalog (only the series whose station or standards it touches)
// — and what does not (data of another year, another station); a
// standard that gets a new value from a date changes only the years it covers; days older than the
// raw retention are read from the 1-hour rollups and say so.
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AssessmentResponse, StandardResult } from "../../common/assessment-api.ts";
import { RETENTION, ROLLUP_MEASUREMENT } from "../../server/src/influx/schema.ts";
import { authHeaders } from "../helpers/auth.ts";
import { primarySensorId } from "../helpers/catalog.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { getJson, importFile, sendJson } from "../helpers/lab-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const YEAR = new Date().getUTCFullYear();
const DE = "DE-ELBE-ZEHREN";
const CN = "CN-YANGTZE-CUNTAN";
const EU_AA = "diclofenac.AA-EQS.EU-EQS-2022";

const HEADER = "Messstelle;Proben-Nr.;Probenart;Probenahme Beginn;Probenahme Ende;Parameter;Wert;BG;Einheit;Messunsicherheit;Labor;Verfahren;Analysendatum";
/** One grab sample of diclofenac per month of `year` (35 ng/L), at both stations. */
function monthlyLabFile(year: number, value = "35", months = 12, prefix = "M"): string {
  const rows: string[] = [HEADER];
  for (const station of [DE, CN]) {
    for (let m = 1; m <= months; m++) {
      rows.push(`${station};${prefix}-${station}-${year}-${m};Stichprobe;15.${String(m).padStart(2, "0")}.${year} 10:00;;Diclofenac;${value};5;ng/L;;BfUL Labor;LC-MS/MS;`);
    }
  }
  return `${rows.join("\r\n")}\r\n`;
}

let system: TestSystem;
let viewer: Record<string, string>;
let researcher: Record<string, string>;

async function assessed(query: string): Promise<{ body: AssessmentResponse; hits: number; misses: number }> {
  const { status, body } = await getJson(system.url, `/api/v1/assessments?${query}`, viewer);
  expect(status, JSON.stringify(body)).toBe(200);
  const b = body as AssessmentResponse;
  return { body: b, hits: b.cache.hits, misses: b.cache.misses };
}

function euAa(body: AssessmentResponse, station = DE): StandardResult[] {
  const s = body.stations.find((x) => x.station === station)!.series.find((x) => x.parameter === "diclofenac")!;
  return s.results.filter((r) => body.standards[r.standard]!.id === EU_AA);
}

const labQuery = (year: number) => `year=${year}&stations=${DE},${CN}&parameters=diclofenac,carbamazepine&basis=lab`;

beforeAll(async () => {
  system = await startTestSystem({ WRITE_FLUSH_MS: "20" });
  viewer = await authHeaders(system, "viewer");
  researcher = await authHeaders(system, "researcher");
  for (const year of [YEAR - 2, YEAR - 1]) {
    const { applied } = await importFile(system.url, researcher, { name: `diclofenac-${year}.csv`, bytes: monthlyLabFile(year) });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  }
}, 60_000);
afterAll(async () => {
  await system?.stop();
});

describe("the cache", () => {
  it("answers a repeated request from the cache: every series a hit", async () => {
    const first = await assessed(labQuery(YEAR - 1));
    expect(first.misses).toBe(4);
    const again = await assessed(labQuery(YEAR - 1));
    expect(again).toMatchObject({ hits: 4, misses: 0 });
    expect(again.body.stations).toEqual(first.body.stations);
  });

  it("recomputes a station's series of a year once readings are written into it, and nothing of other years or stations", async () => {
    const query = `year=${YEAR}&stations=${DE},${CN}&parameters=diclofenac,carbamazepine&basis=sensor`;
    await assessed(query);
    await assessed(labQuery(YEAR - 1));
    expect((await assessed(query)).misses).toBe(0);
    const token = (await system.stationTokens.create("test", ["*"])).token;
    const res = await postReadings(system.url, token, { readings: [{ station: DE, parameter: "diclofenac", time: new Date().toISOString(), value: 61 }] });
    expect(res.status).toBe(202);
    // The data version is bumped once InfluxDB has the reading (the writer flushes within 20 ms here).
    let after = await assessed(query);
    for (const deadline = Date.now() + 10_000; after.misses === 0 && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 50));
      after = await assessed(query);
    }
    expect(after).toMatchObject({ hits: 2, misses: 2 });
    const dic = after.body.stations.find((s) => s.station === DE)!.series.find((s) => s.parameter === "diclofenac")!;
    expect(dic.sources.sensorDays).toBe(1);
    expect((await assessed(labQuery(YEAR - 1))).misses).toBe(0);
  });

  it("recomputes the stations and year a lab import touches, and again when it is undone", async () => {
    await assessed(labQuery(YEAR - 2));
    await assessed(labQuery(YEAR - 1));
    // A second sample in March of last year at Zehren only.
    const file = `${HEADER}\r\n${DE};EXTRA-1;Stichprobe;20.03.${YEAR - 1} 10:00;;Diclofenac;95;5;ng/L;;BfUL Labor;LC-MS/MS;\r\n`;
    const { applied } = await importFile(system.url, researcher, { name: "extra.csv", bytes: file });
    expect(applied.status).toBe(201);
    const changed = await assessed(labQuery(YEAR - 1));
    expect(changed).toMatchObject({ hits: 2, misses: 2 });
    // (11 × 35 + 35 + 95) / 13 = 515 / 13
    expect(euAa(changed.body)[0]!.statistics.mean.mean).toBeCloseTo(515 / 13, 9);
    expect((await assessed(labQuery(YEAR - 2))).misses).toBe(0);
    const undo = await sendJson(system.url, "POST", `/api/v1/lab/imports/${applied.body.import.id}/undo`, researcher, { reason: "test" });
    expect(undo.status).toBe(200);
    const undone = await assessed(labQuery(YEAR - 1));
    expect(undone.misses).toBe(2);
    expect(euAa(undone.body)[0]!.statistics.mean.mean).toBeCloseTo(35, 9);
  });
});

describe("a standard that changes its value from a date", () => {
  // The managed catalog takes new versions from now on only (a standard's past is not rewritten): the
  // new value starts with next year, and the years before keep their verdicts.
  it("changes the verdict of the years the new value covers, and only those", async () => {
    const before = { old: await assessed(labQuery(YEAR - 2)), recent: await assessed(labQuery(YEAR - 1)) };
    // 35 ng/L against 40: complies in both years.
    for (const b of [before.old, before.recent]) expect(euAa(b.body)[0]).toMatchObject({ verdict: "complies", margin: { ratio: 35 / 40 } });
    const from = `${YEAR + 1}-01-01`;
    const change = await system.catalog.change({ actor: "test", action: "standard.version" }, (draft) => {
      const i = draft.standards.findIndex((s) => s.id === EU_AA);
      const old = draft.standards[i]!;
      draft.standards.splice(i, 1, { ...old, validTo: from }, { ...old, value: 30, validFrom: from });
    });
    expect(change.changed).toBe(true);
    const after = { old: await assessed(labQuery(YEAR - 2)), recent: await assessed(labQuery(YEAR - 1)), next: await assessed(labQuery(YEAR + 1)) };
    // The change touches diclofenac's standards: its series are recomputed (at both stations), carbamazepine's come from the cache.
    expect(after.old).toMatchObject({ hits: 2, misses: 2 });
    // The years before the new value: the same verdict, margin and limit as before.
    for (const [a, b] of [[after.old, before.old], [after.recent, before.recent]] as const) {
      expect(euAa(a.body)).toHaveLength(1);
      expect(euAa(a.body)[0]).toMatchObject({ verdict: "complies", margin: { ratio: 35 / 40 }, limit: { kind: "max", value: 40 } });
      expect(euAa(a.body)[0]).toEqual(euAa(b.body)[0]);
    }
    // Next year is held against the new value (and has no data yet: "no data", not "complies").
    const next = euAa(after.next.body);
    expect(next).toHaveLength(1);
    expect(next[0]).toMatchObject({ verdict: "not-assessable", reason: "no-data", limit: { kind: "max", value: 30 } });
    // Cuntan (China) is outside the EU standard's scope before and after.
    expect(euAa(after.recent.body, CN)).toHaveLength(0);
  });

  it("a catalog change that touches nothing an assessment reads keeps the whole cache", async () => {
    await assessed(labQuery(YEAR - 1));
    const change = await system.catalog.change({ actor: "test", action: "source.update" }, (draft) => {
      const i = draft.sources.findIndex((s) => s.id === "OSPAR-RID-2014-04");
      draft.sources[i] = { ...draft.sources[i]!, citation: `${draft.sources[i]!.citation} (checked)` };
    });
    expect(change.changed).toBe(true);
    expect(await assessed(labQuery(YEAR - 1))).toMatchObject({ hits: 4, misses: 0 });
    // A station edit: that station's series only; the catalog's change event drops them from the cache at once.
    const held = system.assessments.service.cached;
    await system.catalog.change({ actor: "test", action: "station.update" }, (draft) => {
      const i = draft.stations.findIndex((s) => s.id === DE);
      draft.stations[i] = { ...draft.stations[i]!, riverKm: 89.7 };
    });
    const dropped = held - system.assessments.service.cached;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(held);
    expect(await assessed(labQuery(YEAR - 1))).toMatchObject({ hits: 2, misses: 2 });
  });
});

describe("days older than the raw retention", () => {
  it("are read from the 1-hour rollups (Σ mean × count per local day) and the answer says so", async () => {
    const zone = "Asia/Shanghai";
    const from = DateTime.fromObject({ year: YEAR - 2 }, { zone }).toMillis();
    const to = DateTime.fromObject({ year: YEAR - 1 }, { zone }).toMillis();
    const sensor = primarySensorId(CN, "ammonium");
    // Hourly rollup rows as the continuous query writes them: mean of the hour's 6 readings, their count.
    let body = "";
    const hourly: Array<{ time: number; mean: number; count: number }> = [];
    for (let t = from, i = 0; t < to; t += 3_600_000, i++) {
      const row = { time: t, mean: 0.4 + (i % 24) * 0.02, count: i % 50 === 0 ? 3 : 6 };
      hourly.push(row);
      body += `${ROLLUP_MEASUREMENT.oneHour},parameter=ammonium,sensor=${sensor},station=${CN} mean=${row.mean},min=${row.mean},max=${row.mean},count=${row.count}i,below_lod_count=0i ${t}\n`;
    }
    const write = await fetch(`${inject("influxUrl")}/write?db=${system.config.influx.database}&rp=${RETENTION.oneHour.name}&precision=ms`, { method: "POST", body });
    expect(write.status).toBe(204);
    // By hand: per local day Σ(mean × count) / Σ count, then the mean of the days.
    const days = new Map<string, { sum: number; n: number }>();
    for (const h of hourly) {
      const day = DateTime.fromMillis(h.time, { zone }).toISODate()!;
      const d = days.get(day) ?? { sum: 0, n: 0 };
      d.sum += h.mean * h.count;
      d.n += h.count;
      days.set(day, d);
    }
    const mean = [...days.values()].reduce((s, d) => s + d.sum / d.n, 0) / days.size;
    const { body: answer } = await assessed(`year=${YEAR - 2}&stations=${CN}&parameters=ammonium&basis=sensor`);
    const s = answer.stations[0]!.series[0]!;
    expect(s.sources).toMatchObject({ sensorDays: 0, rollupDays: days.size, sensors: [sensor] });
    expect(s.results[0]!.statistics.mean.mean).toBeCloseTo(mean, 9);
    expect(answer.notes).toContain("rollup-days-include-suspect");
  });
});
