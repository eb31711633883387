import { describe, expect, it } from "vitest";
import { evenSplit } from "../../server/src/query/aggregate-reader.ts";

describe("evenSplit (a compare chart's series over its InfluxDB requests)", () => {
  it.each([
    { count: 20, groups: 2, ranges: [[0, 10], [10, 20]] },
    { count: 5, groups: 2, ranges: [[0, 3], [3, 5]] },
    { count: 7, groups: 3, ranges: [[0, 3], [3, 5], [5, 7]] },
    { count: 2, groups: 8, ranges: [[0, 1], [1, 2]] },
    { count: 1, groups: 1, ranges: [[0, 1]] },
    { count: 3, groups: 0, ranges: [[0, 3]] },
    { count: 0, groups: 2, ranges: [] },
  ])("$count series in at most $groups requests: $ranges", ({ count, groups, ranges }) => {
    expect(evenSplit(count, groups)).toEqual(ranges);
  });
});
