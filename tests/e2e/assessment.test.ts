// Compliance assessment in a real browser (issue #18), against a real server and InfluxDB: the status
// table for a year (verdict as icon + word + margin, "no data" distinct from "complies", the GB 3838
// class against the target class), a click into a cell (monthly means chart, rules, values with
// "< LOD" marked, year over year, loads), a year without data, and the printable report rendered to
// PDF by Chromium (page.pdf) whose text is read back with pdfjs. Screenshots in en/de/zh and at phone
// width go to test-artifacts/ (gitignored).
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QC } from "../../common/reading.ts";
import { ARTIFACTS, buildClientOnce, failOnPageErrors, sessionContext } from "./e2e-kit.ts";
import { collectPageErrors } from "../helpers/chromium.ts";
import { loginSession, type LoginSession } from "../helpers/auth.ts";
import { primarySensorId } from "../helpers/catalog.ts";
import { yearOfReadings, type ReadingSpec } from "../helpers/assessment-data.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

/** This year, as the integration test: a past year would lie beyond the raw retention policy. */
const YEAR = new Date().getUTCFullYear();
const ZEHREN = "DE-ELBE-ZEHREN";
const CUNTAN = "CN-YANGTZE-CUNTAN";
const HOURLY = 6;

// Hourly readings (every sixth 10-minute step) keep the test quick; the daily means are the same kind.
const SERIES: Array<{ station: string; zone: string; parameter: string; spec: (i: number) => ReadingSpec }> = [
  // A spike of 900 ng/L on one day: the MAC-EQS (130 ng/L) fails.
  { station: ZEHREN, zone: "Europe/Berlin", parameter: "clarithromycin", spec: (i) => ({ value: i >= 24 * 200 && i < 24 * 200 + 12 ? 900 : 40 + (i % 7) }) },
  // Always below its limit of detection, which is too coarse for the AA-EQS: not assessable.
  { station: ZEHREN, zone: "Europe/Berlin", parameter: "ethinylestradiol", spec: () => ({ lod: 0.05 }) },
  // Well below the standards, every tenth day "< LOQ" all day, and a few failed readings.
  { station: ZEHREN, zone: "Europe/Berlin", parameter: "diclofenac", spec: (i) => (i % 97 === 0 ? { value: 10_000, qc: QC.fail } : Math.floor(i / 24) % 10 === 0 ? { loq: 5 } : { value: 20 + (i % 5) }) },
  { station: ZEHREN, zone: "Europe/Berlin", parameter: "discharge", spec: (i) => ({ value: 300 + (i % 24) }) },
  { station: CUNTAN, zone: "Asia/Shanghai", parameter: "ammonium", spec: (i) => ({ value: 1.2 + (i % 3) * 0.05 }) },
  { station: CUNTAN, zone: "Asia/Shanghai", parameter: "dissolved_oxygen", spec: (i) => ({ value: 7 + (i % 4) * 0.1 }) },
];

const WORDS = {
  en: { fails: "fails", noData: "no data", notAssessable: "not assessable", complies: "complies", heading: "Compliance assessment" },
  de: { fails: "nicht eingehalten", noData: "keine Daten", notAssessable: "nicht bewertbar", complies: "eingehalten", heading: "Bewertung der Einhaltung" },
  zh: { fails: "超标", noData: "无数据", notAssessable: "无法评价", complies: "达标", heading: "水质达标评价" },
} as const;
type Lang = keyof typeof WORDS;


/** The text of every page of a PDF, with pdfjs-dist (no worker in Node). */
async function pdfText(pdf: Buffer): Promise<{ pages: number; text: string }> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    parts.push(content.items.map((it) => ("str" in it ? it.str : "")).join(" "));
  }
  await doc.destroy();
  return { pages: doc.numPages, text: parts.join("\n").replace(/\s+/g, " ") };
}

