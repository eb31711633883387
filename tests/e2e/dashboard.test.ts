// The dashboard in a real browser (Debian chromium via playwright-core) against a real server and
// InfluxDB: overview, station charts with standard lines, live appends, server-side resolution
// for long ranges, and language switching. Screenshots go to test-artifacts/ (gitignored).
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { ARTIFACTS, buildClientOnce, failOnPageErrors } from "./e2e-kit.ts";
import { collectPageErrors } from "../helpers/chromium.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { testReading } from "../helpers/catalog.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const STATION = "DE-ELBE-ZEHREN";
const MIN = 60_000;
const DAY = 24 * 60 * MIN;


/**
 * 35 days of 10-minute readings at Zehren (with <LOD, suspect and failed values, and a day of the
 * KSI carbamazepine prototype beside the primary sensor), 24 h elsewhere.
 */
function fixture(now: number): Reading[] {
  const out: Reading[] = [];
  const start = Math.floor((now - 35 * DAY) / (10 * MIN)) * 10 * MIN;
  const base: Record<string, number> = { carbamazepine: 120, diclofenac: 60, ibuprofen: 40, sulfamethoxazole: 20, ph: 7.8, dissolved_oxygen: 9 };
  let i = 0;
  for (let t = start; t < now - 5 * MIN; t += 10 * MIN, i++) {
    const wave = Math.sin((2 * Math.PI * (t % DAY)) / DAY);
    for (const [parameter, mean] of Object.entries(base)) {
      const value = mean * (1 + 0.3 * wave) + ((i * 7) % 11) * mean * 0.01;
      let r: Reading = testReading({ station: STATION, parameter, time: t, value: Number(value.toFixed(3)) });
      if (parameter === "sulfamethoxazole" && i % 9 === 0) r = { ...r, value: null, qualifier: "<LOD", limit: 2 };
      if (parameter === "carbamazepine" && i % 37 === 0) r = { ...r, qc: 3 };
      if (parameter === "carbamazepine" && i % 53 === 0) r = { ...r, value: 900, qc: 4 };
      out.push(r);
      if (parameter === "carbamazepine" && t > now - DAY) {
        out.push(testReading({ station: STATION, parameter, sensor: "KSI-CBZ-MIP-P2", time: t, value: Number((value * 1.08).toFixed(1)) }));
      }
    }
  }
  const others = ["DE-ELBE-SCHMILKA", "DE-ELBE-DOMMITZSCH", "DE-ZSCHOPAU-WALDHEIM", "DE-MULDE-BADDUEBEN", "CN-JIALING-BEIBEI", "CN-YANGTZE-CHAOTIANMEN", "CN-YANGTZE-CUNTAN"];
  others.forEach((station, s) => {
    // Cuntan went quiet three hours ago: the overview must call it offline.
    const end = station === "CN-YANGTZE-CUNTAN" ? now - 3 * 60 * MIN : now - 5 * MIN;
    for (let t = end - DAY; t <= end; t += 30 * MIN) {
      for (const [parameter, mean] of Object.entries(base)) {
        const qc = station === "CN-JIALING-BEIBEI" && t + 30 * MIN > end && parameter === "carbamazepine" ? 3 : 1;
        out.push(testReading({ station, parameter, time: t, value: Number((mean * (0.6 + 0.1 * s)).toFixed(2)), qc }));
      }
    }
  });
  return out;
}

