// Date and time inputs follow the UI language, not the browser's (issue #19): a US-English browser
// with the dashboard in German shows and takes DD.MM.YYYY HH:mm, in Chinese YYYY/MM/DD HH:mm; a
// custom range typed that way is applied; text that is no date is marked invalid and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { buildClientOnce } from "./e2e-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

describe("date and time inputs in the UI language", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();

  beforeAll(async () => {
    await buildClientOnce();
    system = await startTestSystem();
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it.each([
    ["de", /^\d\d\.\d\d\.\d{4} \d\d:\d\d$/, "01.11.2026 00:00", "02.11.2026 12:30"],
    ["zh", /^\d{4}\/\d\d\/\d\d \d\d:\d\d$/, "2026/11/01 00:00", "2026/11/02 12:30"],
  ])("in %s on a US-English browser: shows, takes and checks the language's format", async (lang, shape, from, to) => {
    const ctx = await browser().newContext({ locale: "en-US", timezoneId: "Europe/Berlin" });
    await ctx.addInitScript((l) => localStorage.setItem("water-monitor.preferences", JSON.stringify({ lang: l, zone: "local" })), lang);
    const page = await ctx.newPage();
    await page.goto(`${system!.url}/#/station/DE-ELBE-ZEHREN?range=24h`);
    const fromInput = page.locator(".custom-range input[name='from']");
    await fromInput.waitFor();
    expect(await fromInput.inputValue()).toMatch(shape);

    await fromInput.fill("not a date");
    expect(await fromInput.evaluate((e: HTMLInputElement) => e.validity.valid)).toBe(false);
    expect(await fromInput.evaluate((e: HTMLInputElement) => e.validationMessage)).toMatch(lang === "de" ? /TT\.MM\.JJJJ/ : /年\/月\/日/);

    await fromInput.fill(from);
    await page.locator(".custom-range input[name='to']").fill(to);
    await page.click(".custom-range button[type='submit']");
    await page.waitForFunction(() => location.hash.includes("range=custom"));
    const hash = new URLSearchParams(new URL(page.url()).hash.split("?")[1]);
    // Read in the browser's zone (Berlin, CET in November).
    expect(Number(hash.get("from"))).toBe(Date.UTC(2026, 9, 31, 23, 0));
    expect(Number(hash.get("to"))).toBe(Date.UTC(2026, 10, 2, 11, 30));
    await ctx.close();
  });
});
