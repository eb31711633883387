// The engine with a hand-driven clock and SQLite in a temp dir: no-data, reminders and suppression
// without sleeping. Events are announced once recorded, so the tests wait for `engine.idle()`.
import { afterEach, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import type { RuleInput } from "../../server/src/alerts/rule-schema.ts";
import { startTestEngine } from "../helpers/alert-engine.ts";
import { testReading } from "../helpers/catalog.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(rules: RuleInput[], reminderMs: number | null = null) {
  const { time, engine, events, alerts, close } = await startTestEngine(rules, { start: T0, reminderMs, checkIntervalMs: MIN });
  cleanups.push(close);
  const send = async (r: Partial<Reading>) => {
    engine.ingest([testReading({ station: "DE-ELBE-ZEHREN", parameter: "ph", time: time.now(), value: 7.5, ...r })]);
    await engine.idle();
  };
  /** Moves the clock (running the checks that fall due) and waits until what they changed is recorded. */
  const advance = async (ms: number) => {
    time.advance(ms);
    await engine.idle();
  };
  return { time, advance, engine, events, send, alerts };
}

describe("alert engine", () => {
  it("raises no-data after the window of silence and resolves when readings return", async () => {
    const { advance, engine, events, send } = await setup([{ kind: "no-data", station: "DE-ELBE-ZEHREN", windowMs: 30 * MIN }]);
    await engine.start();
    await send({});
    await advance(29 * MIN);
    expect(events).toHaveLength(0);
    await advance(2 * MIN);
    expect(events.map((e) => `${e.kind}:${e.state}:${e.parameter}`)).toEqual(["no-data:firing:null"]);
    expect(events[0]!.message).toMatch(/Zehren .* sends no readings/);
    await send({});
    expect(events.map((e) => e.state)).toEqual(["firing", "resolved"]);
  });

  it("reminds once per interval while firing and unacknowledged, and not after an ack", async () => {
    const { time, advance, engine, events, send, alerts } = await setup([{ kind: "range", parameter: "ph", low: 6, high: 9 }], 60 * MIN);
    await engine.start();
    await send({ value: 9.5 });
    await advance(59 * MIN);
    expect(events.filter((e) => e.reminder)).toHaveLength(0);
    await advance(2 * MIN);
    expect(events.filter((e) => e.reminder)).toHaveLength(1);
    await advance(30 * MIN);
    expect(events.filter((e) => e.reminder)).toHaveLength(1);
    await alerts.acknowledge(events[0]!.id, "ana", "on it", time.now());
    await advance(120 * MIN);
    expect(events.filter((e) => e.reminder)).toHaveLength(1);
  });

  it("an offline station's open alerts get no reminders; the offline alert itself does", async () => {
    const { advance, engine, events, send } = await setup([{ kind: "range", parameter: "ph", low: 6, high: 9 }, { kind: "no-data", windowMs: 10 * MIN }], 60 * MIN);
    await engine.start();
    await send({ value: 9.5 });
    await advance(3 * 60 * MIN);
    const seen = events.map((e) => `${e.kind}:${e.state}${e.reminder ? ":reminder" : ""}`);
    expect(seen.slice(0, 2)).toEqual(["range:firing", "no-data:firing"]);
    expect(seen.filter((s) => s === "range:firing:reminder")).toHaveLength(0);
    expect(seen.filter((s) => s === "no-data:firing:reminder").length).toBeGreaterThanOrEqual(1);
  });

  it("with a for-duration, a breach must persist before firing; QC-failed values never count", async () => {
    const { advance, engine, events, send } = await setup([{ kind: "max", parameter: "ph", threshold: 8.5, forMs: 20 * MIN }]);
    await engine.start();
    await send({ value: 8.8 });
    await advance(10 * MIN);
    await send({ value: 8.9, qc: 4 });
    await advance(10 * MIN);
    await send({ value: 8.7 });
    expect(events.map((e) => e.state)).toEqual(["firing"]);
    expect(events[0]!.startedAt).toBe(T0);
  });
});
