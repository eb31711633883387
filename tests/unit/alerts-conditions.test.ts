import { describe, expect, it } from "vitest";
import { evaluateAa } from "../../server/src/alerts/aa-early-warning.ts";
import { countsForContamination, limitCondition, ratePerHour, singleValueCondition, type RuleLimits } from "../../server/src/alerts/conditions.ts";
import { RollingMean } from "../../server/src/alerts/rolling-mean.ts";
import { faultCondition, emptyFaultRun, nextFaultRun } from "../../server/src/alerts/sensor-fault.ts";
import { suppressedBy, seriesKey, seriesParts } from "../../server/src/alerts/suppression.ts";

const mac: RuleLimits = { kind: "mac", threshold: 130, low: null, high: null, clearRatio: 0.9 };
const dissolvedOxygen: RuleLimits = { kind: "min", threshold: 5, low: null, high: null, clearRatio: 0.9 };
const ph: RuleLimits = { kind: "range", threshold: null, low: 6, high: 9, clearRatio: 0.9 };

describe("limit conditions with hysteresis", () => {
  it.each<[string, RuleLimits, number, string]>([
    ["MAC: above the value breaches", mac, 131, "breach"],
    ["MAC: exactly the value does not breach (no single value may exceed it)", mac, 130, "hold"],
    ["MAC: within 10 % below is the hysteresis band", mac, 118, "hold"],
    ["MAC: below 90 % clears", mac, 117, "clear"],
    ["DO minimum: below 5 mg/L breaches", dissolvedOxygen, 4.9, "breach"],
    ["DO minimum: 5.2 is in the band", dissolvedOxygen, 5.2, "hold"],
    ["DO minimum: 5.6 clears", dissolvedOxygen, 5.6, "clear"],
    ["pH range: 5.9 breaches", ph, 5.9, "breach"],
    ["pH range: 9.1 breaches", ph, 9.1, "breach"],
    ["pH range: 6.1 is in the band", ph, 6.1, "hold"],
    ["pH range: 7.5 clears", ph, 7.5, "clear"],
  ])("%s", (_name, limits, value, expected) => {
    expect(limitCondition(limits, value)).toBe(expected);
  });

  it("a censored reading (<LOD, <LOQ) clears an upper limit and says nothing about a lower one", () => {
    expect(singleValueCondition(mac, { value: null })).toBe("clear");
    expect(singleValueCondition(dissolvedOxygen, { value: null })).toBe("unknown");
  });

  it("only QC pass (1) and not evaluated (2) count for contamination rules; suspect on request", () => {
    expect([1, 2, 3, 4, 9].map((qc) => countsForContamination({ qc: qc as 1 }))).toEqual([true, true, false, false, false]);
    expect(countsForContamination({ qc: 3 }, true)).toBe(true);
  });

  it("rate of change per hour from the oldest and newest value in the window", () => {
    expect(ratePerHour([{ time: 0, value: 10 }, { time: 1_800_000, value: 40 }])).toBe(60);
    expect(ratePerHour([{ time: 0, value: 10 }])).toBeNull();
  });
});

describe("AA rolling mean (Directive 2009/90/EC Art. 5) and its early warning", () => {
  const H = 3_600_000;
  const DAY = 24 * H;
  const aaRule = { windowMs: 30 * DAY, minCoverage: 0.8, threshold: 40, clearRatio: 0.9 };
  /** A 10-minute sensor whose LOQ (5 ng/L) is 12.5 % of 40 ng/L: sensitive enough. */
  const sensor = { intervalSeconds: 600, lod: 2, loq: 5 };
  const value = (v: number) => ({ value: v, qualifier: null, limit: null });
  const belowLod = (limit: number) => ({ value: null, qualifier: "<LOD" as const, limit });

  it("counts a value below the LOD as half the LOD: (60 + 10/2 + 40) / 3 = 35", () => {
    const m = new RollingMean(24 * H);
    m.add(0, value(60));
    m.add(H, belowLod(10));
    m.add(2 * H, value(40));
    expect(m.mean(2 * H)).toMatchObject({ mean: 35, n: 3, nCensored: 1, substitution: "LOD/2", reportedBelow: null });
  });

  it("values leave the window as time moves on", () => {
    const m = new RollingMean(2 * H);
    m.add(0, value(100));
    m.add(3 * H, value(10));
    expect(m.mean(3 * H)).toMatchObject({ mean: 10, n: 1 });
  });

  it("fires once 80 % of 30 days of 10-minute readings are in (3,456 of 4,320) and the mean is above the standard", () => {
    const m = new RollingMean(aaRule.windowMs);
    for (let i = 0; i < 3455; i++) m.add(i * 600_000, value(45));
    const t = 3455 * 600_000;
    expect(evaluateAa(aaRule, m.mean(t), sensor)).toMatchObject({ condition: "unknown", value: 45, detail: { windowMs: 30 * DAY, count: 3455, qualifier: null } });
    m.add(t, value(45));
    expect(evaluateAa(aaRule, m.mean(t), sensor)).toMatchObject({ condition: "breach", value: 45, detail: { count: 3456 } });
  });

  it("a mean of never-detected EE2 (LOD 0.05 ng/L, AA-EQS 0.017 ng/L) is '< LOD', kept as the limit, never a breach", () => {
    const m = new RollingMean(aaRule.windowMs);
    for (let i = 0; i < 4320; i++) m.add(i * 600_000, belowLod(0.05));
    const r = evaluateAa({ ...aaRule, threshold: 0.017 }, m.mean(4319 * 600_000), { intervalSeconds: 600, lod: 0.05, loq: 0.167 });
    expect(r).toEqual({ condition: "clear", value: 0.05, detail: { windowMs: 30 * DAY, count: 4320, qualifier: "<LOD" } });
  });

  it("compares only quantified values where the sensor's LOQ is above 30 % of the standard (Art. 4(1))", () => {
    // 16.7 ng/L > 0.3 × 40 = 12 ng/L. Half the values quantified at 50, half <LOQ 16.7:
    // mean (50 + 8.35) / 2 = 29.2 (not below the LOQ), lower bound 50 / 2 = 25 → clear against 28 (below its 25.2 clear level), though the mean is above it.
    const m = new RollingMean(aaRule.windowMs);
    for (let i = 0; i < 4320; i++) m.add(i * 600_000, i % 2 ? value(50) : { value: null, qualifier: "<LOQ", limit: 16.7 });
    const coarse = { intervalSeconds: 600, lod: 5, loq: 16.7 };
    expect(evaluateAa({ ...aaRule, threshold: 28 }, m.mean(4319 * 600_000), coarse).condition).toBe("clear");
    expect(evaluateAa({ ...aaRule, threshold: 28 }, m.mean(4319 * 600_000), { ...coarse, loq: 5 }).condition).toBe("breach");
  });

  it("no verdict for a sensor the catalog does not know (no interval to count coverage against)", () => {
    const m = new RollingMean(aaRule.windowMs);
    m.add(0, value(100));
    expect(evaluateAa(aaRule, m.mean(0), undefined).condition).toBe("unknown");
  });
});

