// Pairing lab results with sensor readings: composite periods, grab windows, coverage, QC, censored
// values on either side, and discharge weighting for flow-proportional composites.
import { describe, expect, it } from "vitest";
import { QC, type QcFlag } from "../../common/reading.ts";
import type { CensoredValue } from "../../common/statistics/censored-mean.ts";
import { dischargeAt, dischargeSeries, weightedCensoredMean } from "../../server/src/lab/validation/flow-weighting.ts";
import { buildPairs, DEFAULT_PAIRING, type LabResult, type PairingOptions, type SensorAggregate, type SensorReading } from "../../server/src/lab/validation/pairing.ts";
import { addValue, emptySums } from "../../common/statistics/censored-mean.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8); // a composite sample starts 08:00 UTC
const DAY = 24 * 60 * MIN;
const options: PairingOptions = { ...DEFAULT_PAIRING, sensorIntervalSeconds: 600 };

const value = (v: number): CensoredValue => ({ value: v, qualifier: null, limit: null });
const belowLoq = (limit: number): CensoredValue => ({ value: null, qualifier: "<LOQ", limit });

/** Readings every 10 minutes from `from` (inclusive) to `to` (exclusive). */
function readings(from: number, to: number, valueAt: (t: number, i: number) => number | null = () => 100, qc: (i: number) => QcFlag = () => QC.pass): SensorReading[] {
  const out: SensorReading[] = [];
  for (let t = from, i = 0; t < to; t += 10 * MIN, i++) {
    const v = valueAt(t, i);
    out.push({ time: t, value: v, qualifier: v === null ? "<LOD" : null, limit: v === null ? 5 : null, qc: qc(i) });
  }
  return out;
}

const composite = (result: CensoredValue, kind: LabResult["kind"] = "time-proportional composite"): LabResult => ({
  sampleId: "S-1",
  kind,
  start: T0,
  end: T0 + DAY,
  result,
});
const grab = (at: number, result: CensoredValue = value(100)): LabResult => ({ sampleId: "G-1", kind: "grab", start: at, end: at, result });

