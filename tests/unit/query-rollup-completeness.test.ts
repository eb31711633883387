import { describe, expect, it } from "vitest";
import {
  ALL_SERIES,
  MAX_SERIES_PER_DIRTY_HOUR,
  RollupCompleteness,
  addSpan,
  settleAfter,
  subtractHours,
  type TimeSpan,
} from "../../server/src/query/rollup-completeness.ts";
import { planParts, type PlanPart } from "../../server/src/query/rollup-plan.ts";
import { HOUR_MS, MINUTE_MS, parseInfluxDuration } from "../../server/src/query/resolution.ts";
import { continuousQueries } from "../../server/src/influx/schema.ts";
import { DEFAULT_ROLLUP_SCHEDULER_OPTIONS } from "../../server/src/query/rollup-scheduler.ts";

const H = HOUR_MS;
const T0 = Date.UTC(2026, 10, 1); // midnight: hour n is T0 + n·H
const h = (n: number) => T0 + n * H;
const span = (a: number, b: number): TimeSpan => ({ from: h(a), to: h(b) });
const SETTLE = { rollup1m: 2 * H, rollup1h: 48 * H };
const A = "ST-A\tph\tS1";
const B = "ST-B\tph\tS2";

describe("addSpan", () => {
  it.each<[string, TimeSpan[], TimeSpan, TimeSpan[]]>([
    ["into nothing", [], span(1, 2), [span(1, 2)]],
    ["before, apart", [span(5, 6)], span(1, 2), [span(1, 2), span(5, 6)]],
    ["touching both neighbours", [span(0, 1), span(2, 3)], span(1, 2), [span(0, 3)]],
    ["covering several", [span(1, 2), span(3, 4), span(8, 9)], span(0, 5), [span(0, 5), span(8, 9)]],
    ["empty span changes nothing", [span(1, 2)], span(3, 3), [span(1, 2)]],
  ])("%s", (_name, spans, add, out) => {
    expect(addSpan(spans, add)).toEqual(out);
  });
});

describe("subtractHours", () => {
  it.each<[string, TimeSpan[], number[], TimeSpan[]]>([
    ["no holes", [span(0, 4)], [], [span(0, 4)]],
    ["hole in the middle", [span(0, 4)], [h(2)], [span(0, 2), span(3, 4)]],
    ["holes at both ends and outside", [span(0, 4)], [h(-3), h(0), h(3), h(9)], [span(1, 3)]],
    ["hole between spans", [span(0, 2), span(5, 7)], [h(3), h(5)], [span(0, 2), span(6, 7)]],
  ])("%s", (_name, spans, hours, out) => {
    expect(subtractHours(spans, hours)).toEqual(out);
  });
});

describe("RollupCompleteness.completeSpans", () => {
  // Anchor at hour 10; hours 0–4 rebuilt; now = hour 100 (both levels settled up to hour 100 − 1 − settle).
  const fresh = () => new RollupCompleteness(SETTLE, { anchor: h(10), rebuilt: [span(0, 4)], dirty: [] });
  const now = h(100);
  it.each<[string, (c: RollupCompleteness) => void, string[], "rollup1m" | "rollup1h", number, number, TimeSpan[]]>([
    ["rebuilt hours and watched hours, not the gap between", () => undefined, [A], "rollup1h", h(0), h(60), [span(0, 4), span(10, 52)]],
    ["1-minute rollup settles sooner", () => undefined, [A], "rollup1m", h(40), now, [span(40, 98)]],
    ["only whole hours inside the range", () => undefined, [A], "rollup1h", h(20) + 1, h(30) - 1, [span(21, 29)]],
    ["a dirty hour of the series is a hole", (c) => void c.markDirty(A, h(20)), [A], "rollup1h", h(15), h(25), [span(15, 20), span(21, 25)]],
    ["another series' dirty hour is not", (c) => void c.markDirty(B, h(20)), [A], "rollup1h", h(15), h(25), [span(15, 25)]],
    ["the untagged key of a chart series counts too", (c) => void c.markDirty(B, h(20)), [A, B], "rollup1h", h(15), h(25), [span(15, 20), span(21, 25)]],
    ["a hole for all series", (c) => void c.markDirty(ALL_SERIES, h(2)), [A], "rollup1h", h(0), h(4), [span(0, 2), span(3, 4)]],
    ["nothing before the range is settled", () => undefined, [A], "rollup1h", h(60), h(70), []],
  ])("%s", (_name, setUp, keys, level, from, to, out) => {
    const c = fresh();
    setUp(c);
    expect(c.completeSpans(keys, level, from, to, now)).toEqual(out);
  });

  it("trusts nothing before the first anchor unless rebuilt", () => {
    const c = new RollupCompleteness(SETTLE, { anchor: null, rebuilt: [], dirty: [] });
    expect(c.completeSpans([A], "rollup1h", h(0), h(90), now)).toEqual([]);
  });
});

