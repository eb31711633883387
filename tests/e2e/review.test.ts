// Data review in a real browser (issue #17): a BfUL reviewer selects a range on the carbamazepine
// chart at Zehren, previews a drift correction (stored and corrected readings overlaid) and saves
// it, then approves last month; a researcher exports the month — every row says "approved" and
// names the correction, datapackage.json lists it — and gets no review tools, and the API refuses
// their correction. Screenshots in en/de/zh and at phone width go to test-artifacts/.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { createUser, type TestUser } from "../helpers/auth.ts";
import { testReading } from "../helpers/catalog.ts";
import { dataPackageOf } from "../helpers/datapackage.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { logInThroughForm, newWatchedPage, sessionCookie, type WatchedPage } from "./auth-kit.ts";
import { ARTIFACTS, buildClientOnce, failOnPageErrors } from "./e2e-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const STATION = "DE-ELBE-ZEHREN";
const CBZ = "carbamazepine";
const HOUR = 3_600_000;
const now = new Date();
/** Last calendar month (UTC): the period the reviewer approves. */
const MONTH_START = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
const MONTH_END = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
const DRIFT_FROM = MONTH_START + 10 * 24 * HOUR;
const DRIFT_TO = MONTH_START + 20 * 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16) + "Z";
const stationHash = `#/station/${STATION}?range=custom&from=${MONTH_START}&to=${MONTH_END - 1}&p=${CBZ}`;

function month(): Reading[] {
  const out: Reading[] = [];
  for (let t = MONTH_START; t < MONTH_END; t += 2 * HOUR) {
    out.push(testReading({ station: STATION, parameter: CBZ, time: t, value: 100 + ((t / HOUR) % 24) }));
    // Not reviewed: the review queue lists it.
    out.push(testReading({ station: STATION, parameter: "diclofenac", time: t, value: 30 }));
  }
  return out;
}

