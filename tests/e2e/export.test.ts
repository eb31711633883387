// The export dialog in a real browser against a real server and InfluxDB (public dashboard): a
// researcher exports the range a station page shows as CSV and gets exactly the stored readings;
// a slow download can be cancelled; a session that ended is told to log in (and the old cookie
// gets 401); a viewer is told that exports need a researcher account. Screenshots go to
// test-artifacts/.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { createUser, type TestUser } from "../helpers/auth.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { logInThroughForm, newWatchedPage, sessionCookie, type WatchedPage } from "./auth-kit.ts";
import { testReading } from "../helpers/catalog.ts";
import { ARTIFACTS, buildClientOnce, failOnPageErrors } from "./e2e-kit.ts";
import { useChromium } from "../helpers/chromium-fixture.ts";

const STATION = "DE-ELBE-ZEHREN";
const MIN = 60_000;
const HOUR = 60 * MIN;
const SHOWN = ["carbamazepine", "diclofenac"];

/** Six hours of 10-minute readings (one <LOD, one failed) of three compounds, two days ago. */
function fixture(start: number): Reading[] {
  const out: Reading[] = [];
  const base: Record<string, number> = { carbamazepine: 120, diclofenac: 30, ibuprofen: 40 };
  for (let i = 0, t = start; t < start + 6 * HOUR; t += 10 * MIN, i++) {
    for (const [parameter, mean] of Object.entries(base)) {
      let r: Reading = testReading({ station: STATION, parameter, time: t, value: mean + i });
      if (parameter === "diclofenac" && i === 10) r = { ...r, value: null, qualifier: "<LOD", limit: 2 };
      if (parameter === "carbamazepine" && i === 12) r = { ...r, value: 900, qc: 4 };
      out.push(r);
    }
  }
  return out;
}

