// Date and time inputs that follow the UI language, not the browser's: a 24-hour clock everywhere,
// DD.MM.YYYY in German, YYYY/MM/DD in Chinese, YYYY-MM-DD (ISO 8601) in English. A browser's own
// datetime-local field formats by the browser's locale (a US browser shows 11/29/2026, 06:45 PM to a
// German user). Times are read and shown in one zone (the page's, else the browser's); ISO input
// ("2026-11-29T18:45") is accepted in every language.
import { DateTime } from "luxon";
import { h } from "../dom.ts";
import type { Language, Translate } from "../i18n/index.ts";

export const DATE_TIME_FORMAT: Readonly<Record<Language, string>> = { en: "yyyy-MM-dd HH:mm", de: "dd.MM.yyyy HH:mm", zh: "yyyy/MM/dd HH:mm" };
/** What to type, in the language's own words for the parts. */
export const DATE_TIME_HINT: Readonly<Record<Language, string>> = { en: "YYYY-MM-DD hh:mm", de: "TT.MM.JJJJ hh:mm", zh: "年/月/日 时:分" };
const ISO_FORMATS = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"];

/** The instant as the field shows it in `lang`, in `zone` (undefined: the browser's). */
export function formatFieldTime(ms: number, lang: Language, zone?: string): string {
  return DateTime.fromMillis(ms, { zone: zone ?? "local" }).toFormat(DATE_TIME_FORMAT[lang]);
}

/**
 * The instant typed into a field, read in `zone` (undefined: the browser's); NaN when it is not a
 * date and time in the language's format or ISO 8601, or names a local time the clocks skipped.
 */
export function parseFieldTime(text: string, lang: Language, zone?: string): number {
  const value = text.trim().replace(/\s+/g, " ");
  for (const format of [DATE_TIME_FORMAT[lang], ...ISO_FORMATS]) {
    const t = DateTime.fromFormat(value, format, { zone: zone ?? "local" });
    // A time inside a spring-forward gap is moved by luxon; typed as such, it does not exist.
    if (t.isValid && t.toFormat(format) === value) return t.toMillis();
  }
  return Number.NaN;
}

/**
 * A text field for a date and time in the UI language's format. The field remembers its language
 * and zone (data-lang, data-zone) so `fieldMs` reads it as it was shown; an entry that does not
 * parse marks the field invalid with a message naming the format.
 */
export function dateTimeField(
  name: string,
  lang: Language,
  t: Translate,
  ms: number | null,
  options: { zone?: string; attrs?: Record<string, string> } = {},
): HTMLInputElement {
  const invalidMessage = t("form.dateTimeFormat", { format: DATE_TIME_HINT[lang] });
  const input = h("input", {
    type: "text",
    name,
    value: ms === null ? "" : formatFieldTime(ms, lang, options.zone),
    placeholder: DATE_TIME_HINT[lang],
    inputmode: "numeric",
    autocomplete: "off",
    spellcheck: "false",
    size: "16",
    "data-lang": lang,
    "data-zone": options.zone ?? "",
    ...options.attrs,
  });
  const check = () => input.setCustomValidity(input.value.trim() === "" || Number.isFinite(fieldMs(input)) ? "" : invalidMessage);
  input.addEventListener("input", check);
  input.addEventListener("change", check);
  return input;
}

/** The instant in a dateTimeField, epoch ms; NaN when empty or not a date and time. */
export function fieldMs(input: HTMLInputElement): number {
  const lang = (input.dataset.lang ?? "en") as Language;
  return parseFieldTime(input.value, lang, input.dataset.zone || undefined);
}

/** A calendar date (no time) in the same formats: the date part of DATE_TIME_FORMAT. */
export const DATE_FORMAT: Readonly<Record<Language, string>> = { en: "yyyy-MM-dd", de: "dd.MM.yyyy", zh: "yyyy/MM/dd" };
export const DATE_HINT: Readonly<Record<Language, string>> = { en: "YYYY-MM-DD", de: "TT.MM.JJJJ", zh: "年/月/日" };

/** A date typed in `lang`'s format (or ISO 8601) as an ISO date ("2026-07-01"); null when it is not one. */
export function parseFieldDate(text: string, lang: Language): string | null {
  const value = text.trim();
  for (const format of [DATE_FORMAT[lang], "yyyy-MM-dd"]) {
    const d = DateTime.fromFormat(value, format, { zone: "UTC" });
    if (d.isValid && d.toFormat(format) === value) return d.toISODate();
  }
  return null;
}

/** An ISO date as the field shows it in `lang`. */
export function formatFieldDate(iso: string, lang: Language): string {
  const d = DateTime.fromISO(iso, { zone: "UTC" });
  return d.isValid ? d.toFormat(DATE_FORMAT[lang]) : iso;
}

/**
 * A text field for a calendar date in the UI language's format (a date, not an instant: an
 * assessment's range starts at local midnight at each station). `fieldDate` reads it back as ISO.
 */
export function dateField(name: string, lang: Language, t: Translate, iso: string | null, attrs: Record<string, string> = {}): HTMLInputElement {
  const invalidMessage = t("form.dateFormat", { format: DATE_HINT[lang] });
  const input = h("input", {
    type: "text",
    name,
    value: iso === null ? "" : formatFieldDate(iso, lang),
    placeholder: DATE_HINT[lang],
    inputmode: "numeric",
    autocomplete: "off",
    spellcheck: "false",
    size: "10",
    "data-lang": lang,
    ...attrs,
  });
  const check = () => input.setCustomValidity(input.value.trim() === "" || fieldDate(input) !== null ? "" : invalidMessage);
  input.addEventListener("input", check);
  input.addEventListener("change", check);
  return input;
}

/** The ISO date in a dateField; null when empty or not a date. */
export function fieldDate(input: HTMLInputElement): string | null {
  return parseFieldDate(input.value, (input.dataset.lang ?? "en") as Language);
}
