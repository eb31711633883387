// The corrected-readings cache (server/src/review/corrected-cache.ts): writes near an entry drop it,
// a read that overlapped a write of its series is not kept, and the cache holds at most its bound.
import { describe, expect, it } from "vitest";
import { RangeCache } from "../../server/src/review/corrected-cache.ts";
import type { CorrectedPoint } from "../../server/src/review/correction-algebra.ts";

const HOUR = 3_600_000;
const S = { station: "ST", parameter: "ph", sensor: "S1" };
const ID = "ST\u0000ph\u0000S1";
const pts = (n: number): CorrectedPoint[] => Array.from({ length: n }, (_, i) => ({ time: i, value: i, qualifier: null, limit: null, uncertainty: null, qc: 1, estimated: false, corrections: [] }));

describe("corrected-readings cache", () => {
  it.each<[string, number, boolean]>([
    ["a write inside the range drops the entry", 10 * HOUR + 5, false],
    ["a write within the interpolation reach of it drops it too", 10 * HOUR - 2 * HOUR, false],
    ["a write far from it leaves it", 100 * HOUR, true],
  ])("%s", (_name, time, kept) => {
    const cache = new RangeCache<CorrectedPoint>(3 * HOUR);
    cache.set("k", ID, { from: 10 * HOUR, to: 12 * HOUR }, pts(3), cache.generation(ID));
    cache.written([{ ...S, time }]);
    expect(cache.get("k") !== undefined).toBe(kept);
  });

  it("a write of another series leaves the entry", () => {
    const cache = new RangeCache<CorrectedPoint>(HOUR);
    cache.set("k", ID, { from: 0, to: HOUR }, pts(2), cache.generation(ID));
    cache.written([{ ...S, sensor: "S2", time: 10 }]);
    expect(cache.get("k")).toHaveLength(2);
  });

  it("does not keep a read that overlapped a write of its series", () => {
    const cache = new RangeCache<CorrectedPoint>(HOUR);
    const generation = cache.generation(ID);
    cache.written([{ ...S, time: 500 * HOUR }]);
    cache.set("k", ID, { from: 0, to: HOUR }, pts(2), generation);
    expect(cache.get("k")).toBeUndefined();
  });

  it("holds at most its bound of points, dropping the least recently used", () => {
    const cache = new RangeCache<CorrectedPoint>(HOUR, 10);
    cache.set("a", ID, { from: 0, to: 1 }, pts(4), 0);
    cache.set("b", ID, { from: 1, to: 2 }, pts(4), 0);
    cache.get("a");
    cache.set("c", ID, { from: 2, to: 3 }, pts(4), 0);
    expect([cache.get("a") !== undefined, cache.get("b") !== undefined, cache.get("c") !== undefined]).toEqual([true, false, true]);
    expect(cache.size).toEqual({ entries: 2, values: 8 });
  });
});
