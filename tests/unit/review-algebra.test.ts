// The correction algebra (server/src/review/correction-algebra.ts, series-corrector.ts): what each
// kind does to quantified and censored readings, the fixed order of kinds, overlapping ranges, drift
// at the ends of its range, interpolation (with censored neighbours), manual QC flags.
import { describe, expect, it } from "vitest";
import type { CorrectionAction } from "../../common/review.ts";
import type { QcFlag } from "../../common/reading.ts";
import { pickAnchor, type ActiveCorrection, type SensorFacts, type StoredPoint } from "../../server/src/review/correction-algebra.ts";
import { correctPoints } from "../../server/src/review/series-corrector.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1);
const at = (minutes: number) => T0 + minutes * MIN;
const SENSOR: SensorFacts = {
  lod: 5,
  loq: 10,
  intervalMs: 10 * MIN,
  calibrations: [
    { version: 1, function: { slope: 2, intercept: -10 } },
    { version: 2, function: { slope: 2.2, intercept: -12 } },
  ],
};

function p(minutes: number, value: number | null, over: Partial<StoredPoint> = {}): StoredPoint {
  return { time: at(minutes), value, qualifier: null, limit: null, uncertainty: null, qc: 1, rawSignal: null, calibration: null, ...over };
}
const lod = (minutes: number, limit = 5) => p(minutes, null, { qualifier: "<LOD", limit });
const loq = (minutes: number, limit = 10) => p(minutes, null, { qualifier: "<LOQ", limit });
const c = (id: number, fromMin: number, toMin: number, action: CorrectionAction): ActiveCorrection => ({ id, from: at(fromMin), to: at(toMin), action });

/** Corrects `points` over a window covering them, with no interpolation anchors beyond the points. */
function run(points: StoredPoint[], corrections: ActiveCorrection[], interpolations: Parameters<typeof correctPoints>[2] = []) {
  return correctPoints(points, corrections, interpolations, SENSOR, { from: at(-1000), to: at(1000) });
}
const values = (out: ReturnType<typeof run>) => out.map((x) => (x.value === null ? `${x.qualifier}${x.limit}` : Number(x.value.toFixed(6))));

describe("correction algebra: one kind at a time", () => {
  it.each<[string, StoredPoint[], ActiveCorrection[], Array<number | string>]>([
    ["delete rejects the readings of its half-open range", [p(0, 20), p(10, 30), p(20, 40)], [c(1, 10, 20, { kind: "delete" })], [20, 40]],
    ["offset adds to quantified values", [p(0, 20), p(10, 30)], [c(1, 0, 20, { kind: "offset", offset: 2.5 })], [22.5, 32.5]],
    ["offset leaves censored values where they are", [lod(0), loq(10)], [c(1, 0, 20, { kind: "offset", offset: 3 })], ["<LOD5", "<LOQ10"]],
    ["multiply scales values", [p(0, 20)], [c(1, 0, 20, { kind: "multiply", factor: 1.5 })], [30]],
    ["multiply scales the limit of a censored value", [lod(0), loq(10)], [c(1, 0, 20, { kind: "multiply", factor: 2 })], ["<LOD10", "<LOQ20"]],
    ["an offset moving a value below the LOQ reports it as <LOQ", [p(0, 12)], [c(1, 0, 20, { kind: "offset", offset: -4 })], ["<LOQ10"]],
    ["an offset moving a value below the LOD reports it as <LOD", [p(0, 12)], [c(1, 0, 20, { kind: "offset", offset: -9 })], ["<LOD5"]],
    ["a value already below the LOQ as sent is not re-censored", [p(0, 8)], [c(1, 0, 20, { kind: "offset", offset: -1 })], [7]],
    ["re-censoring uses the limits as scaled by a factor", [p(0, 25)], [c(1, 0, 20, { kind: "multiply", factor: 2 }), c(2, 0, 20, { kind: "offset", offset: -35 })], ["<LOQ20"]],
    ["readings outside a correction's range are untouched", [p(0, 20), p(30, 20)], [c(1, 10, 20, { kind: "offset", offset: 1 })], [20, 20]],
  ])("%s", (_name, points, corrections, expected) => {
    expect(values(run(points, corrections))).toEqual(expected);
  });

  it("multiply scales the uncertainty with the value", () => {
    const [out] = run([p(0, 20, { uncertainty: 4 })], [c(1, 0, 10, { kind: "multiply", factor: 1.5 })]);
    expect(out).toMatchObject({ value: 30, uncertainty: 6, corrections: [1] });
  });

  it("recalibrate turns the stored raw signal into the value with the named calibration, and censors against the sensor's limits", () => {
    const out = run(
      [p(0, 100, { rawSignal: 55, calibration: 1 }), p(10, 130, { rawSignal: 70, calibration: 1 }), lod(20), p(30, 12, { rawSignal: 9, calibration: 1 }), p(40, 50)],
      [c(1, 0, 60, { kind: "recalibrate", calibration: 2 })],
    );
    // 2.2 × 55 − 12 = 109; 2.2 × 70 − 12 = 142; 2.2 × 9 − 12 = 7.8 < LOQ 10: "<LOQ"; without a raw signal: unchanged.
    expect(values(out)).toEqual([109, 142, "<LOD5", "<LOQ10", 50]);
    expect(out.map((x) => x.corrections)).toEqual([[1], [1], [], [1], []]);
  });

  it.each<[string, number, number | null]>([
    ["at the start of its range drift adds 0", 0, 20],
    ["a quarter in, a quarter of the end offset", 15, 22.5],
    ["just before the end, almost all of it", 59, 20 + (10 * 59) / 60],
    ["at the end (excluded) nothing", 60, 20],
  ])("drift: %s", (_name, minute, expected) => {
    const [out] = run([p(minute, 20)], [c(1, 0, 60, { kind: "drift", offsetAtEnd: 10 })]);
    expect(out!.value).toBeCloseTo(expected!, 9);
  });

  it("manual QC flags: the newest one covering a reading wins, and it is listed", () => {
    const out = run([p(0, 20), p(10, 30), p(20, 40)], [c(1, 0, 30, { kind: "qc", flag: 3 }), c(2, 10, 20, { kind: "qc", flag: 4 })]);
    expect(out.map((x) => [x.qc, x.corrections])).toEqual([
      [3, [1]],
      [4, [2]],
      [3, [1]],
    ]);
  });
});

