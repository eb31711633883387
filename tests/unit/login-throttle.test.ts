// The login throttle's delays: a few free failures (typos), then a delay that doubles with every
// failure up to a cap (capped exponential backoff, OWASP Authentication Cheat Sheet, "Login
// Throttling"); a record never outlives what it stands for by less than the longest delay.
import { describe, expect, it } from "vitest";
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, throttleAddress, throttleDelayMs, throttledUntil, type LoginThrottleRepository } from "../../server/src/auth/login-throttle.ts";

const policy = DEFAULT_LOGIN_THROTTLE;

describe("login throttle delays (default policy: 3 free failures, 1 s doubling up to 15 min)", () => {
  it.each([
    [0, 0],
    [1, 0],
    [3, 0],
    [4, 1_000],
    [5, 2_000],
    [6, 4_000],
    [13, 512_000],
    [14, 900_000],
    [20, 900_000],
    [1_000, 900_000],
  ])("after %i failures in a row the next attempt waits %i ms", (failures, delay) => {
    expect(throttleDelayMs(failures, policy)).toBe(delay);
  });

  it("counts the delay from the last failure; no record, no throttle", () => {
    expect(throttledUntil({ failures: 5, lastFailureAt: 10_000 }, policy)).toBe(12_000);
    expect(throttledUntil(undefined, policy)).toBeUndefined();
  });

  it("keeps failures at least as long as the longest delay, whatever forgetAfterMs says", () => {
    const repo = {} as LoginThrottleRepository;
    expect(new LoginThrottle(repo, { now: () => 0 }, { maxDelayMs: 3_600_000, forgetAfterMs: 60_000 }).policy.forgetAfterMs).toBe(3_600_000);
  });

  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["2001:db8:1234:5600::1", "2001:db8:1234:5600::/56"],
    ["2001:db8:1234:56ff:ffff::9", "2001:db8:1234:5600::/56"],
  ])("counts %s as %s (IPv6 per /56, as the rate limits do)", (ip, key) => {
    expect(throttleAddress(ip)).toBe(key);
  });
});
