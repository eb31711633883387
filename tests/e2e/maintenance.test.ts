// Maintenance windows in a real browser (issue #19): the station page of Zehren with a past visit and
// one going on shows the hatched band on the charts (and the windows in words below them) and an
// "in maintenance" banner with the reason; the alerts page lists the windows going on and planned,
// and a reviewer starts, ends and (with a period ending before it starts) is refused one there.
// Screenshots in en/de/zh and at phone width (390 px) go to test-artifacts/.
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QC, type Reading } from "../../common/reading.ts";
import { createUser, type TestUser } from "../helpers/auth.ts";
import { testReading } from "../helpers/catalog.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { logInThroughForm, newWatchedPage, type WatchedPage } from "./auth-kit.ts";
import { ARTIFACTS, buildClientOnce, failOnPageErrors } from "./e2e-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const STATION = "DE-ELBE-ZEHREN";
const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = Date.now();
const PAST = { from: NOW - 8 * HOUR, to: NOW - 6 * HOUR };
const ACTIVE = { from: NOW - 40 * MIN, to: NOW + 80 * MIN };
const stationHash = `#/station/${STATION}?range=24h&p=conductivity,carbamazepine`;

/** A day of readings every 10 minutes; those inside a window as ingest stores them (QC 4, marked). */
function day(): Reading[] {
  const out: Reading[] = [];
  const inside = (t: number, parameter: string) => (t >= PAST.from && t < PAST.to) || (parameter === "conductivity" && t >= ACTIVE.from && t < ACTIVE.to);
  for (let t = NOW - 24 * HOUR; t <= NOW; t += 10 * MIN) {
    const wave = Math.sin(t / (3 * HOUR));
    for (const [parameter, value] of [["conductivity", 480 + 25 * wave], ["carbamazepine", 110 + 15 * wave]] as const) {
      const r = testReading({ station: STATION, parameter, time: t, value: Math.round(value * 10) / 10 });
      if (inside(t, parameter)) Object.assign(r, { maintenance: true, qc: QC.fail, value: parameter === "conductivity" ? 1 : 0 });
      out.push(r);
    }
  }
  return out;
}

