// Shared setup for the browser tests: one client build per test run even
// when several e2e files start in parallel workers (a directory lock). The build goes to a directory
// of this run's own (see tests/helpers/client-build.ts), which startTestSystem then serves.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterEach, expect, inject } from "vitest";
import { clientBuildDir, useClientDir } from "../helpers/client-build.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ARTIFACTS = path.join(ROOT, "test-artifacts");
const STALE_LOCK_MS = 120_000;

/** Builds the dashboard once per `vitest run` into the run's own directory and serves it from there. */
export async function buildClientOnce(): Promise<void> {
  const dir = clientBuildDir(inject("influxUrl"));
  const LOCK = `${dir}.lock`;
  mkdirSync(ARTIFACTS, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // The holder just released it.
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!existsSync(path.join(dir, "index.html"))) {
      execFileSync("npx", ["vite", "build", "--config", "client/vite.config.ts", "--logLevel", "error", "--outDir", dir, "--emptyOutDir"], { cwd: ROOT, stdio: "pipe" });
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
  useClientDir(dir);
}

/**
 * Each test answers for its own page: the errors collected while it ran (script errors, CSP
 * violations, …) must be none, checked after it and then cleared. A single "ran without errors"
 * test at the end would pass when run alone.
 */
export function failOnPageErrors(errors: () => string[] | undefined): void {
  afterEach(() => {
    const seen = errors()?.splice(0) ?? [];
    expect(seen, "script errors or CSP violations during this test").toEqual([]);
  });
}

/**
 * A browser context logged in with `cookie` (a session from tests/helpers/auth.ts loginSession) at
 * `url`, with the dashboard's language preference set as the switcher stores it (unit ng/L, time
 * zone left at its default: station time).
 */
export async function sessionContext(
  browser: Browser,
  url: string,
  cookie: string,
  options: { lang: "en" | "de" | "zh"; width?: number; timezoneId: string },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1400, height: 950 }, locale: "en-GB", timezoneId: options.timezoneId });
  const [name, ...value] = cookie.split("=");
  await context.addCookies([{ name: name!, value: value.join("="), url }]);
  await context.addInitScript((lang) => localStorage.setItem("water-monitor.preferences", JSON.stringify({ lang, unit: "ng/L", zone: "station" })), options.lang);
  return context;
}

/** The page's chart legend entries (charts/html-legend.ts) with their text and left and right edges in CSS px. */
export function legendEntries(page: Page): Promise<Array<{ text: string; left: number; right: number }>> {
  return page.evaluate(() =>
    [...document.querySelectorAll(".chart-legend-item")].map((e) => {
      const { left, right } = e.getBoundingClientRect();
      return { text: e.textContent ?? "", left, right };
    }),
  );
}
