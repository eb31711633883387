// The river profile in Chromium (issue #19): the simulator's spill scenario sends a clarithromycin
// slug down the Elbe; as the slider advances, the station with the highest value above the MAC-EQS
// moves downstream, Schmilka → Zehren → Dommitzsch, and "play" advances the slider by itself. Also
// in German and Chinese, and at phone width.
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator } from "../../sensors-sim/src/simulator.ts";
import { startTestSystem, testLogger, type TestSystem } from "../helpers/test-system.ts";
import { ARTIFACTS, buildClientOnce } from "./e2e-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const ELBE = ["DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN", "DE-ELBE-DOMMITZSCH"];
/** clarithromycin's MAC-EQS (EU-EQS-2022), the level a spill's plume stands out above. */
const MAC = 130;

describe("the river profile", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();
  let page: Page;

  beforeAll(async () => {
    await buildClientOnce();
    system = await startTestSystem();
    const { token } = await system.stationTokens.create("sim", ELBE);
    // The slug enters 13 h ago and travels at 5 m/s: some 5 h from one station to the next.
    const summary = await startSimulator(
      {
        url: system.url,
        token,
        stations: ELBE,
        parameters: ["clarithromycin"],
        start: Date.now() - 14 * 3_600_000,
        backfill: "2h",
        duration: "14h",
        speed: 1_000_000,
        seed: 4,
        faults: { enabled: false },
        scenario: "spill",
        spill: { river: "elbe", compound: "clarithromycin", after: "1h", velocityMs: 5 },
      },
      { catalog: system.catalog.current(), logger: testLogger },
    ).finished;
    expect(summary).toMatchObject({ rejected: 0, dropped: 0 });
    await system.writer.drained();
    page = await (await browser().newContext({ viewport: { width: 1300, height: 900 }, locale: "en-GB" })).newPage();
  }, 180_000);
  afterAll(async () => {
    await system?.stop();
  });

  async function highestAt(index: number): Promise<{ station: string; value: number } | null> {
    return page.evaluate((i) => {
      const slider = document.querySelector<HTMLInputElement>("[data-testid='profile-slider']")!;
      slider.value = String(i);
      slider.dispatchEvent(new Event("input"));
      const rows = [...document.querySelectorAll<HTMLElement>("[data-testid='profile-table'] tr[data-station]")];
      const values = rows.map((r) => ({ station: r.dataset.station!, value: r.dataset.value === "" ? NaN : Number(r.dataset.value) })).filter((v) => !Number.isNaN(v.value));
      return values.length === 0 ? null : values.reduce((a, b) => (b.value > a.value ? b : a));
    }, index);
  }

  it("shows the plume's maximum moving downstream as the slider advances", async () => {
    await page.goto(`${system!.url}/#/profile?river=elbe&p=clarithromycin`);
    await page.waitForSelector("[data-testid='profile-table'] tr[data-station='DE-ELBE-DOMMITZSCH']");
    expect(await page.locator("[data-testid='profile-table'] tr[data-station]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-station")))).toEqual(ELBE);
    const steps = Number(await page.locator("[data-testid='profile-slider']").getAttribute("max")) + 1;
    expect(steps).toBeGreaterThan(140); // a day in 10-minute steps
    const order: string[] = [];
    for (let i = 0; i < steps; i++) {
      const top = await highestAt(i);
      if (top && top.value > MAC && order[order.length - 1] !== top.station) order.push(top.station);
    }
    expect(order).toEqual(ELBE);
    // The chart and table at Zehren's peak.
    for (let i = 0; i < steps; i++) {
      const top = await highestAt(i);
      if (top?.station === "DE-ELBE-ZEHREN" && top.value > MAC) break;
    }
    expect(await page.locator("tr.profile-max").getAttribute("data-station")).toBe("DE-ELBE-ZEHREN");
    await page.screenshot({ path: path.join(ARTIFACTS, "profile.png"), fullPage: true });
  });

  it("plays: the slider advances by itself and stops at the end", async () => {
    await highestAt(0);
    await page.click("[data-action='play']");
    await page.waitForFunction(() => Number(document.querySelector<HTMLInputElement>("[data-testid='profile-slider']")!.value) >= 3);
    await page.click("[data-action='play']"); // pause
    const at = Number(await page.locator("[data-testid='profile-slider']").inputValue());
    await new Promise((r) => setTimeout(r, 600));
    expect(Number(await page.locator("[data-testid='profile-slider']").inputValue())).toBe(at);
  });

  it.each([
    ["de", "Längsprofil", "Fluss-km"],
    ["zh", "河流纵剖面", "河流公里"],
  ])("in %s, at phone width", async (lang, heading, km) => {
    const ctx = await browser().newContext({ viewport: { width: 390, height: 844 }, locale: lang === "de" ? "de-DE" : "zh-CN" });
    await ctx.addInitScript((l) => localStorage.setItem("water-monitor.preferences", JSON.stringify({ lang: l })), lang);
    const phone = await ctx.newPage();
    await phone.goto(`${system!.url}/#/profile?river=elbe&p=clarithromycin`);
    await phone.waitForSelector("[data-testid='profile-table'] tr[data-station]");
    expect(await phone.locator("h1").textContent()).toBe(heading);
    expect(await phone.locator("[data-testid='profile-table'] thead").textContent()).toContain(km);
    await phone.screenshot({ path: path.join(ARTIFACTS, `profile-${lang}-phone.png`), fullPage: true });
    // The page is no wider than the screen (a wide table scrolls in its own box).
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await ctx.close();
  });
});
