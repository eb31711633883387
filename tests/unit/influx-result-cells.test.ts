// Cells of an InfluxDB /query result as every reader reads them (server/src/influx/result-cells.ts).
import { describe, expect, it } from "vitest";
import { QC } from "../../common/reading.ts";
import { numberCell, qcCell } from "../../server/src/influx/result-cells.ts";

describe("numberCell", () => {
  it.each([
    [7.25, 7.25],
    [0, 0],
    [-3, -3],
    [null, null], // an empty GROUP BY bucket
    [undefined, null], // a field the point does not have
    ["7.25", null], // a string field is not a value
    [Number.NaN, null],
    [Number.POSITIVE_INFINITY, null],
    [true, null],
  ])("%j → %j", (cell, expected) => expect(numberCell(cell)).toBe(expected));
});

describe("qcCell", () => {
  it.each([
    [1, QC.pass],
    [2, QC.notEvaluated],
    [3, QC.suspect],
    [4, QC.fail],
    [9, QC.missing],
    [0, undefined],
    [5, undefined],
    [1.5, undefined],
    ["1", undefined],
    [null, undefined],
  ])("%j → %j", (cell, expected) => expect(qcCell(cell)).toBe(expected));
});
