import { describe, expect, it } from "vitest";
import {
  envelopeToPoint,
  mergeEnvelopes,
  preferFuller,
  rebucket,
  rebucketSorted,
  worstQc,
  type Envelope,
} from "../../server/src/query/envelope.ts";
import { HOUR_MS } from "../../server/src/query/resolution.ts";

function env(t: number, values: number[], extra: Partial<Envelope> = {}): Envelope {
  const n = values.length;
  return {
    t,
    mean: n ? values.reduce((a, b) => a + b, 0) / n : null,
    min: n ? Math.min(...values) : null,
    max: n ? Math.max(...values) : null,
    n,
    nBelowLod: 0,
    maxLod: null,
    maxLoq: null,
    ...extra,
  };
}

describe("mergeEnvelopes", () => {
  it.each([
    { name: "weights the mean by count", a: [1, 2, 3], b: [10], mean: 4, min: 1, max: 10, n: 4 },
    { name: "keeps a spike in the envelope", a: [5, 5, 5, 5], b: [5, 500], mean: 525 / 6, min: 5, max: 500, n: 6 },
    { name: "an empty side changes nothing", a: [2, 4], b: [], mean: 3, min: 2, max: 4, n: 2 },
    { name: "two empty sides give no mean", a: [], b: [], mean: null, min: null, max: null, n: 0 },
  ])("$name", (c) => {
    const merged = mergeEnvelopes(env(0, c.a), env(HOUR_MS, c.b));
    expect(merged.t).toBe(0);
    if (c.mean === null) expect(merged.mean).toBeNull();
    else expect(merged.mean).toBeCloseTo(c.mean, 12);
    expect(merged).toMatchObject({ min: c.min, max: c.max, n: c.n });
  });

  it("adds below-LOD counts and keeps the worst QC flag", () => {
    const merged = mergeEnvelopes(env(0, [1], { nBelowLod: 1, qc: 1 }), env(1, [2, 3], { nBelowLod: 2, qc: 3 }));
    expect(merged).toMatchObject({ nBelowLod: 3, qc: 3 });
  });

  it("equals the aggregate over the union of the raw values (any split)", () => {
    const values = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 100 + i);
    for (let split = 0; split <= values.length; split += 7) {
      const merged = mergeEnvelopes(env(0, values.slice(0, split)), env(1, values.slice(split)));
      const whole = env(0, values);
      expect(merged.mean).toBeCloseTo(whole.mean!, 9);
      expect(merged).toMatchObject({ min: whole.min, max: whole.max, n: whole.n });
    }
  });
});

describe("worstQc", () => {
  it.each([
    [1, 3, 3],
    [4, 2, 4],
    [1, undefined, 1],
    [undefined, undefined, undefined],
    [9, 1, 1],
    [3, 9, 3],
    [9, 9, 9],
    [9, undefined, 9],
  ] as const)("worst of %s and %s is %s (9 = missing never hides a real flag)", (a, b, worst) => {
    expect(worstQc(a, b)).toBe(worst);
  });
});

describe("rebucket", () => {
  it("groups hourly rows into epoch-aligned 6-hour buckets, sorted, with weighted means", () => {
    const day = Date.UTC(2024, 2, 1);
    const rows = [
      env(day + 7 * HOUR_MS, [30, 30]),
      env(day + 0 * HOUR_MS, [10]),
      env(day + 5 * HOUR_MS, [20, 20, 20]),
      env(day + 6 * HOUR_MS, [40], { nBelowLod: 1 }),
    ];
    const out = rebucket(rows, 6 * HOUR_MS);
    expect(out.map((e) => e.t)).toEqual([day, day + 6 * HOUR_MS]);
    expect(out[0]).toMatchObject({ n: 4, min: 10, max: 20 });
    expect(out[0]!.mean).toBeCloseTo(70 / 4, 12);
    expect(out[1]).toMatchObject({ n: 3, min: 30, max: 40, nBelowLod: 1 });
    expect(out[1]!.mean).toBeCloseTo(100 / 3, 12);
  });
});