describe("compliance assessment in Chromium", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();
  let session: LoginSession;
  let page: Page | undefined;
  let errors: string[] | undefined;

  beforeAll(async () => {
    await buildClientOnce();
    system = await startTestSystem();
    await system.store.ensureSchema();
    for (const s of SERIES) {
      const readings = yearOfReadings({ station: s.station, parameter: s.parameter, sensor: primarySensorId(s.station, s.parameter) }, YEAR, s.zone, (i) => s.spec(i / HOURLY)).filter((_, i) => i % HOURLY === 0);
      await system.store.writeReadings(readings);
    }
    session = await loginSession(system, "researcher");
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });

  failOnPageErrors(() => errors);

  async function open(lang: Lang, hash: string, width?: number): Promise<Page> {
    await page?.context().close();
    const context = await sessionContext(browser(), system!.url, session.cookie, { lang, width, timezoneId: "UTC" });
    page = await context.newPage();
    errors = collectPageErrors(page);
    await page.goto(`${system!.url}/${hash}`);
    return page;
  }

  const cell = (p: Page, station: string, parameter: string) => p.locator(`tr[data-station="${station}"] td[data-parameter="${parameter}"]`);

  it.each(["en", "de", "zh"] as const)("%s: the status table shows each verdict as icon, word and margin; no data is not compliance", async (lang) => {
    const p = await open(lang, `#/assessment?year=${YEAR}&basis=sensor&q=`);
    await p.locator(".assess-table").waitFor();
    await expect.poll(() => p.locator("h1").textContent()).toBe(WORDS[lang].heading);
    const clari = cell(p, ZEHREN, "clarithromycin");
    expect(await clari.getAttribute("data-verdict")).toBe("fails");
    const clariText = (await clari.innerText()).replace(/\s+/g, " ");
    expect(clariText).toContain("✗");
    expect(clariText).toContain(WORDS[lang].fails);
    // The margin: the highest daily mean (several hundred ng/L) over the MAC-EQS of 130 ng/L.
    expect(clariText).toMatch(/\d([.,]\d+)? × /);
    const ee2 = cell(p, ZEHREN, "ethinylestradiol");
    expect(await ee2.getAttribute("data-verdict")).toBe("not-assessable");
    expect(await ee2.innerText()).toContain(WORDS[lang].notAssessable);
    expect(await cell(p, ZEHREN, "diclofenac").getAttribute("data-verdict")).toBe("complies");
    // A station without any reading in the year: "no data" (∅), never "complies".
    const schmilka = cell(p, "DE-ELBE-SCHMILKA", "diclofenac");
    expect(await schmilka.getAttribute("data-verdict")).toBe("no-data");
    expect(await schmilka.innerText()).toContain("∅");
    expect(await schmilka.innerText()).toContain(WORDS[lang].noData);
    // Cuntan's GB 3838 class: ammonium ~1.25 mg/L is class IV (≤ 1.5), worse than target III.
    const cls = p.locator(`tr[data-station="${CUNTAN}"] td.class-cell`);
    expect(await cls.getAttribute("data-verdict")).toBe("fails");
    expect(await cls.innerText()).toContain("IV");
    // Rows in river order: the Elbe's stations in flow direction (river km ascending).
    const elbe = await p.locator('tr[data-station^="DE-ELBE-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-station")));
    expect(elbe.indexOf("DE-ELBE-SCHMILKA")).toBeLessThan(elbe.indexOf(ZEHREN));
    await p.screenshot({ path: path.join(ARTIFACTS, `assessment-status-${lang}.png`), fullPage: true });
  });

  it("phone width: the table scrolls inside its box, the page does not", async () => {
    const p = await open("de", `#/assessment?year=${YEAR}&basis=sensor`, 390);
    await p.locator(".assess-table").waitFor();
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await p.screenshot({ path: path.join(ARTIFACTS, "assessment-status-phone.png"), fullPage: true });
  });

  /** Each option change is a request that takes seconds on a loaded machine. */
  const SLOW = { timeout: 30_000, interval: 200 };
  /** The table of the latest request (not the one shown while it loads). */
  const settled = async (p: Page) => {
    await p.locator(".assess-table").waitFor();
    await p.locator(".assess-status .state-loading").waitFor({ state: "detached" });
  };
  const hashOf = (p: Page) => new URLSearchParams(new URL(p.url()).hash.split("?")[1] ?? "");

  it("the options — MAC-EQS by percentile, approved data only, a date range, data as of an instant — change the table, live in the URL and reach the report", async () => {
    const p = await open("en", `#/assessment?year=${YEAR}&basis=sensor`);
    await p.locator(".assess-table").waitFor();
    expect(await cell(p, ZEHREN, "clarithromycin").getAttribute("data-verdict")).toBe("fails");
    // The 90th percentile of the daily means lies far below 130 ng/L: one spike day no longer fails the MAC-EQS.
    await p.selectOption('select[name="macMode"]', "p90");
    await expect.poll(() => cell(p, ZEHREN, "clarithromycin").getAttribute("data-verdict"), SLOW).toBe("complies");
    expect(hashOf(p).get("mac")).toBe("p90");
    // Nobody approved these data: "approved only" gives no verdict.
    await p.check('[data-testid="assess-approved"]');
    await expect.poll(() => cell(p, ZEHREN, "clarithromycin").getAttribute("data-verdict"), SLOW).toBe("not-assessable");
    expect(await cell(p, ZEHREN, "clarithromycin").evaluate((el) => el.outerHTML)).toContain("too few approved values");
    expect(hashOf(p).get("approved")).toBe("1");
    await p.uncheck('[data-testid="assess-approved"]');
    await expect.poll(() => hashOf(p).get("approved"), SLOW).toBeNull();
    // A range of the first half year (the spike is on day 200, in July), every value against the MAC-EQS again.
    await p.selectOption('select[name="macMode"]', "every-value");
    await p.selectOption('select[name="period"]', "range");
    await p.fill('[data-testid="assess-from"]', `${YEAR}-01-01`);
    await p.fill('[data-testid="assess-to"]', `${YEAR}-07-01`);
    await p.press('[data-testid="assess-to"]', "Tab");
    await expect.poll(() => hashOf(p).get("to"), SLOW).toBe(`${YEAR}-07-01`);
    expect(hashOf(p).get("period")).toBe("range");
    await expect.poll(() => cell(p, ZEHREN, "clarithromycin").getAttribute("data-verdict"), SLOW).toBe("complies");
    // A range the wrong way round is refused in the form, not sent.
    await p.fill('[data-testid="assess-from"]', `${YEAR}-08-01`);
    await p.press('[data-testid="assess-from"]', "Tab");
    await p.locator(".field-error", { hasText: "at most 10 years apart" }).waitFor();
    expect(hashOf(p).get("from")).toBe(`${YEAR}-01-01`);
    // Data as of yesterday midnight (UTC), typed in the language's format.
    const asOf = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000);
    await p.fill('[data-testid="assess-asof"]', asOf.toISOString().slice(0, 16).replace("T", " "));
    await p.press('[data-testid="assess-asof"]', "Tab");
    await expect.poll(() => hashOf(p).get("asOf"), SLOW).toBe(asOf.toISOString());
    await p.locator(".assess-table").waitFor();
    const shared = new URL(p.url()).hash;

    // The link restores every option, in another language; so does the report it links to.
    for (const lang of ["de", "zh"] as const) {
      const q = await open(lang, shared);
      await settled(q);
      expect(await q.inputValue('select[name="period"]')).toBe("range");
      expect(await q.inputValue('select[name="macMode"]')).toBe("every-value");
      expect(await q.inputValue('[data-testid="assess-from"]')).toBe(lang === "de" ? `01.01.${YEAR}` : `${YEAR}/01/01`);
      expect(await q.locator('[data-testid="assess-asof"]').inputValue()).not.toBe("");
      await q.screenshot({ path: path.join(ARTIFACTS, `assessment-options-${lang}.png`), fullPage: false });
    }
    const r = await open("en", shared);
    await r.locator("select[name=macMode]").selectOption("p95");
    await r.check('[data-testid="assess-approved"]');
    await expect.poll(() => hashOf(r).get("approved"), SLOW).toBe("1");
    await settled(r);
    expect(await cell(r, ZEHREN, "clarithromycin").getAttribute("data-verdict")).toBe("not-assessable");
    await r.screenshot({ path: path.join(ARTIFACTS, "assessment-options-en.png"), fullPage: false });
    await r.click(`a:has-text("Printable report")`);
    await r.locator('article.report[data-ready="true"]').waitFor();
    const method = (await r.locator('[data-testid="report-options"]').innerText()).replace(/\s+/g, " ");
    expect(method).toContain(`Period: ${YEAR}-01-01 to ${YEAR}-07-01, end exclusive`);
    expect(method).toContain("MAC-EQS test: 95th percentile");
    expect(method).toContain("Approved data only: yes");
    expect(method).toMatch(/Data as of: .*\d/);
    await r.locator(".report-method").screenshot({ path: path.join(ARTIFACTS, "assessment-report-options-en.png") });
  });

  it("phone width with the options: every control fits, the page does not scroll sideways", async () => {
    const p = await open("zh", `#/assessment?year=${YEAR}&basis=sensor&period=range&from=${YEAR}-01-01&to=${YEAR}-07-01&approved=1&mac=p90`, 390);
    await settled(p);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    for (const control of await p.locator(".assess-controls .field").all()) {
      const box = (await control.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(391);
    }
    await p.screenshot({ path: path.join(ARTIFACTS, "assessment-options-phone.png"), fullPage: false });
  });

  it("a click into a cell opens its details: rules, monthly means chart, values with '< LOQ', year over year, loads", async () => {
    const p = await open("en", `#/assessment?year=${YEAR}&basis=sensor`);
    await cell(p, ZEHREN, "diclofenac").locator("a").click();
    await p.locator(".result-card").first().waitFor();
    expect(p.url()).toContain(`#/assessment/${ZEHREN}/diclofenac?year=${YEAR}&basis=sensor`);
    const cards = await p.locator(".result-card").evaluateAll((c) => c.map((x) => x.getAttribute("data-verdict")));
    expect(cards).toContain("complies");
    const text = (await p.locator(".assessment-detail").innerText()).replace(/\s+/g, " ");
    expect(text).toContain("Directive 2008/105/EC");
    expect(text).toContain("Directive 2009/90/EC");
    expect(await p.locator(".assess-section canvas").count()).toBeGreaterThanOrEqual(2);
    // The values used: every day, "< LOQ" days marked (researcher).
    await expect.poll(() => p.locator(".values-table tbody tr").count()).toBeGreaterThan(300);
    expect(await p.locator('.values-table tr[data-censored="<LOQ"]').count()).toBeGreaterThan(0);
    // Year over year: five columns, this year's verdict "complies".
    expect(await p.locator(`.years-table td[data-year="${YEAR}"]`).first().getAttribute("data-verdict")).toBe("complies");
    // Loads at Zehren, which has discharge: an annual load in kg.
    await expect.poll(() => p.locator('[data-testid="load-summary"]').innerText()).toMatch(/Annual load [\d.,]+ kg/);
    // The loads export behind the link: a row per day and the period's kg.
    const href = await p.getByRole("link", { name: "Daily loads (CSV)" }).getAttribute("href");
    const csv = await p.request.get(new URL(href!, system!.url).toString());
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines.filter((l) => l.startsWith("day,")).length).toBeGreaterThan(360);
    expect(lines.filter((l) => l.startsWith("period,"))).toHaveLength(1);
    await p.screenshot({ path: path.join(ARTIFACTS, "assessment-detail-en.png"), fullPage: true });
    const phone = await open("zh", `#/assessment/${ZEHREN}/clarithromycin?year=${YEAR}&basis=sensor`, 390);
    await phone.locator(".result-card").first().waitFor();
    expect(await phone.locator(".result-card").first().getAttribute("data-verdict")).toBeTruthy();
    await phone.screenshot({ path: path.join(ARTIFACTS, "assessment-detail-zh-phone.png"), fullPage: true });
  });

  it("the station page shows this year's loads where the station has discharge", async () => {
    const p = await open("de", `#/station/${ZEHREN}`);
    const section = p.locator('[data-testid="station-loads"]');
    await section.locator("summary").click();
    await expect.poll(() => section.locator('[data-parameter="diclofenac"] [data-testid="load-summary"]').innerText()).toMatch(/Jahresfracht [\d.,]+ kg/);
    expect(await section.locator("canvas").count()).toBeGreaterThan(0);
    await section.screenshot({ path: path.join(ARTIFACTS, "assessment-station-loads-de.png") });
  });

  it("a year without any data says so: every cell 'no data'", async () => {
    const p = await open("en", `#/assessment?year=${YEAR - 3}&basis=both`);
    await p.locator('[data-testid="all-no-data"]').waitFor();
    expect(await p.locator('td[data-verdict="complies"]').count()).toBe(0);
    expect(await p.locator('td[data-verdict="no-data"]').count()).toBeGreaterThan(10);
  });

  it("the printable report renders to a PDF with title page, method, status table, stations and signatures", async () => {
    const p = await open("en", `#/report?year=${YEAR}&basis=sensor`);
    await p.locator('article.report[data-ready="true"]').waitFor();
    await p.emulateMedia({ media: "print" });
    const pdf = await p.pdf({ format: "A4", printBackground: true });
    const { pages, text } = await pdfText(pdf);
    expect(text).toContain(`Water quality compliance report ${YEAR}`);
    expect(text).toContain("Method");
    expect(text).toContain("Directive 2009/90/EC");
    expect(text).toContain("GB 3838-2002");
    expect(text).toContain("Zehren");
    expect(text).toMatch(/Complies: \d+ · fails: \d+ · not assessable: \d+ · no data: \d+/);
    // The whole status table is on paper, its last columns too (a landscape page of its own).
    const status = text.slice(text.indexOf(`Status ${YEAR}`));
    expect(status).toContain("Ammonium nitrogen");
    expect(status).toContain("GB 3838 class");
    expect(status).toMatch(/class IV \(target III\)/);
    expect(text).toContain("Prepared by");
    expect(text).toContain("Approved by");
    // Page breaks: a title page, the method, the status table, a page per station, the signatures.
    expect(pages).toBeGreaterThan(6);
    // No navigation in print.
    expect(text).not.toContain("Overview");
    // What print looks like, at A4 width (96 dpi).
    await p.setViewportSize({ width: 794, height: 1123 });
    await p.screenshot({ path: path.join(ARTIFACTS, "assessment-report-print.png"), fullPage: true });
    await p.emulateMedia({ media: "screen" });
    await p.screenshot({ path: path.join(ARTIFACTS, "assessment-report-en.png"), fullPage: false });
  });

  it("one station's report, in German", async () => {
    const p = await open("de", `#/report?year=${YEAR}&basis=sensor&station=${ZEHREN}`);
    await p.locator('article.report[data-ready="true"]').waitFor();
    const { text } = await pdfText(await p.pdf({ format: "A4", printBackground: true }));
    expect(text).toContain(`Bericht zur Einhaltung der Gewässerqualitätsnormen ${YEAR}`);
    expect(text).toContain("Zehren");
    expect(text).not.toContain("Cuntan");
    expect(text).toContain("Unterschrift");
  });
});