describe("RollupCompleteness dirty marks and rebuilds", () => {
  it("clears a rebuilt hour, unless it was marked again after the rebuild started", () => {
    const c = new RollupCompleteness(SETTLE, { anchor: null, rebuilt: [], dirty: [] });
    c.markDirty(A, h(1));
    c.markDirty(A, h(2));
    const started = c.currentSeq;
    c.markDirty(B, h(2)); // a write that ended during the rebuild
    expect(c.rebuiltFrom(span(0, 3), started)).toEqual([h(1)]);
    expect(c.isDirty(A, h(1))).toBe(false);
    expect(c.isDirty(A, h(2))).toBe(true);
    expect(c.completeSpans([A], "rollup1h", h(0), h(3), h(100))).toEqual([span(0, 2)]);
  });

  it("stores one mark per new series and hour, and turns a crowded hour into one mark for all", () => {
    const c = new RollupCompleteness(SETTLE, { anchor: null, rebuilt: [], dirty: [] });
    expect(c.markDirty(A, h(1))).toEqual([{ hour: h(1), key: A }]);
    expect(c.markDirty(A, h(1))).toEqual([]);
    for (let i = 1; i < MAX_SERIES_PER_DIRTY_HOUR; i++) expect(c.markDirty(`S${i}\tph\t`, h(1))).toHaveLength(1);
    expect(c.markDirty("one-too-many\tph\t", h(1))).toEqual([{ hour: h(1), key: ALL_SERIES }]);
    expect(c.isDirty("never-written\tph\t", h(1))).toBe(true);
    expect(c.markDirty(B, h(1))).toEqual([]);
  });

  it("restores dirty marks and rebuilt spans from the stored state", () => {
    const c = new RollupCompleteness(SETTLE, { anchor: h(0), rebuilt: [span(-5, -3)], dirty: [{ hour: h(3), key: A }, { hour: h(4), key: ALL_SERIES }] });
    expect(c.dirtyHours()).toEqual([h(3), h(4)]);
    expect(c.completeSpans([A], "rollup1h", h(-6), h(6), h(100))).toEqual([span(-5, -3), span(0, 3), span(5, 6)]);
  });
});

describe("6-hour blocks: never a block whose 1-hour rows changed after it was built (the invariant)", () => {
  // Anchor at hour 0 (midnight, so blocks are hours 0–6, 6–12, …); settled up to hour 52 at `now`.
  const now = h(100);
  const fresh = (anchor = h(0)) => new RollupCompleteness(SETTLE, { anchor, rebuilt: [], dirty: [] });
  const built = (c: RollupCompleteness) => void c.coarseBuilt(span(0, 48), now);
  it.each<[string, (c: RollupCompleteness) => void, string[], number, number, TimeSpan[]]>([
    ["never built: no block", () => undefined, [A], h(0), h(48), []],
    ["built while complete: every whole block", built, [A], h(0), h(48), [span(0, 48)]],
    ["only whole blocks inside the range", built, [A], h(1), h(20), [span(6, 18)]],
    ["a block not yet settled when its build began is not recorded", (c) => void c.coarseBuilt(span(0, 54), now), [A], h(0), h(60), [span(0, 48)]],
    ["hours never watched nor rebuilt are not built", (c) => void c.coarseBuilt(span(-12, 12), now), [A], h(-12), h(12), [span(0, 12)]],
    ["a late write takes its block out for every series until rebuilt", (c) => (built(c), void c.markDirty(A, h(8))), [B], h(0), h(48), [span(0, 6), span(12, 48)]],
    [
      "rebuilding the hour without building its block again keeps the block out",
      (c) => {
        built(c);
        c.markDirty(A, h(8));
        c.rebuiltFrom(span(8, 9), c.currentSeq);
      },
      [A], h(0), h(48), [span(0, 6), span(12, 48)],
    ],
    [
      "the hour rebuilt, then its block built: complete again",
      (c) => {
        built(c);
        c.markDirty(A, h(8));
        c.rebuiltFrom(span(8, 9), c.currentSeq);
        c.coarseBuilt(span(6, 12), now);
      },
      [A], h(0), h(48), [span(0, 48)],
    ],
    [
      "a write marked while the block was built keeps it out",
      (c) => {
        built(c);
        c.markDirty(A, h(8));
        const started = c.currentSeq;
        c.markDirty(B, h(9));
        c.rebuiltFrom(span(8, 10), started);
        c.coarseBuilt(span(6, 12), now);
      },
      [A], h(0), h(48), [span(0, 6), span(12, 48)],
    ],
    ["who writes the rollups changed: every built block is forgotten", (c) => (built(c), c.restartAt(h(90), false)), [A], h(0), h(48), []],
    ["a dirty hour for all series before the build: its block is not recorded", (c) => (c.markDirty(ALL_SERIES, h(30)), built(c)), [A], h(0), h(48), [span(0, 30), span(36, 48)]],
  ])("%s", (_name, setUp, keys, from, to, out) => {
    const c = fresh();
    setUp(c);
    expect(c.completeSpans(keys, "rollup6h", from, to, now)).toEqual(out);
    // Whatever is complete at 6 hours is complete hour by hour at the 1-hour level too.
    for (const block of out) expect(c.completeSpans(keys, "rollup1h", block.from, block.to, now)).toEqual([block]);
  });

  it("restores built blocks from the stored state, and stored dirty marks take theirs out", () => {
    const c = new RollupCompleteness(SETTLE, { anchor: h(0), rebuilt: [], dirty: [{ hour: h(13), key: A }], coarseBuilt: [span(0, 24)] });
    expect(c.completeSpans([B], "rollup6h", h(0), h(48), now)).toEqual([span(0, 12), span(18, 24)]);
  });

  it.each<[string, (c: RollupCompleteness) => void, number, TimeSpan[]]>([
    ["newest first, at most the limit", (c) => void c.coarseBuilt(span(0, 12), now), 3, [span(30, 48)]],
    ["everything settled and not built", (c) => void c.coarseBuilt(span(0, 12), now), 100, [span(12, 48)]],
    ["around a dirty hour", (c) => (c.coarseBuilt(span(0, 12), now), void c.markDirty(A, h(20))), 5, [span(24, 48), span(12, 18)]],
  ])("unbuiltBlocks: %s", (_name, setUp, limit, out) => {
    const c = fresh();
    setUp(c);
    expect(c.unbuiltBlocks(now, limit)).toEqual(out);
  });
});