describe("rebucketSorted", () => {
  const day = Date.UTC(2024, 2, 1);
  // Parts of a chart in time order: raw minutes before the first whole hour, hourly rollup rows, raw after.
  const sorted = () => [
    env(day + 20 * 60_000, [3], { qc: 3 }),
    env(day + 40 * 60_000, [5, 7], { nBelowLod: 1, maxLod: 0.5 }),
    env(day + HOUR_MS, [10]),
    env(day + 2 * HOUR_MS, [20, 22]),
    env(day + 2 * HOUR_MS + 30 * 60_000, [1], { qc: 4 }),
    env(day + 7 * HOUR_MS, []),
  ];
  it.each([
    { name: "hourly buckets: neighbours of the same hour merge", intervalMs: HOUR_MS, rows: sorted },
    { name: "6-hour buckets", intervalMs: 6 * HOUR_MS, rows: sorted },
    { name: "10-minute buckets: nothing to merge", intervalMs: 10 * 60_000, rows: sorted },
    { name: "out of order input (falls back to the map)", intervalMs: HOUR_MS, rows: () => sorted().reverse() },
    { name: "no rows", intervalMs: HOUR_MS, rows: () => [] },
  ])("$name: the same buckets as rebucket", ({ intervalMs, rows }) => {
    expect(rebucketSorted(rows(), intervalMs)).toEqual(rebucket(rows(), intervalMs));
  });
});

describe("preferFuller", () => {
  it("takes, per bucket, the source that saw more readings (raw on a tie), never adds them", () => {
    const raw = [env(0, [1, 1]), env(1, [2, 2, 2]), env(3, [5])];
    const rollup = [env(0, [9, 9, 9]), env(1, [8, 8, 8]), env(2, [7])];
    const out = preferFuller(raw, rollup);
    expect(out.map((e) => [e.t, e.mean, e.n])).toEqual([
      [0, 9, 3],
      [1, 2, 3],
      [2, 7, 1],
      [3, 5, 1],
    ]);
  });
});

describe("envelopeToPoint", () => {
  it("shows no mean for a bucket of failed readings only, with its QC flag", () => {
    expect(envelopeToPoint({ t: 5, mean: null, min: null, max: null, n: 0, nBelowLod: 0, maxLod: null, maxLoq: null, qc: 4 })).toEqual({
      t: 5,
      v: null,
      min: null,
      max: null,
      n: 0,
      nBelowLod: 0,
      qc: 4,
    });
  });
  it("never reports more below-LOD values than values", () => {
    expect(envelopeToPoint(env(0, [1, 2], { nBelowLod: 3 })).nBelowLod).toBe(2);
  });
});

describe("an aggregate mean below its limit (Directive 2009/90/EC Art. 5(2))", () => {
  it("is reported as '< LOQ' with the interval's highest limit: (20 + 3 × 16.7/2) / 4 = 11.26 < 16.7", () => {
    // One quantified 20 ng/L, three <LOQ 16.7 (each counted as 8.35): the mean 45.05 / 4 = 11.2625 lies below the LOQ.
    const e = env(0, [20, 8.35, 8.35, 8.35], { nBelowLod: 3, maxLod: null, maxLoq: 16.7 });
    expect(e.mean).toBeCloseTo(11.2625, 12);
    expect(envelopeToPoint(e)).toMatchObject({ reportedBelow: "<LOQ", limit: 16.7, n: 4, nBelowLod: 3 });
  });

  it("is '< LOD' when the highest limit is an LOD, and stays a number once it reaches the limit", () => {
    // EE2: every value <LOD 0.05, mean 0.025 < 0.05.
    expect(envelopeToPoint(env(0, [0.025, 0.025], { nBelowLod: 2, maxLod: 0.05 }))).toMatchObject({ reportedBelow: "<LOD", limit: 0.05 });
    // (40 + 5/2) / 2 = 21.25 ≥ 5: a number.
    const p = envelopeToPoint(env(0, [40, 2.5], { nBelowLod: 1, maxLod: 5 }));
    expect(p.v).toBe(21.25);
    expect(p.reportedBelow).toBeUndefined();
  });

  it("keeps the highest limits when buckets merge", () => {
    const merged = mergeEnvelopes(env(0, [2.5], { nBelowLod: 1, maxLod: 5 }), env(1, [8.35], { nBelowLod: 1, maxLoq: 16.7 }));
    expect(merged).toMatchObject({ maxLod: 5, maxLoq: 16.7, nBelowLod: 2 });
    // (2.5 + 8.35) / 2 = 5.425 < 16.7
    expect(envelopeToPoint(merged)).toMatchObject({ reportedBelow: "<LOQ", limit: 16.7 });
  });
});
