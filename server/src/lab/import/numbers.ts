// Numbers as lab files write them: a decimal point or a decimal comma (German exports, DIN 1333),
// optional thousands grouping with the other character, optional exponent, and "<" prefixes for
// results below the limit of quantification ("<0,05", "< BG 0.05").

export type DecimalSeparator = "." | ",";

/** A spreadsheet cell: text, a number (XLSX numeric cell), a date (XLSX date cell), or empty. */
export type Cell = string | number | Date | null;

const escape = (c: string) => (c === "." ? "\\." : c);
const other = (d: DecimalSeparator): DecimalSeparator => (d === "." ? "," : ".");

/** Plain: 1234 | 1234,5 | -0,5 | 1,2E-3 (no grouping). */
function plainPattern(decimal: DecimalSeparator): RegExp {
  return new RegExp(`^[+-]?\\d+(?:${escape(decimal)}\\d+)?(?:[eE][+-]?\\d{1,3})?$`);
}

/**
 * Grouped thousands: 1.234.567 or 1.234,5 (German), 1,234.5 (English), 1 234,5 (ISO 31-0 space). A
 * single group without a fraction ("1.234") is ambiguous between grouping and a decimal in the
 * other convention, so it is not accepted here.
 */
function groupedPattern(decimal: DecimalSeparator): RegExp {
  const g = `(?:${escape(other(decimal))}|[ \\u202f\\u00a0])`;
  return new RegExp(`^[+-]?\\d{1,3}(?:(?:${g}\\d{3}){2,}(?:${escape(decimal)}\\d+)?|${g}\\d{3}${escape(decimal)}\\d+)$`);
}

const PLAIN: Record<DecimalSeparator, RegExp> = { ".": plainPattern("."), ",": plainPattern(",") };
const GROUPED: Record<DecimalSeparator, RegExp> = { ".": groupedPattern("."), ",": groupedPattern(",") };

function toNumber(text: string, decimal: DecimalSeparator): number | undefined {
  const [whole, fraction] = text.split(decimal) as [string, string | undefined];
  const value = Number(`${whole.replace(/[^\d+\-eE]/g, "")}${fraction !== undefined ? `.${fraction}` : ""}`);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The number `text` spells with `decimal` as decimal separator, or undefined. `lenient` also takes a
 * number written with the other separator when that cannot be read two ways ("0.5" in a German
 * file), for files whose exporter mixed conventions; "1.234" stays refused as ambiguous.
 */
export function parseDecimal(text: string, decimal: DecimalSeparator, lenient = false): number | undefined {
  const t = text.trim();
  if (PLAIN[decimal].test(t) || GROUPED[decimal].test(t)) return toNumber(t, decimal);
  if (lenient && !isAmbiguousNumber(t) && (PLAIN[other(decimal)].test(t) || GROUPED[other(decimal)].test(t))) return toNumber(t, other(decimal));
  return undefined;
}

/** "1.234" or "1,234": a thousands group or a decimal fraction, depending on the convention. */
export function isAmbiguousNumber(text: string): boolean {
  return /^[+-]?\d{1,3}[.,]\d{3}$/.test(text.trim());
}

/** How a file writes numbers: its decimal separator, and whether the other one is taken where unambiguous. */
export interface NumberFormat {
  decimal: DecimalSeparator;
  lenient: boolean;
}

/** A numeric cell: XLSX numbers as they are, text parsed in `format`. */
export function cellNumber(cell: Cell, format: NumberFormat): number | undefined {
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : undefined;
  if (typeof cell === "string") return parseDecimal(cell, format.decimal, format.lenient);
  return undefined;
}

/** Text of a cell for messages and text fields. */
export function cellText(cell: Cell): string {
  if (cell === null) return "";
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).trim();
}

export interface ValueCell {
  /** "<" written in the cell itself ("<0,05"): the number is the LOQ. */
  below: boolean;
  number: number;
}

const LESS_THAN = /^(?:<|&lt;|＜)\s*(?:(?:LOQ|BG|LQ|定量限)\s*[:=]?\s*)?/i;

/** A value cell: a number, or "<" followed by the limit. */
export function parseValueCell(cell: Cell, format: NumberFormat): ValueCell | undefined {
  if (typeof cell === "string") {
    const m = LESS_THAN.exec(cell.trim());
    if (m) {
      const number = parseDecimal(cell.trim().slice(m[0].length), format.decimal, format.lenient);
      return number === undefined ? undefined : { below: true, number };
    }
  }
  const number = cellNumber(cell, format);
  return number === undefined ? undefined : { below: false, number };
}

/**
 * Qualifier cells meaning "below the limit of quantification": "<", "<LOQ", "< BG"
 * (Bestimmungsgrenze), "<LQ", "<定量限". Anything else there is refused rather than guessed.
 */
const BELOW_LOQ_QUALIFIERS = /^(?:<|＜)\s*(?:LOQ|BG|LQ|定量限)?$/i;

export function isBelowLoqQualifier(text: string): boolean {
  return BELOW_LOQ_QUALIFIERS.test(text.trim());
}

export interface UncertaintyCell {
  kind: "relative" | "absolute";
  value: number;
}

/** "15 %", "±15%", "15" (read as `bare`), "0,8" … */
export function parseUncertaintyCell(cell: Cell, format: NumberFormat, bare: "relative" | "absolute"): UncertaintyCell | undefined {
  if (typeof cell === "number") return Number.isFinite(cell) ? { kind: bare, value: cell } : undefined;
  if (typeof cell !== "string") return undefined;
  let t = cell.trim().replace(/^(?:±|\+\/-|\+-)\s*/, "");
  const percent = /\s*[%％]$/.exec(t);
  if (percent) t = t.slice(0, percent.index);
  const value = parseDecimal(t, format.decimal, format.lenient);
  if (value === undefined) return undefined;
  return { kind: percent ? "relative" : bare, value };
}
