import { describe, expect, it } from "vitest";
import { DEFAULT_MACHINE_OPTIONS, initialSeriesState, isNotified, step, type Condition, type MachineOptions, type SeriesState } from "../../server/src/alerts/state-machine.ts";

const MIN = 60_000;

/** Runs conditions at one-minute steps and returns the state after each. */
function run(conditions: Condition[], options: Partial<MachineOptions> = {}, start: SeriesState = initialSeriesState(0)): string[] {
  const o = { ...DEFAULT_MACHINE_OPTIONS, ...options };
  let s = start;
  return conditions.map((c, i) => {
    s = step(s, c, (i + 1) * MIN, o).next;
    return s.state;
  });
}

describe("alert state machine", () => {
  it.each<[string, Condition[], Partial<MachineOptions>, string[]]>([
    ["fires at once without a for-duration", ["breach"], {}, ["firing"]],
    ["stays firing while breached: one alert, not one per value", ["breach", "breach", "breach"], {}, ["firing", "firing", "firing"]],
    ["resolves on clear, then returns to ok", ["breach", "clear", "clear"], {}, ["firing", "resolved", "ok"]],
    ["ignores unknown conditions (no data, excluded QC)", ["breach", "unknown", "unknown"], {}, ["firing", "firing", "firing"]],
    ["waits in pending for the for-duration", ["breach", "breach", "breach"], { forMs: 2 * MIN }, ["pending", "pending", "firing"]],
    ["drops a pending alert when the condition ends early", ["breach", "clear", "breach"], { forMs: 2 * MIN }, ["pending", "ok", "pending"]],
    ["hysteresis: the band between clear level and trigger keeps firing", ["breach", "hold", "hold", "clear"], {}, ["firing", "firing", "firing", "resolved"]],
    ["hysteresis: the band never starts an alert", ["hold", "hold"], {}, ["ok", "ok"]],
    ["a pending alert in the band goes back to ok", ["breach", "hold"], { forMs: 5 * MIN }, ["pending", "ok"]],
    ["keep-firing: a clear must last before resolving", ["breach", "clear", "clear", "clear"], { keepFiringMs: 2 * MIN }, ["firing", "firing", "firing", "resolved"]],
    ["keep-firing restarts when the breach returns", ["breach", "clear", "breach", "clear", "clear"], { keepFiringMs: 2 * MIN }, ["firing", "firing", "firing", "firing", "firing"]],
    ["a new breach after resolution is a new alert", ["breach", "clear", "breach"], {}, ["firing", "resolved", "firing"]],
  ])("%s", (_name, conditions, options, expected) => {
    expect(run(conditions, options)).toEqual(expected);
  });

  it("flap suppression: after 3 starts within the window a firing alert holds through short clears", () => {
    const o = { ...DEFAULT_MACHINE_OPTIONS, flapMaxStarts: 3, flapWindowMs: 60 * MIN, flapHoldMs: 10 * MIN };
    const states = run(["breach", "clear", "breach", "clear", "breach", "clear", "clear", "breach", "clear"], o);
    // Two normal cycles, then the third start marks the series flapping and the next clears are held.
    expect(states).toEqual(["firing", "resolved", "firing", "resolved", "firing", "firing", "firing", "firing", "firing"]);
    let s = initialSeriesState(0);
    const conds: Condition[] = ["breach", "clear", "breach", "clear", "breach", "clear"];
    conds.forEach((c, i) => (s = step(s, c, (i + 1) * MIN, o).next));
    expect(s.flapping).toBe(true);
    // A clear that lasts the hold time ends the alert.
    expect(step(s, "clear", 6 * MIN + 10 * MIN, o).next.state).toBe("resolved");
  });

  it("starts outside the flap window are forgotten", () => {
    const o = { ...DEFAULT_MACHINE_OPTIONS, flapMaxStarts: 3, flapWindowMs: 10 * MIN };
    let s = initialSeriesState(0);
    for (const [t, c] of [[0, "breach"], [1, "clear"], [30, "breach"], [31, "clear"], [60, "breach"]] as Array<[number, Condition]>) {
      s = step(s, c, t * MIN, o).next;
    }
    expect(s.flapping).toBe(false);
    expect(s.recentStarts).toEqual([60 * MIN]);
  });

  it("the alert's start is when the condition began, not when pending ended", () => {
    const o = { ...DEFAULT_MACHINE_OPTIONS, forMs: 10 * MIN };
    let s = step(initialSeriesState(0), "breach", 5 * MIN, o).next;
    s = step(s, "breach", 15 * MIN, o).next;
    expect(s).toMatchObject({ state: "firing", startedAt: 5 * MIN, since: 15 * MIN });
  });

  it("only firing and resolved reach people", () => {
    expect(isNotified({ from: "ok", to: "pending" })).toBe(false);
    expect(isNotified({ from: "pending", to: "firing" })).toBe(true);
    expect(isNotified({ from: "ok", to: "firing" })).toBe(true);
    expect(isNotified({ from: "firing", to: "resolved" })).toBe(true);
    expect(isNotified({ from: "resolved", to: "ok" })).toBe(false);
    expect(isNotified({ from: "pending", to: "ok" })).toBe(false);
  });
});
