// The pure parsing core of lab imports: numbers in both decimal conventions, "<LOQ" spellings,
// uncertainties, and times in the station's zone.
import { describe, expect, it } from "vitest";
import { parseTimeCell, parseTimeText } from "../../server/src/lab/import/dates.ts";
import {
  isAmbiguousNumber,
  isBelowLoqQualifier,
  parseDecimal,
  parseUncertaintyCell,
  parseValueCell,
  type DecimalSeparator,
} from "../../server/src/lab/import/numbers.ts";

describe("parseDecimal", () => {
  const cases: Array<[string, DecimalSeparator, boolean, number | undefined]> = [
    ["0,05", ",", false, 0.05],
    ["0.05", ".", false, 0.05],
    ["132", ",", false, 132],
    ["-1,5", ",", false, -1.5],
    ["1,2E-3", ",", false, 0.0012],
    ["1.234,5", ",", false, 1234.5],
    ["1.234.567", ",", false, 1234567],
    ["1,234.5", ".", false, 1234.5],
    ["1 234,5", ",", false, 1234.5],
    ["0.05", ",", false, undefined], // strict: a point is not a decimal comma
    ["0.05", ",", true, 0.05], // lenient: cannot be a thousands group
    ["0,5", ".", true, 0.5],
    ["1.234", ",", true, undefined], // ambiguous: 1234 or 1.234
    ["1,234", ".", true, undefined],
    ["1.234", ",", false, undefined],
    ["12,34,5", ",", true, undefined],
    ["abc", ".", true, undefined],
    ["", ".", true, undefined],
    ["1e400", ".", false, undefined],
  ];
  it.each(cases)("reads %j with decimal %j (lenient %s) as %s", (text, decimal, lenient, expected) => {
    expect(parseDecimal(text, decimal, lenient)).toBe(expected);
  });

  it.each([["1.234", true], ["1,234", true], ["1.23", false], ["12.345,6", false]])("calls %j ambiguous: %s", (text, expected) => {
    expect(isAmbiguousNumber(text)).toBe(expected);
  });
});

describe("value, qualifier and uncertainty cells", () => {
  const german = { decimal: "," as const, lenient: true };
  it.each([
    ["0,125", { below: false, number: 0.125 }],
    ["<0,05", { below: true, number: 0.05 }],
    ["< 0,05", { below: true, number: 0.05 }],
    ["<BG 0,05", { below: true, number: 0.05 }],
    ["< LOQ: 0,05", { below: true, number: 0.05 }],
    ["＜5", { below: true, number: 5 }],
    [12.5, { below: false, number: 12.5 }],
    ["n.n.", undefined],
    ["<", undefined],
  ])("reads the value cell %j", (cell, expected) => {
    expect(parseValueCell(cell, german)).toEqual(expected);
  });

  it.each([["<", true], ["<LOQ", true], ["< loq", true], ["< BG", true], ["<定量限", true], [">", false], ["n.n.", false], ["LOQ", false]])(
    "takes %j as a below-LOQ qualifier: %s",
    (text, expected) => expect(isBelowLoqQualifier(text)).toBe(expected),
  );

  it.each([
    ["15 %", "relative", { kind: "relative", value: 15 }],
    ["±15%", "absolute", { kind: "relative", value: 15 }],
    ["12,5 ％", "absolute", { kind: "relative", value: 12.5 }],
    ["0,8", "absolute", { kind: "absolute", value: 0.8 }],
    ["20", "relative", { kind: "relative", value: 20 }],
    [3, "absolute", { kind: "absolute", value: 3 }],
    ["viel", "relative", undefined],
  ] as const)("reads the uncertainty %j (bare numbers %s)", (cell, bare, expected) => {
    expect(parseUncertaintyCell(cell, german, bare)).toEqual(expected);
  });
});

describe("sampling times", () => {
  const berlin = "Europe/Berlin";
  const shanghai = "Asia/Shanghai";
  const ok = (iso: string, dateOnly = false) => ({ ok: true, ms: Date.parse(iso), dateOnly });
  it.each([
    ["04.03.2026 08:00", berlin, ok("2026-03-04T07:00:00Z")], // CET, UTC+1
    ["04.07.2026 08:00", berlin, ok("2026-07-04T06:00:00Z")], // CEST, UTC+2
    ["4.7.2026 8:05:30", berlin, ok("2026-07-04T06:05:30Z")],
    ["04.03.2026", berlin, ok("2026-03-03T23:00:00Z", true)],
    ["2026/03/15 09:30", shanghai, ok("2026-03-15T01:30:00Z")],
    ["2026/3/15", shanghai, ok("2026-03-14T16:00:00Z", true)],
    ["2026-03-04T08:00", berlin, ok("2026-03-04T07:00:00Z")],
    ["2026-03-04 08:00:00", berlin, ok("2026-03-04T07:00:00Z")],
    ["2026-03-04T08:00:00Z", shanghai, ok("2026-03-04T08:00:00Z")],
    ["2026-03-04T08:00+01:00", shanghai, ok("2026-03-04T07:00:00Z")],
    ["2026-03-04", berlin, ok("2026-03-03T23:00:00Z", true)],
  ])("reads %j at %s", (text, zone, expected) => {
    expect(parseTimeText(text, zone)).toEqual(expected);
  });

  it.each([
    ["29.03.2026 02:30", berlin, /does not exist in Europe\/Berlin/],
    ["31.02.2026", berlin, /not a valid date/],
    ["04.03.26 08:00", berlin, /not a time: use ISO 8601/],
    ["03/04/2026", berlin, /not a time/],
    ["gestern", berlin, /not a time/],
    ["2026-13-01T00:00Z", berlin, /not a valid date/],
  ])("refuses %j", (text, zone, reason) => {
    const parsed = parseTimeText(text, zone);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it("reads an XLSX date cell as wall-clock time at the station, rounding Excel's fraction-of-a-day noise", () => {
    expect(parseTimeCell(new Date("2026-03-04T07:59:59.999Z"), berlin)).toEqual(ok("2026-03-04T07:00:00Z"));
    expect(parseTimeCell(new Date("2026-03-04T00:00:00Z"), shanghai)).toEqual(ok("2026-03-03T16:00:00Z", true));
  });

  it("refuses numbers and empty cells as times", () => {
    expect(parseTimeCell(46085, berlin)).toMatchObject({ ok: false, reason: expect.stringMatching(/is a number, not a date/) });
    expect(parseTimeCell(null, berlin)).toEqual({ ok: false, reason: "no time given" });
  });
});
