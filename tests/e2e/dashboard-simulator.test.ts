// The whole slice in a real browser: the simulator sends a day of history and then live readings
// through the real ingest API into a real server and InfluxDB, and the dashboard shows them; a reading
// POSTed during the test appears in the open chart without a reload.
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "../../sensors-sim/src/simulator.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { startTestSystem, testLogger, type TestSystem } from "../helpers/test-system.ts";
import { ARTIFACTS, buildClientOnce } from "./e2e-kit.ts";
import { seed as catalog } from "../helpers/catalog.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const STATION = "DE-ELBE-ZEHREN";

describe("dashboard fed by the simulator", () => {
  let system: TestSystem | undefined;
  let simulator: SimulatorHandle | undefined;
  const browser = useChromium();
  let page: Page;
  let token: string;

  beforeAll(async () => {
    await buildClientOnce();
    system = await startTestSystem();
    token = (await system.stationTokens.create("simulator", ["*"])).token;
    simulator = startSimulator(
      { url: system.url, token, seed: 7, backfill: "1d", start: "-20m", speed: 600, faults: { enabled: false } },
      { catalog, logger: testLogger },
    );
    const deadline = Date.now() + 60_000;
    while (simulator.summary().state !== "live") {
      if (Date.now() > deadline) throw new Error(`simulator still ${simulator.summary().state} after 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await system.writer.drained();
    page = await (await browser().newContext({ viewport: { width: 1400, height: 1000 }, locale: "en-GB" })).newPage();
  }, 180_000);

  afterAll(async () => {
    await simulator?.stop();
    await system?.stop();
  });

  it("the overview shows every simulated station with current values", async () => {
    await page.goto(`${system!.url}/`);
    await page.waitForFunction(() => document.querySelectorAll(".card .sparkline path[d^='M']").length >= 8);
    expect(await page.locator(".card").count()).toBe(catalog.stations.length);
    for (const station of catalog.stations) {
      const value = await page.locator(`.card[data-station='${station.id}'] tr[data-parameter='carbamazepine'] .num`).textContent();
      expect(value, station.id).toMatch(/\d ng\/L/);
      expect(await page.locator(`.card[data-station='${station.id}']`).getAttribute("data-status"), station.id).not.toBe("offline");
    }
    await page.screenshot({ path: path.join(ARTIFACTS, "simulator-overview.png"), fullPage: true });
  });

  it("a station page charts the simulated day, and a reading POSTed now appears within 2 s", async () => {
    await page.goto(`${system!.url}/#/station/${STATION}?range=24h`);
    const figure = page.locator("figure[data-parameter='carbamazepine']");
    await page.waitForSelector("figure[data-parameter='carbamazepine'][data-points]");
    expect(Number(await figure.getAttribute("data-points"))).toBeGreaterThan(100);
    await expect.poll(() => page.locator("[data-testid=connection]").getAttribute("data-state")).toBe("connected");

    const time = Date.now();
    const posted = Date.now();
    const res = await postReadings(system!.url, token, { readings: [{ station: STATION, parameter: "carbamazepine", time, value: 131.7 }] });
    expect(res.status).toBe(202);
    await page.waitForFunction((t) => Number(document.querySelector("figure[data-parameter='carbamazepine']")?.getAttribute("data-last-t")) >= t, time, {
      timeout: 2_000,
    });
    expect(Date.now() - posted).toBeLessThan(2_000);
    // The simulated KSI prototype reports beside the primary carbamazepine sensor at Zehren.
    expect(await figure.getAttribute("data-sensors-shown")).toBe("SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE,KSI-CBZ-MIP-P2");
    await page.screenshot({ path: path.join(ARTIFACTS, "simulator-station.png"), fullPage: false });
  });
});
