// Shared setup for the login and administration browser tests: a login-only server with a day of
// readings, logging in through the form, and the page's own errors (script errors and
// CSP violations) collected per page.
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { Reading } from "../../common/reading.ts";
import { buildClientOnce } from "./e2e-kit.ts";
import { testReading } from "../helpers/catalog.ts";
import { startTestSystem, type TestSystem, type TestSystemOptions } from "../helpers/test-system.ts";

export const STATIONS = [
  "DE-ELBE-ZEHREN",
  "DE-ELBE-SCHMILKA",
  "DE-ELBE-DOMMITZSCH",
  "DE-ZSCHOPAU-WALDHEIM",
  "DE-MULDE-BADDUEBEN",
  "CN-JIALING-BEIBEI",
  "CN-YANGTZE-CHAOTIANMEN",
  "CN-YANGTZE-CUNTAN",
];
export const XSS = `<img src=x onerror="window.__xss=1">`;

/** Half-hourly readings of the overview's key compounds over the last day, at every station. */
function lastDay(now: number): Reading[] {
  const out: Reading[] = [];
  const base: Record<string, number> = { carbamazepine: 120, diclofenac: 30, sulfamethoxazole: 20 };
  for (const station of STATIONS) {
    for (let t = now - 24 * 3_600_000; t <= now - 60_000; t += 30 * 60_000) {
      for (const [parameter, mean] of Object.entries(base)) out.push(testReading({ station, parameter, time: t, value: mean }));
    }
  }
  return out;
}

/** A login-only installation (PUBLIC_DASHBOARD=off) with data, and the dashboard built. */
export async function startLoginOnlySystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  await buildClientOnce();
  const system = await startTestSystem({ PUBLIC_DASHBOARD: "off" }, undefined, options);
  try {
    await system.store.writeReadings(lastDay(Date.now()));
    return system;
  } catch (err) {
    await system.stop();
    throw err;
  }
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught script errors, and console messages about Content-Security-Policy violations. */
  problems: string[];
}

export async function newWatchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 }, locale: "en-GB" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${String(e)}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content.Security.Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return { context, page, problems };
}

/** Fills in and submits the login form (the page must show it). */
export async function logInThroughForm(page: Page, username: string, password: string): Promise<void> {
  await page.waitForSelector(".login-form");
  await page.fill(".login-form input[name=username]", username);
  await page.fill(".login-form input[name=password]", password);
  await page.click(".login-form button[type=submit]");
}

/** The session cookie the browser holds, as a Cookie header value. */
export async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === "wm_session");
  if (!cookie) throw new Error("no wm_session cookie in the browser");
  return `${cookie.name}=${cookie.value}`;
}
