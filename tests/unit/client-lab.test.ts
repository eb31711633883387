// The dashboard's lab figures without a canvas: lab results as a chart series (composite at the
// middle of its period, grab at its instant, "< LOQ" open at the LOQ, error bars from the
// uncertainty), their tooltip, and the validation figures (where pairs go, the fitted lines).
import { describe, expect, it } from "vitest";
import { MONTH_MS, type SensorValidation, type ValidationPair } from "../../common/lab-validation.ts";
import type { LabResultInfo } from "../../common/lab.ts";
import { absoluteUncertainty, labDataset, labExtent } from "../../client/src/charts/lab-overlay.ts";
import { blandAltmanDatasets, driftDatasets, niceCeil, placedPair, scatterDatasets, type ValidationLabels } from "../../client/src/charts/validation-charts.ts";
import { labTooltip, labValueText, uncertaintyText } from "../../client/src/components/lab-text.ts";
import { translator } from "../../client/src/i18n/index.ts";

const T0 = Date.UTC(2026, 2, 4, 7);
const HOUR = 3_600_000;

function result(over: Partial<LabResultInfo> & { kind?: LabResultInfo["sample"]["kind"]; start?: number; end?: number }): LabResultInfo {
  const { kind = "time-proportional composite", start = T0, end = T0 + 24 * HOUR, ...rest } = over;
  return {
    id: 1,
    sample: { id: 1, laboratory: "BfUL Labor", sampleId: "ZE-1", station: "DE-ELBE-ZEHREN", kind, start, end, method: "LC-MS/MS", remarks: null },
    parameter: "carbamazepine",
    value: 125,
    qualifier: null,
    loq: 1,
    unit: "ng/L",
    uncertainty: { kind: "relative", value: 20 },
    reported: { value: 0.125, loq: 0.001, unit: "µg/L" },
    analysedAt: null,
    labFlag: null,
    revision: 1,
    recordedAt: 0,
    recordedBy: "x",
    importId: 1,
    ...rest,
  };
}

const en = { t: translator("en"), lang: "en" as const, zone: "UTC", unit: "ng/L" as const };

describe("lab results on a chart", () => {
  const results = [
    result({}),
    result({ kind: "grab", start: T0 + 48 * HOUR, end: T0 + 48 * HOUR, value: 80, uncertainty: { kind: "absolute", value: 6 } }),
    result({ value: null, qualifier: "<LOQ", loq: 5, uncertainty: null }),
  ];
  const ds = labDataset(results, { factor: 0.001, label: "Lab results", uncertaintyText: (r) => uncertaintyText(r, en) });

  it("puts a composite at the middle of its period, a grab at its instant, '< LOQ' at its LOQ, in display units", () => {
    expect(ds.role).toBe("lab");
    expect(ds.showLine).toBe(false);
    expect(ds.data.map((p) => [p.x, p.y])).toEqual([
      [T0 + 12 * HOUR, 0.125],
      [T0 + 48 * HOUR, 0.08],
      [T0 + 12 * HOUR, 0.005],
    ]);
    expect(ds.pointStyle).toEqual(["rect", "circle", "rect"]);
    // Open (white) marker for the censored result only.
    expect(ds.pointBackgroundColor).toEqual([ds.borderColor, ds.borderColor, "#ffffff"]);
    expect(ds.data[2]!.lab).toMatchObject({ value: null, loq: 0.005, uncertainty: null });
  });

  it("turns a relative uncertainty into ± an amount, keeps an absolute one, and widens the y range by it", () => {
    expect(absoluteUncertainty(results[0]!)).toBeCloseTo(25, 12);
    expect(absoluteUncertainty(results[1]!)).toBe(6);
    expect(absoluteUncertainty(results[2]!)).toBeNull();
    expect(ds.data[0]!.lab!.uncertainty).toBeCloseTo(0.025, 12);
    const extent = labExtent(ds);
    expect(extent.min).toBeCloseTo(0.005, 12);
    expect(extent.max).toBeCloseTo(0.15, 12);
  });

  it("names sample, laboratory, value ± uncertainty, sampling period and method in the tooltip", () => {
    const lines = labTooltip(ds.data[0]!.lab!, "µg/L", en);
    expect(lines[0]).toBe("Lab sample ZE-1 · BfUL Labor");
    expect(lines[1]).toBe("0.125 µg/L ± 0.025 µg/L (20 %, k = 2)");
    expect(lines[2]).toMatch(/^Time-proportional composite: 4 Mar 2026, 07:00 – 5 Mar 2026, 07:00/);
    expect(lines[3]).toBe("Method: LC-MS/MS");
    expect(labTooltip(ds.data[2]!.lab!, "µg/L", en)[1]).toBe("< LOQ (0.005 µg/L)");
    expect(labTooltip(ds.data[1]!.lab!, "µg/L", { ...en, t: translator("de"), lang: "de" })[2]).toBe("Stichprobe: 06.03.2026, 07:00 UTC");
    expect(labValueText({ value: null, loq: 5, unit: "ng/L" }, { ...en, t: translator("zh"), lang: "zh" })).toBe("< 定量限（5 ng/L）");
  });
});

