// Number, unit, date and duration formatting with Intl. Pure: language, zone and unit mode are
// parameters, so the same functions serve the UI and the unit tests.
import { QUALIFIER, type Qualifier } from "../../common/reading.ts";
import type { Language, Translate } from "./i18n/index.ts";
import { LOCALE } from "./i18n/index.ts";

/** How ng/L concentrations are shown; other units are shown as stored. */
export type ConcentrationUnit = "ng/L" | "µg/L";

export interface DisplayUnit {
  unit: string;
  factor: number;
}

/** Pharmaceuticals are stored in ng/L; users may prefer µg/L. Other units pass through. */
export function displayUnit(storedUnit: string, preferred: ConcentrationUnit): DisplayUnit {
  if (storedUnit === "ng/L" && preferred === "µg/L") return { unit: "µg/L", factor: 0.001 };
  return { unit: storedUnit, factor: 1 };
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** Three significant digits, locale separators; never scientific notation for readers. */
export function formatNumber(value: number, lang: Language, significant = 3): string {
  const key = `${lang}|${significant}`;
  let nf = numberFormats.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(LOCALE[lang], { maximumSignificantDigits: significant, useGrouping: true });
    numberFormats.set(key, nf);
  }
  return nf.format(value);
}

/** "123 ng/L", "0,123 µg/L"; pH has no unit text after the number. */
export function formatQuantity(value: number, storedUnit: string, preferred: ConcentrationUnit, lang: Language): string {
  const du = displayUnit(storedUnit, preferred);
  const n = formatNumber(value * du.factor, lang);
  return du.unit === "pH" ? `pH ${n}` : `${n} ${du.unit}`;
}

/** "<LOD (5 ng/L)" or "<LOQ (16.7 ng/L)": a censored value with the limit it lies below. */
export function formatCensored(qualifier: Qualifier, limit: number, storedUnit: string, preferred: ConcentrationUnit, lang: Language, t: Translate): string {
  return t(qualifier === QUALIFIER.belowLoq ? "value.belowLoq" : "value.belowLod", { limit: formatQuantity(limit, storedUnit, preferred, lang) });
}

/** A reading's value for display: censored values read "<LOD (5 ng/L)" or "<LOQ (…)", never 0. */
export function formatReadingValue(
  reading: { value: number | null; qualifier: Qualifier | null; limit: number | null },
  storedUnit: string,
  preferred: ConcentrationUnit,
  lang: Language,
  t: Translate,
): string {
  if (reading.value !== null) return formatQuantity(reading.value, storedUnit, preferred, lang);
  if (reading.qualifier !== null && reading.limit !== null) return formatCensored(reading.qualifier, reading.limit, storedUnit, preferred, lang, t);
  return "–";
}

/** Date and time in the given IANA zone ("UTC" included), e.g. "25 Nov 2026, 10:00 CET". */
export function formatDateTime(ms: number, lang: Language, timeZone: string | undefined, withZone = true): string {
  const text = new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: "medium", timeStyle: "short", timeZone }).format(ms);
  return withZone ? `${text} ${zoneAbbreviation(ms, lang, timeZone)}` : text;
}

export function zoneAbbreviation(ms: number, lang: Language, timeZone: string | undefined): string {
  const parts = new Intl.DateTimeFormat(LOCALE[lang], { timeZone, timeZoneName: "short" }).formatToParts(ms);
  return parts.find((p) => p.type === "timeZoneName")?.value ?? "";
}

/** "10 min", "6 h", "7 d" (translated), for aggregation intervals and mean windows. */
export function formatDuration(ms: number, t: Translate): string {
  const minutes = ms / 60_000;
  if (minutes < 60) return t("duration.minutes", { n: Math.max(1, Math.round(minutes)) });
  const hours = minutes / 60;
  if (hours < 48) return t("duration.hours", { n: Math.round(hours * 10) / 10 });
  return t("duration.days", { n: Math.round(hours / 24) });
}