describe("composite samples", () => {
  it("pairs the mean of the readings in [start, end) with the lab value", () => {
    // 144 readings 08:00 … 07:50 next day; the one at the end (08:00) belongs to the next day.
    const rs = readings(T0 - 60 * MIN, T0 + DAY + 60 * MIN, (t) => (t < T0 || t >= T0 + DAY ? 1_000 : t < T0 + DAY / 2 ? 90 : 110));
    const [pair] = buildPairs([composite(value(80))], rs, options);
    expect(pair).toMatchObject({
      labValue: 80,
      sensor: { value: 100, aggregation: "mean", nReadings: 144, nUsed: 144, nExpected: 144, coverage: 1, timeWeightedBecause: null },
      difference: 20,
      relativeDifferencePercent: 25,
      average: 90,
      time: T0 + DAY / 2,
      excluded: null,
    });
  });

  it.each([
    [28, 116 / 144, null],
    [30, 114 / 144, "low-coverage"],
  ])("uses QC-passed readings only: %i failed of 144 gives coverage %f", (failed, coverage, excluded) => {
    const rs = readings(T0, T0 + DAY, () => 100, (i) => (i < failed ? QC.fail : QC.pass));
    const [pair] = buildPairs([composite(value(100))], rs, options);
    expect(pair!.sensor.nReadings).toBe(144 - failed);
    expect(pair!.sensor.coverage).toBeCloseTo(coverage, 12);
    expect(pair!.excluded).toBe(excluded);
  });

  it("leaves suspect readings out unless asked to take them", () => {
    const rs = readings(T0, T0 + DAY, (_t, i) => (i % 2 ? 200 : 100), (i) => (i % 2 ? QC.suspect : QC.pass));
    expect(buildPairs([composite(value(100))], rs, options)[0]!.sensor).toMatchObject({ value: 100, nReadings: 72 });
    expect(buildPairs([composite(value(100))], rs, { ...options, acceptedQc: [QC.pass, QC.suspect], minCoverage: 0 })[0]!.sensor).toMatchObject({ value: 150, nReadings: 144 });
  });

  it("counts readings below the LOD at half the LOD (Directive 2009/90/EC Art. 5) and says so", () => {
    // 72 readings of 20 and 72 below an LOD of 5: (72·20 + 72·2.5)/144 = 11.25
    const rs = readings(T0, T0 + DAY, (_t, i) => (i % 2 ? null : 20));
    const [pair] = buildPairs([composite(value(10))], rs, options);
    expect(pair!.sensor).toMatchObject({ value: 11.25, nCensored: 72, substitution: "LOD/2", reportedBelow: null });
    expect(pair!.excluded).toBeNull();
  });

  it("keeps a pair whose sensor mean is below the LOD, without a number, and excludes it", () => {
    const rs = readings(T0, T0 + DAY, () => null);
    const [pair] = buildPairs([composite(value(3))], rs, options);
    expect(pair).toMatchObject({ sensor: { value: null, reportedBelow: "<LOD", limit: 5 }, difference: null, excluded: "sensor-below-limit" });
  });

  it("keeps a lab result below the LOQ, with the sensor value, and excludes it", () => {
    const [pair] = buildPairs([composite(belowLoq(10))], readings(T0, T0 + DAY), options);
    expect(pair).toMatchObject({ labValue: null, lab: { qualifier: "<LOQ", limit: 10 }, sensor: { value: 100 }, difference: null, excluded: "lab-below-limit" });
  });

  it("excludes a lab value of 0: the relative difference is undefined", () => {
    const [pair] = buildPairs([composite(value(0))], readings(T0, T0 + DAY), options);
    expect(pair).toMatchObject({ difference: 100, relativeDifferencePercent: null, excluded: "lab-not-positive" });
  });

  it("finds no readings for a sample outside the sensor's record", () => {
    const [pair] = buildPairs([composite(value(50))], readings(T0 + 2 * DAY, T0 + 3 * DAY), options);
    expect(pair).toMatchObject({ sensor: { value: null, nReadings: 0, coverage: 0 }, excluded: "no-sensor-readings" });
  });

  it("refuses a sensor interval that is not positive instead of dividing by it", () => {
    expect(() => buildPairs([composite(value(50))], readings(T0, T0 + DAY), { ...options, sensorIntervalSeconds: 0 })).toThrow(RangeError);
  });

  it("sorts readings that arrive out of order", () => {
    const rs = readings(T0, T0 + DAY, (_t, i) => i).reverse();
    expect(buildPairs([composite(value(50))], rs, options)[0]!.sensor.value).toBeCloseTo(71.5, 12); // mean of 0 … 143
  });
});

