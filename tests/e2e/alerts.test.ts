// Alerts in a real browser (Debian chromium via playwright-core) against a real server and
// InfluxDB: readings above clarithromycin's MAC-EQS raise a live toast and a row in the alert list;
// a researcher acknowledges with a comment (shown literally, never as HTML); viewers see no ack
// form; subscriptions (in-app, webhook secret shown once, email confirmation) and the rules page.
// Screenshots go to test-artifacts/ (gitignored).
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, buildClientOnce, failOnPageErrors } from "./e2e-kit.ts";
import { collectPageErrors } from "../helpers/chromium.ts";
import { loginSession, type LoginSession } from "../helpers/auth.ts";
import { startAlertSystem, type AlertTestSystem } from "../helpers/alert-system.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const STATION = "DE-ELBE-ZEHREN";
const MIN = 60_000;
const XSS = `<img src=x onerror="window.__xss=1">`;

declare global {
  interface Window {
    __xss?: number;
  }
}

/** Normal clarithromycin values, then a confirmed jump above the MAC-EQS of 130 ng/L (QC holds the
 * first high reading as suspect until the next one confirms the shift), 5 minutes apart. */
async function postSpill(system: AlertTestSystem, station: string): Promise<void> {
  const now = Date.now();
  const values = [40, 42, 38, 41, 160, 175, 150];
  const readings = values.map((value, i) => ({ station, parameter: "clarithromycin", time: now - (values.length - i) * 5 * MIN, value }));
  const token = (await system.stationTokens.create("t", ["*"])).token;
  expect((await postReadings(system.url, token, { readings })).status).toBe(202);
}

/** A browser context logged in with `session`'s cookie (as if through the login page). */
async function contextFor(browser: Browser, system: AlertTestSystem, session: LoginSession): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 950 }, locale: "en-GB" });
  const [name, ...value] = session.cookie.split("=");
  await context.addCookies([{ name: name!, value: value.join("="), url: system.url }]);
  return context;
}

