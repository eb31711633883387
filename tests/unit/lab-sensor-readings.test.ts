// Which store holds which part of a validation's period: raw readings inside the raw retention,
// 1-minute rollups up to 800 days back, 1-hour rollups beyond; boundaries on whole hours.
import { describe, expect, it } from "vitest";
import { mergeWindows, readingSegments } from "../../server/src/lab/sensor-readings.ts";
import { SCHEMA_RETENTION } from "../../server/src/query/series-service.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 29, 15, 42);
const rawFrom = Math.ceil((NOW - 400 * DAY) / HOUR) * HOUR;
const minuteFrom = Math.ceil((NOW - 800 * DAY) / HOUR) * HOUR;

describe("readingSegments", () => {
  it.each([
    ["a recent period: raw only", NOW - 30 * DAY, NOW, [["raw", NOW - 30 * DAY, NOW]]],
    ["500 days back: 1-minute rollups, then raw", NOW - 500 * DAY, NOW - 10 * DAY, [["rollup1m", NOW - 500 * DAY, rawFrom - 1], ["raw", rawFrom, NOW - 10 * DAY]]],
    [
      "five years: all three",
      NOW - 5 * 365 * DAY,
      NOW,
      [["rollup1h", NOW - 5 * 365 * DAY, minuteFrom - 1], ["rollup1m", minuteFrom, rawFrom - 1], ["raw", rawFrom, NOW]],
    ],
    ["three years ago, one day: hourly rollups only", NOW - 3 * 365 * DAY, NOW - 3 * 365 * DAY + DAY, [["rollup1h", NOW - 3 * 365 * DAY, NOW - 3 * 365 * DAY + DAY]]],
  ])("%s", (_what, from, to, expected) => {
    expect(readingSegments(from, to, NOW, SCHEMA_RETENTION).map((s) => [s.source, s.from, s.to])).toEqual(expected);
  });

  it("puts every boundary on a whole hour, so no rollup interval straddles one", () => {
    for (const s of readingSegments(NOW - 5 * 365 * DAY, NOW, NOW, SCHEMA_RETENTION).slice(1)) expect(s.from % HOUR).toBe(0);
  });
});

describe("mergeWindows", () => {
  it.each([
    ["apart windows stay apart, sorted", [{ from: 5 * HOUR, to: 6 * HOUR }, { from: 0, to: HOUR }], [{ from: 0, to: HOUR }, { from: 5 * HOUR, to: 6 * HOUR }]],
    ["a grab window inside a composite is read with it", [{ from: 0, to: DAY }, { from: 3 * HOUR, to: 4 * HOUR }], [{ from: 0, to: DAY }]],
    ["back-to-back composites become one", [{ from: 0, to: DAY }, { from: DAY, to: 2 * DAY }], [{ from: 0, to: 2 * DAY }]],
    ["windows less than an hour apart are joined", [{ from: 0, to: HOUR }, { from: HOUR + 30 * 60_000, to: 3 * HOUR }], [{ from: 0, to: 3 * HOUR }]],
  ])("%s", (_what, windows, expected) => {
    expect(mergeWindows(windows)).toEqual(expected);
  });
});