describe("maintenance windows in Chromium", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();
  let reviewer: TestUser;
  let w: WatchedPage;

  beforeAll(async () => {
    await buildClientOnce();
    system = await startTestSystem();
    await system.store.writeReadings(day());
    await system.maintenance.create({ station: STATION, parameter: null, ...PAST, reason: "Probes cleaned, conductivity and pH calibrated" }, "ops");
    await system.maintenance.create({ station: STATION, parameter: "conductivity", ...ACTIVE, reason: "Conductivity cell replaced" }, "ops");
    await system.maintenance.create({ station: "DE-ELBE-SCHMILKA", parameter: null, from: NOW + 26 * HOUR, to: NOW + 30 * HOUR, reason: "Annual service of the station" }, "ops");
    reviewer = await createUser(system, "reviewer");
    w = await newWatchedPage(browser());
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => w?.problems);

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
  const panel = (parameter: string) => w.page.locator(`.panel[data-parameter=${parameter}]`);
  const fitsPhone = async () => {
    await w.page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth + 1, undefined, { timeout: 10_000 });
  };

  it("the station page shades the windows on the charts, says so below them, and shows the one going on with its reason", async () => {
    await w.page.goto(`${system!.url}/#/login?${new URLSearchParams({ next: stationHash })}`);
    await logInThroughForm(w.page, reviewer.username, reviewer.password);
    // Conductivity: the past station-wide visit and its own window going on; carbamazepine: the visit only.
    await w.page.waitForSelector(`.panel[data-parameter=conductivity][data-maintenance="2"][aria-busy=false]`);
    await w.page.waitForSelector(`.panel[data-parameter=carbamazepine][data-maintenance="1"][aria-busy=false]`);
    const banner = w.page.locator("[data-testid=maintenance-banner]");
    expect(await banner.textContent()).toMatch(/^⚒ In maintenance: Electrical conductivity, until .* — Conductivity cell replaced$/);
    expect(await panel("carbamazepine").locator("[data-testid=maintenance-note]").textContent()).toMatch(/^Shaded: maintenance .* \(Probes cleaned, conductivity and pH calibrated\)\. Readings in it are not valid data\.$/);
    expect(await panel("conductivity").locator("[data-testid=maintenance-note]").textContent()).toMatch(/^Shaded: maintenance .* \(Probes cleaned, .*\); .* \(Conductivity cell replaced\)\. Readings in it are not valid data\.$/);
    await shot(w.page, "maintenance-station-en.png");

    for (const [lang, word] of [["de", "In Wartung"], ["zh", "维护中"]] as const) {
      await w.page.selectOption("select[name=lang]", lang);
      await w.page.waitForFunction((text) => document.querySelector("[data-testid=maintenance-banner]")?.textContent?.includes(text), word);
      await w.page.waitForSelector(`.panel[data-parameter=conductivity][data-maintenance="2"][aria-busy=false]`);
      await shot(w.page, `maintenance-station-${lang}.png`);
    }
    await w.page.selectOption("select[name=lang]", "en");
    await w.page.setViewportSize({ width: 390, height: 844 });
    await w.page.waitForSelector(`.panel[data-parameter=conductivity][aria-busy=false]`);
    await fitsPhone();
    await shot(w.page, "maintenance-station-phone.png");
    await w.page.setViewportSize({ width: 1300, height: 900 });
  });

  it("the alerts page lists the windows going on and planned, in en/de/zh and at phone width", async () => {
    await w.page.goto(`${system!.url}/#/alerts`);
    const rows = w.page.locator("[data-testid=maintenance-list] tr[data-window]");
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute("data-status")).toBe("active");
    expect(await rows.nth(0).textContent()).toContain("Conductivity cell replaced");
    expect(await rows.nth(1).getAttribute("data-status")).toBe("planned");
    expect(await rows.nth(1).textContent()).toMatch(/Planned.*Schmilka.*Whole station/);
    await w.page.locator("[data-testid=maintenance-section]").scrollIntoViewIfNeeded();
    await shot(w.page, "maintenance-alerts-en.png");
    for (const [lang, heading] of [["de", "Wartung"], ["zh", "维护"]] as const) {
      await w.page.selectOption("select[name=lang]", lang);
      await w.page.waitForSelector(`#maint-h:text-is("${heading}")`);
      await w.page.locator("[data-testid=maintenance-list] tr[data-window]").nth(1).waitFor();
      await shot(w.page, `maintenance-alerts-${lang}.png`);
    }
    await w.page.selectOption("select[name=lang]", "en");
    await w.page.setViewportSize({ width: 390, height: 844 });
    await w.page.locator("[data-testid=maintenance-list] tr[data-window]").nth(1).waitFor();
    await fitsPhone();
    await shot(w.page, "maintenance-alerts-phone.png");
    await w.page.setViewportSize({ width: 1300, height: 900 });
  });

  it("a reviewer starts one from now, ends it, and is told why a period ending before it starts is refused", async () => {
    await w.page.goto(`${system!.url}/#/alerts`);
    const form = w.page.locator("[data-testid=maintenance-form]");
    await form.locator("select[name=station]").selectOption("DE-MULDE-BADDUEBEN");
    await form.locator("select[name=parameter]").selectOption("turbidity");
    await form.locator("input[name=durationMinutes]").fill("45");
    await form.locator("input[name=reason]").fill("Turbidity sensor wiper replaced");
    await form.locator("[data-testid=maintenance-submit]").click();
    const added = w.page.locator("[data-testid=maintenance-list] tr[data-window]", { hasText: "Turbidity sensor wiper replaced" });
    await added.waitFor();
    expect(await w.page.locator("[data-testid=maintenance-section] [data-testid=notice]").textContent()).toMatch(/^Maintenance saved: Bad Düben.*, until /);
    const end = added.locator("button");
    await end.click();
    await end.click();
    await added.waitFor({ state: "detached" });
    expect(await w.page.locator("[data-testid=maintenance-section] [data-testid=notice]").textContent()).toBe("Maintenance ended.");

    await form.locator("select[name=when]").selectOption("planned");
    await form.locator("input[name=from]").fill("2030-06-02 10:00");
    await form.locator("input[name=to]").fill("2030-06-02 09:00");
    await form.locator("input[name=reason]").fill("backwards");
    await form.locator("[data-testid=maintenance-submit]").click();
    await w.page.waitForFunction(() => /before it starts/.test(document.querySelector("[data-testid=maintenance-section] [data-testid=notice]")?.textContent ?? ""));
    expect(await w.page.locator("[data-testid=maintenance-list] tr[data-window]").count()).toBe(2);
    const audit = (await system!.auth.audit.recent()).filter((e) => e.actor === reviewer.username).map((e) => e.action);
    expect(audit).toEqual(["maintenance.end", "maintenance.start"]);
  });
});
