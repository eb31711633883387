// Sensor daily means with the data review applied, without I/O (assessment/data/reviewed-days.ts):
// which local days a correction reaches, the mean of a day's corrected readings (Directive 2009/90/EC
// Art. 5 as for stored days), and a day's approval level — the lowest over the day.
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import type { ApprovalLevel } from "../../common/review.ts";
import { QC, type QcFlag } from "../../common/reading.ts";
import type { SensorDailyMean } from "../../server/src/assessment/data/data-source.ts";
import { approvalOver, dailyMeanOfPoints, dayOf, dayRanges, recomputedDays, reviewedDays, touchedDays } from "../../server/src/assessment/data/reviewed-days.ts";
import type { CorrectedPoint } from "../../server/src/review/correction-algebra.ts";

const ZONE = "Europe/Berlin";
const HOUR = 3_600_000;
/** Local midnight of 2026-03-{day} in Berlin (CET, UTC+1). */
const d = (day: number) => DateTime.fromObject({ year: 2026, month: 3, day }, { zone: ZONE }).toMillis();

function point(time: number, value: number | null, over: Partial<CorrectedPoint> = {}): CorrectedPoint {
  return { time, value, qualifier: null, limit: null, uncertainty: null, qc: QC.pass as QcFlag, estimated: false, corrections: [], ...over };
}

function day(time: number, value: number, over: Partial<SensorDailyMean> = {}): SensorDailyMean {
  return { time, value, qualifier: null, limit: null, qc: QC.pass, basis: "sensor-daily", approval: "raw", sensor: "A", n: 144, source: "raw", ...over };
}

describe("days a correction reaches", () => {
  it.each([
    ["a range within one local day", [{ from: d(3) + 2 * HOUR, to: d(3) + 5 * HOUR }], d(1), d(10), [d(3)]],
    ["a range over midnight: both days", [{ from: d(3) + 20 * HOUR, to: d(4) + 2 * HOUR }], d(1), d(10), [d(3), d(4)]],
    ["a range ending exactly at midnight: the next day too (the end is taken as inclusive)", [{ from: d(3), to: d(4) }], d(1), d(10), [d(3), d(4)]],
    ["clipped to the read range", [{ from: d(1), to: d(20) }], d(5), d(7), [d(5), d(6)]],
    ["outside the read range: none", [{ from: d(20), to: d(21) }], d(5), d(7), []],
    ["two overlapping ranges: each day once", [{ from: d(3), to: d(4) + HOUR }, { from: d(4) + 2 * HOUR, to: d(4) + 3 * HOUR }], d(1), d(10), [d(3), d(4)]],
    // 29 March 2026: Berlin moves to summer time, the local day is 23 hours long.
    ["across the daylight-saving change (a 23-hour day)", [{ from: d(28) + 12 * HOUR, to: d(30) + HOUR }], d(1), d(31), [d(28), d(29), d(30)]],
  ])("%s", (_what, ranges, from, to, expected) => {
    expect(touchedDays(ranges, from, to, ZONE)).toEqual(expected);
  });

  it("joins consecutive days into one range for the reader, and keeps gaps", () => {
    expect(dayRanges([d(3), d(4), d(6)], ZONE)).toEqual([{ from: d(3), to: d(5) }, { from: d(6), to: d(7) }]);
    // The 23-hour day ends at the next local midnight.
    expect(dayOf(d(29) + HOUR, ZONE)).toEqual({ from: d(29), to: d(30) });
    expect(d(30) - d(29)).toBe(23 * HOUR);
  });
});

