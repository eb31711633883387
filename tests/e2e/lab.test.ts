// Lab results in a real browser against a real server and InfluxDB: a researcher uploads a German lab
// file on the Lab results page, reads the dry-run report (a rejected row with its line and the
// closest catalog match), applies only the valid rows after the warning, sees the import in the
// history, finds the results as markers on the station chart, and reads the validation page's
// numbers. Screenshots go to test-artifacts/.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { createUser, loginSession, type TestUser } from "../helpers/auth.ts";
import { collectPageErrors } from "../helpers/chromium.ts";
import { testReading } from "../helpers/catalog.ts";
import { importFile } from "../helpers/lab-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { logInThroughForm, newWatchedPage, type WatchedPage } from "./auth-kit.ts";
import { ARTIFACTS, buildClientOnce, failOnPageErrors, legendEntries, sessionContext } from "./e2e-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const STATION = "DE-ELBE-ZEHREN";
const DAY = 86_400_000;
const DAYS = 12;
/** Twelve daily composites from 08:00 UTC, ending two days ago. */
const FIRST = Math.floor((Date.now() - (DAYS + 2) * DAY) / DAY) * DAY + 8 * 3_600_000;
/** Day i: the lab finds 50 + 10·i ng/L, the sensor reads 10 % more all day. */
const labValue = (i: number) => 50 + 10 * i;

function sensorReadings(): Reading[] {
  const out: Reading[] = [];
  for (let i = 0; i < DAYS; i++) {
    for (let k = 0; k < 144; k++) out.push(testReading({ station: STATION, parameter: "carbamazepine", time: FIRST + i * DAY + k * 600_000, value: 1.1 * labValue(i) }));
  }
  return out;
}

