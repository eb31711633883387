// Text encodings of export tables: CSV (RFC 4180), NDJSON and a JSON array. Each encoder turns a
// batch of rows into one string, so the writer can respect backpressure batch by batch.
import { stringify } from "csv-stringify/sync";
import type { ExportFormat } from "../../../common/export-options.ts";
import type { Cell, ExportColumn } from "./export-table.ts";

export interface ExportEncoder {
  readonly mediaType: string;
  readonly extension: string;
  header(columns: readonly ExportColumn[]): string;
  rows(rows: readonly Cell[][]): string;
  footer(): string;
}

export interface EncoderOptions {
  /** CSV only: start with a UTF-8 byte order mark (Excel otherwise guesses a legacy code page). */
  bom?: boolean;
}

/**
 * RFC 4180: CRLF records, fields with `,`, `"` or line breaks quoted, quotes doubled. Text cells
 * starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'` so spreadsheets do not run them as
 * formulas (OWASP "CSV injection"); csv-stringify's `escape_formulas` leaves number-typed cells
 * alone, which is why the table keeps numbers as numbers and `-3.5` stays a number.
 * The sync API per row that needs it (see plainRow) is the same Stringifier as the streaming API,
 * without a stream hop per record: backpressure is handled per batch by the writer.
 */
// csv-stringify stops quoting lone \n and \r once record_delimiter is set (quote_record_delimiter then
// defaults to false): turned back on, or a newline inside a cell would split the record.
const CSV_OPTIONS = { escape_formulas: true, record_delimiter: "windows", quote_record_delimiter: true } as const;

/**
 * A cell csv-stringify would change: quoting (`,` `"` CR LF) or formula neutralising (its
 * escape_formulas list, incl. the full-width variants). Anything else it writes verbatim.
 */
const NEEDS_STRINGIFY = /[,"\r\n]|^[=+\-@\t\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * The row exactly as csv-stringify would write it, when no cell needs quoting or neutralising (the
 * common case: ISO times, catalog ids, units, numbers); null otherwise. csv-stringify costs ~3.5 µs
 * per row, which made exports slower than the influx CLI; this path is held to produce identical
 * bytes by a randomised test (tests/unit/export-csv.test.ts).
 */
function plainRow(row: readonly Cell[]): string | null {
  let line = "";
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    if (i > 0) line += ",";
    if (cell === null || cell === undefined) continue;
    // csv-stringify's default number cast is `"" + value`; numbers are never neutralised.
    if (typeof cell === "number") line += cell;
    else if (NEEDS_STRINGIFY.test(cell)) return null;
    else line += cell;
  }
  return `${line}\r\n`;
}

export function csvEncoder(options: EncoderOptions = {}): ExportEncoder {
  return {
    mediaType: "text/csv; charset=utf-8; header=present",
    extension: "csv",
    header: (columns) => (options.bom ? "\uFEFF" : "") + stringify([columns.map((c) => c.name)], CSV_OPTIONS),
    rows: (rows) => {
      let out = "";
      for (const row of rows) out += plainRow(row) ?? stringify([row as Cell[]], CSV_OPTIONS);
      return out;
    },
    footer: () => "",
  };
}

function objectMaker(columns: readonly ExportColumn[]): (row: readonly Cell[]) => Record<string, Cell> {
  const names = columns.map((c) => c.name);
  return (row) => {
    const obj: Record<string, Cell> = {};
    for (let i = 0; i < names.length; i++) obj[names[i]!] = row[i] ?? null;
    return obj;
  };
}

/** One JSON object per line (application/x-ndjson), keys = the CSV column names. */
export function ndjsonEncoder(): ExportEncoder {
  let toObject: (row: readonly Cell[]) => Record<string, Cell> = () => ({});
  return {
    mediaType: "application/x-ndjson; charset=utf-8",
    extension: "ndjson",
    header: (columns) => {
      toObject = objectMaker(columns);
      return "";
    },
    rows: (rows) => {
      let out = "";
      for (const row of rows) out += `${JSON.stringify(toObject(row))}\n`;
      return out;
    },
    footer: () => "",
  };
}

/** A JSON array of the same objects, written element by element. */
export function jsonEncoder(): ExportEncoder {
  let toObject: (row: readonly Cell[]) => Record<string, Cell> = () => ({});
  let first = true;
  return {
    mediaType: "application/json; charset=utf-8",
    extension: "json",
    header: (columns) => {
      toObject = objectMaker(columns);
      return "[";
    },
    rows: (rows) => {
      let out = "";
      for (const row of rows) {
        out += `${first ? "\n" : ",\n"}${JSON.stringify(toObject(row))}`;
        first = false;
      }
      return out;
    },
    footer: () => (first ? "]\n" : "\n]\n"),
  };
}

export function encoderFor(format: ExportFormat, options: EncoderOptions = {}): ExportEncoder {
  switch (format) {
    case "csv":
      return csvEncoder(options);
    case "ndjson":
      return ndjsonEncoder();
    case "json":
      return jsonEncoder();
  }
}
