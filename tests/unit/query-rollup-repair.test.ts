import { describe, expect, it } from "vitest";
import { continuousQueries } from "../../server/src/influx/schema.ts";
import { rollupLines, rollupRebuildStatements } from "../../server/src/query/rollup-repair.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("rollupRebuildStatements", () => {
  it("reuses each continuous query's SELECT over whole hours, in bounded chunks, without empty buckets", () => {
    const from = Date.UTC(2026, 0, 1, 5, 17);
    const to = Date.UTC(2026, 0, 3, 8, 0);
    const statements = rollupRebuildStatements("water_monitor", from, to);
    const [oneMinute, oneHour] = continuousQueries("water_monitor");
    const minuteStatements = statements.filter((s) => s.includes("GROUP BY time(1m)"));
    const hourStatements = statements.filter((s) => s.includes("GROUP BY time(1h)"));
    expect(minuteStatements).toHaveLength(3); // 05:00 day 1 … 09:00 day 3 in 1-day chunks
    expect(hourStatements).toHaveLength(1);
    expect(hourStatements[0]).toBe(
      oneHour!.select.replace(
        " GROUP BY",
        ` WHERE time >= ${Date.UTC(2026, 0, 1, 5)}ms AND time < ${Date.UTC(2026, 0, 3, 9)}ms GROUP BY`,
      ) + " fill(none)",
    );
    expect(minuteStatements[0]).toContain(`time < ${Date.UTC(2026, 0, 1, 5) + DAY}ms`);
    expect(minuteStatements.every((s) => s.startsWith(oneMinute!.select.split(" FROM ")[0]!))).toBe(true);
  });

  it("refuses a non-integer or inverted range", () => {
    expect(() => rollupRebuildStatements("db", 1.5, 2)).toThrow(RangeError);
    expect(() => rollupRebuildStatements("db", 10, 2)).toThrow(RangeError);
  });
});

describe("rollupLines (the rows the rollup scheduler writes back without SELECT … INTO)", () => {
  const columns = ["time", "mean", "min", "max", "count", "below_lod_count", "lod", "loq", "qc", "sum"];
  it.each([
    [
      "typed fields, integers with i, empty tags left out, tags sorted",
      [{ columns, tags: { station: "DE-X", sensor: "", parameter: "ph" }, values: [[3_600_000, 7.5, 7, 8, 2, 0, null, null, 1, 15]] }],
      "reading_1h,parameter=ph,station=DE-X mean=7.5,min=7,max=8,count=2i,below_lod_count=0i,qc=1i,sum=15 3600000",
    ],
    [
      "tag values escaped, one line per bucket, buckets without values skipped",
      [{ columns: ["time", "mean", "count"], tags: { station: "A B,C=D" }, values: [[0, 1.25, 1], [60_000, null, null], [120_000, 2, 3]] }],
      "reading_1h,station=A\\ B\\,C\\=D mean=1.25,count=1i 0\nreading_1h,station=A\\ B\\,C\\=D mean=2,count=3i 120000",
    ],
    ["nothing for no series", [], ""],
  ])("%s", (_name, series, expected) => {
    expect(rollupLines("reading_1h", series)).toBe(expected);
  });
});
