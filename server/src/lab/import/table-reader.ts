// A lab file as rows of cells with their line numbers: CSV through csv-parse (streaming, RFC 4180
// quoting), XLSX through read-excel-file. Lines starting with "#" are comments (the template
// explains its columns in them); empty lines are skipped. The first other line is the header.
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { unzipSync } from "fflate";
import readXlsxFile from "read-excel-file/node";
import { ValidationError } from "../../errors.ts";
import type { Cell } from "./numbers.ts";

export interface TableRow {
  /** 1-based line of the CSV file (the row's first line) or row of the sheet. */
  line: number;
  cells: Cell[];
}

export interface LabTable {
  header: TableRow;
  rows: AsyncIterable<TableRow>;
  /** The CSV separator used; null for XLSX. */
  delimiter: string | null;
}

export type Delimiter = ";" | "," | "\t";
const DELIMITERS: readonly Delimiter[] = [";", ",", "\t"];

/** The separator the header line uses most, counting outside quotes; ";" wins ties (German exports). */
export function detectDelimiter(text: string): Delimiter {
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (t === "" || t.startsWith("#")) continue;
    const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
    let quoted = false;
    for (const ch of t) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && counts.has(ch as Delimiter)) counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
    }
    let best: Delimiter = ";";
    for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
    return best;
  }
  return ";";
}

const CHUNK = 64 * 1024;

function* chunks(text: string): Generator<string> {
  for (let i = 0; i < text.length; i += CHUNK) yield text.slice(i, i + CHUNK);
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

async function* csvRows(text: string, delimiter: Delimiter): AsyncGenerator<TableRow> {
  const parser = Readable.from(chunks(text)).pipe(
    parse({
      delimiter,
      comment: "#",
      // Only whole-line comments: "#" inside a value (a sample id "P#12") is data.
      comment_no_infix: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }),
  );
  try {
    for await (const r of parser as AsyncIterable<CsvRecord>) {
      // info.lines is the record's last line; a quoted value may span lines.
      let spanned = 0;
      for (const c of r.record) for (let i = c.indexOf("\n"); i >= 0; i = c.indexOf("\n", i + 1)) spanned++;
      const cells = r.record.map((c) => (c === "" ? null : c));
      if (cells.every((c) => c === null)) continue;
      yield { line: r.info.lines - spanned, cells };
    }
  } catch (err) {
    throw new ValidationError(`the CSV file cannot be read: ${(err as Error).message}`);
  }
}

async function headerAndRest(rows: AsyncIterator<TableRow>): Promise<{ header: TableRow; rest: AsyncIterable<TableRow> }> {
  const first = await rows.next();
  if (first.done) throw new ValidationError("the file has no header line and no rows");
  return { header: first.value, rest: { [Symbol.asyncIterator]: () => rows } };
}

export async function readCsvTable(text: string, delimiter: "auto" | Delimiter): Promise<LabTable> {
  const used = delimiter === "auto" ? detectDelimiter(text) : delimiter;
  const { header, rest } = await headerAndRest(csvRows(text, used)[Symbol.asyncIterator]());
  return { header, rows: rest, delimiter: used };
}

/**
 * Refuses a workbook that would unpack to more than `maxUnpackedBytes` (a "zip bomb": a few kB that
 * inflate to gigabytes), reading only the ZIP's directory.
 */
function checkUnpackedSize(bytes: Uint8Array, maxUnpackedBytes: number): void {
  let total = 0;
  try {
    unzipSync(bytes, {
      filter: (file) => {
        total += file.originalSize;
        return false;
      },
    });
  } catch (err) {
    throw new ValidationError(`the XLSX workbook cannot be read: ${(err as Error).message}`);
  }
  if (total > maxUnpackedBytes) {
    throw new ValidationError(`the XLSX workbook unpacks to ${total} bytes, more than the ${maxUnpackedBytes} accepted: split it, or save it as CSV`);
  }
}

function isComment(cells: Cell[]): boolean {
  const first = cells.find((c) => c !== null);
  return typeof first === "string" && first.trimStart().startsWith("#");
}

export async function readXlsxTable(bytes: Uint8Array, sheet: string | undefined, maxUnpackedBytes: number): Promise<LabTable> {
  checkUnpackedSize(bytes, maxUnpackedBytes);
  let sheets: Awaited<ReturnType<typeof readXlsxFile>>;
  try {
    sheets = await readXlsxFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new ValidationError(`the XLSX workbook cannot be read (${(err as Error).message}): save it again from the spreadsheet program, or as CSV`);
  }
  const chosen = sheet === undefined ? sheets[0] : sheets.find((s) => s.sheet === sheet);
  if (!chosen) throw new ValidationError(`the workbook has no sheet ${JSON.stringify(sheet)}; it has ${sheets.map((s) => JSON.stringify(s.sheet)).join(", ")}`);
  const rows: TableRow[] = [];
  chosen.data.forEach((row, i) => {
    const cells = row.map((c): Cell => {
      if (c === null || c === undefined) return null;
      if (typeof c === "string") return c.trim() === "" ? null : c.trim();
      if (typeof c === "number" || c instanceof Date) return c;
      return String(c);
    });
    if (cells.every((c) => c === null) || isComment(cells)) return;
    // read-excel-file keeps leading empty rows, so the index is the sheet's row number - 1.
    rows.push({ line: i + 1, cells });
  });
  async function* iterate(): AsyncGenerator<TableRow> {
    yield* rows;
  }
  const { header, rest } = await headerAndRest(iterate());
  return { header, rows: rest, delimiter: null };
}
