// Lab files before their rows: which format a file is, its text encoding (UTF-8 with or without
// BOM, GB 18030, anything else refused), CSV rows with their line numbers, and which column is which.
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { labMappingSchema } from "../../common/lab-mapping.ts";
import { headerKey, headerUnit, resolveColumns } from "../../server/src/lab/import/columns.ts";
import { decodeText, detectFormat, gb2312Share } from "../../server/src/lab/import/decode.ts";
import { detectDelimiter, readCsvTable, type TableRow } from "../../server/src/lab/import/table-reader.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const ZIP = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]);

describe("file format", () => {
  it.each([
    ["results.csv", utf8("a;b\n1;2\n"), undefined, "csv"],
    ["results.TXT", utf8("a;b\n"), undefined, "csv"],
    ["results.xlsx", ZIP, undefined, "xlsx"],
    ["upload", ZIP, undefined, "xlsx"],
    ["upload", utf8("a,b\n"), undefined, "csv"],
    ["weird.dat", utf8("a,b\n"), "csv", "csv"],
  ] as const)("takes %s as %s", (name, bytes, requested, expected) => {
    expect(detectFormat(name, bytes, requested)).toBe(expected);
  });

  it.each([
    ["results.csv", ZIP, /named as CSV but is a ZIP archive/],
    ["results.csv", Uint8Array.from([0x41, 0x00, 0x42, 0x01, 0x02]), /named as CSV but is a binary file/],
    ["results.csv", utf8("%PDF-1.7\n"), /PDF/],
    ["results.xls", Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]), /old Excel \.xls/],
    ["results.csv", Uint8Array.from([0xff, 0xfe, 0x41, 0x00]), /UTF-16/],
    ["results.xlsx", utf8("a;b\n"), /named as XLSX but is text/],
    ["results.csv", new Uint8Array(0), /is empty/],
    ["image.png", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), /binary file/],
  ])("refuses %s (%#)", (name, bytes, message) => {
    expect(() => detectFormat(name, bytes)).toThrow(message);
  });
});

describe("text encoding", () => {
  const german = "Messstelle;Probe;Stoff;Wert;Einheit\nZehren;P1;Carbamazepin;0,5;µg/L\nGrün;P2;Sulfamethoxazol;<0,05;µg/L\n";
  const chinese = "站点;样品编号;化合物;结果;单位\nCN-JIALING-BEIBEI;CQ-1;卡马西平;35,2;ng/L\nCN-JIALING-BEIBEI;CQ-1;磺胺甲噁唑;12;ng/L\n";

  it("reads UTF-8 with and without a byte order mark", () => {
    expect(decodeText("a.csv", utf8(german), "auto")).toEqual({ text: german, encoding: "utf-8" });
    expect(decodeText("a.csv", Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8(german)]), "auto")).toEqual({ text: german, encoding: "utf-8" });
  });

  it("recognises GB 18030, and reads it when told", () => {
    const bytes = iconv.encode(chinese, "gb18030");
    expect(decodeText("a.csv", bytes, "auto")).toEqual({ text: chinese, encoding: "gb18030" });
    expect(decodeText("a.csv", bytes, "gb18030")).toEqual({ text: chinese, encoding: "gb18030" });
    expect(gb2312Share(bytes)).toBeGreaterThan(0.8);
  });

  it("refuses Windows-1252 text instead of garbling it, in auto mode and when told it is GB 18030", () => {
    const bytes = iconv.encode(german, "win1252");
    expect(gb2312Share(bytes)).toBeLessThan(0.5);
    expect(() => decodeText("a.csv", bytes, "auto")).toThrow(/neither UTF-8 nor GB 18030/);
    expect(() => decodeText("a.csv", bytes, "gb18030")).toThrow(/not GB 18030 text/);
  });

  it("refuses bytes that are no valid UTF-8 when told UTF-8, and broken GB 18030", () => {
    expect(() => decodeText("a.csv", iconv.encode(chinese, "gb18030"), "utf-8")).toThrow(/not valid UTF-8/);
    expect(() => decodeText("a.csv", Uint8Array.from([0x41, 0x80, 0x42]), "gb18030")).toThrow(/not GB 18030/);
  });
});