describe("export dialog in Chromium", () => {
  let system: TestSystem | undefined;
  const browser = useChromium();
  let researcher: TestUser;
  let w: WatchedPage;
  let readings: Reading[];
  let from: number;
  let to: number;
  let stationHash: string;

  beforeAll(async () => {
    await buildClientOnce();
    system = await startTestSystem();
    const start = Math.floor((Date.now() - 2 * 24 * HOUR) / HOUR) * HOUR;
    readings = fixture(start);
    await system.store.writeReadings(readings);
    from = start + HOUR;
    to = start + 4 * HOUR;
    stationHash = `#/station/${STATION}?range=custom&from=${from}&to=${to}&p=${SHOWN.join(",")}`;
    researcher = await createUser(system, "researcher");
    w = await newWatchedPage(browser());
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });
  failOnPageErrors(() => w?.problems);

  const shot = (name: string) => w.page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
  const dialog = () => w.page.locator("dialog[data-testid=export-dialog]");

  it("lets a researcher export the range a station page shows as CSV, with exactly the stored readings", async () => {
    await w.page.goto(`${system!.url}/#/login?${new URLSearchParams({ next: stationHash })}`);
    await logInThroughForm(w.page, researcher.username, researcher.password);
    await w.page.waitForSelector(`.station[data-station='${STATION}']`);
    await w.page.waitForSelector("[data-testid=export-entry][data-state=ready]");

    await w.page.click("[data-testid=export-open]");
    await dialog().waitFor({ state: "visible" });
    expect(await dialog().evaluate((d) => (d as HTMLDialogElement).open && d.matches(":modal"))).toBe(true);
    // Pre-filled with what the page shows, and the focus inside the dialog.
    expect(await dialog().locator("input[name=stations]:checked").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual([STATION]);
    expect(await dialog().locator("input[name=parameters]:checked").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(SHOWN);
    expect(await w.page.evaluate(() => document.activeElement?.closest("dialog") !== null)).toBe(true);
    expect(await dialog().getAttribute("aria-labelledby")).toBeTruthy();

    const expected = readings.filter((r) => r.time >= from && r.time < to && SHOWN.includes(r.parameter));
    expect(expected).toHaveLength(36);
    const estimate = dialog().locator("[data-testid=export-estimate][data-state=ready]");
    await estimate.waitFor();
    expect(await estimate.getAttribute("data-rows")).toBe("36");
    expect(await estimate.textContent()).toMatch(/^About 36 rows, [\d.]+ kB$/);
    await shot("export-dialog.png");

    const [download] = await Promise.all([w.page.waitForEvent("download"), w.page.click("[data-testid=export-download]")]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^water-monitor_${STATION}_2-parameters_\\d{8}T\\d{6}Z-\\d{8}T\\d{6}Z_raw\\.csv$`));
    const text = readFileSync((await download.path())!, "utf8");
    const rows = parse(text, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual([
      "time", "station", "parameter", "sensor", "value", "unit", "qc_flag", "maintenance", "qualifier", "limit", "uncertainty", "approval", "provisional", "grade", "estimated", "corrections",
    ]);
    // Nothing reviewed yet: raw, provisional (below the default release level "approved").
    expect(rows.every((r) => r.approval === "raw" && r.provisional === "true" && r.corrections === "")).toBe(true);
    // Station time (the page's zone preference) with its offset, the same instants as stored.
    expect(rows.every((r) => /[+-]0[12]:00$/.test(r.time!))).toBe(true);
    const key = (time: number, parameter: string, value: string, qc: string, lod: string) => `${time}|${parameter}|${value}|${qc}|${lod}`;
    expect(rows.map((r) => key(Date.parse(r.time!), r.parameter!, r.value!, r.qc_flag!, r.limit!)).sort()).toEqual(
      expected.map((r) => key(r.time, r.parameter, r.value === null ? "" : String(r.value), String(r.qc), r.limit === null ? "" : String(r.limit))).sort(),
    );
    expect(rows.every((r) => r.station === STATION)).toBe(true);
    expect(rows.find((r) => r.value === "")?.qualifier).toBe("<LOD");

    const result = dialog().locator("[data-testid=export-result]");
    await result.waitFor({ state: "visible" });
    expect(await result.textContent()).toMatch(new RegExp(`^Saved ${download.suggestedFilename().replace(/\./g, "\\.")}: 36 rows, [\\d.]+ kB\\.$`));
    expect(await dialog().locator("[data-testid=export-progress]").textContent()).toMatch(/^Downloaded [\d.]+ kB, 36 rows$/);
    await shot("export-dialog-saved.png");

    // A choice the server refuses: its reason is shown, and Download waits for a valid choice.
    await dialog().locator("input[name=stations][value=CN-JIALING-BEIBEI]").check();
    await dialog().locator("select[name=layout]").selectOption("wide");
    const refused = dialog().locator("[data-testid=export-estimate][data-state=error]");
    await refused.waitFor();
    expect(await refused.textContent()).toContain("The server refused these choices: tz=station with layout=wide needs stations in one time zone");
    expect(await dialog().locator("[data-testid=export-download]").isDisabled()).toBe(true);
    await shot("export-dialog-refused.png");

    // Esc closes the dialog and gives the focus back to the button that opened it.
    await w.page.keyboard.press("Escape");
    await dialog().waitFor({ state: "detached" });
    expect(await w.page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("export-open");

    // The compare page offers it too, pre-filled with the compared series.
    await w.page.goto(`${system!.url}/#/compare?mode=stations&parameter=diclofenac&stations=${STATION},DE-ELBE-SCHMILKA&range=7d`);
    await w.page.click(".compare [data-testid=export-open]");
    await dialog().waitFor({ state: "visible" });
    const compared = await dialog().locator("input[name=stations]:checked").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(compared.sort()).toEqual(["DE-ELBE-SCHMILKA", STATION]);
    expect(await dialog().locator("input[name=parameters]:checked").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(["diclofenac"]);
    await dialog().locator("[data-testid=export-estimate][data-state=ready]").waitFor();
    await w.page.click("[data-testid=export-close]");
    await dialog().waitFor({ state: "detached" });
    await w.page.goto(`${system!.url}/${stationHash}`);
    await w.page.waitForSelector("[data-testid=export-entry][data-state=ready]");

    // In Chinese, every label of the dialog is translated.
    await w.page.selectOption("select[name=lang]", "zh");
    await w.page.waitForSelector("[data-testid=export-open]:text('导出数据…')");
    await w.page.click("[data-testid=export-open]");
    expect(await dialog().locator("h2").textContent()).toBe("导出数据");
    await dialog().locator("[data-testid=export-estimate][data-state=ready]").waitFor();
    expect(await dialog().locator("[data-testid=export-estimate]").textContent()).toMatch(/^约 36 行，/);
    await shot("export-dialog-zh.png");
    await w.page.keyboard.press("Escape");
    await w.page.selectOption("select[name=lang]", "en");
    await w.page.waitForSelector("[data-testid=export-open]:text('Export data…')");
  });

  it("cancels a slow download mid-way, and the user can start exports again at once", async () => {
    await w.page.goto(`${system!.url}/${stationHash}`);
    await w.page.waitForSelector("[data-testid=export-entry][data-state=ready]");
    await w.page.click("[data-testid=export-open]");
    await dialog().locator("[data-testid=export-estimate][data-state=ready]").waitFor();
    // A 1 kB/s line: the few kB of this export take seconds, long enough to cancel mid-way.
    const cdp = await w.page.context().newCDPSession(w.page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 50, downloadThroughput: 1_024, uploadThroughput: 1_024 * 1_024 });
    try {
      await w.page.click("[data-testid=export-download]");
      await dialog().locator("[data-testid=export-cancel]:visible").waitFor();
      await w.page.click("[data-testid=export-cancel]");
      await expect.poll(() => dialog().locator("[data-testid=export-result]").textContent()).toContain("Export cancelled.");
    } finally {
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    }
    // Two exports at once are this user's limit: both start only if the cancelled one holds no slot.
    const url = `/api/v1/export?${new URLSearchParams({ stations: STATION, parameters: SHOWN.join(","), from: String(from), to: String(to) })}`;
    await expect
      .poll(
        () =>
          w.page.evaluate(async (u) => {
            const answers = await Promise.all([fetch(u), fetch(u)]);
            await Promise.all(answers.map((a) => a.text()));
            return answers.map((a) => a.status).join(",");
          }, url),
        { timeout: 5_000 },
      )
      .toBe("200,200");
    await w.page.click("[data-testid=export-close]");
  });

  it("says to log in when the session ended elsewhere while the dialog was open", async () => {
    await w.page.click("[data-testid=export-open]");
    await dialog().locator("[data-testid=export-estimate][data-state=ready]").waitFor();
    // "Log out everywhere" from another device ends this browser's session too.
    const elsewhere = await fetch(`${system!.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: researcher.username, password: researcher.password }),
    });
    const otherCookie = (elsewhere.headers.get("set-cookie") ?? "").split(";")[0]!;
    const { csrfToken } = (await elsewhere.json()) as { csrfToken: string };
    const ended = await fetch(`${system!.url}/api/v1/auth/logout-all`, { method: "POST", headers: { cookie: otherCookie, "x-csrf-token": csrfToken } });
    expect(ended.status).toBe(200);

    await w.page.click("[data-testid=export-download]");
    const result = dialog().locator("[data-testid=export-result][data-kind=error]");
    await result.waitFor();
    expect(await result.textContent()).toBe("You are not logged in (any more). Log in with a researcher account to export data.");
    expect(await result.getAttribute("role")).toBe("alert");
    expect(await dialog().locator("[data-testid=export-download]").isDisabled()).toBe(true);
    await shot("export-dialog-session-ended.png");

    // Closing it lets the page find out who is logged in: nobody, so the button says to log in.
    await w.page.click("[data-testid=export-close]");
    await w.page.waitForSelector("[data-testid=export-entry][data-state=needs-login]");
    expect(await w.page.locator("[data-testid=session]").getAttribute("data-state")).toBe("anonymous");
  });

  it("after logging out, the export button says to log in, and the old cookie gets 401", async () => {
    // Back in through the export entry's own login link, which returns to the station page.
    await w.page.click("[data-testid=export-login]");
    await logInThroughForm(w.page, researcher.username, researcher.password);
    await w.page.waitForSelector("[data-testid=export-entry][data-state=ready]");
    expect(new URL(w.page.url()).hash).toBe(stationHash);
    const cookie = await sessionCookie(w.context);
    const exportUrl = `${system!.url}/api/v1/export?stations=${STATION}&parameters=carbamazepine&from=${from}&to=${to}`;
    expect((await fetch(exportUrl, { headers: { cookie } })).status).toBe(200);

    await w.page.click("[data-testid=logout]");
    const entry = w.page.locator("[data-testid=export-entry][data-state=needs-login]");
    await entry.waitFor();
    expect(await entry.locator("[data-testid=export-note]").textContent()).toBe("Exports need a researcher account. Log in");
    expect(await entry.locator("[data-testid=export-open]").getAttribute("aria-disabled")).toBe("true");
    // Playwright refuses to click an aria-disabled button unless forced: a user still can.
    await entry.locator("[data-testid=export-open]").click({ force: true });
    expect(await dialog().count()).toBe(0);
    expect((await fetch(exportUrl, { headers: { cookie } })).status).toBe(401);
    await shot("export-logged-out.png");
  });

  it("tells a viewer that exports need a researcher account", async () => {
    const viewer = await createUser(system!, "viewer");
    const v = await newWatchedPage(browser());
    try {
      await v.page.goto(`${system!.url}/#/login?${new URLSearchParams({ next: stationHash })}`);
      await logInThroughForm(v.page, viewer.username, viewer.password);
      const entry = v.page.locator("[data-testid=export-entry][data-state=needs-researcher]");
      await entry.waitFor();
      expect(await entry.locator("[data-testid=export-note]").textContent()).toBe(
        "Exports need a researcher account; yours is a viewer account. Ask an administrator for the researcher role.",
      );
      const button = entry.locator("[data-testid=export-open]");
      expect(await button.getAttribute("aria-describedby")).toBe(await entry.locator("[data-testid=export-note]").getAttribute("id"));
      await button.click({ force: true });
      expect(await v.page.locator("dialog[data-testid=export-dialog]").count()).toBe(0);
      // The compare page offers the same explanation.
      await v.page.goto(`${system!.url}/#/compare`);
      await v.page.waitForSelector(".compare [data-testid=export-entry][data-state=needs-researcher]");
      const cookie = await sessionCookie(v.context);
      expect((await fetch(`${system!.url}/api/v1/export?stations=${STATION}&parameters=carbamazepine`, { headers: { cookie } })).status).toBe(403);
      await v.page.goto(`${system!.url}/${stationHash}`);
      await entry.waitFor();
      await v.page.screenshot({ path: path.join(ARTIFACTS, "export-viewer.png"), fullPage: true });
      expect(v.problems).toEqual([]);
    } finally {
      await v.context.close();
    }
  });
});
