// The assessment's data layer without I/O: daily means from InfluxDB's daily sums (Directive
// 2009/90/EC Art. 5 per day, the wanted sensor per day), the data versions that key the cache, river
// order, and lab results as values.
import { describe, expect, it } from "vitest";
import { dailyMeansOf, type DailySumsRow, type SensorPick } from "../../server/src/assessment/data/daily-means.ts";
import { DataVersions } from "../../server/src/assessment/data/data-versions.ts";
import { labValueOf } from "../../server/src/assessment/data/lab-values.ts";
import { sensorPick } from "../../server/src/assessment/data/influx-daily-means.ts";
import { riverOrder } from "../../common/river-order.ts";
import type { LabResultInfo } from "../../common/lab.ts";
import { catalogWith, seed } from "../helpers/catalog.ts";
import { ASSESSMENT_RULES } from "../../common/assessment-rules.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

function row(over: Partial<DailySumsRow>): DailySumsRow {
  return { station: "S", parameter: "p", sensor: "A", time: T0, n: 4, sum: 40, sumQuantified: 40, nCensored: 0, nBelowLod: 0, nBelowLoq: 0, maxLod: null, maxLoq: null, source: "raw", ...over };
}

const primaryA: SensorPick = { wanted: () => "A", untaggedOwner: () => "A" };

describe("daily means from daily sums", () => {
  it.each([
    ["four quantified readings 5, 10, 10, 15: 40 / 4 = 10", row({}), { value: 10, qualifier: null, limit: null }],
    [
      "two '< LOD 4' (at 2) and two of 5: (2 + 2 + 5 + 5) / 4 = 3.5 < 4 → '< LOD 4'",
      row({ sum: 14, sumQuantified: 10, nCensored: 2, nBelowLod: 2, maxLod: 4 }),
      { value: null, qualifier: "<LOD", limit: 4 },
    ],
    [
      "one '< LOQ 6' (at 3) and three of 9: (3 + 27) / 4 = 7.5 ≥ 6 → a number",
      row({ sum: 30, sumQuantified: 27, nCensored: 1, nBelowLoq: 1, maxLoq: 6 }),
      { value: 7.5, qualifier: null, limit: null },
    ],
    [
      "'< LOD 5' and '< LOQ 5' below both: the LOQ is the limit on a tie",
      row({ n: 2, sum: 5, sumQuantified: 0, nCensored: 2, nBelowLod: 1, nBelowLoq: 1, maxLod: 5, maxLoq: 5 }),
      { value: null, qualifier: "<LOQ", limit: 5 },
    ],
    [
      "a rollup day (no quantified sum, no counts by qualifier): 6 readings, Σ 9, one censored, LOD 2 → 1.5 < 2",
      row({ n: 6, sum: 9, sumQuantified: null, nCensored: 1, nBelowLod: null, nBelowLoq: null, maxLod: 2, source: "rollup-1h" }),
      { value: null, qualifier: "<LOD", limit: 2, source: "rollup-1h" },
    ],
  ])("%s", (_what, input, expected) => {
    const out = dailyMeansOf([input], primaryA).get("S\tp")!;
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ time: T0, basis: "sensor-daily", approval: "raw", sensor: "A", ...expected });
  });

  it("merges the untagged points of a day into the primary sensor's, and leaves other sensors out", () => {
    const out = dailyMeansOf([row({ sensor: "A", n: 2, sum: 20, sumQuantified: 20 }), row({ sensor: "", n: 2, sum: 40, sumQuantified: 40 }), row({ sensor: "B", n: 1, sum: 1000, sumQuantified: 1000 })], primaryA);
    // (20 + 40) / 4 = 15, B's 1000 not in it
    expect(out.get("S\tp")).toEqual([expect.objectContaining({ value: 15, n: 4, sensor: "A" })]);
  });

  it("follows the primary sensor from day to day, or the sensor chosen instead", () => {
    const catalog = catalogWith((data) => {
      const primary = data.sensors.find((s) => s.id === "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE")!;
      const ksi = data.sensors.find((s) => s.id === "KSI-CBZ-MIP-P2")!;
      // Zehren's primary carbamazepine sensor is replaced by the KSI prototype from 3 January.
      primary.deployments[0]!.to = "2026-01-03";
      ksi.deployments = [{ station: "DE-ELBE-ZEHREN", from: "2026-01-03", to: null, primary: true }];
    });
    const rows = [0, 1, 2, 3].flatMap((d) => [
      row({ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", time: T0 + d * DAY, sum: 400, sumQuantified: 400 }),
      row({ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: "KSI-CBZ-MIP-P2", time: T0 + d * DAY, sum: 800, sumQuantified: 800 }),
    ]);
    const byDay = dailyMeansOf(rows, sensorPick(catalog, new Map())).get("DE-ELBE-ZEHREN\tcarbamazepine")!;
    expect(byDay.map((d) => [d.sensor, d.value])).toEqual([["SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", 100], ["SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", 100], ["KSI-CBZ-MIP-P2", 200], ["KSI-CBZ-MIP-P2", 200]]);
    const chosen = dailyMeansOf(rows, sensorPick(seed, new Map([["DE-ELBE-ZEHREN\tcarbamazepine", seed.sensor("KSI-CBZ-MIP-P2")!]]))).get("DE-ELBE-ZEHREN\tcarbamazepine")!;
    expect(chosen.every((d) => d.sensor === "KSI-CBZ-MIP-P2" && d.value === 200)).toBe(true);
  });
});