describe("settleAfter", () => {
  it.each(continuousQueries("db").map((cq) => [cq.name, cq.resample] as const))("%s: RESAMPLE FOR + EVERY + margin (%s)", (_name, resample) => {
    const m = /EVERY (\S+) FOR (\S+)/.exec(resample)!;
    expect(settleAfter(resample, parseInfluxDuration, 5 * MINUTE_MS)).toBe(parseInfluxDuration(m[2]!) + parseInfluxDuration(m[1]!) + 5 * MINUTE_MS);
  });
  // A reading not marked dirty (younger than lateAfterMs) must still be inside the window of the next
  // run of every continuous query, even one InfluxDB starts late by the margin; and the window is no
  // longer than that needs, or recent hours stay out of charts' rollup parts (issue #20).
  it.each(continuousQueries("db").map((cq) => [cq.name, cq.resample] as const))("%s: its window (%s) covers every reading not marked late, and little more", (_name, resample) => {
    const m = /EVERY (\S+) FOR (\S+)/.exec(resample)!;
    const { lateAfterMs, settleMarginMs } = DEFAULT_ROLLUP_SCHEDULER_OPTIONS;
    const every = parseInfluxDuration(m[1]!);
    const window = parseInfluxDuration(m[2]!);
    expect(lateAfterMs + every + settleMarginMs!).toBeLessThanOrEqual(window);
    expect(settleAfter(resample, parseInfluxDuration, settleMarginMs!)).toBeLessThanOrEqual(3 * H);
  });
  it("refuses a clause it cannot read", () => {
    expect(() => settleAfter("EVERY 1m", parseInfluxDuration, 0)).toThrow(/RESAMPLE/);
  });
});

