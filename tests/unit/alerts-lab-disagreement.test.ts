// "Sensor disagrees with lab", pure: the last runLength usable pairs each beyond the threshold
// start an alert; the latest pair back inside threshold × clearRatio ends it; excluded and "< LOQ"
// pairs do not count.
import { describe, expect, it } from "vitest";
import type { ValidationPair } from "../../common/lab-validation.ts";
import { judgeDisagreement } from "../../server/src/alerts/lab-disagreement.ts";

const rule = { kind: "lab-disagreement" as const, threshold: 30, low: null, high: null, runLength: 3, clearRatio: 0.9 };

/** A pair at day `day` whose sensor differs from the lab by `percent` (null: excluded as below the LOQ). */
function pair(day: number, percent: number | null): ValidationPair {
  const lab = 100;
  return {
    sampleId: `S-${day}`,
    kind: "time-proportional composite",
    start: day * 86_400_000,
    end: (day + 1) * 86_400_000,
    time: (day + 0.5) * 86_400_000,
    lab: { value: lab, qualifier: null, limit: null },
    labValue: percent === null ? null : lab,
    sensor: { value: percent === null ? null : lab * (1 + percent / 100), aggregation: "mean", nReadings: 144, nFromAggregates: 0, coverage: 1 },
    difference: percent,
    relativeDifferencePercent: percent,
    average: null,
    excluded: percent === null ? "lab-below-limit" : null,
  } as ValidationPair;
}

describe("judgeDisagreement", () => {
  it.each([
    // [case, relative differences in time order, condition, value, count]
    ["three in a row above 30 %", [5, 31, -35, 40], "breach", 40, 3],
    ["the sign does not matter (a sensor reading low disagrees too)", [-31, -40, -50], "breach", -50, 3],
    ["one of the last three inside", [31, 20, 40], "hold", 40, 3],
    ["exactly on the threshold is not above it", [30, 31, 32], "hold", 32, 3],
    ["fewer pairs than runLength never start an alert", [50, 60], "hold", 60, 2],
    ["the latest inside the clear band (≤ 27 %) clears", [50, 60, 27], "clear", 27, 3],
    ["between 27 and 30 % holds (hysteresis)", [50, 60, 28], "hold", 28, 3],
  ] as const)("%s", (_, percents, condition, value, count) => {
    const d = judgeDisagreement(percents.map((p, i) => pair(i, p)), rule);
    expect(d).toMatchObject({ condition, value, count });
    expect(d.latest?.sampleId).toBe(`S-${percents.length - 1}`);
  });

  it("leaves out pairs the validation excludes, and judges the pairs in time order", () => {
    const pairs = [pair(3, 45), pair(0, 40), pair(1, null), pair(2, 35)];
    const d = judgeDisagreement(pairs, rule);
    expect(d).toMatchObject({ condition: "breach", value: 45, count: 3 });
    expect(d.latest?.sampleId).toBe("S-3");
  });

  it("says nothing without a usable pair", () => {
    expect(judgeDisagreement([pair(0, null)], rule)).toEqual({ condition: "unknown", value: null, count: 0, latest: null });
    expect(judgeDisagreement([], rule).condition).toBe("unknown");
  });

  it("a runLength of 1 judges the latest pair alone", () => {
    expect(judgeDisagreement([pair(0, 5), pair(1, 31)], { ...rule, runLength: 1 })).toMatchObject({ condition: "breach", count: 1 });
  });
});
