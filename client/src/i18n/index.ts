// Message catalogues and the translator. The current language lives in the preferences store
// (state.ts); this module is pure so it can be unit-tested.
import { de } from "./de.ts";
import { en, type MessageKey, type Messages } from "./en.ts";
import { zh } from "./zh.ts";

export type Language = "en" | "de" | "zh";
export type { MessageKey, Messages };

export const LANGUAGES: readonly Language[] = ["en", "de", "zh"];
export const catalogues: Readonly<Record<Language, Messages>> = { en, de, zh };

/** BCP 47 tags for Intl and <html lang>. */
export const LOCALE: Readonly<Record<Language, string>> = { en: "en-GB", de: "de-DE", zh: "zh-CN" };
/** Each language's name in itself, for the switcher. */
export const LANGUAGE_NAME: Readonly<Record<Language, string>> = { en: "English", de: "Deutsch", zh: "中文（简体）" };

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** First supported language in the browser's preference list, else English. */
export function detectLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function interpolate(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translator(lang: Language): Translate {
  const messages = catalogues[lang];
  return (key, params) => interpolate(messages[key] ?? en[key], params);
}
