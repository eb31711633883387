import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  NICE_INTERVALS_MS,
  bucketCount,
  chooseResolution,
  niceInterval,
  parseInfluxDuration,
  rollupFor,
  type ResolutionInput,
} from "../../server/src/query/resolution.ts";

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const RETENTION = { rawMs: 400 * DAY_MS, oneMinuteMs: 800 * DAY_MS, oneHourMs: Number.POSITIVE_INFINITY };

function input(rangeMs: number, width: number, endAgoMs = 0, extra: Partial<ResolutionInput> = {}): ResolutionInput {
  const to = NOW - endAgoMs;
  return { from: to - rangeMs, to, width, now: NOW, retention: RETENTION, ...extra };
}

describe("chooseResolution", () => {
  const cases: Array<{ name: string; in: ResolutionInput; kind: "raw" | "aggregate"; interval?: number; rollup?: string | null; beyondRaw?: boolean }> = [
    { name: "1 day at 1000 px: 145 raw readings fit", in: input(DAY_MS, 1000), kind: "raw" },
    { name: "7 days at 1000 px: 1009 raw readings do not fit → 15m", in: input(7 * DAY_MS, 1000), kind: "aggregate", interval: 15 * MINUTE_MS, rollup: "rollup1m", beyondRaw: false },
    { name: "7 days at 1200 px: 1009 raw readings fit", in: input(7 * DAY_MS, 1200), kind: "raw" },
    { name: "30 days at 1200 px → 1h from raw", in: input(30 * DAY_MS, 1200), kind: "aggregate", interval: HOUR_MS, rollup: "rollup1h", beyondRaw: false },
    { name: "30 days at 100 px → 12h", in: input(30 * DAY_MS, 100), kind: "aggregate", interval: 12 * HOUR_MS, rollup: "rollup6h", beyondRaw: false },
    { name: "1 year at 1000 px → 12h from raw", in: input(365 * DAY_MS, 1000), kind: "aggregate", interval: 12 * HOUR_MS, rollup: "rollup6h", beyondRaw: false },
    { name: "raw data denser than native, forced → 2m", in: input(DAY_MS, 1000, 0, { forceAggregate: true }), kind: "aggregate", interval: 2 * MINUTE_MS, rollup: "rollup1m", beyondRaw: false },
    { name: "1 day two years ago: raw expired → 1h rollup", in: input(DAY_MS, 1000, 700 * DAY_MS), kind: "aggregate", interval: 2 * MINUTE_MS, rollup: "rollup1m", beyondRaw: true },
    { name: "1 day three years ago: 1m rollup expired too → 1h rollup", in: input(DAY_MS, 1000, 1000 * DAY_MS), kind: "aggregate", interval: HOUR_MS, rollup: "rollup1h", beyondRaw: true },
    { name: "5 years at 1000 px straddle the raw horizon → rollup and raw", in: input(5 * 365 * DAY_MS, 1000), kind: "aggregate", interval: 2 * DAY_MS, rollup: "rollup6h", beyondRaw: true },
    { name: "2 years at 10 px → 91d", in: input(2 * 365 * DAY_MS, 10), kind: "aggregate", interval: 91 * DAY_MS, rollup: "rollup6h", beyondRaw: true },
    { name: "5 years at 10 px → 364d", in: input(5 * 366 * DAY_MS, 10), kind: "aggregate", interval: 364 * DAY_MS, rollup: "rollup6h", beyondRaw: true },
  ];

  it.each(cases)("$name", (c) => {
    const plan = chooseResolution(c.in);
    expect(plan.kind).toBe(c.kind);
    if (plan.kind === "aggregate") {
      expect(plan.intervalMs).toBe(c.interval);
      expect(plan.rollup).toBe(c.rollup);
      expect(plan.beyondRaw).toBe(c.beyondRaw);
    }
  });

  it("never plans more buckets than the width (range × width × end sweep)", () => {
    const ranges = [MINUTE_MS, 37 * MINUTE_MS, HOUR_MS, 7 * HOUR_MS, DAY_MS, 3.3 * DAY_MS, 30 * DAY_MS, 97 * DAY_MS, 400 * DAY_MS, 5 * 366 * DAY_MS];
    const widths = [10, 11, 99, 100, 640, 1000, 1200, 1920, 5000];
    const ends = [0, 7 * MINUTE_MS + 13, 398 * DAY_MS, 900 * DAY_MS];
    for (const range of ranges) {
      for (const width of widths) {
        for (const end of ends) {
          const i = input(Math.round(range), width, end, { forceAggregate: true });
          const plan = chooseResolution(i);
          if (plan.kind !== "aggregate") throw new Error("expected aggregate");
          expect(bucketCount(i.from, i.to, plan.intervalMs), `${range} ms at ${width} px`).toBeLessThanOrEqual(width);
          expect(NICE_INTERVALS_MS).toContain(plan.intervalMs);
          // Rollup rows must fall whole into one bucket.
          if (plan.rollup === "rollup6h") expect(plan.intervalMs % (6 * HOUR_MS)).toBe(0);
          if (plan.rollup === "rollup1h") expect([plan.intervalMs % HOUR_MS, plan.intervalMs % (6 * HOUR_MS) === 0]).toEqual([0, false]);
          if (plan.rollup === "rollup1m") expect(plan.intervalMs % MINUTE_MS).toBe(0);
        }
      }
    }
  });

  it.each([
    [MINUTE_MS, "rollup1m"], [30 * MINUTE_MS, "rollup1m"], [HOUR_MS, "rollup1h"], [3 * HOUR_MS, "rollup1h"],
    [6 * HOUR_MS, "rollup6h"], [12 * HOUR_MS, "rollup6h"], [DAY_MS, "rollup6h"], [7 * DAY_MS, "rollup6h"], [364 * DAY_MS, "rollup6h"], [30_000, null],
  ] as const)("reads %d ms buckets from the coarsest rollup dividing them: %s", (interval, rollup) => {
    expect(rollupFor(interval)).toBe(rollup);
  });

  it("has a 6-hour multiple for every nice interval from 6 h up", () => {
    for (const interval of NICE_INTERVALS_MS.filter((i) => i >= 6 * HOUR_MS)) expect(rollupFor(interval)).toBe("rollup6h");
  });

  it("returns raw only when the expected raw count fits the width", () => {
    const raw = chooseResolution(input(999 * 10 * MINUTE_MS, 1000));
    const agg = chooseResolution(input(1000 * 10 * MINUTE_MS, 1000));
    expect(raw.kind).toBe("raw");
    expect(agg.kind).toBe("aggregate");
  });

  it("honours a station's own native interval", () => {
    expect(chooseResolution(input(DAY_MS, 1000, 0, { nativeIntervalMs: MINUTE_MS })).kind).toBe("aggregate");
    expect(chooseResolution(input(DAY_MS, 100, 0, { nativeIntervalMs: HOUR_MS })).kind).toBe("raw");
  });

  it("rejects an inverted range and a zero width", () => {
    expect(() => chooseResolution(input(-1, 100))).toThrow(RangeError);
    expect(() => chooseResolution(input(DAY_MS, 0))).toThrow(RangeError);
  });
});

