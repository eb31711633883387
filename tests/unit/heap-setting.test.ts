// The server's heap growth (heap-setting.ts): the table of what a live heap gets, and that a full
// collection in this very process sets the flag anew.
import { runInNewContext } from "node:vm";
import v8 from "node:v8";
import { describe, expect, it } from "vitest";
import { applyHeapSetting, growingPercentFor, MIN_GROWING_PERCENT } from "../../server/src/heap-setting.ts";

const MB = 1024 * 1024;

describe("growingPercentFor", () => {
  it.each([
    // live heap, ceiling %, slack MB → %
    [60 * MB, 100, 96, 100], // a small catalog: the ceiling
    [96 * MB, 100, 96, 100],
    [120 * MB, 100, 96, 80],
    [190 * MB, 100, 96, 50], // 500 stations × 40 parameters (npm run bench -- scale)
    [1_000 * MB, 100, 96, MIN_GROWING_PERCENT], // never below the floor
    [190 * MB, 40, 96, 40], // a lower ceiling wins
    [1_000 * MB, 10, 96, 10], // a ceiling below the floor is the operator's choice
    [190 * MB, 100, 0, 100], // HEAP_SLACK_MB=0: the ceiling alone
    [0, 100, 96, 100],
  ])("live %d bytes, ceiling %d %%, slack %d MB → %d %%", (live, ceiling, slackMb, expected) => {
    expect(growingPercentFor(live, ceiling, slackMb * MB)).toBe(expected);
  });
});

describe("applyHeapSetting", () => {
  /** A full collection now, in this process. */
  function fullCollection(): void {
    v8.setFlagsFromString("--expose-gc");
    (runInNewContext("gc") as () => void)();
  }

  it("sets the ceiling at start, and after a full collection the growth that keeps the garbage within the slack", async () => {
    const flags: string[] = [];
    // A slack of 1 MB against this worker's live heap (tens of MB): the floor.
    const stop = applyHeapSetting({ heapGrowingPercent: 100, heapSlackMb: 1 }, (f) => flags.push(f));
    try {
      expect(flags).toEqual(["--heap-growing-percent=100"]);
      fullCollection();
      await expect.poll(() => flags, { timeout: 5_000 }).toEqual(["--heap-growing-percent=100", `--heap-growing-percent=${MIN_GROWING_PERCENT}`]);
    } finally {
      stop();
    }
  });

  it("with HEAP_SLACK_MB=0 or HEAP_GROWING_PERCENT=0 follows no collection", async () => {
    const flags: string[] = [];
    const stops = [applyHeapSetting({ heapGrowingPercent: 100, heapSlackMb: 0 }, (f) => flags.push(f)), applyHeapSetting({ heapGrowingPercent: 0, heapSlackMb: 96 }, (f) => flags.push(f))];
    fullCollection();
    await new Promise((r) => setTimeout(r, 200));
    stops.forEach((stop) => stop());
    expect(flags).toEqual(["--heap-growing-percent=100"]);
  });
});