/** A German lab export: semicolons, decimal commas, µg/L, DD.MM.YYYY (UTC offsets avoided by writing local time). */
function germanFile(): string {
  const local = (ms: number) => {
    const d = new Date(ms);
    const parts = new Intl.DateTimeFormat("de-DE", { timeZone: "Europe/Berlin", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" }).formatToParts(d);
    const get = (type: string) => parts.find((p) => p.type === type)!.value;
    return `${get("day")}.${get("month")}.${get("year")} ${get("hour")}:${get("minute")}`;
  };
  const rows = Array.from({ length: DAYS }, (_, i) => {
    const start = FIRST + i * DAY;
    return `Zehren;ZE-${i + 1};zeitproportionale Mischprobe;${local(start)};${local(start + DAY)};Carbamazepin;${(labValue(i) / 1000).toFixed(3).replace(".", ",")};0,001;µg/L;15 %;BfUL Labor;LC-MS/MS, DIN 38407-47`;
  });
  // Line 14: a compound the catalog does not know (a typo).
  rows.push(`Zehren;ZE-99;Stichprobe;${local(FIRST)};;Carbamazepim;0,1;0,001;µg/L;15 %;BfUL Labor;LC-MS/MS`);
  return ["Messstelle;Proben-Nr.;Probenart;Probenahme Beginn;Probenahme Ende;Parameter;Wert;BG;Einheit;Messunsicherheit;Labor;Verfahren", ...rows].join("\r\n") + "\r\n";
}

describe("Lab results in Chromium", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();
  let researcher: TestUser;
  let w: WatchedPage;

  beforeAll(async () => {
    await buildClientOnce();
    system = await startTestSystem();
    await system.store.writeReadings(sensorReadings());
    researcher = await createUser(system, "researcher");
    w = await newWatchedPage(browser());
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => w?.problems);

  const shot = (name: string) => w.page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });

  it("uploads a file, shows the dry-run report, and applies only the valid rows after the warning", async () => {
    const { page } = w;
    await page.goto(`${system!.url}/#/login?${new URLSearchParams({ next: "#/lab" })}`);
    await logInThroughForm(page, researcher.username, researcher.password);
    await page.waitForSelector(".lab-page");
    await page.setInputFiles("input[name=lab-file]", { name: "BfUL-Zehren.csv", mimeType: "text/csv", buffer: Buffer.from(germanFile()) });
    await page.click("[data-testid=lab-dry-run]");
    await page.waitForSelector("[data-testid=lab-report]");
    const count = (row: string, kind: string) => page.textContent(`[data-testid=lab-counts] tr[data-row=${row}] td[data-count=${kind}]`);
    expect(await count("results", "added")).toBe(String(DAYS));
    expect(await count("results", "rejected")).toBe("1");
    expect(await count("samples", "added")).toBe(String(DAYS));
    const rejected = page.locator("[data-testid=lab-rejected] li[data-line='14']");
    expect(await rejected.textContent()).toMatch(/Carbamazepim.*carbamazepine/s);
    // Nothing is stored by the dry run, and Apply waits for the "only valid rows" choice.
    expect(await page.locator("[data-testid=lab-apply]").isDisabled()).toBe(true);
    expect(await page.locator(".lab-history [data-import]").count()).toBe(0);
    await shot("lab-dry-run.png");

    await page.check("[data-testid=lab-only-valid]");
    await page.click("[data-testid=lab-apply]");
    await page.waitForSelector(".lab-report h3:text-matches('Imported')");
    await page.waitForSelector(".lab-history [data-import]");
    expect(await page.textContent("[data-testid=notice]")).toMatch(/Import #1 applied: 12 result\(s\) added/);
    expect(await page.textContent(".lab-history [data-import='1']")).toMatch(/12 added, 0 changed, 0 unchanged, 1 rejected/);
    await shot("lab-applied.png");
  });

  it("shows the results on the station chart as lab markers, and a new import without a reload", async () => {
    const { page } = w;
    const from = FIRST - DAY;
    const to = FIRST + (DAYS + 1) * DAY;
    await page.goto(`${system!.url}/#/station/${STATION}?range=custom&from=${from}&to=${to}&p=carbamazepine`);
    const panel = page.locator(".panel[data-parameter=carbamazepine]");
    await panel.locator("xpath=self::*[@data-lab-results='12']").waitFor();
    expect(await panel.getAttribute("data-lab-results")).toBe("12");
    await shot("lab-station-chart.png");

    // Another import (through the API, as a script would) appears on the open page without a reload.
    const { token } = await system!.auth.apiTokens.create(researcher.id, "script", "researcher", null);
    const at = new Date(FIRST + 3 * DAY + 10 * 3_600_000).toISOString();
    const csv = `station,sample_id,sample_type,sampling_start,compound,value,loq,unit,laboratory\n${STATION},G-1,grab,${at},carbamazepine,<0.5,0.5,ng/L,BfUL Labor\n`;
    const { applied } = await importFile(system!.url, { authorization: `Bearer ${token}` }, { name: "grab.csv", bytes: csv });
    expect(applied.status).toBe(201);
    await panel.locator("xpath=self::*[@data-lab-results='13']").waitFor({ timeout: 10_000 });
  });

  it("shows the validation page's numbers: +10 % bias, Passing–Bablok slope 1.1, no drift, the <LOQ pair left out", async () => {
    const { page } = w;
    await page.goto(`${system!.url}/#/validation?station=${STATION}&parameter=carbamazepine&sensor=SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE&period=3m`);
    await page.waitForSelector("[data-testid=validation-summary]");
    const counts = page.locator("[data-testid=validation-counts]");
    // The "<LOQ" grab sample of the test before is shown but left out, and the page says why.
    expect(await counts.getAttribute("data-total")).toBe(String(DAYS + 1));
    expect(await counts.getAttribute("data-used")).toBe(String(DAYS));
    expect(await counts.textContent()).toMatch(/1 shown but left out: 1 × lab result < LOQ/);
    const number = async (stat: string) => Number(await page.getAttribute(`[data-stat=${stat}] .validation-number`, "data-value"));
    // Mean lab value 105 ng/L: the sensor is 10.5 ng/L, 10 %, higher.
    expect(await number("bias")).toBeCloseTo(10.5, 6);
    expect(Number(await page.getAttribute("[data-stat=bias] p[data-value]:not(.validation-number)", "data-value"))).toBeCloseTo(10, 6);
    expect(await number("passing-bablok")).toBeCloseTo(1.1, 6);
    expect(await number("drift")).toBeCloseTo(0, 6);
    expect(await page.textContent("[data-stat=passing-bablok] h3")).toMatch(/Passing–Bablok/);
    expect(await page.getAttribute("[data-testid=validation-csv]", "href")).toMatch(/^\/api\/v1\/lab\/validation\.csv\?station=DE-ELBE-ZEHREN/);
    await shot("lab-validation.png");
  });

  it.each([
    ["en", "95 % limits of agreement"],
    ["de", "95-%-Übereinstimmungsgrenzen"],
    ["zh", "95% 一致性界限"],
  ] as const)("reads the validation page at phone width in %s: legends wrap, one entry switches both limits of agreement", async (lang, limits) => {
    const session = await loginSession(system!, "researcher");
    const context = await sessionContext(browser(), system!.url, session.cookie, { lang, width: 390, timezoneId: "Europe/Berlin" });
    try {
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await page.goto(`${system!.url}/#/validation?station=${STATION}&parameter=carbamazepine&sensor=SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE&period=3m`);
      await page.waitForSelector("[data-testid=validation-summary]");
      await page.waitForSelector(".chart-legend-item");
      await page.screenshot({ path: path.join(ARTIFACTS, `lab-validation-phone-${lang}.png`), fullPage: true });
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(1);
      // The legends are HTML under the charts, wrapping on a phone instead of being cut at the canvas edges.
      const entries = await legendEntries(page);
      expect(entries.length).toBeGreaterThanOrEqual(5);
      for (const e of entries) expect([e.left >= 0, e.right <= 390], `legend entry "${e.text}" at ${e.left}–${e.right} px`).toEqual([true, true]);
      // The Bland–Altman chart's one entry for both limits of agreement hides both lines: no pixel of their colour is left.
      // In ng/L, where the differences spread (in % of the lab value all are 10 %, and both limits lie under the mean's line).
      const absolute = page.locator(".validation-toggle button").nth(1);
      await absolute.click();
      await expect.poll(() => absolute.getAttribute("aria-pressed")).toBe("true");
      const chart = page.locator(".chart", { has: page.locator(".chart-legend-item", { hasText: limits }) });
      const limitPixels = () =>
        chart.locator("canvas").evaluate((canvas: HTMLCanvasElement) => {
          const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
          let n = 0;
          // #CC79A7, the limits' colour (charts/validation-charts.ts), within antialiasing.
          for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i]! - 0xcc) + Math.abs(data[i + 1]! - 0x79) + Math.abs(data[i + 2]! - 0xa7) < 24 && data[i + 3]! > 200) n++;
          return n;
        });
      expect(await limitPixels()).toBeGreaterThan(20);
      const entry = chart.locator(".chart-legend-item", { hasText: limits });
      await entry.click();
      await expect.poll(() => entry.getAttribute("aria-pressed")).toBe("false");
      await expect.poll(limitPixels).toBe(0);
      await entry.click();
      await expect.poll(limitPixels).toBeGreaterThan(20);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
