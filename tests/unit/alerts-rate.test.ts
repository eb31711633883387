// Rate-of-change rules: the pure condition (rate per hour against the limit, with hysteresis) and the
// engine with a hand-driven clock, firing on a fast change and resolving once the change slows.
import { afterEach, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { limitCondition, ratePerHour, type RuleLimits } from "../../server/src/alerts/conditions.ts";
import type { RuleInput } from "../../server/src/alerts/rule-schema.ts";
import { startTestEngine } from "../helpers/alert-engine.ts";
import { testReading } from "../helpers/catalog.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 5, 1);

describe("rate condition", () => {
  const rate: RuleLimits = { kind: "rate", threshold: 1, low: null, high: null, clearRatio: 0.9 };

  it.each<[string, number, string]>([
    ["1.2 pH/h above a limit of 1 pH/h breaches", 1.2, "breach"],
    ["exactly the limit does not breach", 1, "hold"],
    ["0.95 pH/h is in the hysteresis band", 0.95, "hold"],
    ["0.8 pH/h clears", 0.8, "clear"],
  ])("%s", (_name, value, expected) => {
    expect(limitCondition(rate, value)).toBe(expected);
  });

  it("measures a fall as well as a rise, per hour, between the oldest and newest point", () => {
    expect(ratePerHour([{ time: 0, value: 8 }, { time: 15 * MIN, value: 7.9 }, { time: 30 * MIN, value: 7 }])).toBeCloseTo(2, 12);
    expect(ratePerHour([{ time: 0, value: 7 }, { time: 2 * HOUR, value: 8 }])).toBeCloseTo(0.5, 12);
  });

  it("has no rate for a single point or points at one instant", () => {
    expect(ratePerHour([{ time: 0, value: 7 }])).toBeNull();
    expect(ratePerHour([{ time: 0, value: 7 }, { time: 0, value: 9 }])).toBeNull();
  });
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function engineWithRateRule(rule: RuleInput) {
  const { time, engine, events, alerts, close } = await startTestEngine([{ kind: "rate", parameter: "ph", ...rule }], { start: T0, checkIntervalMs: MIN });
  cleanups.push(close);
  await engine.start();
  /** A pH reading now; the clock then moves on ten minutes, and what changed is recorded. */
  const send = async (value: number | null, r: Partial<Reading> = {}) => {
    engine.ingest([testReading({ station: "DE-ELBE-ZEHREN", parameter: "ph", time: time.now(), value, qualifier: value === null ? "<LOD" : null, limit: value === null ? 0.1 : null, ...r })]);
    time.advance(10 * MIN);
    await engine.idle();
  };
  return { events, send, alerts };
}

describe("rate rules in the engine", () => {
  it("fire when the change per hour exceeds the limit and resolve when it falls back below the clear level", async () => {
    const { events, send, alerts } = await engineWithRateRule({ threshold: 1, windowMs: HOUR });
    await send(7.0);
    await send(7.1);
    await send(7.2); // 0.6 pH/h over the last 20 minutes
    expect(events).toHaveLength(0);
    await send(7.8); // 0.8 pH in 30 minutes: 1.6 pH/h
    expect(events.map((e) => `${e.kind}:${e.state}`)).toEqual(["rate:firing"]);
    expect(events[0]!.value).toBeCloseTo(1.6, 9);
    expect(events[0]!.unit).toBe("pH/h");
    expect(events[0]!.startedAt).toBe(T0 + 30 * MIN);
    await send(7.8); // 1.2 pH/h: still above
    await send(7.8); // 0.96 pH/h: in the band, keeps firing
    expect(events).toHaveLength(1);
    await send(7.8); // 0.8 pH/h over the hour
    expect(events.map((e) => e.state)).toEqual(["firing", "resolved"]);
    expect(events[1]!.resolvedAt).toBe(T0 + 60 * MIN);
    // The alert keeps the rate that triggered it; its history records the rate that resolved it.
    expect(events[1]!.value).toBeCloseTo(1.6, 9);
    expect((await alerts.history(events[0]!.id)).find((h) => h.state === "resolved")?.value).toBeCloseTo(0.8, 9);
  });

  it("compare against the value at the start of the window, not the first value ever seen", async () => {
    const { events, send } = await engineWithRateRule({ threshold: 1, windowMs: HOUR });
    for (let i = 0; i < 12; i++) await send(7.0); // two steady hours
    await send(7.5); // +0.5 pH against the value an hour ago
    expect(events).toHaveLength(0);
    await send(8.3); // +1.3 pH against the value an hour ago (0.6 pH/h against the first, two hours back)
    expect(events.map((e) => e.state)).toEqual(["firing"]);
    expect(events[0]!.value).toBeCloseTo(1.3, 9);
  });

  it("ignore below-LOD and QC-failed readings", async () => {
    const { events, send } = await engineWithRateRule({ threshold: 1, windowMs: HOUR });
    await send(7.0);
    await send(9.5, { qc: 4 });
    await send(null);
    await send(7.1);
    expect(events).toHaveLength(0);
  });
});
