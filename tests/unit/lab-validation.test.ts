// The validation view's numbers end to end: a simulated sensor that drifts by 20 % a month against
// weekly 24-h composite samples, the counts of excluded pairs, and "not enough pairs" instead of
// numbers.
import { describe, expect, it } from "vitest";
import { QC } from "../../common/reading.ts";
import { MONTH_MS, validateSensor, type LabResult, type SensorReading } from "../../server/src/lab/validation/index.ts";

const MIN = 60_000;
const DAY = 1_440 * MIN;
const T0 = Date.UTC(2026, 0, 5, 8);
// Lab error: a fixed pattern within ±4 % (deterministic, like a seeded simulator).
const LAB_NOISE = [0.02, -0.03, 0.01, 0.04, -0.01, -0.04, 0.03, 0.0, -0.02, 0.02, 0.01, -0.03];

// The river's weekly level (ng/L): dilution and load change from week to week.
const LEVELS = [80, 120, 95, 140, 70, 110, 160, 90, 130, 60, 105, 150, 85];
const level = (t: number) => LEVELS[Math.floor((t - T0) / (7 * DAY)) % LEVELS.length]!;
/** The river's "true" concentration: the week's level with a daily rhythm of ± 30 %. */
const truth = (t: number) => level(t) * (1 + 0.3 * Math.sin((2 * Math.PI * (t - T0)) / DAY));

function scenario(weeks: number, driftPerMonth: number) {
  const readings: SensorReading[] = [];
  for (let t = T0; t < T0 + weeks * 7 * DAY; t += 10 * MIN) {
    readings.push({ time: t, value: truth(t) * (1 + (driftPerMonth * (t - T0)) / MONTH_MS), qualifier: null, limit: null, qc: QC.pass });
  }
  const labResults: LabResult[] = Array.from({ length: weeks }, (_, w) => {
    const start = T0 + w * 7 * DAY;
    // The daily rhythm averages out over 24 h: the true mean is the week's level.
    const value = level(start) * (1 + LAB_NOISE[w % LAB_NOISE.length]!);
    return { sampleId: `C-${w + 1}`, kind: "time-proportional composite", start, end: start + DAY, result: { value, qualifier: null, limit: null } };
  });
  return { readings, labResults };
}

function expectNoNaN(value: unknown, path = "result"): void {
  if (typeof value === "number") {
    expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) expectNoNaN(v, `${path}.${k}`);
  }
}

describe("sensor validation", () => {
  it("shows a sensor drifting by 20 %/month as a trend of about 20 %/month", () => {
    const { readings, labResults } = scenario(26, 0.2);
    const v = validateSensor({ labResults, readings }, { sensorIntervalSeconds: 600 });
    expect(v.counts).toMatchObject({ total: 26, used: 26, excluded: 0 });
    expect(v.drift.status).toBe("ok");
    if (v.drift.status !== "ok") return;
    expect(v.drift.slopePercentPerMonth).toBeGreaterThan(19);
    expect(v.drift.slopePercentPerMonth).toBeLessThan(21);
    expect(v.drift.slopeCI!.lower).toBeLessThan(20);
    expect(v.drift.slopeCI!.upper).toBeGreaterThan(20);
    expect(v.drift.mannKendall.pValue).toBeLessThan(0.001);
    expectNoNaN(v);
  });

  it("finds no drift and agreement within the lab's noise for a sensor that reads true", () => {
    const { readings, labResults } = scenario(26, 0);
    const v = validateSensor({ labResults, readings }, { sensorIntervalSeconds: 600 });
    expect(v.regression.named).toBe("passing-bablok");
    if (v.drift.status !== "ok" || v.agreement.status !== "ok" || v.regression.passingBablok.status !== "ok") throw new Error("expected statistics");
    expect(Math.abs(v.drift.slopePercentPerMonth)).toBeLessThan(1);
    expect(Math.abs(v.agreement.meanRelativeBiasPercent!)).toBeLessThan(2);
    expect(v.agreement.rmse).toBeLessThan(4);
    // Slope within the lab's noise of 1.
    expect(Math.abs(v.regression.passingBablok.slope - 1)).toBeLessThan(0.05);
    expect(v.regression.deming.status).toBe("ok");
    expectNoNaN(v);
  });

  it("counts the pairs it excludes, by reason, and keeps them in the list", () => {
    const { readings, labResults } = scenario(14, 0);
    labResults[0] = { ...labResults[0]!, result: { value: null, qualifier: "<LOQ", limit: 10 } };
    labResults[1] = { ...labResults[1]!, result: { value: 0, qualifier: null, limit: null } };
    // Week 3's sampling day without readings, week 4's with only half of them.
    const gap = (w: number) => (r: SensorReading) => r.time >= T0 + w * 7 * DAY && r.time < T0 + w * 7 * DAY + DAY;
    const kept = readings.filter((r) => !gap(2)(r) && !(gap(3)(r) && r.time % (20 * MIN) === 0));
    const v = validateSensor({ labResults, readings: kept }, { sensorIntervalSeconds: 600 });
    expect(v.pairs).toHaveLength(14);
    expect(v.counts).toEqual({
      total: 14,
      used: 10,
      excluded: 4,
      excludedBy: { "lab-below-limit": 1, "lab-not-positive": 1, "no-sensor-readings": 1, "low-coverage": 1, "sensor-below-limit": 0 },
    });
    expect(v.agreement).toMatchObject({ status: "ok", n: 10 });
  });

  it("says 'not enough pairs' instead of giving numbers below the minimum", () => {
    const { readings, labResults } = scenario(9, 0.2);
    const v = validateSensor({ labResults, readings }, { sensorIntervalSeconds: 600 });
    for (const outcome of [v.regression.passingBablok, v.regression.deming, v.agreement, v.drift]) {
      expect(outcome).toMatchObject({ status: "not-computable", reason: "not-enough-pairs", n: 9, required: 10 });
    }
    expect(v.pairs).toHaveLength(9);
    expect(validateSensor({ labResults, readings }, { sensorIntervalSeconds: 600, minPairs: 5 }).drift.status).toBe("ok");
  });

  it("gives reasons, not NaN, when every lab value is the same", () => {
    const { readings, labResults } = scenario(12, 0);
    const same = labResults.map((l) => ({ ...l, result: { value: 100, qualifier: null, limit: null } }));
    const v = validateSensor({ labResults: same, readings }, { sensorIntervalSeconds: 600 });
    expect(v.regression.passingBablok).toMatchObject({ status: "not-computable", reason: "no-spread" });
    expect(v.regression.deming).toMatchObject({ status: "not-computable", reason: "no-spread" });
    expectNoNaN(v);
  });
});