describe("flow-proportional composite samples", () => {
  // One hour, readings at 0, 10, …, 50 min of 10, 10, 10, 20, 20, 20. Discharge 1, 1, 4 m³/s at
  // 0, 30, 60 min, interpolated: 1, 1, 1, 1, 2, 3. Weighted: (10 + 10 + 10 + 20 + 40 + 60)/9 = 16.667;
  // time-weighted: 15.
  const hour: LabResult = { sampleId: "F-1", kind: "flow-proportional composite", start: T0, end: T0 + 60 * MIN, result: value(16) };
  const rs = readings(T0, T0 + 60 * MIN, (_t, i) => (i < 3 ? 10 : 20));
  const discharge = [
    { time: T0, value: 1 },
    { time: T0 + 30 * MIN, value: 1 },
    { time: T0 + 60 * MIN, value: 4 },
  ];

  it("weights each reading by the discharge at its time", () => {
    const [pair] = buildPairs([hour], rs, options, discharge);
    expect(pair!.sensor).toMatchObject({ aggregation: "flow-weighted mean", value: expect.closeTo(150 / 9, 12), timeWeightedBecause: null });
  });

  it("falls back to the time-weighted mean without discharge readings, and says so", () => {
    const [pair] = buildPairs([hour], rs, options);
    expect(pair!.sensor).toMatchObject({ aggregation: "mean", value: 15, timeWeightedBecause: "no-discharge-readings" });
  });

  it("falls back to the time-weighted mean when discharge does not cover the period, and says so", () => {
    const [pair] = buildPairs([hour], rs, { ...options, dischargeMaxGapSeconds: 600 }, discharge.slice(0, 1));
    expect(pair!.sensor).toMatchObject({ aggregation: "mean", value: 15, timeWeightedBecause: "discharge-gap" });
  });

  it("interpolates discharge between readings, takes the near one at an edge, and bridges no gap", () => {
    const series = dischargeSeries([...discharge].reverse());
    expect(dischargeAt(series, T0 + 45 * MIN, 3_600_000)).toBeCloseTo(2.5, 12);
    expect(dischargeAt(series, T0 + 70 * MIN, 3_600_000)).toBe(4);
    expect(dischargeAt(series, T0 + 45 * MIN, 10 * MIN)).toBeNull();
  });

  it("applies Art. 5 to a weighted mean: (2·10 + 1·(4/2))/3 = 22/3, '< LOQ' against a limit of 8", () => {
    const m = weightedCensoredMean([value(10), belowLoq(4), belowLoq(8)], [2, 1, 0]);
    // Weight 0 counts as a value with no say in the mean; its limit is still the highest.
    expect(m).toMatchObject({ n: 3, nCensored: 2, mean: expect.closeTo(22 / 3, 12), lowerBound: expect.closeTo(20 / 3, 12), reportedBelow: "<LOQ", limit: 8, substitution: "LOQ/2" });
  });
});

describe("grab samples", () => {
  const at = T0 + 3 * 60 * MIN + 5 * MIN; // 11:05, readings at :00, :10, …
  // Readings 10:00 … 12:00, value = minutes after 10:00.
  const rs = readings(T0 + 2 * 60 * MIN, T0 + 4 * 60 * MIN + 1, (t) => (t - (T0 + 2 * 60 * MIN)) / MIN);

  it("takes the mean of the readings within ± 30 min (default)", () => {
    // 10:40 … 11:30 → 40, 50, …, 90: mean 65, 6 readings, 60 min / 10 min = 6 expected.
    const [pair] = buildPairs([grab(at)], rs, options);
    expect(pair!.sensor).toMatchObject({ aggregation: "mean", value: 65, nReadings: 6, nUsed: 6, nExpected: 6, coverage: 1 });
    expect(pair!.time).toBe(at);
  });

  it("includes readings exactly at the window's edges", () => {
    // 11:00 ± 30 min: 10:30 … 11:30 → 30 … 90, seven readings (coverage capped at 1).
    const [pair] = buildPairs([grab(T0 + 3 * 60 * MIN)], rs, options);
    expect(pair!.sensor).toMatchObject({ value: 60, nReadings: 7, coverage: 1 });
  });

  it("can take the reading nearest in time instead", () => {
    // 11:05 is as far from 11:00 as from 11:10: the earlier one.
    const [pair] = buildPairs([grab(at)], rs, { ...options, grabAggregation: "nearest" });
    expect(pair!.sensor).toMatchObject({ aggregation: "nearest", value: 60, nReadings: 6, nUsed: 1 });
    const [later] = buildPairs([grab(at + MIN)], rs, { ...options, grabAggregation: "nearest" });
    expect(later!.sensor.value).toBe(70);
  });

  it("honours a different window", () => {
    const [pair] = buildPairs([grab(at)], rs, { ...options, grabWindowMinutes: 10 });
    // 10:55 … 11:15 → 60, 70: mean 65; 20 min / 10 min = 2 expected.
    expect(pair!.sensor).toMatchObject({ value: 65, nReadings: 2, nExpected: 2, coverage: 1 });
  });

  it("has no sensor value for a grab sample in a gap", () => {
    const [pair] = buildPairs([grab(T0 + 10 * 60 * MIN)], rs, options);
    expect(pair).toMatchObject({ sensor: { value: null, nReadings: 0 }, excluded: "no-sensor-readings" });
  });
});

