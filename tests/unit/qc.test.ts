import { describe, expect, it } from "vitest";
import { findParameter } from "../../common/catalog.ts";
import { QcEngine } from "../../server/src/ingest/qc/qc-engine.ts";
import { rangeLimits } from "../../server/src/ingest/qc/qc-limits.ts";
import { flatLine, grossRange, rateOfChange, spike, timestamp, worst } from "../../server/src/ingest/qc/qc-tests.ts";

const limits = (code: string) => rangeLimits(findParameter(code)!);

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
    expect(grossRange(value, limits(code))).toBe(flag);
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
    const flags = [100, 104, 98, 101, 97, 103, 99, 102].map((v, i) => qc.evaluate({ station: "S", parameter: "carbamazepine", time: t0 + i * step, value: v }));
    expect(flags.every((f) => f === 1)).toBe(true);
    const stuck = Array.from({ length: 12 }, (_, i) => qc.evaluate({ station: "S", parameter: "carbamazepine", time: t0 + (8 + i) * step, value: 102 }));
    expect(stuck.slice(0, 4)).toEqual([1, 1, 1, 1]);
    expect(stuck[4]).toBe(3);
    expect(stuck[10]).toBe(4);
  });

  it("flags a single spike suspect and recovers on the next normal value", () => {
    const qc = engine();
    const values = [100, 104, 98, 101, 97, 103, 99, 900, 101];
    const flags = values.map((v, i) => qc.evaluate({ station: "S", parameter: "carbamazepine", time: t0 + i * step, value: v }));
    expect(flags[7]).toBe(3);
    expect(flags[8]).toBe(1);
  });

  it("confirms a real level shift on its second reading: a spill plateau is suspect once, then passes", () => {
    const qc = engine();
    const before = [20, 22, 19, 21, 20, 23, 21, 20];
    before.forEach((v, i) => qc.evaluate({ station: "S", parameter: "clarithromycin", time: t0 + i * step, value: v }));
    const plume = [300, 320, 310, 290, 305].map((v, i) => qc.evaluate({ station: "S", parameter: "clarithromycin", time: t0 + (8 + i) * step, value: v }));
    expect(plume).toEqual([3, 1, 1, 1, 1]);
  });

  it("a rising plume is flagged at most on its first step", () => {
    const qc = engine();
    [20, 22, 19, 21, 20, 23, 21, 20].forEach((v, i) => qc.evaluate({ station: "S", parameter: "clarithromycin", time: t0 + i * step, value: v }));
    const ramp = [60, 120, 200, 260, 300].map((v, i) => qc.evaluate({ station: "S", parameter: "clarithromycin", time: t0 + (8 + i) * step, value: v }));
    expect(ramp.slice(1).every((f) => f === 1)).toBe(true);
  });

  it("keeps series apart and never fails below-LOD readings", () => {
    const qc = engine();
    for (let i = 0; i < 20; i++) {
      expect(qc.evaluate({ station: "S", parameter: "ethinylestradiol", time: t0 + i * step, value: null })).toBe(1);
    }
    expect(qc.evaluate({ station: "T", parameter: "carbamazepine", time: t0, value: 100 })).toBe(1);
  });

  it("runs only stateless tests on out-of-order readings", () => {
    const qc = engine();
    [100, 101, 99, 100, 102, 98, 100].forEach((v, i) => qc.evaluate({ station: "S", parameter: "carbamazepine", time: t0 + (10 + i) * step, value: v }));
    expect(qc.evaluate({ station: "S", parameter: "carbamazepine", time: t0, value: 900 })).toBe(1);
    expect(qc.evaluate({ station: "S", parameter: "carbamazepine", time: t0, value: -5 })).toBe(4);
  });
});
