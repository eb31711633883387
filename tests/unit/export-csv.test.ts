import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { csvEncoder, jsonEncoder, ndjsonEncoder } from "../../server/src/export/export-encoders.ts";
import type { Cell, ExportColumn } from "../../server/src/export/export-table.ts";

const columns: ExportColumn[] = [
  { name: "station", type: "string", description: "" },
  { name: "value", type: "number", description: "" },
];

function csvOf(rows: Cell[][], bom = false): string {
  const enc = csvEncoder({ bom });
  return enc.header(columns) + enc.rows(rows) + enc.footer();
}

describe("CSV encoding (RFC 4180, spreadsheet-safe)", () => {
  // [text cell as stored, what the CSV file holds for it, what a CSV parser reads back]
  const textCases: Array<[string, string, string]> = [
    ["plain", "plain", "plain"],
    ["a,b", '"a,b"', "a,b"],
    ['say "hi"', '"say ""hi"""', 'say "hi"'],
    ["line\nbreak", '"line\nbreak"', "line\nbreak"],
    ["=SUM(A1:A2)", "'=SUM(A1:A2)", "'=SUM(A1:A2)"],
    ["+49 351", "'+49 351", "'+49 351"],
    ["-2+3", "'-2+3", "'-2+3"],
    ["@cmd", "'@cmd", "'@cmd"],
    ["\tTAB", "'\tTAB", "'\tTAB"],
    ["\rCR", "\"'\rCR\"", "'\rCR"],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`, `'=HYPERLINK("http://x","y")`],
    ["寸滩 (长江)", "寸滩 (长江)", "寸滩 (长江)"],
    ["北碚, 嘉陵江", '"北碚, 嘉陵江"', "北碚, 嘉陵江"],
    ["<LOD", "<LOD", "<LOD"],
  ];

  it.each(textCases)("writes the text cell %j as %j and it parses back as %j", (text, inFile, parsed) => {
    const csv = csvOf([[text, 1]]);
    expect(csv).toBe(`station,value\r\n${inFile},1\r\n`);
    const records = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(records).toEqual([{ station: parsed, value: "1" }]);
  });

  const numberCases: Array<[number | null, string]> = [
    [-3.5, "-3.5"],
    [0, "0"],
    [123.456, "123.456"],
    [-0.25, "-0.25"],
    [null, ""],
  ];

  it.each(numberCases)("keeps the number %j a plain number (%j), never a neutralised text", (value, inFile) => {
    expect(csvOf([["DE-ELBE-ZEHREN", value]])).toBe(`station,value\r\nDE-ELBE-ZEHREN,${inFile}\r\n`);
  });

  it("starts with a UTF-8 byte order mark only when asked (for Excel)", () => {
    expect(csvOf([], true).startsWith("\uFEFFstation,value\r\n")).toBe(true);
    expect(csvOf([]).startsWith("station")).toBe(true);
  });
});

describe("NDJSON and JSON encoding", () => {
  const rows: Cell[][] = [
    ["=cmd, \"q\"\n", -1],
    ["寸滩", null],
  ];

  it("writes one object per line with the column names as keys and values untouched", () => {
    const enc = ndjsonEncoder();
    const text = enc.header(columns) + enc.rows(rows) + enc.footer();
    expect(text.trimEnd().split("\n").map((l) => JSON.parse(l))).toEqual([
      { station: "=cmd, \"q\"\n", value: -1 },
      { station: "寸滩", value: null },
    ]);
  });

  it("writes a JSON array across batches, also when empty", () => {
    const enc = jsonEncoder();
    const text = enc.header(columns) + enc.rows(rows.slice(0, 1)) + enc.rows(rows.slice(1)) + enc.footer();
    expect(JSON.parse(text)).toEqual([
      { station: "=cmd, \"q\"\n", value: -1 },
      { station: "寸滩", value: null },
    ]);
    const empty = jsonEncoder();
    expect(JSON.parse(empty.header(columns) + empty.footer())).toEqual([]);
  });
});

describe("CSV fast path", () => {
  it("writes exactly the bytes csv-stringify writes, for random rows of awkward cells", () => {
    const pieces = ["a", "Z", "0", "1.5", ",", '"', "\n", "\r", "=", "+", "-", "@", "\t", " ", "寸", "µ", "°", "<", "'", "\uFF1D", "\uFF0D", ""];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cell = (): Cell => {
      const kind = random();
      if (kind < 0.15) return null;
      if (kind < 0.35) return Math.round((random() - 0.5) * 1e6) / 1e3;
      let text = "";
      const length = Math.floor(random() * 5);
      for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)];
      return text;
    };
    const rows: Cell[][] = Array.from({ length: 5_000 }, () => Array.from({ length: 4 }, cell));
    const expected = stringify(rows, { escape_formulas: true, record_delimiter: "windows", quote_record_delimiter: true });
    expect(csvEncoder().rows(rows)).toBe(expected);
  });
});
