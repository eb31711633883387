// Grouped alerts and silences in a real browser against a real server and InfluxDB (issue #19): a
// diclofenac mean above three AA-EQS is one row listing all three standards; a researcher makes a
// silence for a station from the form (the server's refusal of a bad one is shown), a spill there
// shows as silenced, and the silence is ended from its row. The alerts page is photographed in
// en/de/zh and at phone width (test-artifacts/, gitignored) and must not scroll sideways there.
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, buildClientOnce, failOnPageErrors, sessionContext } from "./e2e-kit.ts";
import { collectPageErrors } from "../helpers/chromium.ts";
import { loginSession, type LoginSession } from "../helpers/auth.ts";
import { diclofenacHistory, eventually, FAST_ALERTING, startAlertSystem, THREE_DICLOFENAC_STANDARDS, type AlertTestSystem } from "../helpers/alert-system.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const DOMMITZSCH = "DE-ELBE-DOMMITZSCH";
const ZEHREN = "DE-ELBE-ZEHREN";

describe("grouped alerts and silences in Chromium", () => {
  let system: AlertTestSystem | undefined;
  const browser = useChromium();
  let researcher: LoginSession;
  let token: string;
  const errors: string[][] = [];

  async function open(lang: "en" | "de" | "zh", width = 1400): Promise<Page> {
    const context = await sessionContext(browser(), system!.url, researcher.cookie, { lang, width, timezoneId: "Europe/Berlin" });
    const page = await context.newPage();
    errors.push(collectPageErrors(page));
    await page.goto(`${system!.url}/#/alerts`);
    await page.waitForSelector("[data-testid='alert-list'][aria-busy='false']");
    await page.waitForSelector("[data-testid='silence-list'] table, [data-testid='silence-list'] .table-empty");
    return page;
  }

  beforeAll(async () => {
    await buildClientOnce();
    system = await startAlertSystem({}, undefined, FAST_ALERTING, undefined, THREE_DICLOFENAC_STANDARDS);
    researcher = await loginSession(system, "researcher");
    token = (await system.stationTokens.create("t", ["*"])).token;
    expect((await postReadings(system.url, token, { readings: diclofenacHistory(DOMMITZSCH) })).status).toBe(202);
    await system.writer.drained();
    await system.alerting.engine.idle();
    expect((await postReadings(system.url, token, { readings: [{ station: DOMMITZSCH, parameter: "diclofenac", time: Date.now(), value: 60 }] })).status).toBe(202);
    await eventually(async () => (await system!.alerting.alerts.list({ station: DOMMITZSCH })).length > 0, "the grouped alert");
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => errors.flatMap((e) => e.splice(0)));

  it("lists the three breached diclofenac standards in one row, with source and legal status", async () => {
    const page = await open("en");
    const rows = page.locator("tr[data-alert-id]");
    expect(await rows.count()).toBe(1);
    const cited = page.locator("[data-testid='alert-breaches'] li");
    expect(await cited.allTextContents()).toEqual([
      expect.stringMatching(/AA-EQS 50 ng\/L CH-GSchV \(binding\)/),
      expect.stringMatching(/AA-EQS 40 ng\/L EU-EQS-2022 \(proposal\)/),
      expect.stringMatching(/AA-EQS 50 ng\/L DE-UBA-proposal \(proposal\)/),
    ]);
    await rows.first().locator("[data-testid='alert-details']").click();
    const details = page.locator("[data-testid='alert-breach-details'] li");
    await details.first().waitFor();
    expect(await details.count()).toBe(3);
    expect(await details.first().textContent()).toContain("Swiss Water Protection Ordinance");
    await page.locator("[data-testid='alert-detail']").screenshot({ path: path.join(ARTIFACTS, "alert-grouped-detail-en.png") });
    await page.context().close();
  });

  it("a researcher makes a silence for a station; a spill there is marked silenced; the silence is ended from its row", async () => {
    const page = await open("en");
    // No matcher and no confirmation: the server says why, and nothing is made.
    await page.fill("[data-testid='silence-comment']", "probe swap at Zehren");
    await page.click("[data-testid='silence-submit']");
    const status = page.locator(".silences [data-testid='notice'][data-kind='error']");
    await status.waitFor();
    expect(await status.textContent()).toMatch(/would silence every alert/);
    expect(await page.locator("[data-testid='silence-list'] tr[data-silence-id]").count()).toBe(0);
    // The browser logs the refused request; that one, and only it, was expected.
    expect(errors[errors.length - 1]!.splice(0)).toEqual([expect.stringMatching(/status of 400 \(Bad Request\)/)]);

    await page.selectOption("[data-testid='silence-station']", ZEHREN);
    await page.click("[data-testid='silence-submit']");
    const row = page.locator("[data-testid='silence-list'] tr[data-silence-id][data-state='active']");
    await row.waitFor();
    expect(await row.textContent()).toContain("probe swap at Zehren");
    expect(await row.textContent()).toContain("Zehren");

    const now = Date.now();
    const values = [40, 160, 175];
    const readings = values.map((value, i) => ({ station: ZEHREN, parameter: "clarithromycin", time: now - (values.length - i) * 5 * 60_000, value }));
    expect((await postReadings(system!.url, token, { readings })).status).toBe(202);
    const silenced = page.locator("tr[data-alert-id][data-silenced='true']");
    await silenced.waitFor({ timeout: 15_000 });
    expect(await silenced.textContent()).toContain("Silenced");
    // Held from every notice: no toast either.
    const silencedId = await silenced.getAttribute("data-alert-id");
    expect(await page.locator(`[data-testid='toast'][data-alert-id='${silencedId}']`).count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "alerts-grouped-silenced-en.png"), fullPage: true });
    await page.context().close();
  });

  it.each(["de", "zh"] as const)("%s: the grouped alert, the silenced alert and the silences section read in the language", async (lang) => {
    const page = await open(lang);
    const words = { de: ["Stummgeschaltet", "Stummschaltungen", "Aktiv", "verbindlich"], zh: ["已静默", "静默", "生效中"] }[lang];
    const text = (await page.locator("main").textContent()) ?? "";
    for (const w of words) expect(text).toContain(w);
    await page.screenshot({ path: path.join(ARTIFACTS, `alerts-grouped-silenced-${lang}.png`), fullPage: true });
    await page.context().close();
  });

  it.each(["en", "de", "zh"] as const)("%s at phone width (390 px): the page does not scroll sideways", async (lang) => {
    const page = await open(lang, 390);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await page.screenshot({ path: path.join(ARTIFACTS, `alerts-grouped-silenced-${lang}-phone.png`), fullPage: true });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  it("an admin chooses one alert per standard for a rule on the rules page; others see the choice in words", async () => {
    const admin = await loginSession(system!, "admin");
    const context = await sessionContext(browser(), system!.url, admin.cookie, { lang: "de", timezoneId: "Europe/Berlin" });
    const page = await context.newPage();
    errors.push(collectPageErrors(page));
    await page.goto(`${system!.url}/#/alerts/rules`);
    const rule = (await system!.alerting.rules.list()).find((r) => r.station === DOMMITZSCH && r.standard?.source === "DE-UBA-proposal")!;
    // Large networks page the rules: find this one by its name.
    await page.locator("input[type='search']").first().fill(rule.name);
    // The search filters after a pause: choose once the table shows the one rule.
    await page.waitForFunction(() => document.querySelectorAll("tr[data-rule-id]").length === 1);
    const select = page.locator(`tr[data-rule-id='${rule.id}'] [data-testid='rule-grouping']`);
    await select.waitFor();
    expect(await select.inputValue()).toBe("per-breach");
    await select.selectOption("per-standard");
    await page.locator("[data-testid='notice'][data-kind='ok']").waitFor();
    await page.locator(`tr[data-rule-id='${rule.id}']`).screenshot({ path: path.join(ARTIFACTS, "alert-rule-grouping-de.png") });
    expect((await system!.alerting.rules.get(rule.id)).grouping).toBe("per-standard");
    await context.close();

    const viewerPage = await open("zh");
    await viewerPage.goto(`${system!.url}/#/alerts/rules`);
    await viewerPage.locator("input[type='search']").first().fill(rule.name);
    const cell = viewerPage.locator(`tr[data-rule-id='${rule.id}']`);
    await cell.waitFor();
    expect(await cell.textContent()).toContain("每项标准一条");
    expect(await cell.locator("[data-testid='rule-grouping']").count()).toBe(0);
    await viewerPage.context().close();
  });

  it("ends the silence from its row", async () => {
    const page = await open("en");
    await page.click("[data-testid='silence-list'] tr[data-state='active'] [data-testid='silence-expire']");
    await page.locator("[data-testid='silence-list'] tr[data-silence-id][data-state='expired']").waitFor();
    // The alert it held is released (and notified once) and no longer marked.
    await page.locator("tr[data-alert-id][data-silenced='true']").waitFor({ state: "detached", timeout: 10_000 });
    await page.context().close();
  });
});