async function rows(text: string, delimiter: "auto" | ";" | "," = "auto"): Promise<{ header: TableRow; rows: TableRow[]; delimiter: string | null }> {
  const table = await readCsvTable(text, delimiter);
  const out: TableRow[] = [];
  for await (const r of table.rows) out.push(r);
  return { header: table.header, rows: out, delimiter: table.delimiter };
}

describe("CSV rows", () => {
  it.each([
    ["a;b;c\n", ";"],
    ["a,b,c\n", ","],
    ["a\tb\tc\n", "\t"],
    ["# x,y,z,w\na;b\n", ";"],
    ['"a,b";c\n', ";"],
  ])("detects the separator of %j", (text, expected) => {
    expect(detectDelimiter(text)).toBe(expected);
  });

  it("numbers rows by the file's lines, skipping comments and empty lines, a quoted value spanning lines", async () => {
    const text = '# template comment\n# another\nstation;remarks\n\nA;"two\nlines"\nB;P#12\n;\nC;x\n';
    const t = await rows(text);
    expect(t.header).toEqual({ line: 3, cells: ["station", "remarks"] });
    expect(t.rows).toEqual([
      { line: 5, cells: ["A", "two\nlines"] },
      { line: 7, cells: ["B", "P#12"] },
      { line: 9, cells: ["C", "x"] },
    ]);
  });

  it("refuses a file without a header", async () => {
    await expect(rows("# only comments\n\n")).rejects.toThrow(/no header line/);
  });
});

describe("columns", () => {
  const mapping = (m: object = {}) => labMappingSchema.parse(m);

  it.each([
    ["Proben-Nr.", "probennr"],
    ["Sample ID", "sampleid"],
    ["Wert [µg/L]", "wert"],
    ["结果（ng/L）", "结果"],
  ])("compares header %j as %j", (header, key) => expect(headerKey(header)).toBe(key));

  it.each([
    ["Wert [µg/L]", "µg/L"],
    ["Konzentration (ng/l)", "ng/L"],
    ["结果（ng/L）", "ng/L"],
    ["Wert", undefined],
    ["Wert [Stück]", undefined],
  ])("reads the unit in header %j", (header, unit) => expect(headerUnit(header)).toBe(unit));

  it("finds the template's, German and Chinese headers without a mapping", () => {
    expect(resolveColumns(["station", "sample_id", "sampling_start", "compound", "value", "laboratory"], mapping()).index).toMatchObject({
      station: 0, sampleId: 1, start: 2, compound: 3, value: 4, laboratory: 5,
    });
    const german = resolveColumns(["Messstelle", "Proben-Nr.", "Probenahme Beginn", "Probenahme Ende", "Parameter", "Wert [µg/L]", "BG", "Labor", "Farbe"], mapping());
    expect(german.index).toMatchObject({ station: 0, sampleId: 1, start: 2, end: 3, compound: 4, value: 5, loq: 6, laboratory: 7 });
    expect(german.valueHeaderUnit).toBe("µg/L");
    expect(german.ignored).toEqual(["Farbe"]);
    expect(resolveColumns(["站点", "样品编号", "采样时间", "化合物", "结果", "单位", "实验室"], mapping()).index).toMatchObject({
      station: 0, sampleId: 1, start: 2, compound: 3, value: 4, unit: 5, laboratory: 6,
    });
  });

  it("uses the mapping's names first and takes the laboratory from its defaults", () => {
    const layout = resolveColumns(["Ort", "Nr", "Datum", "Analyt", "Ergebnis"], mapping({
      columns: { station: "ort", sampleId: "NR", start: "Datum", compound: "Analyt" },
      defaults: { laboratory: "BfUL" },
    }));
    expect(layout.index).toMatchObject({ station: 0, sampleId: 1, start: 2, compound: 3, value: 4 });
  });

  it("says which columns are missing and which the file has", () => {
    expect(() => resolveColumns(["Ort", "Wert"], mapping())).toThrow(/no column for station, sampleId, start, compound, laboratory.*The file's columns are: "Ort", "Wert"/);
    expect(() => resolveColumns(["station"], mapping({ columns: { value: "Result" } }))).toThrow(/names column "Result" for value, but the file has no such column/);
  });
});