const pair = (over: Partial<ValidationPair>): ValidationPair => ({
  sampleId: "S",
  kind: "time-proportional composite",
  start: T0,
  end: T0 + 24 * HOUR,
  time: T0 + 12 * HOUR,
  lab: { value: 100, qualifier: null, limit: null },
  labValue: 100,
  sensor: { value: 110, aggregation: "mean", timeWeightedBecause: null, reportedBelow: null, limit: null, nReadings: 144, nFromAggregates: 0, nUsed: 144, nCensored: 0, substitution: null, nExpected: 144, coverage: 1 },
  difference: 10,
  relativeDifferencePercent: 10,
  average: 105,
  excluded: null,
  ...over,
});

const labels: ValidationLabels = { pairs: "P", excluded: "X", identity: "1:1", passingBablok: "PB", deming: "D", meanDifference: "MD", limitsOfAgreement: "LoA", trend: "T", zero: "0" };

function validation(pairs: ValidationPair[]): SensorValidation {
  const ba = { status: "ok" as const, n: 2, scale: "absolute" as const, confidence: 0.95, meanDifference: 10, sdDifference: 5, meanDifferenceCI: null, lowerLimit: 0.2, upperLimit: 19.8, lowerLimitCI: null, upperLimitCI: null, seMeanDifference: 1, seLimit: 1 };
  return {
    options: { sensorIntervalSeconds: 600, grabWindowMinutes: 30, grabAggregation: "mean", minCoverage: 0.8, acceptedQc: [1], dischargeMaxGapSeconds: 3600, errorRatio: 1, confidence: 0.95, minPairs: 10 },
    pairs,
    counts: { total: pairs.length, used: pairs.length, excluded: 0, excludedBy: { "lab-below-limit": 0, "no-sensor-readings": 0, "low-coverage": 0, "sensor-below-limit": 0, "lab-not-positive": 0 } },
    regression: {
      named: "passing-bablok",
      passingBablok: { status: "ok", method: "passing-bablok", n: 2, confidence: 0.95, slope: 1.1, intercept: 2, slopeCI: null, interceptCI: null, slopesUsed: 1, shift: 0 },
      deming: { status: "ok", method: "deming", n: 2, errorRatio: 1, confidence: 0.95, slope: 1.05, intercept: 3, slopeSE: null, interceptSE: null, slopeCI: null, interceptCI: null },
    },
    agreement: { status: "ok", n: 2, meanBias: 10, meanRelativeBiasPercent: 10, rmse: 11, blandAltman: ba, relativeBlandAltman: { ...ba, scale: "relative", meanDifference: 9, lowerLimit: -1, upperLimit: 19 } },
    drift: { status: "ok", method: "theil-sen", n: 2, confidence: 0.95, origin: T0, slopePercentPerMonth: 3, slopeCI: null, interceptPercent: 5, mannKendall: { S: 1, varS: 1, z: 0, pValue: 1 }, leastSquares: null },
  };
}