describe("the mean of a day's corrected readings", () => {
  it.each([
    ["quantified 4, 6, 8: 18 / 3 = 6", [point(1, 4), point(2, 6), point(3, 8)], { value: 6, qualifier: null, limit: null, n: 3 }],
    ["a QC-failed reading does not count: (4 + 6) / 2 = 5", [point(1, 4), point(2, 6), point(3, 1000, { qc: QC.fail as QcFlag })], { value: 5, n: 2 }],
    ["a suspect reading does not count either (QC-passed only): 4", [point(1, 4), point(2, 500, { qc: QC.suspect as QcFlag })], { value: 4, n: 1 }],
    [
      "'< LOD 4' at half its limit: (2 + 5) / 2 = 3.5 < 4 → '< LOD 4'",
      [point(1, null, { qualifier: "<LOD", limit: 4 }), point(2, 5)],
      { value: null, qualifier: "<LOD", limit: 4, n: 2 },
    ],
    ["'< LOD 4' and 10: (2 + 10) / 2 = 6 ≥ 4 → 6", [point(1, null, { qualifier: "<LOD", limit: 4 }), point(2, 10)], { value: 6, qualifier: null, n: 2 }],
  ])("%s", (_what, points, expected) => {
    expect(dailyMeanOfPoints(points, d(3), "A")).toMatchObject({ time: d(3), sensor: "A", source: "raw", ...expected });
  });

  it("a day whose readings were all deleted or failed has no mean", () => {
    expect(dailyMeanOfPoints([], d(3), "A")).toBeNull();
    expect(dailyMeanOfPoints([point(1, 9, { qc: QC.fail as QcFlag })], d(3), "A")).toBeNull();
    expect(recomputedDays([point(d(4) + HOUR, 7)], [d(3), d(4)], ZONE, "A")).toEqual(new Map([[d(3), null], [d(4), expect.objectContaining({ value: 7 })]]));
  });
});

describe("a day's approval level", () => {
  const seg = (from: number, to: number, value: ApprovalLevel) => ({ from, to, value });
  it.each([
    ["no approval: raw", [], { from: d(3), to: d(4) }, "raw"],
    ["the whole day approved", [seg(d(1), d(10), "approved")], { from: d(3), to: d(4) }, "approved"],
    ["approved until noon only: raw (the rest is not reviewed)", [seg(d(1), d(3) + 12 * HOUR, "approved")], { from: d(3), to: d(4) }, "raw"],
    ["approved, then checked in the afternoon: checked", [seg(d(1), d(3) + 12 * HOUR, "approved"), seg(d(3) + 12 * HOUR, d(5), "checked")], { from: d(3), to: d(4) }, "checked"],
    ["the day clipped to the part read: approved over that part", [seg(d(3), d(3) + 12 * HOUR, "approved")], { from: d(3), to: d(3) + 12 * HOUR }, "approved"],
  ] as const)("%s", (_what, segments, span, expected) => {
    expect(approvalOver(segments, span)).toBe(expected);
  });
});

describe("stored days with the review applied", () => {
  it("replaces recomputed days, drops emptied ones, keeps the rest, and gives every day its level", () => {
    const stored = [day(d(2), 10), day(d(3), 20), day(d(4), 30)];
    const recomputed = new Map<number, SensorDailyMean | null>([[d(3), day(d(3), 15, { n: 100 })], [d(4), null]]);
    const approvedUntil = d(3);
    const out = reviewedDays(stored, recomputed, (_sensor, span) => (span.to <= approvedUntil ? "approved" : "raw"), { from: d(1), to: d(10) }, ZONE);
    expect(out.map((x) => [x.time, x.value, x.approval])).toEqual([
      [d(2), 10, "approved"],
      [d(3), 15, "raw"],
    ]);
  });

  it("asks for the level over the part of the day that was read (asOf cuts the last day)", () => {
    const spans: Array<{ from: number; to: number }> = [];
    reviewedDays([day(d(3), 1)], new Map(), (_s, span) => (spans.push(span), "raw"), { from: d(1), to: d(3) + 6 * HOUR }, ZONE);
    expect(spans).toEqual([{ from: d(3), to: d(3) + 6 * HOUR }]);
  });
});