describe("data review in Chromium", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();
  let reviewer: TestUser;
  let researcher: TestUser;
  let w: WatchedPage;
  let correctionId = 0;

  beforeAll(async () => {
    await buildClientOnce();
    system = await startTestSystem();
    await system.store.writeReadings(month());
    reviewer = await createUser(system, "reviewer");
    await system.auth.memberships.set(reviewer.id, ["BFUL"], "test", Date.now());
    researcher = await createUser(system, "researcher");
    await system.auth.memberships.set(researcher.id, ["BFUL"], "test", Date.now());
    w = await newWatchedPage(browser());
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => w?.problems);

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
  const panel = () => w.page.locator(`.panel[data-parameter=${CBZ}]`);
  const status = () => w.page.locator("[data-testid=review-status]");

  it("a reviewer selects a range on the chart, previews a drift correction over the stored readings, saves it and approves the month", async () => {
    await w.page.goto(`${system!.url}/#/login?${new URLSearchParams({ next: stationHash })}`);
    await logInThroughForm(w.page, reviewer.username, reviewer.password);
    await w.page.waitForSelector("[data-testid=review-tools]");
    await w.page.waitForSelector(`.panel[data-parameter=${CBZ}][aria-busy=false]`);

    // Select on the chart: the drag fills the range instead of zooming.
    await w.page.click("button[name=review-select]");
    await panel().locator("canvas").scrollIntoViewIfNeeded();
    const box = (await panel().locator("canvas").boundingBox())!;
    await w.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await w.page.mouse.down();
    await w.page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 8 });
    await w.page.mouse.up();
    const selected = [Date.parse(await w.page.inputValue("input[name=review-from]")), Date.parse(await w.page.inputValue("input[name=review-to]"))];
    expect(selected[0]).toBeGreaterThan(MONTH_START);
    expect(selected[1]).toBeLessThan(MONTH_END);
    expect(selected[1]! - selected[0]!).toBeGreaterThan(5 * 24 * HOUR);
    expect(new URL(w.page.url()).hash).toContain(`from=${MONTH_START}`); // not zoomed

    // The exact range typed, a drift of +20 ng/L at its end (fouling).
    await w.page.fill("input[name=review-from]", iso(DRIFT_FROM));
    await w.page.fill("input[name=review-to]", iso(DRIFT_TO));
    await w.page.selectOption("select[name=review-kind]", "drift");
    await w.page.fill("input[name=review-amount]", "20");
    expect(await w.page.isDisabled("button[name=review-save]")).toBe(true);
    await w.page.click("button[name=review-preview]");
    await w.page.waitForSelector(`.panel[data-parameter=${CBZ}][data-preview="120"]`);
    expect(await status().textContent()).toBe("Preview: 120 stored readings, 120 after the correction — check the chart, then save.");
    await shot(w.page, "review-preview-en.png");

    // No reason: refused in the form, nothing saved.
    await w.page.click("button[name=review-save]");
    expect(await status().textContent()).toBe("Enter a reason first: it is kept in the audit trail.");
    await w.page.fill("input[name=review-reason]", "sensor fouled; cleaned at the field visit");
    await w.page.click("button[name=review-save]");
    await w.page.waitForFunction(() => /^Correction \d+ saved\.$/.test(document.querySelector("[data-testid=review-status]")?.textContent ?? ""));
    correctionId = Number((await status().textContent())!.match(/\d+/)![0]);
    await w.page.waitForSelector(`[data-testid=review-corrections] li[data-correction="${correctionId}"]`);
    expect(await w.page.textContent(`li[data-correction="${correctionId}"]`)).toContain("Linear drift (0 → value at the end) 0 → 20");
    // The corrected series is what the chart shows now (preview gone).
    await w.page.waitForSelector(`.panel[data-parameter=${CBZ}][data-preview=""]`);

    // Approve the month.
    await w.page.fill("input[name=review-from]", iso(MONTH_START));
    await w.page.fill("input[name=review-to]", iso(MONTH_END));
    await w.page.selectOption("select[name=review-level]", "approved");
    await w.page.fill("input[name=review-reason]", "month checked against the lab results");
    await w.page.click("button[name=review-approve]");
    await w.page.waitForSelector(`.panel[data-parameter=${CBZ}][data-approvals=approved]`);
    expect(await status().textContent()).toBe("Range set to approved (final).");
    expect(await panel().locator("[data-testid=provisional]").isHidden()).toBe(true);
    await shot(w.page, "review-approved-en.png");

    // Approved data are locked: undoing the correction is refused with the server's reason.
    await w.page.fill("input[name=review-reason]", "second thoughts");
    await w.page.click(`li[data-correction="${correctionId}"] button[name=review-undo]`);
    await w.page.waitForFunction(() => /approved data/.test(document.querySelector("[data-testid=review-status]")?.textContent ?? ""));
  });

  it("the review tools and the queue in German and Chinese, and at phone width", async () => {
    for (const [lang, heading] of [["de", "Datenprüfung"], ["zh", "数据审核"]] as const) {
      await w.page.selectOption("select[name=lang]", lang);
      await w.page.waitForSelector(`#review-h:text("${heading}")`);
      await w.page.waitForSelector(`.panel[data-parameter=${CBZ}][aria-busy=false]`);
      await shot(w.page, `review-tools-${lang}.png`);
    }
    await w.page.selectOption("select[name=lang]", "en");
    await w.page.setViewportSize({ width: 390, height: 844 });
    await w.page.waitForSelector(`.panel[data-parameter=${CBZ}][aria-busy=false]`);
    // Charts follow a resize asynchronously (a ResizeObserver): on a loaded machine the first layout
    // after it can still hold the old canvas width. The page must come to fit the phone.
    await w.page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth + 1, undefined, { timeout: 10_000 });
    expect(await w.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    await shot(w.page, "review-tools-phone.png");
    await w.page.setViewportSize({ width: 1300, height: 900 });
    await w.page.goto(`${system!.url}/#/review?days=20`);
    await w.page.waitForSelector(`[data-testid=review-queue] [data-station=${STATION}] li[data-parameter=diclofenac]`);
    expect(await w.page.inputValue("input[name=older-than-days]")).toBe("20");
    // The approved month of carbamazepine is reviewed: not in the queue.
    expect(await w.page.locator(`[data-testid=review-queue] li[data-parameter=${CBZ}]`).count()).toBe(0);
    await shot(w.page, "review-queue-en.png");
  });

  it("a researcher exports the month: approved, with the correction per row and in datapackage.json; and cannot correct", async () => {
    const context = await browser().newContext({ viewport: { width: 1300, height: 900 }, locale: "en-GB" });
    try {
      const page = await context.newPage();
      await page.goto(`${system!.url}/#/login?${new URLSearchParams({ next: stationHash })}`);
      await logInThroughForm(page, researcher.username, researcher.password);
      await page.waitForSelector(`.panel[data-parameter=${CBZ}][aria-busy=false]`);
      expect(await page.locator("[data-testid=review-tools]").count()).toBe(0);
      await page.waitForSelector("[data-testid=export-entry][data-state=ready]");
      await page.click("[data-testid=export-open]");
      const dialog = page.locator("dialog[data-testid=export-dialog]");
      await dialog.locator("[data-testid=export-estimate][data-state=ready]").waitFor();
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-testid=export-download]")]);
      const rows = parse(readFileSync((await download.path())!, "utf8"), { columns: true, bom: true }) as Array<Record<string, string>>;
      expect(rows.length).toBeGreaterThan(300);
      expect(rows.every((r) => r.approval === "approved" && r.provisional === "")).toBe(true);
      const drifted = rows.filter((r) => Date.parse(r.time!) >= DRIFT_FROM && Date.parse(r.time!) < DRIFT_TO);
      expect(drifted).toHaveLength(120);
      expect(drifted.every((r) => r.corrections === String(correctionId))).toBe(true);
      expect(rows.filter((r) => r.corrections !== "").length).toBe(120);

      const cookie = await sessionCookie(context);
      const q = new URLSearchParams({ stations: STATION, parameters: CBZ, from: new Date(MONTH_START).toISOString(), to: new Date(MONTH_END).toISOString(), metadata: "1" });
      const res = await fetch(`${system!.url}/api/v1/export?${q}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const review = (await dataPackageOf(res)).water_monitor.review;
      expect(review.corrections).toEqual([expect.objectContaining({ id: correctionId, kind: "drift", offsetAtEnd: 20, reason: "sensor fouled; cleaned at the field visit" })]);
      expect(review.approvals[0].periods).toEqual([{ from: new Date(MONTH_START).toISOString(), to: new Date(MONTH_END).toISOString(), level: "approved" }]);

      const refused = await page.evaluate(async (body) => {
        const session = await (await fetch("/api/v1/auth/session")).json();
        const r = await fetch("/api/v1/review/corrections", { method: "POST", headers: { "content-type": "application/json", [session.csrfHeader]: session.csrfToken }, body: JSON.stringify(body) });
        return r.status;
      }, { station: STATION, parameter: CBZ, from: DRIFT_FROM, to: DRIFT_TO, action: { kind: "offset", offset: 1 }, reason: "researcher tries" });
      expect(refused).toBe(403);
    } finally {
      await context.close();
    }
  });
});
