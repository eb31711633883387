// The catalog's admin pages in a real browser: an admin adds a station (names in three languages,
// coordinates, time zone) and it appears on the overview with its Chinese name when the language is
// Chinese; an import's dry run shows the diff before it is applied; a viewer sees no administration.
// Every catalog page is photographed in English, German and Chinese and at phone width.
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, loginSession, type TestUser } from "../helpers/auth.ts";
import type { TestSystem } from "../helpers/test-system.ts";
import { logInThroughForm, newWatchedPage, startLoginOnlySystem, type WatchedPage } from "./auth-kit.ts";
import { ARTIFACTS, failOnPageErrors } from "./e2e-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const SECTIONS = ["stations", "parameters", "sensors", "standards", "reference", "catalog-transfer", "catalog-history"] as const;
const NEW = { id: "DE-ELBE-MEISSEN", en: "Meissen (Elbe)", de: "Meißen (Elbe)", zh: "迈森（易北河）" };

describe("catalog administration in Chromium", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();
  let admin: TestUser;
  let viewer: TestUser;
  let w: WatchedPage;

  beforeAll(async () => {
    system = await startLoginOnlySystem();
    admin = await createUser(system, "admin");
    viewer = await createUser(system, "viewer");
    w = await newWatchedPage(browser());
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => w?.problems);

  const setLanguage = async (page: Page, lang: string) => {
    await page.selectOption("header select[name=lang]", lang);
    await page.waitForFunction((l) => document.documentElement.lang.startsWith(l), lang);
  };

  it("an admin adds a station, which appears on the overview with its Chinese name in Chinese", async () => {
    const { page } = w;
    await page.goto(`${system!.url}/#/admin/stations`);
    await logInThroughForm(page, admin.username, admin.password);
    await page.waitForSelector("[data-testid=station-list] tr[data-station='DE-ELBE-ZEHREN']");
    await page.click("[data-action=new-station]");
    const form = "[data-testid=station-form]";
    await page.fill(`${form} input[name=id]`, NEW.id);
    await page.fill(`${form} input[name='name.en']`, NEW.en);
    await page.fill(`${form} input[name='name.de']`, NEW.de);
    await page.fill(`${form} input[name='name.zh']`, NEW.zh);
    await page.selectOption(`${form} select[name=river]`, "elbe");
    await page.fill(`${form} input[name=riverKm]`, "82");
    await page.selectOption(`${form} select[name=region]`, "saxony");
    await page.fill(`${form} input[name=lat]`, "51.163");
    await page.fill(`${form} input[name=lon]`, "13.474");
    await page.fill(`${form} input[name=timezone]`, "Europe/Berlin");
    await page.selectOption(`${form} select[name=operator]`, "BFUL");
    await page.selectOption(`${form} select[name=status]`, "active");
    await page.screenshot({ path: path.join(ARTIFACTS, "admin-station-form.png"), fullPage: true });
    await page.click(`${form} button[type=submit]`);
    await page.waitForSelector("[data-testid=notice][data-kind=ok]");
    await page.waitForSelector(`[data-testid=station-list] tr[data-station='${NEW.id}']`);
    const stored = system!.catalog.current().station(NEW.id)!;
    expect(stored).toMatchObject({ name: { en: NEW.en, de: NEW.de, zh: NEW.zh }, river: "elbe", riverKm: 82, lat: 51.163, lon: 13.474, timezone: "Europe/Berlin", status: "active" });

    await setLanguage(page, "zh");
    await page.goto(`${system!.url}/#/`);
    const card = page.locator(`.card[data-station='${NEW.id}']`);
    await card.waitFor();
    expect(await card.locator("h3").textContent()).toBe(NEW.zh);
    expect(await card.locator(".card-sub").textContent()).toContain("易北河");
    await page.screenshot({ path: path.join(ARTIFACTS, "admin-new-station-overview-zh.png"), fullPage: true });
    await setLanguage(page, "en");
  });

  it("a wrong entry is refused with the server's message naming the field", async () => {
    const { page } = w;
    await page.goto(`${system!.url}/#/admin/stations`);
    await page.waitForSelector("[data-testid=station-list]");
    await page.locator(`tr[data-station='${NEW.id}'] [data-action=edit]`).click();
    await page.fill("[data-testid=station-form] input[name=timezone]", "Europe/Atlantis");
    await page.click("[data-testid=station-form] button[type=submit]");
    const error = page.locator("[data-testid=notice][data-kind=error]");
    await error.waitFor();
    expect(await error.textContent()).toContain("timezone");
    await page.click("[data-testid=station-form] button.quiet");
  });

  it("retiring shows what it means first, then retires", async () => {
    const { page } = w;
    await page.locator(`tr[data-station='${NEW.id}'] [data-action=retire]`).click();
    const preview = page.locator("[data-testid=retire-preview]");
    await preview.waitFor();
    expect(await preview.textContent()).toContain("takes no new readings");
    await page.screenshot({ path: path.join(ARTIFACTS, "admin-station-retire.png"), fullPage: true });
    await page.click("[data-action=confirm-retire]");
    await page.click("[data-action=confirm-retire]");
    await page.waitForSelector(`tr[data-station='${NEW.id}'][data-status=retired]`);
    expect(system!.catalog.current().station(NEW.id)!.status).toBe("retired");
  });

  it("an import shows its dry run, field by field, and applies only when confirmed", async () => {
    const { page } = w;
    await page.goto(`${system!.url}/#/admin/catalog-transfer`);
    const file = { ...system!.catalog.current().data, rivers: [...system!.catalog.current().data.rivers, { id: "saale", name: { en: "Saale", de: "Saale", zh: "萨勒河" } }] };
    file.stations = file.stations.map((s) => (s.id === "CN-YANGTZE-CUNTAN" ? { ...s, riverKm: 63 } : s));
    const version = system!.catalog.current().version;
    await page.setInputFiles("input[name=catalog-file]", { name: "catalog.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
    await page.waitForSelector("[data-testid=import-result] .catalog-diff");
    expect(await page.locator(".diff-list[data-entity=rivers] .diff-item[data-change=added]").getAttribute("data-key")).toBe("saale");
    expect(await page.locator(".diff-item[data-key='CN-YANGTZE-CUNTAN'] tr[data-field=riverKm] .diff-after").textContent()).toBe("63");
    expect(system!.catalog.current().version).toBe(version);
    await page.screenshot({ path: path.join(ARTIFACTS, "admin-import-dry-run.png"), fullPage: true });
    await page.click("[data-action=apply-import]");
    await page.click("[data-action=apply-import]");
    await page.waitForSelector("[data-testid=notice][data-kind=ok]");
    expect(system!.catalog.current().river("saale")).toBeDefined();
    expect(system!.catalog.current().version).toBe(version + 1);
  });

  it("every catalog page, in English, German and Chinese and at phone width", async () => {
    const { page } = w;
    for (const lang of ["en", "de", "zh"] as const) {
      await page.goto(`${system!.url}/#/admin/stations`);
      await setLanguage(page, lang);
      for (const section of SECTIONS) {
        await page.goto(`${system!.url}/#/admin/${section}`);
        await page.waitForSelector(`.admin-section[data-section='${section}']`);
        if (section === "sensors") {
          await page.locator("tr[data-sensor='KSI-CBZ-MIP-P2'] [data-action=open]").click();
          await page.waitForSelector("[data-testid=deployment-timeline]");
        }
        if (section === "standards") await page.locator("[data-standard='clarithromycin.MAC-EQS.EU-EQS-2022'] [data-action=new-version]").click();
        if (section === "catalog-history") await page.waitForSelector("[data-testid=catalog-history] tr[data-version]");
        await page.screenshot({ path: path.join(ARTIFACTS, `admin-${section}-${lang}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 390, height: 844 });
    for (const section of SECTIONS) {
      await page.goto(`${system!.url}/#/admin/${section}`);
      await page.waitForSelector(`.admin-section[data-section='${section}']`);
      // Nothing wider than the phone: the page scrolls down, not sideways (tables scroll in their box).
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, section).toBeLessThanOrEqual(1);
      await page.screenshot({ path: path.join(ARTIFACTS, `admin-${section}-phone.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1300, height: 900 });
    await setLanguage(page, "en");
  }, 120_000);

  it("an open overview shows a station another admin adds, without a reload", async () => {
    const v = await newWatchedPage(browser());
    try {
      await v.page.goto(`${system!.url}/#/`);
      await logInThroughForm(v.page, viewer.username, viewer.password);
      await v.page.waitForSelector(".card[data-station='DE-ELBE-ZEHREN']");
      await v.page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
      const session = await loginSession(system!, "admin");
      const res = await fetch(`${system!.url}/api/v1/catalog/stations`, {
        method: "POST",
        headers: session.headers,
        body: JSON.stringify({ ...system!.catalog.current().station("DE-ELBE-ZEHREN")!, id: "DE-ELBE-LIVE", name: { en: "Live addition (Elbe)" }, note: undefined }),
      });
      expect(res.status, await res.text()).toBe(201);
      const card = v.page.locator(".card[data-station='DE-ELBE-LIVE'] h3");
      await card.waitFor();
      expect(await card.textContent()).toBe("Live addition (Elbe)");
      // The same document, not a reload: the page took the catalogChanged event.
      expect(await v.page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
      expect(v.problems).toEqual([]);
    } finally {
      await v.context.close();
    }
  });

  it("a viewer sees no administration and none of the catalog pages", async () => {
    const v = await newWatchedPage(browser());
    try {
      await v.page.goto(`${system!.url}/#/admin/stations`);
      await logInThroughForm(v.page, viewer.username, viewer.password);
      await v.page.waitForSelector(".admin .state-error");
      expect(await v.page.locator(".admin .state-error").textContent()).toBe("This page is for administrators.");
      expect(await v.page.locator("header nav a[href^='#/admin']").count()).toBe(0);
      for (const section of SECTIONS) {
        await v.page.goto(`${system!.url}/#/admin/${section}`);
        await v.page.waitForSelector(".admin .state-error");
        expect(await v.page.locator(".admin-section, [data-action^=new-], form").count(), section).toBe(0);
      }
      expect(v.problems).toEqual([]);
    } finally {
      await v.context.close();
    }
  });
});

