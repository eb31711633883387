// Number, unit, date and duration formatting with Intl. Pure: language, zone and unit mode are
// parameters, so the same functions serve the UI and the unit tests.
import { QUALIFIER, type Qualifier } from "../../common/reading.ts";
import type { CensoredMean } from "../../common/statistics/censored-mean.ts";
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

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A mean's window as an adjective: "30-day", "24-hour", "10-minute" (translated). */
export function meanWindow(ms: number, t: Translate): string {
  if (ms >= DAY_MS && ms % DAY_MS === 0) return t("mean.days", { n: ms / DAY_MS });
  if (ms >= HOUR_MS) return t("mean.hours", { n: Math.round((ms / HOUR_MS) * 10) / 10 });
  return t("mean.minutes", { n: Math.max(1, Math.round(ms / MINUTE_MS)) });
}

/** "30-day mean of 4,312 values": what a mean was computed from, in full (issue #13). */
export function meanDescription(windowMs: number, count: number, t: Translate, lang: Language): string {
  const window = meanWindow(windowMs, t);
  return count === 1 ? t("mean.ofOne", { window }) : t("mean.of", { window, count: formatCount(count, lang) });
}

/** A count with the language's grouping, never rounded: 4,312 / 4.312 / 4,312. */
export function formatCount(n: number, lang: Language): string {
  return new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 0, useGrouping: true }).format(n);
}

/**
 * A mean as it may be reported: the number, or "<LOQ (16.7 ng/L)" when it is below the limit it is
 * held against (Directive 2009/90/EC Art. 5(2)); "–" without values.
 */
export function formatMean(
  m: Pick<CensoredMean, "mean" | "reportedBelow" | "limit">,
  storedUnit: string,
  preferred: ConcentrationUnit,
  lang: Language,
  t: Translate,
): string {
  if (m.reportedBelow !== null && m.limit !== null) return formatCensored(m.reportedBelow, m.limit, storedUnit, preferred, lang, t);
  return m.mean === null ? "–" : formatQuantity(m.mean, storedUnit, preferred, lang);
}
