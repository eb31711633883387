// What an uploaded lab file is, and its text: CSV (UTF-8 with or without BOM, or GB 18030 for
// Chinese lab exports) or XLSX. A file that is none of these is refused with a reason, never read as
// garbage: a binary file named .csv, an old .xls, UTF-16, or text in another 8-bit code page.
import iconv from "iconv-lite";
import { ValidationError } from "../../errors.ts";

export type LabFileFormat = "csv" | "xlsx";
export type LabEncoding = "utf-8" | "gb18030";

const SNIFF_BYTES = 64 * 1024;

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d];
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16_LE = [0xff, 0xfe];
const UTF16_BE = [0xfe, 0xff];

/** What the first bytes say the file is. */
function sniff(bytes: Uint8Array): "zip" | "xls" | "pdf" | "utf-16" | "binary" | "text" {
  if (startsWith(bytes, ZIP)) return "zip";
  if (startsWith(bytes, OLE2)) return "xls";
  if (startsWith(bytes, PDF)) return "pdf";
  if (startsWith(bytes, UTF16_LE) || startsWith(bytes, UTF16_BE)) return "utf-16";
  const n = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    // Text files hold no control characters other than tab, line feed, form feed and carriage return.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) return "binary";
  }
  return "text";
}

const WHAT: Record<string, string> = {
  zip: "a ZIP archive (an XLSX workbook?)",
  xls: "an old Excel .xls workbook",
  pdf: "a PDF document",
  "utf-16": "UTF-16 text",
  binary: "a binary file",
};

function extension(name: string): string {
  const m = /\.([A-Za-z0-9]{1,5})$/.exec(name);
  return m ? m[1]!.toLowerCase() : "";
}

/** CSV or XLSX, from the name and checked against the content; anything else is refused. */
export function detectFormat(name: string, bytes: Uint8Array, requested?: LabFileFormat): LabFileFormat {
  const kind = sniff(bytes);
  const ext = extension(name);
  const declared: LabFileFormat | undefined =
    requested ?? (["csv", "txt", "tsv"].includes(ext) ? "csv" : ["xlsx", "xlsm"].includes(ext) ? "xlsx" : undefined);
  if (bytes.length === 0) throw new ValidationError(`${JSON.stringify(name)} is empty`);
  if (kind === "xls") throw new ValidationError(`${JSON.stringify(name)} is an old Excel .xls workbook: save it as .xlsx or as CSV (UTF-8) and upload that`);
  if (kind === "utf-16") throw new ValidationError(`${JSON.stringify(name)} is UTF-16 text: save it as CSV (UTF-8) and upload that`);
  if (declared === "csv" && kind !== "text") {
    throw new ValidationError(`${JSON.stringify(name)} is named as CSV but is ${WHAT[kind]}, not text: upload a CSV text file, or an XLSX workbook under its .xlsx name`);
  }
  if (declared === "xlsx" && kind !== "zip") {
    throw new ValidationError(`${JSON.stringify(name)} is named as XLSX but is ${kind === "text" ? "text" : WHAT[kind]}: upload an .xlsx workbook or a .csv file`);
  }
  if (declared) return declared;
  if (kind === "zip") return "xlsx";
  if (kind === "text") return "csv";
  throw new ValidationError(`${JSON.stringify(name)} is ${WHAT[kind]}: upload a CSV or XLSX file`);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * How much of the file's double-byte text lies in the GB 2312-1980 area (lead and trail byte
 * 0xA1–0xFE), where nearly all of everyday written Chinese is. Text in an 8-bit Western code page
 * (Windows-1252, ISO 8859-1) also forms valid GB 18030 byte pairs, but there a letter like "ü" is
 * followed by an ASCII letter, which lands outside that area. Returns the share, or null when the
 * text has no double-byte characters.
 */
export function gb2312Share(bytes: Uint8Array): number | null {
  let pairs = 0;
  let inGb2312 = 0;
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i]!;
    if (lead < 0x80) continue;
    const next = bytes[i + 1];
    if (next !== undefined && next >= 0x30 && next <= 0x39) {
      i += 3; // a four-byte GB 18030 sequence
      continue;
    }
    pairs++;
    if (lead >= 0xa1 && lead <= 0xfe && next !== undefined && next >= 0xa1 && next <= 0xfe) inGb2312++;
    i++;
  }
  return pairs === 0 ? null : inGb2312 / pairs;
}

/** GB 18030 text, or undefined when the bytes are not valid GB 18030 (iconv-lite marks those U+FFFD). */
function strictGb18030(bytes: Uint8Array): string | undefined {
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), "gb18030");
  return text.includes("\uFFFD") ? undefined : text;
}

export interface DecodedText {
  text: string;
  encoding: LabEncoding;
}

/** The text of a CSV file, in the encoding asked for or the one recognised ("auto"). */
export function decodeText(name: string, bytes: Uint8Array, encoding: "auto" | LabEncoding): DecodedText {
  const shown = JSON.stringify(name);
  const bom = startsWith(bytes, UTF8_BOM);
  const body = bom ? bytes.subarray(UTF8_BOM.length) : bytes;
  if (encoding === "utf-8" || bom) {
    const text = strictUtf8(body);
    if (text === undefined) throw new ValidationError(`${shown} is not valid UTF-8${bom ? " although it starts with a UTF-8 byte order mark" : ""}: save it as CSV (UTF-8)${bom ? "" : ", or send encoding=gb18030 if it is GB 18030"}`);
    return { text, encoding: "utf-8" };
  }
  if (encoding === "auto") {
    const text = strictUtf8(body);
    if (text !== undefined) return { text, encoding: "utf-8" };
  }
  const gb = strictGb18030(body);
  const share = gb2312Share(body);
  // Half is far from both: Chinese text sits near 100 %, Western 8-bit text near 0 %.
  if (gb !== undefined && (share === null || share >= 0.5)) return { text: gb, encoding: "gb18030" };
  if (encoding === "gb18030") {
    throw new ValidationError(`${shown} is not GB 18030 text${gb === undefined ? "" : " (it reads as Chinese characters where Western letters are more likely)"}: check the file's encoding, or save it as CSV (UTF-8)`);
  }
  throw new ValidationError(
    `${shown} is neither UTF-8 nor GB 18030 text (perhaps Windows-1252 or ISO 8859-1): save it as CSV (UTF-8) and upload it again`,
  );
}
