// The dashboard says exactly what is computed (issue #13): alert values name a single value or a
// mean with window and count, in every language; lists show every row in one zone named once; QC
// marks on compare lines and sparklines; the "not sensitive enough" note where a sensor's LOQ is above
// 30 % of a standard.
import { describe, expect, it } from "vitest";
import { buildCompareDatasets } from "../../client/src/charts/compare-datasets.ts";
import { sparklineMarks, sparklinePath } from "../../client/src/charts/sparkline.ts";
import { insensitiveSensors, standardLines } from "../../client/src/charts/standard-lines.ts";
import { historyValueText, sensorText, timeText, valueText, zoneColumn, type AlertFormat } from "../../client/src/components/alert-format.ts";
import { translator, type Language } from "../../client/src/i18n/index.ts";
import type { ZoneMode } from "../../client/src/state.ts";
import { seed, testAlert } from "../helpers/catalog.ts";

const format = (lang: Language, zone: ZoneMode = "utc"): AlertFormat => ({ t: translator(lang), lang, unit: "ng/L", zone, catalog: seed });
const DAY = 86_400_000;
const T = Date.UTC(2026, 10, 25, 9); // 10:00 in Saxony (CET), 17:00 in Chongqing

describe("alert values say what they are", () => {
  const mean = testAlert({ kind: "aa", parameter: "diclofenac", value: 45.2, valueKind: "mean", meanWindowMs: 30 * DAY, meanCount: 4312, threshold: 40 });
  it.each<[Language, string, string]>([
    ["en", "45.2 ng/L · rolling 30-day mean of 4,312 values", "250 ng/L · single value"],
    ["de", "45,2 ng/L · gleitendes 30-Tage-Mittel aus 4.312 Werten", "250 ng/L · Einzelwert"],
    ["zh", "45.2 ng/L · 滑动 30 天均值（4,312 个值）", "250 ng/L · 单个值"],
  ])("in %s: a mean names its window and count; a single value says so", (lang, meanText, singleText) => {
    expect(valueText(format(lang), mean)).toBe(meanText);
    expect(valueText(format(lang), testAlert())).toBe(singleText);
  });

  it("a history entry of a mean below its limit reads '< LOQ' with the count it had then", () => {
    const f = format("en");
    expect(historyValueText(f, { value: 16.7, count: 4400, qualifier: "<LOQ" }, mean)).toBe("<LOQ (16.7 ng/L) · rolling 30-day mean of 4,400 values");
    expect(historyValueText(f, { value: 41, count: 4320, qualifier: null }, mean)).toBe("41 ng/L · rolling 30-day mean of 4,320 values");
  });

  const sample = { laboratory: "BfUL Labor", sampleId: "ZE-102", kind: "grab" as const, start: T, end: T, method: null };
  const lab = testAlert({ kind: "mac", sensor: null, value: 410, valueKind: "lab", labSample: sample });
  const differs = testAlert({ kind: "lab-disagreement", value: 68.1, unit: "%", valueKind: "difference", meanCount: 3, labSample: sample });
  it.each<[Language, string, string, string]>([
    ["en", "410 ng/L · lab result, sample ZE-102 (BfUL Labor)", "68.1 % · sensor minus lab, relative to the lab value (latest of 3 pairs)", "laboratory: BfUL Labor"],
    ["de", "410 ng/L · Laborergebnis, Probe ZE-102 (BfUL Labor)", "68,1 % · Sensor minus Labor, bezogen auf den Laborwert (letztes von 3 Paaren)", "Labor: BfUL Labor"],
    ["zh", "410 ng/L · 实验室结果，样品 ZE-102（BfUL Labor）", "68.1 % · 传感器减实验室值，相对于实验室值（最近 3 对中的最新一对）", "实验室：BfUL Labor"],
  ])("in %s: a lab result names its sample; a disagreement is a relative difference over pairs", (lang, labText, differenceText, series) => {
    expect(valueText(format(lang), lab)).toBe(labText);
    expect(valueText(format(lang), differs)).toBe(differenceText);
    expect(sensorText(format(lang), lab)).toBe(series);
  });

  it("names the sensor, and the primary sensor for alerts from before sensors were recorded", () => {
    expect(sensorText(format("en"), testAlert({ sensor: "KSI-CBZ-MIP-P2" }))).toBe("KSI-CBZ-MIP-P2");
    expect(sensorText(format("de"), testAlert({ sensor: null }))).toBe("Hauptsensor (nicht erfasst)");
    expect(sensorText(format("en"), testAlert({ sensor: null, parameter: null }))).toBe("–");
  });
});

