// One Chromium per browser-test file: launched before the file's tests, closed after them, also when
// the file's own setup failed (a browser left running would keep the worker and its ports busy).
// Call it where the tests are declared (a describe block or the file's top level); it returns how to
// reach the browser inside hooks and tests.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchChromium } from "./chromium.ts";

export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
  });
  return () => {
    if (!browser) throw new Error("Chromium is not running: use the browser inside hooks and tests of the block that called useChromium()");
    return browser;
  };
}