describe("correction algebra: order and overlaps", () => {
  it.each<[string, ActiveCorrection[], number]>([
    ["gain before zero offset, whichever came first: 2 × 20 + 1", [c(1, 0, 20, { kind: "offset", offset: 1 }), c(2, 0, 20, { kind: "multiply", factor: 2 })], 41],
    ["the same made the other way round", [c(1, 0, 20, { kind: "multiply", factor: 2 }), c(2, 0, 20, { kind: "offset", offset: 1 })], 41],
    ["overlapping offsets add", [c(1, 0, 20, { kind: "offset", offset: 1 }), c(2, 0, 20, { kind: "offset", offset: 2 })], 23],
    ["overlapping factors multiply", [c(1, 0, 20, { kind: "multiply", factor: 2 }), c(2, 0, 20, { kind: "multiply", factor: 1.5 })], 60],
    ["recalibration first, then arithmetic: (2 × 15 − 10) × 2 + 1", [c(3, 0, 20, { kind: "offset", offset: 1 }), c(2, 0, 20, { kind: "multiply", factor: 2 }), c(1, 0, 20, { kind: "recalibrate", calibration: 1 })], 41],
    ["drift after offset, both added", [c(1, 0, 20, { kind: "drift", offsetAtEnd: 4 }), c(2, 0, 20, { kind: "offset", offset: 1 })], 23],
  ])("%s", (_name, corrections, expected) => {
    const [out] = run([p(10, 20, { rawSignal: 15, calibration: 1 })], corrections);
    expect(out!.value).toBeCloseTo(expected, 9);
  });

  it("lists the corrections applied in the order they were applied", () => {
    const [out] = run([p(0, 20)], [c(5, 0, 10, { kind: "offset", offset: 1 }), c(9, 0, 10, { kind: "multiply", factor: 2 }), c(7, 0, 10, { kind: "qc", flag: 3 })]);
    expect(out!.corrections).toEqual([9, 5, 7]);
  });

  it("a deletion wins over arithmetic on the same reading", () => {
    expect(run([p(0, 20)], [c(1, 0, 10, { kind: "offset", offset: 1 }), c(2, 0, 10, { kind: "delete" })])).toEqual([]);
  });
});

