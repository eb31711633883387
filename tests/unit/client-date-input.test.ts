// Date and time fields in the UI language's format (issue #19): 24-hour clock, DD.MM.YYYY in German,
// YYYY/MM/DD in Chinese, ISO in English; ISO accepted everywhere; impossible dates and skipped local
// times refused.
import { describe, expect, it } from "vitest";
import { formatFieldDate, formatFieldTime, parseFieldDate, parseFieldTime } from "../../client/src/components/date-time-field.ts";
import type { Language } from "../../client/src/i18n/index.ts";

const T = Date.UTC(2026, 10, 29, 17, 45); // 18:45 in Berlin (CET), 01:45 next day in Shanghai

describe("date and time fields", () => {
  it.each<[Language, string | undefined, string]>([
    ["en", "Europe/Berlin", "2026-11-29 18:45"],
    ["de", "Europe/Berlin", "29.11.2026 18:45"],
    ["zh", "Europe/Berlin", "2026/11/29 18:45"],
    ["zh", "Asia/Shanghai", "2026/11/30 01:45"],
    ["de", "UTC", "29.11.2026 17:45"],
  ])("%s in %s shows %s and reads it back", (lang, zone, text) => {
    expect(formatFieldTime(T, lang, zone)).toBe(text);
    expect(parseFieldTime(text, lang, zone)).toBe(T);
  });

  it.each<[Language, string, number]>([
    ["de", "2026-11-29T18:45", T],
    ["zh", "2026-11-29 18:45", T],
    ["de", "  29.11.2026   18:45 ", T],
    ["en", "2026-11-29T18:45:00", T],
  ])("%s also reads ISO and stray spaces: %j", (lang, text, ms) => {
    expect(parseFieldTime(text, lang, "Europe/Berlin")).toBe(ms);
  });

  it.each<[Language, string]>([
    ["de", "11/29/2026 6:45 PM"],
    ["de", "31.02.2026 10:00"],
    ["de", "29.11.2026 24:30"],
    ["zh", "2026/13/01 10:00"],
    ["en", "yesterday"],
    ["en", ""],
    // The clocks went from 02:00 to 03:00 in Germany on 29 March 2026: 02:30 did not exist there.
    ["de", "29.03.2026 02:30"],
  ])("%s refuses %j", (lang, text) => {
    expect(parseFieldTime(text, lang, "Europe/Berlin")).toBeNaN();
  });

  it.each<[Language, string]>([
    ["en", "2026-07-01"],
    ["de", "01.07.2026"],
    ["zh", "2026/07/01"],
  ])("a date alone: %s shows and reads %s", (lang, text) => {
    expect(formatFieldDate("2026-07-01", lang)).toBe(text);
    expect(parseFieldDate(text, lang)).toBe("2026-07-01");
    // ISO in every language.
    expect(parseFieldDate(" 2026-07-01 ", lang)).toBe("2026-07-01");
  });

  it.each<[Language, string]>([
    ["de", "31.02.2026"],
    ["de", "07/01/2026"],
    ["zh", "2026/13/01"],
    ["en", "2026-07-01 10:00"],
    ["en", ""],
  ])("a date alone: %s refuses %j", (lang, text) => {
    expect(parseFieldDate(text, lang)).toBeNull();
  });
});