describe("the alert list in one time zone", () => {
  it.each<ZoneMode>(["station", "utc", "cet", "local"])("with the %s preference, a Saxon and a Chongqing alert of the same instant read the same", (zone) => {
    const f = format("en", zone);
    const zehren = testAlert({ station: "DE-ELBE-ZEHREN", startedAt: T });
    const cuntan = testAlert({ station: "CN-YANGTZE-CUNTAN", startedAt: T });
    expect(timeText(f, zehren.startedAt)).toBe(timeText(f, cuntan.startedAt));
    // The zone is named once, in the header; no row carries it.
    expect(timeText(f, T)).not.toMatch(/CET|GMT|UTC/);
  });

  it("names the zone in the header: UTC when chosen, else the browser's (station time is for station pages)", () => {
    expect(zoneColumn(format("en", "utc"), "Started")).toBe("Started (UTC)");
    expect(timeText(format("en", "utc"), T)).toBe("25 Nov 2026, 09:00");
    const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(zoneColumn(format("en", "station"), "Started")).toBe(`Started (${browser})`);
    expect(zoneColumn(format("zh", "utc"), "开始时间")).toBe("开始时间（UTC）");
  });
});

describe("QC marks wherever a series is drawn", () => {
  // Zehren carbamazepine with a ~590 ng/L suspect spike among ~120 ng/L values, and a failed reading.
  const points = [
    { t: 0, v: 120, qc: 1 as const },
    { t: 1, v: 590, qc: 3 as const },
    { t: 2, v: 125, qc: 1 as const },
    { t: 3, v: 9000, qc: 4 as const },
    { t: 4, v: 118, qc: 1 as const },
  ];

  it("compare marks suspect values (one legend entry for all series) and leaves failed ones out", () => {
    const ds = buildCompareDatasets(
      [
        { label: "Zehren", points, factor: 1 },
        { label: "Schmilka", points: [{ t: 0, v: 100, qc: 1 }, { t: 2, v: 101, n: 6, qc: 3 }], factor: 1 },
      ],
      false,
      { suspect: "Suspect (QC 3)" },
    );
    expect(ds.map((d) => [d.role, d.label])).toEqual([["value", "Zehren"], ["value", "Schmilka"], ["suspect", "Suspect (QC 3)"]]);
    expect(ds[0]!.data.map((p) => p.y)).toEqual([120, 590, 125, 118]);
    expect(ds[2]!.data.map((p) => [p.x, p.y, p.series])).toEqual([[1, 590, "Zehren"], [2, 101, "Schmilka"]]);
  });

  it("compare draws a mean below its limit as a gap, not a number", () => {
    const ds = buildCompareDatasets([{ label: "Zehren", points: [{ t: 0, v: 0.025, n: 6, nBelowLod: 6, qualifier: "<LOD", limit: 0.05, reportedBelow: "<LOD" }], factor: 1 }], false, { suspect: "s" });
    expect(ds[0]!.data.map((p) => p.y)).toEqual([null]);
  });

  it("sparklines mark suspect and failed values (a failed one at the edge, never in the line)", () => {
    const marks = sparklineMarks(points, 0, 4, 120, 28);
    expect(marks.map((m) => m.qc)).toEqual([3, 4]);
    expect(marks[1]!.y).toBe(2); // 9,000 ng/L lies beyond the scale of the line: at the top edge
    expect(sparklinePath(points, 0, 4, 120, 28).match(/[ML]/g)).toHaveLength(4);
  });
});

describe("method sensitivity next to a standard line (Directive 2009/90/EC Art. 4)", () => {
  const T0 = Date.UTC(2026, 5, 1);
  const sensor = (id: string) => seed.sensor(id)!;
  const line = (station: string, parameter: string, source: string) =>
    standardLines(seed.standardsAt(station, parameter, T0), 1).find((l) => l.entries.some((e) => e.source === source))!;

  it("EE2: LOQ 0.167 ng/L is far above 30 % of the AA-EQS 0.017 ng/L", () => {
    const ee2 = sensor("SIM-DE-ELBE-ZEHREN-ETHINYLESTRADIOL");
    expect(insensitiveSensors(line("DE-ELBE-ZEHREN", "ethinylestradiol", "EU-EQS-2022"), [ee2], 1)).toEqual([ee2]);
  });

  it("carbamazepine: LOQ 16.7 ng/L is well within 30 % of the AA-EQS of 2,500 ng/L, in µg/L too", () => {
    const l = standardLines(seed.standardsAt("DE-ELBE-ZEHREN", "carbamazepine", T0), 0.001).find((x) => x.kind === "AA-EQS")!;
    expect(insensitiveSensors(l, [sensor("SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE")], 0.001)).toEqual([]);
  });

  it("the KSI prototype (LOQ 66.7) is judged on its own, beside the primary sensor", () => {
    const aa = line("DE-ELBE-ZEHREN", "carbamazepine", "EU-EQS-2022");
    const custom = { ...aa, value: 100 };
    expect(insensitiveSensors(custom, [sensor("SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE"), sensor("KSI-CBZ-MIP-P2")], 1).map((s) => s.loq)).toEqual([66.7]);
  });
});