describe("dashboard in Chromium", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    await buildClientOnce();
    system = await startTestSystem();
    const readings = fixture(Date.now());
    for (let i = 0; i < readings.length; i += 5000) await system.store.writeReadings(readings.slice(i, i + 5000));
    const context = await browser().newContext({ viewport: { width: 1400, height: 1000 }, locale: "en-GB" });
    page = await context.newPage();
    consoleErrors = collectPageErrors(page);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => consoleErrors);

  it("shows the 8 stations grouped by region with status, values and units", async () => {
    await page.goto(`${system!.url}/`);
    await page.waitForSelector(".card[data-status]");
    await page.waitForFunction(() => document.querySelectorAll(".card .sparkline path[d^='M']").length >= 8);
    expect(await page.locator(".card").count()).toBe(8);
    expect(await page.locator(".region[data-region='saxony'] .card").count()).toBe(5);
    expect(await page.locator(".region[data-region='chongqing'] .card").count()).toBe(3);
    expect(await page.locator(".region[data-region='saxony'] h2").textContent()).toBe("Saxony");
    expect(await page.locator(".card[data-station='CN-YANGTZE-CUNTAN']").getAttribute("data-status")).toBe("offline");
    const zehren = page.locator(".card[data-station='DE-ELBE-ZEHREN']");
    expect(await zehren.locator("tr[data-parameter='carbamazepine'] .num").textContent()).toMatch(/\d ng\/L/);
    // Status is spelled out, not only coloured.
    expect(await page.locator(".card[data-station='CN-YANGTZE-CUNTAN'] .badge").textContent()).toContain("Offline");
    await expect.poll(() => page.locator("[data-testid=connection]").getAttribute("data-state")).toBe("connected");
    await page.screenshot({ path: path.join(ARTIFACTS, "overview.png"), fullPage: true });
  });

  it("opens a station with one chart per parameter, data and quality-standard lines", async () => {
    await page.click(`.card[data-station='${STATION}'] .card-link`);
    await page.waitForSelector(`.station[data-station='${STATION}']`);
    await page.waitForSelector("figure[data-parameter='carbamazepine'][data-points]");
    const points = Number(await page.locator("figure[data-parameter='carbamazepine']").getAttribute("data-points"));
    expect(points).toBeGreaterThan(100);
    expect(await page.locator("figure.panel canvas").count()).toBeGreaterThanOrEqual(6);
    // Diclofenac's AA-EQS lines (40 and 50 ng/L) lie within its data range and are drawn and listed.
    const diclofenac = page.locator("figure[data-parameter='diclofenac']");
    expect(Number(await diclofenac.getAttribute("data-standards"))).toBeGreaterThanOrEqual(2);
    expect(await diclofenac.locator(".standard-list").textContent()).toContain("EU-EQS-2022");
    // Carbamazepine's MAC-EQS (1.6 mg/L) would flatten the chart: listed as off scale.
    expect(await page.locator("figure[data-parameter='carbamazepine'] .standard-list").textContent()).toMatch(/off scale/);
    await page.screenshot({ path: path.join(ARTIFACTS, "station.png"), fullPage: true });
  });

  it("shows both carbamazepine sensors of the station side by side, with a sensor picker", async () => {
    const figure = page.locator("figure[data-parameter='carbamazepine']");
    expect(await figure.getAttribute("data-sensors")).toBe("2");
    expect(await figure.getAttribute("data-sensors-shown")).toBe("SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE,KSI-CBZ-MIP-P2");
    const picker = figure.locator("[data-testid=sensor-picker]");
    expect(await picker.textContent()).toContain("Kurt-Schwabe-Institut Meinsberg (simulated) CBZ-MIP prototype 2 · KSI-CBZ-MIP-P2");
    expect(await figure.locator("[data-testid=latest] [data-sensor]").evaluateAll((els) => els.map((e) => e.getAttribute("data-sensor")))).toEqual([
      "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE",
      "KSI-CBZ-MIP-P2",
    ]);
    // Parameters with one sensor have no picker.
    expect(await page.locator("figure[data-parameter='diclofenac'] [data-testid=sensor-picker]").count()).toBe(0);
    await figure.screenshot({ path: path.join(ARTIFACTS, "station-two-sensors.png") });
    await picker.locator("input[value='KSI-CBZ-MIP-P2']").uncheck();
    await expect.poll(() => figure.getAttribute("data-sensors-shown")).toBe("SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE");
    await picker.locator("input[value='KSI-CBZ-MIP-P2']").check();
    await expect.poll(() => figure.getAttribute("data-sensors-shown")).toBe("SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE,KSI-CBZ-MIP-P2");
  });

  it("draws the standards that apply here with their legal status, and offers the others as reference lines, off", async () => {
    const diclofenac = page.locator("figure[data-parameter='diclofenac']");
    expect(await diclofenac.getAttribute("data-standards")).toBe("2");
    const applicable = await diclofenac.locator(".standard-list").first().textContent();
    expect(applicable).toContain("EU-EQS-2022 (proposal)");
    expect(applicable).toContain("DE-UBA-proposal (proposal)");
    expect(applicable).not.toContain("CH-GSchV");
    const swiss = diclofenac.locator("[data-testid=reference-lines] li[data-sources='CH-GSchV']");
    expect(await swiss.textContent()).toContain("CH-GSchV (binding) — reference, not binding here");
    expect(await swiss.locator("input").isChecked()).toBe(false);
    await swiss.locator("input").check();
    await expect.poll(() => diclofenac.getAttribute("data-standards")).toBe("3");
    await swiss.locator("input").uncheck();
    await expect.poll(() => diclofenac.getAttribute("data-standards")).toBe("2");
    // No GB 3838 line on a Saxon station: the pH range is offered as a reference only, the class III
    // oxygen minimum not even that (Zehren has no Chinese target class).
    expect(await page.locator("figure[data-parameter='ph']").getAttribute("data-standards")).toBe("0");
    expect(await page.locator("figure[data-parameter='ph'] [data-testid=reference-lines]").textContent()).toContain("CN-GB3838-2002");
    expect(await page.locator("figure[data-parameter='dissolved_oxygen']").getAttribute("data-standards")).toBe("0");
    expect(await page.locator("figure[data-parameter='dissolved_oxygen'] [data-testid=reference-lines]").count()).toBe(0);
  });

  it("draws the station's GB 3838 target-class lines on a Chinese station", async () => {
    await page.goto(`${system!.url}/#/station/CN-YANGTZE-CUNTAN?range=7d`);
    await page.waitForSelector("figure[data-parameter='dissolved_oxygen'][data-points]");
    expect(await page.locator("figure[data-parameter='ph']").getAttribute("data-standards")).toBe("2");
    const oxygen = page.locator("figure[data-parameter='dissolved_oxygen']");
    expect(await oxygen.getAttribute("data-standards")).toBe("1");
    expect(await oxygen.locator(".standard-list").first().textContent()).toMatch(/Class limit class III min 5 mg\/L · CN-GB3838-2002 \(binding\)/);
    await page.screenshot({ path: path.join(ARTIFACTS, "station-cuntan.png"), fullPage: true });
    await page.goto(`${system!.url}/#/station/${STATION}`);
    await page.waitForSelector("figure[data-parameter='carbamazepine'][data-points]");
  });

  it("appends a reading pushed live to the open chart within 2 s", async () => {
    const time = Date.now();
    const reading: Reading = testReading({ station: STATION, parameter: "carbamazepine", time, value: 432.1 });
    await system!.store.writeReadings([reading]);
    const pushedAt = Date.now();
    system!.events.emitAccepted([reading]);
    const figure = page.locator("figure[data-parameter='carbamazepine']");
    await page.waitForFunction((t) => document.querySelector("figure[data-parameter='carbamazepine']")?.getAttribute("data-last-t") === String(t), time, {
      timeout: 2_000,
    });
    expect(Date.now() - pushedAt).toBeLessThan(2_000);
    expect(await figure.locator("[data-testid=latest]").textContent()).toContain("432 ng/L");
  });

  it("keeps the point count within the chart width for 30 days", async () => {
    await page.click("button[data-range='30d']");
    await page.waitForFunction(() => {
      const f = document.querySelector("figure[data-parameter='carbamazepine']");
      return f?.getAttribute("data-resolution") === "aggregate";
    });
    const figure = page.locator("figure[data-parameter='carbamazepine']");
    const points = Number(await figure.getAttribute("data-points"));
    const width = Number(await figure.getAttribute("data-width"));
    const canvasWidth = await figure.locator("canvas").evaluate((c) => (c as HTMLCanvasElement).clientWidth);
    expect(points).toBeGreaterThan(10);
    expect(points).toBeLessThanOrEqual(width);
    expect(width).toBeLessThanOrEqual(canvasWidth);
    expect(page.url()).toContain("range=30d");
    await page.screenshot({ path: path.join(ARTIFACTS, "station-30d.png"), fullPage: true });
  });

  it("switches the UI to German and Chinese and remembers the choice", async () => {
    await page.selectOption("select[name=lang]", "de");
    await expect.poll(() => page.locator("nav a").first().textContent()).toBe("Übersicht");
    expect(await page.locator("button[data-range='7d']").textContent()).toBe("7 T");
    await page.selectOption("select[name=lang]", "zh");
    await expect.poll(() => page.locator("nav a").first().textContent()).toBe("总览");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await page.reload();
    await expect.poll(() => page.locator("nav a").first().textContent()).toBe("总览");
    await page.waitForSelector("figure[data-parameter='carbamazepine'][data-points]");
    await page.screenshot({ path: path.join(ARTIFACTS, "station-zh.png"), fullPage: true });
    await page.goto(`${system!.url}/#/`);
    await page.waitForSelector(".card[data-status]");
    // Station, river and region names in Chinese.
    expect(await page.locator(".card[data-station='CN-YANGTZE-CUNTAN'] h3").textContent()).toMatch(/^寸滩/);
    expect(await page.locator(".card[data-station='DE-ZSCHOPAU-WALDHEIM'] h3").textContent()).toBe("瓦尔德海姆（乔保河）");
    expect(await page.locator(".card[data-station='CN-YANGTZE-CUNTAN'] .card-sub").textContent()).toContain("长江");
    expect(await page.locator(".region[data-region='saxony'] h2").textContent()).toBe("萨克森州");
    expect(await page.locator(".card[data-station='DE-ELBE-ZEHREN'] tr[data-parameter='carbamazepine'] th").textContent()).toBe("卡马西平");
    await page.screenshot({ path: path.join(ARTIFACTS, "overview-zh.png"), fullPage: true });
    await page.selectOption("select[name=lang]", "en");
  });

  it("shows concentrations in µg/L and the time axis in UTC on request", async () => {
    await page.goto(`${system!.url}/#/station/${STATION}?range=24h`);
    await page.selectOption("select[name=unit]", "µg/L");
    await page.selectOption("select[name=zone]", "utc");
    await page.waitForSelector("figure[data-parameter='diclofenac'][data-points]");
    const latest = await page.locator("figure[data-parameter='carbamazepine'] [data-testid=latest]").textContent();
    expect(latest).toMatch(/0\.432 µg\/L/);
    expect(latest).toMatch(/UTC/);
    expect(await page.locator("figure[data-parameter='diclofenac'] .standard-list").textContent()).toContain("0.04 µg/L");
    // pH keeps its own unit.
    expect(await page.locator("figure[data-parameter='ph'] h2").textContent()).toContain("(pH)");
    await page.selectOption("select[name=lang]", "de");
    await page.waitForSelector("figure[data-parameter='diclofenac'][data-points]");
    await page.screenshot({ path: path.join(ARTIFACTS, "station-de-ugl-utc.png"), fullPage: true });
    await page.selectOption("select[name=lang]", "en");
    await page.selectOption("select[name=unit]", "ng/L");
    await page.selectOption("select[name=zone]", "station");
  });

  it("compares one compound along the Elbe", async () => {
    await page.goto(`${system!.url}/#/compare`);
    await page.waitForSelector(".compare-panel[data-series='3']");
    await page.screenshot({ path: path.join(ARTIFACTS, "compare.png"), fullPage: true });
  });
});