describe("bucketCount and niceInterval", () => {
  it.each([
    { from: 0, to: HOUR_MS - 1, interval: HOUR_MS, count: 1 },
    { from: 0, to: HOUR_MS, interval: HOUR_MS, count: 2 },
    { from: 30 * MINUTE_MS, to: 90 * MINUTE_MS, interval: HOUR_MS, count: 2 },
    { from: 1, to: DAY_MS, interval: 6 * HOUR_MS, count: 5 },
  ])("counts epoch-aligned buckets touched by [$from, $to] at $interval ms: $count", (c) => {
    expect(bucketCount(c.from, c.to, c.interval)).toBe(c.count);
  });

  it("picks the smallest nice interval that fits, accounting for misaligned ends", () => {
    // 10 hours starting mid-hour touch 11 hourly buckets: 10 px needs 2h.
    expect(niceInterval(30 * MINUTE_MS, 10 * HOUR_MS + 30 * MINUTE_MS, 10)).toBe(2 * HOUR_MS);
    expect(niceInterval(0, 10 * HOUR_MS - 1, 10)).toBe(HOUR_MS);
  });
});

describe("parseInfluxDuration", () => {
  it.each([
    ["400d", 400 * DAY_MS],
    ["2h30m", 2.5 * HOUR_MS],
    ["1w", 7 * DAY_MS],
    ["INF", Number.POSITIVE_INFINITY],
  ] as const)("%s", (text, ms) => {
    expect(parseInfluxDuration(text)).toBe(ms);
  });
  it("rejects what it does not understand", () => {
    expect(() => parseInfluxDuration("4 days")).toThrow(RangeError);
  });
});
