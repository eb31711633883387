// Sampling and analysis times as lab files write them: ISO 8601 (with or without offset),
// DD.MM.YYYY [HH:mm[:ss]] (German exports) and YYYY/MM/DD [HH:mm[:ss]] (Chinese exports), or an XLSX
// date cell. A time without an offset is wall-clock time at the station (its catalog time zone),
// because that is what the sampler's clock and the lab's sample sheet show.
import { DateTime } from "luxon";
import type { Cell } from "./numbers.ts";

export type ParsedTime = { ok: true; ms: number; dateOnly: boolean } | { ok: false; reason: string };

interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  dateOnly: boolean;
}

const TIME = String.raw`(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?`;
const GERMAN = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})${TIME}$`);
const SLASHED = new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})${TIME}$`);
const ISO_LOCAL = new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})${TIME}$`);
const ISO_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function fields(ymd: [string, string, string], time: Array<string | undefined>): LocalFields {
  const [hour, minute, second, fraction] = time;
  return {
    year: Number(ymd[0]),
    month: Number(ymd[1]),
    day: Number(ymd[2]),
    hour: hour === undefined ? 0 : Number(hour),
    minute: minute === undefined ? 0 : Number(minute),
    second: second === undefined ? 0 : Number(second),
    millisecond: fraction === undefined ? 0 : Number(fraction.padEnd(3, "0")),
    dateOnly: hour === undefined,
  };
}

function localFields(text: string): LocalFields | undefined {
  let m = GERMAN.exec(text);
  if (m) return fields([m[3]!, m[2]!, m[1]!], m.slice(4));
  m = SLASHED.exec(text);
  if (m) return fields([m[1]!, m[2]!, m[3]!], m.slice(4));
  m = ISO_LOCAL.exec(text);
  if (m) return fields([m[1]!, m[2]!, m[3]!], m.slice(4));
  return undefined;
}

// Luxon asks Intl for the zone's offset on every conversion, the bulk of an import's time; the rows
// of one sample share their times, so conversions are remembered (bounded; pure, so always valid).
const converted = new Map<string, ParsedTime>();
const CONVERTED_MAX = 50_000;

/** Wall-clock fields at `zone` → instant; refused when the date does not exist or the clock skipped it. */
function atZone(f: LocalFields, zone: string, shown: string): ParsedTime {
  const key = `${zone} ${f.year} ${f.month} ${f.day} ${f.hour} ${f.minute} ${f.second} ${f.millisecond} ${f.dateOnly} ${shown}`;
  let out = converted.get(key);
  if (out === undefined) {
    if (converted.size >= CONVERTED_MAX) converted.clear();
    converted.set(key, (out = convert(f, zone, shown)));
  }
  return out;
}

function convert(f: LocalFields, zone: string, shown: string): ParsedTime {
  const { dateOnly, ...parts } = f;
  const dt = DateTime.fromObject(parts, { zone });
  if (!dt.isValid) return { ok: false, reason: `${shown} is not a valid date or time` };
  // Luxon moves a time inside a daylight-saving gap forward; the lab cannot have sampled then.
  if (dt.hour !== f.hour || dt.minute !== f.minute || dt.day !== f.day) {
    return { ok: false, reason: `${shown} does not exist in ${zone} (the clocks skipped it for daylight saving time)` };
  }
  return { ok: true, ms: dt.toMillis(), dateOnly };
}

const FORMATS = "ISO 8601 (2026-03-04T08:00, with or without offset), DD.MM.YYYY HH:mm or YYYY/MM/DD HH:mm";

/** A time written as text, at the station's `zone` unless it carries an offset. */
export function parseTimeText(raw: string, zone: string): ParsedTime {
  const text = raw.trim();
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  if (ISO_OFFSET.test(text)) {
    const dt = DateTime.fromISO(text.replace(" ", "T"), { setZone: true });
    return dt.isValid ? { ok: true, ms: dt.toMillis(), dateOnly: false } : { ok: false, reason: `${shown} is not a valid date or time` };
  }
  const f = localFields(text);
  if (!f) return { ok: false, reason: `${shown} is not a time: use ${FORMATS}` };
  return atZone(f, zone, shown);
}

/**
 * An XLSX date cell holds the wall-clock time the sheet shows, with no zone; read-excel-file hands it
 * over as a Date whose UTC fields are that wall-clock time. Excel stores it as a fraction of a day,
 * so it is rounded to the second (0.999 s off is binary noise, not the lab's intent).
 */
export function wallClockOfDateCell(cell: Date): LocalFields {
  const d = new Date(Math.round(cell.getTime() / 1000) * 1000);
  const dateOnly = d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0;
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: 0,
    dateOnly,
  };
}

/** A time cell (text or XLSX date) at the station's `zone`. */
export function parseTimeCell(cell: Cell, zone: string): ParsedTime {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return { ok: false, reason: "the date cell holds no valid date" };
    const f = wallClockOfDateCell(cell);
    return atZone(f, zone, new Date(Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second)).toISOString().slice(0, 19).replace("T", " "));
  }
  if (typeof cell === "number") return { ok: false, reason: `${cell} is a number, not a date: format the column as a date or write ${FORMATS}` };
  if (cell === null || cell.trim() === "") return { ok: false, reason: "no time given" };
  return parseTimeText(cell, zone);
}

/** The calendar day (YYYY-MM-DD) of an instant at `zone`. */
export function dayAt(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate() ?? "";
}
