import { describe, expect, it } from "vitest";
import { countsForContamination, limitCondition, meanCondition, ratePerHour, singleValueCondition, type RuleLimits } from "../../server/src/alerts/conditions.ts";
import { RollingMean } from "../../server/src/alerts/rolling-mean.ts";
import { faultCondition, emptyFaultRun, nextFaultRun } from "../../server/src/alerts/sensor-fault.ts";
import { suppressedBy, seriesKey } from "../../server/src/alerts/suppression.ts";

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

describe("AA rolling mean (EU convention, Directive 2009/90/EC)", () => {
  const aa: RuleLimits = { kind: "aa", threshold: 40, low: null, high: null, clearRatio: 0.9 };
  const H = 3_600_000;

  it("counts below-LOD values as half the LOD", () => {
    const m = new RollingMean(24 * H);
    m.add(0, 60, null);
    m.add(H, null, 10); // counts as 5
    m.add(2 * H, 40, null);
    expect(m.mean(2 * H)).toEqual({ mean: 35, n: 3, nBelowLod: 1, allBelowLod: false });
  });

  it("a single high value does not breach when the mean stays below", () => {
    const m = new RollingMean(24 * H);
    for (let i = 0; i < 10; i++) m.add(i * H, 20, null);
    m.add(10 * H, 150, null);
    const result = m.mean(10 * H);
    expect(result.mean).toBeCloseTo(31.8, 1);
    expect(meanCondition(aa, result)).toBe("clear");
  });

  it("breaches when the rolling mean exceeds the AA-EQS", () => {
    const m = new RollingMean(24 * H);
    for (let i = 0; i < 10; i++) m.add(i * H, 45, null);
    expect(meanCondition(aa, m.mean(9 * H))).toBe("breach");
  });

  it("a mean over only <LOD values is <LOD: no exceedance even if LOD/2 is above the standard", () => {
    // Ethinylestradiol: AA-EQS 0.017 ng/L, LOD 0.05 → LOD/2 = 0.025 > 0.017.
    const m = new RollingMean(24 * H);
    for (let i = 0; i < 5; i++) m.add(i * H, null, 0.05);
    const result = m.mean(4 * H);
    expect(result).toMatchObject({ allBelowLod: true, nBelowLod: 5 });
    expect(meanCondition({ ...aa, threshold: 0.017 }, result)).toBe("clear");
  });

  it("values leave the window as time moves on", () => {
    const m = new RollingMean(2 * H);
    m.add(0, 100, null);
    m.add(3 * H, 10, null);
    expect(m.mean(3 * H)).toMatchObject({ mean: 10, n: 1 });
  });

  it("no values: unknown, not clear", () => {
    expect(meanCondition(aa, new RollingMean(H).mean(0))).toBe("unknown");
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
  const active = { faultySeries: new Set([seriesKey("DE-ELBE-ZEHREN", "ph")]), offlineStations: new Set(["CN-YANGTZE-CUNTAN"]) };
  it.each<[string, Parameters<typeof suppressedBy>, string | null]>([
    ["a sensor fault silences contamination rules of its series", ["range", "DE-ELBE-ZEHREN", "ph", active], "sensor-fault"],
    ["…but not other series", ["mac", "DE-ELBE-ZEHREN", "clarithromycin", active], null],
    ["…and not the sensor-fault rule itself", ["sensor-fault", "DE-ELBE-ZEHREN", "ph", active], null],
    ["an offline station silences its parameter alerts", ["mac", "CN-YANGTZE-CUNTAN", "clarithromycin", active], "station-offline"],
    ["…and per-parameter no-data", ["no-data", "CN-YANGTZE-CUNTAN", "ph", active], "station-offline"],
    ["…but not its own station-wide no-data alert", ["no-data", "CN-YANGTZE-CUNTAN", null, active], null],
  ])("%s", (_name, args, expected) => {
    expect(suppressedBy(...args)).toBe(expected);
  });
});
