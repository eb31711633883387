// An uploaded lab file → checked rows: format and encoding recognised, columns found, every row
// parsed against the catalog, and the rows checked against each other. No database: what this
// returns is compared with the stored state by plan.ts.
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import type { LabField, LabMapping, LabRejectedRow } from "../../../../common/lab.ts";
import { resolveColumns } from "./columns.ts";
import { decodeText, detectFormat, type LabEncoding, type LabFileFormat } from "./decode.ts";
import type { NumberFormat } from "./numbers.ts";
import { checkWithinFile } from "./plan.ts";
import { parseLabRow, type ParsedLabRow } from "./row-parser.ts";
import { readCsvTable, readXlsxTable, type LabTable } from "./table-reader.ts";
import { StationMatcher } from "./vocabulary.ts";

export interface LabFile {
  name: string;
  bytes: Uint8Array;
  /** Overrides the file name's extension. */
  format?: LabFileFormat;
}

export interface ReadLabFileOptions {
  catalog: CatalogSnapshot;
  mapping: LabMapping;
  now: number;
  /** XLSX workbooks that unpack to more are refused. */
  maxUnpackedBytes: number;
}

export interface LabFileContent {
  format: LabFileFormat;
  encoding: LabEncoding | null;
  delimiter: string | null;
  /** Data rows read (header and comments not counted). */
  rows: number;
  columns: Partial<Record<LabField, string>>;
  ignoredColumns: string[];
  accepted: ParsedLabRow[];
  rejected: LabRejectedRow[];
}

const matchers = new WeakMap<CatalogSnapshot, StationMatcher>();

function stationMatcher(catalog: CatalogSnapshot): StationMatcher {
  let m = matchers.get(catalog);
  if (!m) matchers.set(catalog, (m = new StationMatcher(catalog)));
  return m;
}

/** "auto": a decimal comma in ";"-separated files (German exports), else a point; the other is taken where unambiguous. */
export function numberFormat(mapping: LabMapping, delimiter: string | null): NumberFormat {
  if (mapping.decimal !== "auto") return { decimal: mapping.decimal, lenient: false };
  return { decimal: delimiter === ";" ? "," : ".", lenient: true };
}

export async function readLabFile(file: LabFile, options: ReadLabFileOptions): Promise<LabFileContent> {
  const { mapping } = options;
  const format = detectFormat(file.name, file.bytes, file.format);
  let table: LabTable;
  let encoding: LabEncoding | null = null;
  if (format === "csv") {
    const decoded = decodeText(file.name, file.bytes, mapping.encoding);
    encoding = decoded.encoding;
    table = await readCsvTable(decoded.text, mapping.delimiter);
  } else {
    table = await readXlsxTable(file.bytes, mapping.sheet, options.maxUnpackedBytes);
  }
  const layout = resolveColumns(table.header.cells, mapping);
  const context = {
    catalog: options.catalog,
    stations: stationMatcher(options.catalog),
    layout,
    mapping,
    numbers: numberFormat(mapping, table.delimiter),
    now: options.now,
  };
  const parsed: ParsedLabRow[] = [];
  const rejected: LabRejectedRow[] = [];
  let rows = 0;
  for await (const row of table.rows) {
    rows++;
    const out = parseLabRow(row, context);
    if ("reason" in out) rejected.push(out);
    else parsed.push(out);
  }
  const within = checkWithinFile(parsed);
  return {
    format,
    encoding,
    delimiter: table.delimiter,
    rows,
    columns: layout.headers,
    ignoredColumns: layout.ignored,
    accepted: within.rows,
    rejected: [...rejected, ...within.rejected].sort((a, b) => a.line - b.line),
  };
}
