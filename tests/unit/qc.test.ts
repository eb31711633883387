import { describe, expect, it } from "vitest";
import { QcEngine } from "../../server/src/ingest/qc/qc-engine.ts";
import { flatLine, grossRange, rateOfChange, spike, timestamp, worst } from "../../server/src/ingest/qc/qc-tests.ts";
import { primarySensorId, seed } from "../helpers/catalog.ts";

/** QC ranges are the sensor's own (catalog sensorRange / expectedRange): here Zehren's primary sensors. */
const sensorOf = (code: string) => seed.sensor(primarySensorId("DE-ELBE-ZEHREN", code))!;

describe("QARTOD gross range", () => {
  it.each([
    ["ph", 7.5, 1],
    ["ph", 15, 4],
    ["ph", -0.1, 4],
    ["ph", 11.5, 3],
    ["water_temperature", 60, 4],
    ["carbamazepine", -1, 4],
    ["carbamazepine", 120, 1],
    ["carbamazepine", 4_000, 1],
    ["carbamazepine", 6_000, 3],
    ["clarithromycin", 400, 1],
    ["dissolved_oxygen", 2, 1], // a real oxygen deficit must pass QC so that the minimum rule can alert
    ["dissolved_oxygen", 30, 3],
  ])("%s = %d is flagged %d", (code, value, flag) => {
    const sensor = sensorOf(code);
    expect(grossRange(value, sensor.sensorRange, sensor.expectedRange)).toBe(flag);
  });
});

describe("spike, rate of change, flat line, timestamp", () => {
  const steady = [100, 102, 99, 101, 100, 98, 103, 100];
  it.each([
    [101, 1],
    [140, 1],
    [400, 3],
    [5, 3],
  ])("spike: %d after a steady ~100 is %d", (value, flag) => {
    expect(spike(value, steady)).toBe(flag);
  });

  it("spike and rate tests wait for enough history", () => {
    expect(spike(1_000, [100, 100])).toBe(1);
    expect(rateOfChange(1_000, [100, 100])).toBe(1);
  });

  it.each([
    [104, 1],
    [300, 3],
  ])("rate of change: %d after a steady ~100 is %d", (value, flag) => {
    expect(rateOfChange(value, steady)).toBe(flag);
  });

  it.each([
    [1, 1],
    [5, 1],
    [6, 3],
    [11, 3],
    [12, 4],
  ])("flat line of %d identical values is %d", (repeats, flag) => {
    expect(flatLine(repeats)).toBe(flag);
  });

  it("flags readings stamped more than 5 minutes ahead as suspect", () => {
    expect(timestamp(1_000 + 4 * 60_000, 1_000)).toBe(1);
    expect(timestamp(1_000 + 6 * 60_000, 1_000)).toBe(3);
  });

  it("aggregates to the worst flag", () => {
    expect(worst(1, 3, 1)).toBe(3);
    expect(worst(3, 4, 1)).toBe(4);
    expect(worst()).toBe(1);
  });
});

describe("QcEngine", () => {
  const t0 = Date.UTC(2026, 10, 1);
  const step = 600_000;
  const engine = () => new QcEngine(() => t0 + 1000 * step);

  it("passes a realistic series and flags a stuck sensor suspect, then failed", () => {
    const qc = engine();
    const flags = [100, 104, 98, 101, 97, 103, 99, 102].map((v, i) => qc.evaluate({ station: "S", time: t0 + i * step, value: v }, sensorOf("carbamazepine")));
    expect(flags.every((f) => f === 1)).toBe(true);
    const stuck = Array.from({ length: 12 }, (_, i) => qc.evaluate({ station: "S", time: t0 + (8 + i) * step, value: 102 }, sensorOf("carbamazepine")));
    expect(stuck.slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(stuck[4]).toBe(3);
    expect(stuck[10]).toBe(4);
  });

  it("flags a single spike suspect and recovers on the next normal value", () => {
    const qc = engine();
    const values = [100, 104, 98, 101, 97, 103, 99, 900, 101];
    const flags = values.map((v, i) => qc.evaluate({ station: "S", time: t0 + i * step, value: v }, sensorOf("carbamazepine")));
    expect(flags[7]).toBe(3);
    expect(flags[8]).toBe(1);
  });

  it("confirms a real level shift on its second reading: a spill plateau is suspect once, then passes", () => {
    const qc = engine();
    const before = [20, 22, 19, 21, 20, 23, 21, 20];
    before.forEach((v, i) => qc.evaluate({ station: "S", time: t0 + i * step, value: v }, sensorOf("clarithromycin")));
    const plume = [300, 320, 310, 290, 305].map((v, i) => qc.evaluate({ station: "S", time: t0 + (8 + i) * step, value: v }, sensorOf("clarithromycin")));
    expect(plume).toEqual([3, 1, 1, 1, 1]);
  });

  it("a rising plume is flagged at most on its first step", () => {
    const qc = engine();
    [20, 22, 19, 21, 20, 23, 21, 20].forEach((v, i) => qc.evaluate({ station: "S", time: t0 + i * step, value: v }, sensorOf("clarithromycin")));
    const ramp = [60, 120, 200, 260, 300].map((v, i) => qc.evaluate({ station: "S", time: t0 + (8 + i) * step, value: v }, sensorOf("clarithromycin")));
    expect(ramp.slice(1).every((f) => f === 1)).toBe(true);
  });

  it("keeps series apart and never fails below-LOD readings", () => {
    const qc = engine();
    for (let i = 0; i < 20; i++) {
      expect(qc.evaluate({ station: "S", time: t0 + i * step, value: null }, sensorOf("ethinylestradiol"))).toBe(1);
    }
    expect(qc.evaluate({ station: "T", time: t0, value: 100 }, sensorOf("carbamazepine"))).toBe(1);
  });

  it("keeps the history of two sensors of one compound at one station apart", () => {
    const qc = engine();
    const prototype = { ...sensorOf("carbamazepine"), id: "PROTOTYPE" };
    // The primary sensor is stuck at 102; the prototype beside it reads normally in between.
    const stuck = Array.from({ length: 12 }, (_, i) => {
      qc.evaluate({ station: "S", time: t0 + i * step, value: 95 + (i % 3) * 4 }, prototype);
      return qc.evaluate({ station: "S", time: t0 + i * step, value: 102 }, sensorOf("carbamazepine"));
    });
    expect(stuck[11]).toBe(4);
  });

  it("takes the gross range from the sensor, not from the parameter", () => {
    const qc = engine();
    const narrow = { ...sensorOf("carbamazepine"), id: "NARROW", sensorRange: [0, 500] as [number, number], expectedRange: [0, 200] as [number, number] };
    expect(qc.evaluate({ station: "S", time: t0, value: 300 }, sensorOf("carbamazepine"))).toBe(1);
    expect(qc.evaluate({ station: "T", time: t0, value: 300 }, narrow)).toBe(3);
    expect(qc.evaluate({ station: "U", time: t0, value: 600 }, narrow)).toBe(4);
  });

  it("runs only stateless tests on out-of-order readings", () => {
    const qc = engine();
    [100, 101, 99, 100, 102, 98, 100].forEach((v, i) => qc.evaluate({ station: "S", time: t0 + (10 + i) * step, value: v }, sensorOf("carbamazepine")));
    expect(qc.evaluate({ station: "S", time: t0, value: 900 }, sensorOf("carbamazepine"))).toBe(1);
    expect(qc.evaluate({ station: "S", time: t0, value: -5 }, sensorOf("carbamazepine"))).toBe(4);
  });
});
