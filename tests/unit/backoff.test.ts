import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../server/src/util/backoff.ts";

describe("backoffDelay", () => {
  it.each([
    [0, 250],
    [1, 500],
    [3, 2_000],
    [6, 10_000],
    [40, 10_000],
    [-2, 250],
  ])("attempt %d waits %d ms (base 250, cap 10 s)", (attempt, ms) => {
    expect(backoffDelay(attempt, 250, 10_000)).toBe(ms);
  });
});
