import { describe, expect, it } from "vitest";
import { displayUnit, formatDateTime, formatDuration, formatNumber, formatQuantity, formatReadingValue } from "../../client/src/format.ts";
import { translator } from "../../client/src/i18n/index.ts";

describe("client formatting", () => {
  it("formats numbers with three significant digits and the language's separators", () => {
    expect(formatNumber(1234.5, "en")).toBe("1,230");
    expect(formatNumber(1234.5, "de")).toBe("1.230");
    expect(formatNumber(0.01734, "de")).toBe("0,0173");
    expect(formatNumber(68.12, "zh")).toBe("68.1");
  });

  it("shows ng/L concentrations in µg/L on request and leaves other units alone", () => {
    expect(displayUnit("ng/L", "µg/L")).toEqual({ unit: "µg/L", factor: 0.001 });
    expect(displayUnit("mg/L", "µg/L")).toEqual({ unit: "mg/L", factor: 1 });
    expect(formatQuantity(40, "ng/L", "µg/L", "en")).toBe("0.04 µg/L");
    expect(formatQuantity(40, "ng/L", "ng/L", "de")).toBe("40 ng/L");
    expect(formatQuantity(7.84, "pH", "ng/L", "en")).toBe("pH 7.84");
  });

  it("writes censored readings as <LOD or <LOQ with the limit, never as 0", () => {
    const t = translator("en");
    expect(formatReadingValue({ value: null, qualifier: "<LOD", limit: 5 }, "ng/L", "ng/L", "en", t)).toBe("<LOD (5 ng/L)");
    expect(formatReadingValue({ value: null, qualifier: "<LOD", limit: 5 }, "ng/L", "µg/L", "en", t)).toBe("<LOD (0.005 µg/L)");
    expect(formatReadingValue({ value: null, qualifier: "<LOQ", limit: 16.7 }, "ng/L", "ng/L", "en", t)).toBe("<LOQ (16.7 ng/L)");
    expect(formatReadingValue({ value: null, qualifier: "<LOQ", limit: 16.7 }, "ng/L", "ng/L", "de", translator("de"))).toBe("<BG (16,7 ng/L)");
    expect(formatReadingValue({ value: 0, qualifier: null, limit: null }, "ng/L", "ng/L", "en", t)).toBe("0 ng/L");
  });

  it("formats dates in the requested zone with its abbreviation", () => {
    const t = Date.UTC(2026, 10, 25, 9, 0); // winter: CET = UTC+1, China = UTC+8
    expect(formatDateTime(t, "en", "UTC")).toBe("25 Nov 2026, 09:00 UTC");
    expect(formatDateTime(t, "en", "Europe/Berlin")).toMatch(/10:00 (CET|GMT\+1)$/);
    expect(formatDateTime(t, "de", "Asia/Shanghai")).toContain("17:00");
    expect(formatDateTime(t, "zh", "Asia/Shanghai")).toContain("2026年11月25日");
  });

  it("formats aggregation intervals and windows as translated durations", () => {
    expect(formatDuration(10 * 60_000, translator("en"))).toBe("10 min");
    expect(formatDuration(2 * 3_600_000, translator("en"))).toBe("2 h");
    expect(formatDuration(7 * 86_400_000, translator("de"))).toBe("7 T");
    expect(formatDuration(86_400_000, translator("zh"))).toBe("24 小时");
  });
});