describe("data versions", () => {
  const y2025 = [Date.UTC(2025, 0, 1), Date.UTC(2026, 0, 1)] as const;
  const y2026 = [Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)] as const;
  // A Berlin calendar year starts an hour before the UTC one: it touches two UTC years.
  const berlin2026 = [Date.UTC(2025, 11, 31, 23), Date.UTC(2026, 11, 31, 23)] as const;

  it.each([
    ["a reading in 2026 changes 2026", "S", Date.UTC(2026, 5, 1), "S", y2026, true],
    ["… not 2025", "S", Date.UTC(2026, 5, 1), "S", y2025, false],
    ["… nor another station's 2026", "S", Date.UTC(2026, 5, 1), "T", y2026, false],
    ["a reading at 23:30 UTC on 31 Dec 2025 changes Berlin's 2026", "S", Date.UTC(2025, 11, 31, 23, 30), "S", berlin2026, true],
    ["a reading on 20 Dec 2025 does not change Berlin's 2026", "S", Date.UTC(2025, 11, 20, 12), "S", berlin2026, false],
  ] as const)("%s", (_what, station, time, asked, [from, to], changes) => {
    const v = new DataVersions();
    const before = v.of(asked, from, to);
    v.bumpReadings([{ station, time }]);
    expect(v.of(asked, from, to) !== before).toBe(changes);
  });

  it("a span changes every period it overlaps and none it does not, and bumpAll changes everything", () => {
    const v = new DataVersions();
    const berlin2025 = [Date.UTC(2024, 11, 31, 23), Date.UTC(2025, 11, 31, 23)] as const;
    const before = { y2025: v.of("S", ...y2025), y2026: v.of("S", ...y2026), berlin2025: v.of("S", ...berlin2025), berlin2026: v.of("S", ...berlin2026) };
    // A correction over 18–20 December 2025 (UTC days): 2025 in UTC and in Berlin, not Berlin's 2026.
    v.bump("S", Date.UTC(2025, 11, 18, 10), Date.UTC(2025, 11, 20, 10));
    expect(v.of("S", ...y2025)).not.toBe(before.y2025);
    expect(v.of("S", ...berlin2025)).not.toBe(before.berlin2025);
    expect(v.of("S", ...berlin2026)).toBe(before.berlin2026);
    expect(v.of("S", ...y2026)).toBe(before.y2026);
    // A later bump over the same days changes them again.
    const once = v.of("S", ...y2025);
    v.bump("S", Date.UTC(2025, 11, 19), Date.UTC(2025, 11, 19));
    expect(v.of("S", ...y2025)).not.toBe(once);
    const other = v.of("T", ...y2026);
    v.bumpAll();
    expect(v.of("T", ...y2026)).not.toBe(other);
  });

  it("a batch of readings over two years changes both, once per station", () => {
    const v = new DataVersions();
    const before = [v.of("S", ...y2025), v.of("S", ...y2026), v.of("T", ...y2025)];
    v.bumpReadings([{ station: "S", time: Date.UTC(2025, 11, 30) }, { station: "S", time: Date.UTC(2026, 0, 2) }]);
    expect([v.of("S", ...y2025), v.of("S", ...y2026), v.of("T", ...y2025)].map((x, i) => x !== before[i])).toEqual([true, true, false]);
  });
});

describe("river order", () => {
  it("lists stations by river as the catalog lists rivers, each in flow direction", () => {
    const order = riverOrder(seed, [...seed.stations].reverse()).map((s) => s.id);
    expect(order).toEqual([
      "DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN", "DE-ELBE-DOMMITZSCH", "DE-MULDE-BADDUEBEN", "DE-ZSCHOPAU-WALDHEIM",
      "CN-YANGTZE-CHAOTIANMEN", "CN-YANGTZE-CUNTAN", "CN-JIALING-BEIBEI",
    ]);
  });
});

describe("lab results as values", () => {
  const sample = { id: 7, laboratory: "BfUL", sampleId: "ZE-1", station: "DE-ELBE-ZEHREN", kind: "time-proportional composite" as const, start: T0, end: T0 + DAY, method: null, remarks: null };
  const result = (over: Partial<LabResultInfo>): LabResultInfo => ({
    id: 1, sample, parameter: "diclofenac", value: 42, qualifier: null, loq: 10, unit: "ng/L", uncertainty: null,
    reported: { value: 42, loq: 10, unit: "ng/L" }, analysedAt: null, labFlag: null, revision: 1, recordedAt: T0, recordedBy: "x", importId: 1, ...over,
  });

  it("takes the middle of a composite sample's period as its time, and '< LOQ' with the LOQ", () => {
    expect(labValueOf(result({}))).toMatchObject({ time: T0 + DAY / 2, value: 42, qualifier: null, limit: null, basis: "lab", sample: 7, labSampleId: "ZE-1" });
    expect(labValueOf(result({ value: null, qualifier: "<LOQ" }))).toMatchObject({ value: null, qualifier: "<LOQ", limit: 10 });
  });
});

describe("the rules' sources", () => {
  it("cites only sources the shipped catalog has, with a full citation", () => {
    for (const [id, rule] of Object.entries(ASSESSMENT_RULES)) {
      for (const source of rule.sources) expect(seed.source(source)?.citation.length, `${id} cites ${source}`).toBeGreaterThan(40);
    }
    expect(ASSESSMENT_RULES["load-period-flow-weighted"].sources).toEqual(["OSPAR-RID-2014-04"]);
  });
});
