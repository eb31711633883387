// The dashboard when things go wrong: the live connection drops (re-subscribe and fetch what was
// missed) and InfluxDB goes down (a banner with the reason, error states with retry, no crash).
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import type { ManagedInfluxd } from "../../server/src/influx/managed-influxd.ts";
import { ARTIFACTS, buildClientOnce } from "./e2e-kit.ts";
import { testReading } from "../helpers/catalog.ts";
import { startOwnInfluxd, startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const STATION = "DE-MULDE-BADDUEBEN";


describe("dashboard resilience in Chromium", () => {
  let influxd: ManagedInfluxd | undefined;
  let system: TestSystem | undefined;
  const browser = useChromium();
  let page: Page;

  beforeAll(async () => {
    await buildClientOnce();
    influxd = await startOwnInfluxd();
    system = await startTestSystem({}, influxd.url);
    const now = Date.now();
    const readings: Reading[] = [];
    for (let t = now - 6 * 3_600_000; t < now - 60_000; t += 10 * 60_000) {
      readings.push(testReading({ station: STATION, parameter: "carbamazepine", time: t, value: 80 }));
    }
    await system.store.writeReadings(readings);
    page = await (await browser().newContext({ viewport: { width: 1300, height: 900 }, locale: "en-GB" })).newPage();
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
    await influxd?.stop();
  });

  it("re-subscribes after the live connection drops and fetches the readings it missed", async () => {
    await page.goto(`${system!.url}/#/station/${STATION}?range=live&p=carbamazepine`);
    await page.waitForSelector("figure[data-parameter='carbamazepine'][data-points]");
    await expect.poll(() => page.locator("[data-testid=connection]").getAttribute("data-state")).toBe("connected");

    // Stored but never pushed live: only the resync after reconnecting can bring it.
    const time = Date.now();
    await system!.store.writeReadings([testReading({ station: STATION, parameter: "carbamazepine", time, value: 77.7 })]);
    system!.io.disconnectSockets();
    await page.waitForFunction(
      (t) => document.querySelector("figure[data-parameter='carbamazepine']")?.getAttribute("data-last-t") === String(t),
      time,
      { timeout: 10_000 },
    );
    await expect.poll(() => page.locator("[data-testid=connection]").getAttribute("data-state")).toBe("connected");

    // And live pushes flow again (the subscription was renewed).
    const next: Reading = testReading({ station: STATION, parameter: "carbamazepine", time: Date.now(), value: 88.8 });
    system!.events.emitAccepted([next]);
    await page.waitForFunction(
      (t) => document.querySelector("figure[data-parameter='carbamazepine']")?.getAttribute("data-last-t") === String(t),
      next.time,
      { timeout: 2_000 },
    );
  });

  it("shows why when InfluxDB is down and offers a retry instead of empty charts", async () => {
    await influxd!.stop();
    await page.goto(`${system!.url}/#/`);
    const banner = page.locator("[data-testid=health-banner]");
    await banner.waitFor({ state: "visible", timeout: 10_000 });
    expect(await banner.textContent()).toMatch(/database is unavailable.*InfluxDB is unreachable/i);
    await page.waitForSelector(".overview .state-error", { timeout: 35_000 });
    expect(await page.locator(".overview .state-error button").textContent()).toBe("Retry");
    await page.screenshot({ path: path.join(ARTIFACTS, "influx-down.png"), fullPage: true });
  }, 60_000);
});
