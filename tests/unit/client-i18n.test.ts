import { describe, expect, it } from "vitest";
import { catalogues, detectLanguage, interpolate, LANGUAGES, translator } from "../../client/src/i18n/index.ts";
import { en } from "../../client/src/i18n/en.ts";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("client i18n catalogues", () => {
  it.each(LANGUAGES)("%s defines every English key, and no others, with non-empty text", (lang) => {
    const messages = catalogues[lang] as Record<string, string>;
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(messages)) expect(text.trim(), key).not.toBe("");
  });

  it.each(LANGUAGES)("%s uses the same placeholders as English in every message", (lang) => {
    const messages = catalogues[lang] as Record<string, string>;
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(messages[key]!), `${lang} ${key}`).toEqual(placeholders(en[key]));
    }
  });

  it("German and Chinese actually translate the UI chrome", () => {
    expect(translator("de")("nav.overview")).toBe("Übersicht");
    expect(translator("zh")("nav.overview")).toBe("总览");
    expect(translator("en")("nav.overview")).toBe("Overview");
  });

  it("picks the first supported browser language, else English", () => {
    expect(detectLanguage(["fr-FR", "de-AT", "en"])).toBe("de");
    expect(detectLanguage(["zh-CN"])).toBe("zh");
    expect(detectLanguage(["zh-Hans-CN"])).toBe("zh");
    expect(detectLanguage(["fr", "es"])).toBe("en");
    expect(detectLanguage([])).toBe("en");
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(translator("en")("chart.points", { count: 12 })).toBe("12 points");
  });
});