describe("periods known only through rollups (raw readings expired)", () => {
  const HOUR = 60 * MIN;
  /** One rollup interval of `n` readings: `values` repeated, as the continuous query sums them. */
  const bucket = (time: number, durationMs: number, values: CensoredValue[]): SensorAggregate => {
    const sums = emptySums();
    for (const v of values) addValue(sums, v);
    return { time, durationMs, sums };
  };
  const hours = (from: number, count: number, valueAt: (h: number) => number) =>
    Array.from({ length: count }, (_, h) => bucket(from + h * HOUR, HOUR, Array.from({ length: 6 }, () => value(valueAt(h)))));

  it("takes every hourly interval that starts in a composite's period, weighted by its readings", () => {
    // 24 hours of 6 readings each: 12 at 90 and 12 at 110, plus intervals outside the period.
    const aggregates = [bucket(T0 - HOUR, HOUR, [value(1_000)]), ...hours(T0, 24, (h) => (h < 12 ? 90 : 110)), bucket(T0 + DAY, HOUR, [value(1_000)])];
    const [pair] = buildPairs([composite(value(80))], [], options, [], aggregates);
    expect(pair).toMatchObject({ labValue: 80, sensor: { value: 100, aggregation: "mean", nReadings: 144, nFromAggregates: 144, nUsed: 144, coverage: 1 }, difference: 20, excluded: null });
  });

  it("joins raw readings and rollup intervals where the raw retention ends inside the period", () => {
    // First 12 hours as rollups at 90, last 12 hours raw at 110: mean 100 over 144 readings.
    const aggregates = hours(T0, 12, () => 90);
    const raw = readings(T0 + DAY / 2, T0 + DAY, () => 110);
    const [pair] = buildPairs([composite(value(100))], raw, options, [], aggregates);
    expect(pair!.sensor).toMatchObject({ value: 100, nReadings: 144, nFromAggregates: 72 });
  });

  it("applies Art. 5 to rollup sums: censored readings at half their limit, a mean below the limit reported as such", () => {
    const aggregates = Array.from({ length: 24 }, (_, h) => bucket(T0 + h * HOUR, HOUR, [value(4), value(4), belowLoq(10), belowLoq(10), belowLoq(10), belowLoq(10)]));
    const [pair] = buildPairs([composite(value(5))], [], options, [], aggregates);
    // (2·4 + 4·5)/6 = 4.67 < 10: reported "< LOQ", no number.
    expect(pair).toMatchObject({ sensor: { value: null, reportedBelow: "<LOQ", limit: 10, nCensored: 96, substitution: "LOQ/2" }, excluded: "sensor-below-limit" });
  });

  it("takes the intervals that overlap a grab window, and the one nearest the instant for 'nearest'", () => {
    const at = T0 + 3 * HOUR + 10 * MIN; // 11:10 ± 30 min overlaps the hours from 10:00 and 11:00
    const aggregates = hours(T0, 24, (h) => 10 * h);
    const [mean] = buildPairs([grab(at)], [], options, [], aggregates);
    expect(mean!.sensor).toMatchObject({ aggregation: "mean", value: 25, nReadings: 12, nFromAggregates: 12 });
    const [nearest] = buildPairs([grab(at)], [], { ...options, grabAggregation: "nearest" }, [], aggregates);
    expect(nearest!.sensor).toMatchObject({ aggregation: "nearest", value: 30, nUsed: 6 });
  });

  it("compares a flow-proportional composite over rollups with the time-weighted mean, and says why", () => {
    const flow: LabResult = { ...composite(value(100), "flow-proportional composite") };
    const [pair] = buildPairs([flow], [], options, [{ time: T0, value: 1 }, { time: T0 + DAY, value: 1 }], hours(T0, 24, () => 100));
    expect(pair!.sensor).toMatchObject({ aggregation: "mean", value: 100, timeWeightedBecause: "aggregated-readings" });
  });
});
