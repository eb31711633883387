import { describe, expect, it } from "vitest";
import { continuousQueries } from "../../server/src/influx/schema.ts";
import { rollupRebuildStatements } from "../../server/src/query/rollup-repair.ts";

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