describe("correction algebra: interpolation", () => {
  const gap = (id: number, fromMin: number, toMin: number) => c(id, fromMin, toMin, { kind: "interpolate" });
  const resolved = (corr: ActiveCorrection, before: StoredPoint[], after: StoredPoint[], all: ActiveCorrection[] = [corr]) => ({
    id: corr.id,
    from: corr.from,
    to: corr.to,
    before: pickAnchor(before, all, SENSOR),
    after: pickAnchor(after, all, SENSOR),
  });

  it("replaces the range's readings by estimates on the reading interval, linear between the neighbours", () => {
    const g = gap(1, 10, 40);
    const points = [p(0, 20), p(10, 999), p(25, 999), p(40, 50)];
    const out = run(points, [g], [resolved(g, [p(0, 20)], [p(40, 50)])]);
    expect(out.map((x) => [x.time - T0, x.value, x.estimated, x.qc])).toEqual([
      [0, 20, false, 1],
      [10 * MIN, 27.5, true, 2],
      [20 * MIN, 35, true, 2],
      [30 * MIN, 42.5, true, 2],
      [40 * MIN, 50, false, 1],
    ]);
  });

  it.each<[string, StoredPoint, StoredPoint, Array<number | string>]>([
    // LOD/2 = 2.5 → 12.5 over 0…40 min: 5.0 at 10 min is not below the limit 5.
    ["one censored neighbour: it counts as half its limit, estimates below its limit are censored", lod(0), p(40, 12.5), ["<LOD5", 5, 7.5, 10]],
    ["censored on both sides: every estimate below the higher limit is '<' it, an LOQ on a tie", lod(0, 10), loq(40, 10), ["<LOQ10", "<LOQ10", "<LOQ10", "<LOQ10"]],
    ["a quantified value above the other's limit stays quantified", p(0, 40), loq(40), [40, 31.25, 22.5, 13.75]],
  ])("%s", (_name, before, after, expected) => {
    const g = gap(1, 0, 40);
    const out = run([], [g], [resolved(g, [before], [after])]);
    expect(values(out)).toEqual(expected);
  });

  it("takes as anchor the nearest reading the corrections keep and that did not fail QC", () => {
    const g = gap(3, 30, 40);
    const del = c(2, 20, 30, { kind: "delete" });
    const failed = p(25, 1_000, { qc: 4 as QcFlag });
    const anchors = resolved(g, [failed, p(20, 30), p(10, 10)], [p(40, 50)], [g, del]);
    expect(anchors.before?.time).toBe(at(10));
    const out = run([p(10, 10), p(20, 30), failed, p(40, 50)], [g, del], [anchors]);
    // 10 at 10 min → 50 at 40 min: 36.67 at 30 min.
    expect(out.map((x) => [x.time - T0, Number(x.value!.toFixed(2))])).toEqual([
      [10 * MIN, 10],
      [30 * MIN, 36.67],
      [40 * MIN, 50],
    ]);
  });

  it("without a neighbour on both sides nothing is replaced", () => {
    const g = gap(1, 10, 30);
    const out = run([p(0, 20), p(10, 25), p(20, 30)], [g], [resolved(g, [p(0, 20)], [])]);
    expect(values(out)).toEqual([20, 25, 30]);
  });

  it("manual QC flags apply to estimated points too", () => {
    const g = gap(1, 10, 20);
    const out = run([p(0, 20), p(20, 40)], [g, c(2, 0, 30, { kind: "qc", flag: 3 })], [resolved(g, [p(0, 20)], [p(20, 40)])]);
    expect(out.map((x) => [x.value, x.qc, x.estimated, x.corrections])).toEqual([
      [20, 3, false, [2]],
      [30, 3, true, [1, 2]],
      [40, 3, false, [2]],
    ]);
  });

  it("of two interpolations over the same time, the later one's estimates stand", () => {
    const first = gap(1, 10, 30);
    const second = gap(2, 10, 20);
    const out = run([p(0, 0), p(30, 30)], [first, second], [resolved(first, [p(0, 0)], [p(30, 30)]), { ...resolved(second, [p(0, 100)], [p(20, 100)]) }]);
    expect(out.map((x) => [x.time - T0, x.value, x.corrections])).toEqual([
      [0, 0, []],
      [10 * MIN, 100, [2]],
      [20 * MIN, 20, [1]],
      [30 * MIN, 30, []],
    ]);
  });
});
