// Debian's chromium driven by playwright-core, for the browser tests and the client benchmark
// (no vitest here, so the benchmark can use it too).
import { execFileSync } from "node:child_process";
import { chromium, type Browser, type Page } from "playwright-core";

function chromiumPath(): string {
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim() || "/usr/bin/chromium";
  } catch {
    return "/usr/bin/chromium";
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
}

/** The page's console errors and uncaught exceptions, collected as they happen. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  return errors;
}