describe("sensor faults", () => {
  it("a run of QC-failed values is a fault; three sound values end it", () => {
    let run = emptyFaultRun();
    const conditions: string[] = [];
    for (const [value, qc] of [[1, 4], [2, 4], [3, 4], [4, 1], [5, 1], [6, 1]] as Array<[number, 1 | 4]>) {
      run = nextFaultRun(run, { value, qc });
      conditions.push(faultCondition(run, 3));
    }
    expect(conditions).toEqual(["hold", "hold", "breach", "hold", "hold", "clear"]);
  });

  it("a flat line of identical values is a fault", () => {
    let run = emptyFaultRun();
    for (let i = 0; i < 4; i++) run = nextFaultRun(run, { value: 7.25, qc: 1 });
    expect(faultCondition(run, 4)).toBe("breach");
    expect(faultCondition(nextFaultRun(run, { value: 7.3, qc: 1 }), 4)).toBe("hold");
  });
});

describe("suppression", () => {
  const active = { faultySeries: new Set([seriesKey("DE-ELBE-ZEHREN", "carbamazepine", "KSI-CBZ-MIP-P2")]), offlineStations: new Set(["CN-YANGTZE-CUNTAN"]) };
  const at = (station: string, parameter: string | null, sensor: string | null = null) => ({ station, parameter, sensor });
  it.each<[string, Parameters<typeof suppressedBy>, string | null]>([
    ["a sensor fault silences contamination rules of its series", ["mac", at("DE-ELBE-ZEHREN", "carbamazepine", "KSI-CBZ-MIP-P2"), active], "sensor-fault"],
    ["…but not the other sensor of the same compound at the station", ["mac", at("DE-ELBE-ZEHREN", "carbamazepine", "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE"), active], null],
    ["…nor other parameters", ["mac", at("DE-ELBE-ZEHREN", "clarithromycin", "SIM-DE-ELBE-ZEHREN-CLARITHROMYCIN"), active], null],
    ["…and not the sensor-fault rule itself", ["sensor-fault", at("DE-ELBE-ZEHREN", "carbamazepine", "KSI-CBZ-MIP-P2"), active], null],
    ["an offline station silences its parameter alerts", ["mac", at("CN-YANGTZE-CUNTAN", "clarithromycin", "S"), active], "station-offline"],
    ["…and per-sensor no-data", ["no-data", at("CN-YANGTZE-CUNTAN", "ph", "S"), active], "station-offline"],
    ["…but not its own station-wide no-data alert", ["no-data", at("CN-YANGTZE-CUNTAN", null), active], null],
  ])("%s", (_name, args, expected) => {
    expect(suppressedBy(...args)).toBe(expected);
  });

  it("keys series by station, parameter and sensor, and reads keys stored before sensors were part of them", () => {
    expect(seriesKey("DE-ELBE-ZEHREN", "ph", "SIM-DE-ELBE-ZEHREN-PH")).toBe("DE-ELBE-ZEHREN\tph\tSIM-DE-ELBE-ZEHREN-PH");
    expect(seriesParts(seriesKey("DE-ELBE-ZEHREN", null, null))).toEqual({ station: "DE-ELBE-ZEHREN", parameter: null, sensor: null });
    expect(seriesParts("DE-ELBE-ZEHREN\tph")).toEqual({ station: "DE-ELBE-ZEHREN", parameter: "ph", sensor: undefined });
    expect(seriesParts("DE-ELBE-ZEHREN\t")).toEqual({ station: "DE-ELBE-ZEHREN", parameter: null, sensor: undefined });
  });
});