describe("alerts in Chromium", () => {
  let system: AlertTestSystem | undefined;
  const browser = useChromium();
  let researcher: LoginSession;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    await buildClientOnce();
    // Email subscriptions need an SMTP server configured; nothing listens there, and the
    // confirmation mail's delivery failing is not what this test looks at.
    system = await startAlertSystem({ SMTP_URL: "smtp://127.0.0.1:9" });
    researcher = await loginSession(system, "researcher");
    page = await (await contextFor(browser(), system, researcher)).newPage();
    consoleErrors = collectPageErrors(page);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => consoleErrors);

  it("shows a toast and a list row when clarithromycin exceeds its MAC-EQS", async () => {
    await page.goto(`${system!.url}/#/alerts`);
    await page.waitForSelector("[data-testid='alert-list'][aria-busy='false']");
    expect(await page.locator("[data-testid='alert-list']").textContent()).toContain("No alerts match");
    await page.waitForSelector("[data-testid='connection'][data-state='connected']");

    await postSpill(system!, STATION);

    const toast = page.locator("[data-testid='toast'][data-state='firing']").first();
    await toast.waitFor({ timeout: 15_000 });
    expect(await toast.getAttribute("role")).toBe("status");
    const text = (await toast.textContent()) ?? "";
    expect(text).toContain("Active"); // state in plain words, not only the red border
    // The EU MAC-EQS for clarithromycin is a proposal: its alert informs, and says what the standard is.
    expect(text).toContain("Info");
    expect(text).toContain("EU-EQS-2022 (proposal)");
    expect(text).toContain("Clarithromycin");
    expect(text).toContain("Zehren");
    expect(text).toMatch(/1[5-7]\d ng\/L/);
    expect(text).toContain("MAC-EQS 130 ng/L");
    expect(text).toContain("EU-EQS-2022");
    const stationLink = await toast.locator("[data-testid='toast-station-link']").getAttribute("href");
    expect(stationLink).toMatch(/^#\/station\/DE-ELBE-ZEHREN\?range=custom&from=\d+&to=\d+&p=clarithromycin$/);

    const row = page.locator("tr[data-alert-id][data-state='firing']").first();
    await row.waitFor({ timeout: 5_000 });
    expect(await row.textContent()).toContain("Clarithromycin");
    await page.screenshot({ path: path.join(ARTIFACTS, "alerts-toast.png"), fullPage: false });
  });

  it("dismisses a toast with its close button", async () => {
    const toasts = page.locator("[data-testid='toast']");
    const before = await toasts.count();
    expect(before).toBeGreaterThan(0);
    await toasts.first().locator(".toast-close").click();
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid='toast']").length === n - 1, before);
  });

  it("acknowledges with a comment that is shown literally, with the researcher's name", async () => {
    const row = page.locator("tr[data-alert-id][data-state='firing']").first();
    const id = await row.getAttribute("data-alert-id");
    await row.locator("[data-testid='alert-details']").click();
    const detail = page.locator(`[data-testid='alert-detail'][data-alert-id='${id}']`);
    await detail.locator("[data-history-state='firing']").first().waitFor();
    expect(page.url()).toContain(`id=${id}`);
    await detail.locator("[data-testid='ack-comment-input']").fill(XSS);
    await detail.locator("[data-testid='ack-submit']").click();

    const info = detail.locator("[data-testid='ack-info']");
    await info.waitFor();
    expect(await info.textContent()).toContain(`Acknowledged by ${researcher.user.username}`);
    expect(await detail.locator("[data-testid='ack-comment']").textContent()).toBe(XSS);
    expect(await page.locator(`tr[data-alert-id='${id}'] [data-testid='ack-by']`).textContent()).toContain(researcher.user.username);
    expect(await page.locator("main img, .toasts img").count()).toBe(0);
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    await page.screenshot({ path: path.join(ARTIFACTS, "alerts-ack.png"), fullPage: true });
  });

  it("filters by state and station through the URL", async () => {
    await page.goto(`${system!.url}/#/alerts?state=resolved`);
    await page.waitForSelector("[data-testid='alert-list'][aria-busy='false']");
    expect(await page.locator("tr[data-alert-id]").count()).toBe(0);
    await page.selectOption("[data-testid='filter-state']", "firing");
    await page.waitForSelector("tr[data-alert-id][data-state='firing']");
    expect(page.url()).toContain("state=firing");
    await page.selectOption("[data-testid='filter-station']", "CN-YANGTZE-CUNTAN");
    await page.waitForSelector("[data-testid='alert-list'] .table-empty");
  });

  it("shows viewers the alert and its acknowledgement, but no form to acknowledge", async () => {
    const viewer = await loginSession(system!, "viewer");
    const context = await contextFor(browser(), system!, viewer);
    try {
      const viewerPage = await context.newPage();
      await viewerPage.goto(`${system!.url}/#/alerts`);
      const row = viewerPage.locator("tr[data-alert-id]").first();
      await row.waitFor();
      await row.locator("[data-testid='alert-details']").click();
      await viewerPage.locator("[data-testid='ack-info']").waitFor();
      expect(await viewerPage.locator("[data-testid='ack-submit']").count()).toBe(0);
      // Subscriptions are for researchers: no nav link, and the page says so.
      expect(await viewerPage.locator("nav a[href='#/subscriptions']").count()).toBe(0);
      await viewerPage.goto(`${system!.url}/#/subscriptions`);
      await viewerPage.waitForSelector(".subscriptions .state-error");
    } finally {
      await context.close();
    }
  });

  it("creates in-app, webhook and email subscriptions and deletes one", async () => {
    await page.goto(`${system!.url}/#/subscriptions`);
    await page.waitForSelector("[data-testid='subscription-list'] .table-empty");

    await page.locator(`[data-testid='sub-stations'] input[value='${STATION}']`).check();
    await page.locator("[data-testid='sub-severities'] input[value='critical']").check();
    await page.selectOption("[data-testid='sub-channel']", "webhook");
    await page.fill("[data-testid='sub-webhook']", "http://127.0.0.1:9/hooks/water");
    await page.click("[data-testid='sub-submit']");
    const secret = page.locator("[data-testid='secret-value']");
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/\S{16,}/);
    await page.waitForSelector("tr[data-channel='webhook']");
    await page.screenshot({ path: path.join(ARTIFACTS, "subscriptions-webhook.png"), fullPage: true });

    await page.selectOption("[data-testid='sub-channel']", "email");
    await page.fill("[data-testid='sub-email']", "river@example.org");
    await page.click("[data-testid='sub-submit']");
    await page.waitForSelector("tr[data-channel='email'][data-state='unconfirmed']");
    expect(await page.locator("[data-testid='notice']").textContent()).toContain("Confirmation mail sent to river@example.org");
    expect(await page.locator("[data-testid='secret-once']").count()).toBe(0);

    await page.selectOption("[data-testid='sub-channel']", "in-app");
    await page.click("[data-testid='sub-submit']");
    await page.waitForSelector("tr[data-channel='in-app'][data-state='active']");
    expect(await page.locator("tr[data-subscription-id]").count()).toBe(3);

    const del = page.locator("tr[data-channel='webhook'] button.danger");
    await del.click();
    await del.click(); // the second click confirms
    await page.waitForFunction(() => document.querySelectorAll("tr[data-subscription-id]").length === 2);

    // The in-app subscription (all stations) puts the next alert into the inbox, live.
    await postSpill(system!, "DE-ELBE-SCHMILKA");
    const entry = page.locator("[data-testid='inbox'] li[data-alert-id]");
    await entry.first().waitFor({ timeout: 15_000 });
    expect(await entry.first().textContent()).toContain("Schmilka");
    await page.screenshot({ path: path.join(ARTIFACTS, "subscriptions.png"), fullPage: true });
  });

  it("lists the alert rules with the standard and source each one checks", async () => {
    await page.goto(`${system!.url}/#/alerts/rules`);
    await page.waitForSelector("[data-testid='rule-list'] tr[data-rule-id]");
    // The list is paged (50 rules a page); the search narrows it to one compound's rules.
    await page.fill(".alert-rules input[type='search']", "clarithromycin");
    await page.waitForFunction(() => [...document.querySelectorAll("tr[data-rule-id]")].every((r) => r.textContent?.includes("Clarithromycin")));
    const clarithromycin = page.locator("tr[data-rule-id]", { hasText: "Clarithromycin" }).filter({ hasText: "Single value above" }).filter({ hasText: "EU-EQS-2022" });
    // One rule per Saxon station (the EU value applies there), none on the Chongqing stations.
    expect(await clarithromycin.count()).toBe(5);
    const zehren = clarithromycin.filter({ hasText: "Zehren" });
    expect(await zehren.count()).toBe(1);
    expect(await zehren.textContent()).toContain("130 ng/L");
    expect(await zehren.textContent()).toContain("EU-EQS-2022 (proposal)");
    expect(await page.locator("tr[data-rule-id]", { hasText: "Cuntan" }).filter({ hasText: "Clarithromycin" }).count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "alert-rules.png"), fullPage: false });
  });

  it("a toast's link opens the station page around the alert with the compound chosen", async () => {
    await page.locator("[data-testid='toast'][data-state='firing'] [data-testid='toast-station-link']").first().click();
    await page.waitForSelector(".station[data-station='DE-ELBE-SCHMILKA'] .panel[data-parameter='clarithromycin'][aria-busy='false']");
    expect(page.url()).toMatch(/range=custom/);
    expect(await page.locator(".panel").count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "alerts-station-link.png"), fullPage: false });
  });

});