describe("planParts", () => {
  const part = (source: PlanPart["source"], a: number, b: number): PlanPart => ({ source, from: a, to: b });
  it.each<[string, Parameters<typeof planParts>[0], PlanPart[]]>([
    ["nothing complete: all raw", { from: h(0), to: h(10), level: "rollup1h", rawHorizon: h(-100), complete: [] }, [part("raw", h(0), h(10))]],
    [
      "complete middle from the rollup, ragged edges from raw",
      { from: h(0) + 7, to: h(10) + 7, level: "rollup1h", rawHorizon: h(-100), complete: [span(1, 10)] },
      [part("raw", h(0) + 7, h(1)), part("rollup1h", h(1), h(10)), part("raw", h(10), h(10) + 7)],
    ],
    [
      "an incomplete hour inside splits the rollup",
      { from: h(0), to: h(10), level: "rollup1m", rawHorizon: h(-100), complete: [span(0, 4), span(5, 10)] },
      [part("rollup1m", h(0), h(4)), part("raw", h(4), h(5)), part("rollup1m", h(5), h(10))],
    ],
    [
      "before the raw horizon: whichever saw more, unless complete",
      { from: h(0), to: h(10), level: "rollup1h", rawHorizon: h(6) + 5, complete: [span(2, 3)] },
      [part("fuller", h(0), h(2)), part("rollup1h", h(2), h(3)), part("fuller", h(3), h(6)), part("raw", h(6), h(10))],
    ],
    [
      "too many parts: the shortest rollup runs between raw ones are read from raw",
      { from: h(0), to: h(20), level: "rollup1h", rawHorizon: h(-100), complete: [span(1, 2), span(3, 8), span(9, 10)], maxParts: 4 },
      [part("raw", h(0), h(3)), part("rollup1h", h(3), h(8)), part("raw", h(8), h(20))],
    ],
    ["empty range", { from: h(1), to: h(1), level: "rollup1h", rawHorizon: 0, complete: [] }, []],
    [
      "complete 6-hour blocks inside the 1-hour parts from the 6-hour rollup",
      { from: h(0) + 7, to: h(30) + 7, level: "rollup1h", rawHorizon: h(-100), complete: [span(1, 30)], coarse: [span(6, 24)] },
      [part("raw", h(0) + 7, h(1)), part("rollup1h", h(1), h(6)), part("rollup6h", h(6), h(24)), part("rollup1h", h(24), h(30)), part("raw", h(30), h(30) + 7)],
    ],
    [
      "never part of a block from the 6-hour rollup",
      { from: h(0), to: h(12), level: "rollup1h", rawHorizon: h(-100), complete: [span(0, 4), span(5, 12)], coarse: [span(0, 12)] },
      [part("rollup1h", h(0), h(4)), part("raw", h(4), h(5)), part("rollup1h", h(5), h(6)), part("rollup6h", h(6), h(12))],
    ],
    [
      "too many parts: a short 6-hour run between 1-hour ones is read from the 1-hour rollup",
      { from: h(0), to: h(48), level: "rollup1h", rawHorizon: h(-100), complete: [span(1, 47)], coarse: [span(6, 12), span(18, 42)], maxParts: 6 },
      [part("raw", h(0), h(1)), part("rollup1h", h(1), h(18)), part("rollup6h", h(18), h(42)), part("rollup1h", h(42), h(47)), part("raw", h(47), h(48))],
    ],
  ])("%s", (_name, input, out) => {
    expect(planParts(input)).toEqual(out);
  });

  it("covers the range exactly, with disjoint parts and rollup parts on whole hours (sweep)", () => {
    for (const [from, to] of [
      [h(0) + 123, h(50) + 9],
      [h(3), h(4)],
      [h(-10) + 1, h(30)],
    ] as const) {
      for (const complete of [[], [span(1, 2)], [span(-20, 40)], [span(0, 1), span(2, 3), span(4, 5), span(6, 7), span(8, 9), span(10, 11), span(12, 13)]]) {
        const parts = planParts({ from, to, level: "rollup1h", rawHorizon: h(0), complete, maxParts: 5 });
        expect(parts[0]!.from).toBe(from);
        expect(parts[parts.length - 1]!.to).toBe(to);
        expect(parts.length).toBeLessThanOrEqual(5 + 2);
        for (let i = 1; i < parts.length; i++) expect(parts[i]!.from).toBe(parts[i - 1]!.to);
        for (const p of parts) if (p.source === "rollup1h") expect([p.from % H, p.to % H]).toEqual([0, 0]);
      }
    }
  });

  it("keeps 6-hour parts on whole blocks inside complete hours, covering the range exactly (sweep)", () => {
    for (const [from, to] of [[h(0) + 123, h(70) + 9], [h(-13), h(40)], [h(5), h(7)]] as const) {
      for (const complete of [[span(-20, 80)], [span(1, 9), span(10, 31), span(33, 60)], [span(2, 3)]]) {
        for (const maxParts of [3, 5, 9]) {
          const coarse = [span(-18, 0), span(6, 30), span(36, 54)];
          const parts = planParts({ from, to, level: "rollup1h", rawHorizon: h(-100), complete, coarse, maxParts });
          expect(parts[0]!.from).toBe(from);
          expect(parts[parts.length - 1]!.to).toBe(to);
          for (let i = 1; i < parts.length; i++) expect(parts[i]!.from).toBe(parts[i - 1]!.to);
          for (const p of parts.filter((q) => q.source === "rollup6h")) {
            expect([p.from % (6 * H), p.to % (6 * H)]).toEqual([0, 0]);
            expect(complete.some((c) => c.from <= p.from && p.to <= c.to)).toBe(true);
          }
        }
      }
    }
  });
});