describe("validation figures", () => {
  const pairs = [
    pair({}),
    pair({ time: T0 + MONTH_MS, labValue: 200, lab: { value: 200, qualifier: null, limit: null }, sensor: { ...pair({}).sensor, value: 230 }, difference: 30, relativeDifferencePercent: 15, average: 215 }),
    pair({ labValue: null, lab: { value: null, qualifier: "<LOQ", limit: 5 }, sensor: { ...pair({}).sensor, value: 8 }, difference: null, relativeDifferencePercent: null, average: null, excluded: "lab-below-limit" }),
    pair({ sensor: { ...pair({}).sensor, value: null, nReadings: 0 }, difference: null, relativeDifferencePercent: null, average: null, excluded: "no-sensor-readings" }),
  ];
  const v = validation(pairs);

  it("places pairs in the statistics as points and the others at their limit, where there is one", () => {
    expect(placedPair(pairs[2]!)).toEqual({ x: 5, y: 8 });
    expect(placedPair(pairs[3]!)).toBeNull();
    const { datasets, max } = scatterDatasets(v, 1, labels);
    expect(datasets.find((d) => d.kind === "pairs")!.data).toEqual([{ x: 100, y: 110, pair: 0 }, { x: 200, y: 230, pair: 1 }]);
    expect(datasets.find((d) => d.kind === "excluded")!.data).toEqual([{ x: 5, y: 8, pair: 2 }]);
    expect(max).toBe(250);
    // The named line and the second opinion, across the axis.
    expect(datasets.find((d) => d.label === "PB")!.data).toEqual([{ x: 0, y: 2 }, { x: 250, y: 277 }]);
    expect(datasets.find((d) => d.label === "D")!.data).toEqual([{ x: 0, y: 3 }, { x: 250, y: 265.5 }]);
    expect(datasets.find((d) => d.label === "1:1")!.data).toEqual([{ x: 0, y: 0 }, { x: 250, y: 250 }]);
  });

  it("draws Bland–Altman differences with the mean difference and the limits of agreement, in the unit or in %", () => {
    const absolute = blandAltmanDatasets(v, "absolute", 0.001, labels);
    expect(absolute[0]!.data).toEqual([{ x: 0.105, y: 0.01, pair: 0 }, { x: 0.215, y: 0.03, pair: 1 }]);
    expect(absolute.filter((d) => d.kind === "line").map((d) => d.data[0]!.y)).toEqual([0.01, 0.0198, 0.0002]);
    const relative = blandAltmanDatasets(v, "relative", 0.001, labels);
    expect(relative[0]!.data.map((p) => p.y)).toEqual([10, 15]);
    expect(relative.filter((d) => d.kind === "line").map((d) => d.data[0]!.y)).toEqual([9, 19, -1]);
  });

  it("draws the Theil–Sen trend of the relative difference from its intercept and slope per month", () => {
    const [points, zero, trend] = driftDatasets(v, labels);
    expect(points!.data).toEqual([{ x: T0 + 12 * HOUR, y: 10, pair: 0 }, { x: T0 + MONTH_MS, y: 15, pair: 1 }]);
    expect(zero!.data.map((p) => p.y)).toEqual([0, 0]);
    expect(trend!.data[0]!.y).toBeCloseTo(5 + (3 * 12 * HOUR) / MONTH_MS, 9);
    expect(trend!.data[1]!.y).toBeCloseTo(8, 9);
  });

  it.each([
    [0, 1],
    [1.04, 1.2],
    [138.9, 150],
    [201, 250],
    [0.0042, 0.005],
    [7000, 8000],
  ])("ends an axis at a round number: %f → %f", (v, nice) => {
    expect(niceCeil(v)).toBeCloseTo(nice, 12);
  });
});
