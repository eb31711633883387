// Honest statistics in a real browser (issue #13), against a real server and InfluxDB: a mean-based
// alert names its window and count in English, German and Chinese (list, detail, overview); the alert
// list shows every row in one zone, named once; the compare view marks the QC-suspect spike at
// Zehren; EE2's chart says its method is not sensitive enough for the AA-EQS and draws "< LOD" means.
// Screenshots (every language, and phone width) go to test-artifacts/ (gitignored).
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { ARTIFACTS, buildClientOnce, failOnPageErrors, legendEntries, sessionContext } from "./e2e-kit.ts";
import { collectPageErrors } from "../helpers/chromium.ts";
import { loginSession, type LoginSession } from "../helpers/auth.ts";
import { eventually, startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { testReading } from "../helpers/catalog.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const ZEHREN = "DE-ELBE-ZEHREN";
const DOMMITZSCH = "DE-ELBE-DOMMITZSCH";
/** The browser's own zone: neither Saxony's nor Chongqing's, so a row in station time would show. */
const BROWSER_ZONE = "America/New_York";

const WORDING = {
  en: { mean: "rolling 30-day mean of 3,457 values", value: "Value (single value or mean)", single: "single value", notSensitive: "method not sensitive enough for this standard" },
  de: { mean: "gleitendes 30-Tage-Mittel aus 3.457 Werten", value: "Wert (Einzelwert oder Mittel)", single: "Einzelwert", notSensitive: "Verfahren für diese Norm nicht empfindlich genug" },
  zh: { mean: "滑动 30 天均值（3,457 个值）", value: "数值（单个值或均值）", single: "单个值", notSensitive: "方法对此标准不够灵敏" },
} as const;
type Lang = keyof typeof WORDING;

/** History written straight to InfluxDB (with QC flags as given): EE2 never detected at Zehren, and carbamazepine with a suspect ~590 ng/L spike. */
function history(now: number): Reading[] {
  const out: Reading[] = [];
  for (let t = now - 30 * DAY; t < now - 30 * MIN; t += 10 * MIN) {
    out.push(testReading({ station: ZEHREN, parameter: "ethinylestradiol", time: t, value: null, qualifier: "<LOD", limit: 0.05, qc: 2 }));
  }
  let i = 0;
  for (let t = now - DAY; t < now - 30 * MIN; t += 10 * MIN, i++) {
    const spike = i === 60;
    out.push(testReading({ station: ZEHREN, parameter: "carbamazepine", time: t, value: spike ? 590 : 120 + (i % 7) * 2, qc: spike ? 3 : 1 }));
    out.push(testReading({ station: "DE-ELBE-SCHMILKA", parameter: "carbamazepine", time: t, value: 95 + (i % 5), qc: 1 }));
  }
  return out;
}

function contextFor(browser: Browser, system: AlertTestSystem, session: LoginSession, options: { lang: Lang; width?: number }): Promise<BrowserContext> {
  return sessionContext(browser, system.url, session.cookie, { ...options, timezoneId: BROWSER_ZONE });
}

describe("honest statistics in Chromium", () => {
  let system: AlertTestSystem | undefined;
  const browser = useChromium();
  let session: LoginSession;
  const pages: Array<{ page: Page; errors: string[] }> = [];
  const errors: string[] = [];

  beforeAll(async () => {
    await buildClientOnce();
    system = await startAlertSystem();
    const now = Date.now();
    await system.store.writeReadings(history(now));
    const token = (await system.stationTokens.create("t", ["*"])).token;
    // 3,456 diclofenac readings at Dommitzsch (80 % of 30 days of 10-minute readings) ending 7 h ago, then one live: an early warning.
    const end = now - 7 * 60 * MIN;
    const readings = Array.from({ length: 3456 }, (_, i) => ({ station: DOMMITZSCH, parameter: "diclofenac", time: end - (3455 - i) * 10 * MIN, value: 44 + (i % 3) }));
    expect((await postReadings(system.url, token, { readings })).status).toBe(202);
    await system.writer.drained();
    // Single-value alerts at a Saxon and a Chongqing station at the same hour: one list, one zone.
    const spill = [
      { station: DOMMITZSCH, parameter: "diclofenac", time: now - 5 * MIN, value: 45 },
      { station: ZEHREN, parameter: "clarithromycin", time: now - 20 * MIN, value: 40 },
      { station: ZEHREN, parameter: "clarithromycin", time: now - 10 * MIN, value: 165 },
      { station: "CN-YANGTZE-CUNTAN", parameter: "ammonium", time: now - 20 * MIN, value: 0.4 },
      { station: "CN-YANGTZE-CUNTAN", parameter: "ammonium", time: now - 10 * MIN, value: 1.6 },
    ];
    expect((await postReadings(system.url, token, { readings: spill })).status).toBe(202);
    await eventually(async () => (await system!.alerting.alerts.list({ state: "firing" })).length >= 3, "three firing alerts");
    session = await loginSession(system, "researcher");
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => errors);

  async function open(lang: Lang, hash: string, width?: number): Promise<Page> {
    const context = await contextFor(browser(), system!, session, { lang, width });
    const page = await context.newPage();
    pages.push({ page, errors: collectPageErrors(page) });
    await page.goto(`${system!.url}/${hash}`);
    return page;
  }

  /** Closes this test's pages; their script errors count for it (failOnPageErrors). */
  async function closeAll(): Promise<void> {
    for (const p of pages.splice(0)) {
      errors.push(...p.errors);
      await p.page.context().close();
    }
  }

  it.each<Lang>(["en", "de", "zh"])("in %s, the mean-based alert names its window and count in the list, the detail and the overview", async (lang) => {
    const w = WORDING[lang];
    const page = await open(lang, "#/alerts");
    await page.waitForSelector("[data-testid='alert-list'][aria-busy='false'] tr[data-alert-id]");
    expect(await page.locator("[data-testid='alert-list'] thead").textContent()).toContain(w.value);
    const meanRow = page.locator("tr[data-alert-id]", { has: page.locator("[data-value-kind='mean']") });
    expect(await meanRow.count()).toBe(1);
    expect(await meanRow.locator("[data-testid='alert-value']").textContent()).toContain(w.mean);
    expect(await meanRow.locator("[data-testid='alert-sensor']").textContent()).toBe("SIM-DE-ELBE-DOMMITZSCH-DICLOFENAC");
    const single = page.locator("[data-value-kind='single']").first();
    expect(await single.textContent()).toContain(w.single);
    await page.screenshot({ path: path.join(ARTIFACTS, `honest-alerts-${lang}.png`), fullPage: true });

    await meanRow.locator("[data-testid='alert-details']").click();
    const detail = page.locator("[data-testid='alert-detail']");
    await detail.locator("[data-history-state='firing']").waitFor();
    expect(await detail.locator("[data-testid='alert-value']").textContent()).toContain(w.mean);
    expect(await detail.locator("[data-history-state='firing']").textContent()).toContain(w.mean);
    expect(await detail.locator("[data-testid='early-warning-note']").count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, `honest-alert-detail-${lang}.png`), fullPage: true });

    await page.goto(`${system!.url}/#/`);
    const card = page.locator(`.card[data-station='${DOMMITZSCH}']`);
    await page.waitForSelector(`.card[data-station='${DOMMITZSCH}'][data-status='early-warning']`);
    expect(await card.locator(".issues").textContent()).toContain(w.mean);
    await page.screenshot({ path: path.join(ARTIFACTS, `honest-overview-${lang}.png`), fullPage: true });
    await closeAll();
  });

  it("shows every alert row in one zone, the browser's, named once in the header (no CET or GMT+8 rows)", async () => {
    const page = await open("en", "#/alerts");
    await page.waitForSelector("[data-testid='alert-list'][aria-busy='false'] tr[data-alert-id]");
    expect(await page.locator("[data-testid='alert-list'] thead").textContent()).toContain(`Started (${BROWSER_ZONE})`);
    const rows = await page.locator("tr[data-alert-id]").evaluateAll((trs) =>
      trs.map((tr) => ({ station: tr.querySelector("a")?.textContent ?? "", time: tr.querySelector("time")?.textContent ?? "", iso: tr.querySelector("time")?.getAttribute("datetime") ?? "" })),
    );
    expect(rows.some((r) => /Cuntan/.test(r.station))).toBe(true);
    expect(rows.some((r) => /Zehren/.test(r.station))).toBe(true);
    for (const r of rows) {
      expect(r.time).not.toMatch(/CET|CEST|GMT|UTC|EST|EDT/);
      // Each row reads as that instant in New York time.
      const expected = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: BROWSER_ZONE }).format(Date.parse(r.iso));
      expect(r.time).toBe(expected);
    }
    await closeAll();
  });

  it("the compare view marks the suspect ~590 ng/L spike at Zehren, as the station page does", async () => {
    const page = await open("en", `#/compare?mode=stations&parameter=carbamazepine&stations=${ZEHREN},DE-ELBE-SCHMILKA&range=24h`);
    await page.waitForSelector(".compare-panel[data-suspect='1']", { timeout: 15_000 });
    const legend = await page.evaluate(() => (document.querySelector(".compare-panel canvas") as HTMLCanvasElement).getAttribute("aria-label"));
    expect(legend).toContain("Zehren");
    await page.screenshot({ path: path.join(ARTIFACTS, "honest-compare-en.png"), fullPage: true });
    await closeAll();
  });

  it.each<Lang>(["en", "de", "zh"])("in %s, EE2 at Zehren: 'not sensitive enough' next to the AA-EQS, and '< LOD' means", async (lang) => {
    const page = await open(lang, `#/station/${ZEHREN}?range=30d&p=ethinylestradiol`);
    await page.waitForSelector(".panel[data-parameter='ethinylestradiol'][aria-busy='false']");
    const note = page.locator(".panel[data-parameter='ethinylestradiol'] [data-testid='not-sensitive']");
    expect(await note.count()).toBeGreaterThan(0);
    expect(await note.first().textContent()).toContain(WORDING[lang].notSensitive);
    expect(await note.first().textContent()).toContain("SIM-DE-ELBE-ZEHREN-ETHINYLESTRADIOL");
    await page.screenshot({ path: path.join(ARTIFACTS, `honest-ee2-${lang}.png`), fullPage: true });
    await closeAll();
  });

  // One test per view (three languages each): twelve pages in one test outgrew its minute on a loaded 2-core machine.
  it.each([
    ["alerts", "#/alerts"],
    ["overview", "#/"],
    ["station", `#/station/${ZEHREN}?range=30d&p=ethinylestradiol,carbamazepine`],
    ["compare", `#/compare?mode=stations&parameter=carbamazepine&stations=${ZEHREN},DE-ELBE-SCHMILKA&range=24h`],
  ] as const)("reads at phone width: %s", async (name, hash) => {
    for (const lang of ["en", "de", "zh"] as const) {
      const page = await open(lang, hash, 390);
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await page.screenshot({ path: path.join(ARTIFACTS, `honest-phone-${name}-${lang}.png`), fullPage: true });
      expect(overflow, `${name} in ${lang} scrolls sideways`).toBeLessThanOrEqual(1);
      if (name === "station" || name === "compare") {
        // The legend is HTML under each chart and wraps: a canvas legend cut long entries at both edges.
        const entries = await legendEntries(page);
        expect(entries.length, `${name} in ${lang} has a chart legend`).toBeGreaterThan(0);
        for (const e of entries) expect([e.left >= 0, e.right <= 390], `legend entry "${e.text}" (${name}, ${lang}) at ${e.left}–${e.right} px`).toEqual([true, true]);
        // An entry is a button that switches its line off and on, as the canvas legend's entries did.
        const first = page.locator(".chart-legend-item").first();
        await first.click();
        await expect.poll(() => first.getAttribute("aria-pressed")).toBe("false");
        await first.click();
        await expect.poll(() => first.getAttribute("aria-pressed")).toBe("true");
      }
    }
    await closeAll();
  });
});
