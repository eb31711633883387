// The engine per sensor: a series is a station × parameter × sensor, so the KSI prototype beside
// Zehren's primary carbamazepine sensor alerts apart, a fault of one sensor silences only its own
// series, and AA early warnings count coverage against the sensor's reading interval.
import { afterEach, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import type { RuleInput } from "../../server/src/alerts/rule-schema.ts";
import { startTestEngine } from "../helpers/alert-engine.ts";
import { testReading } from "../helpers/catalog.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1);
const ZEHREN = "DE-ELBE-ZEHREN";
const PRIMARY = "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE";
const PROTOTYPE = "KSI-CBZ-MIP-P2";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(rules: RuleInput[], start = T0) {
  const { time, engine, events, alerts, close } = await startTestEngine(rules, { start, checkIntervalMs: MIN });
  cleanups.push(close);
  await engine.start();
  const send = async (readings: Array<Partial<Reading> & Pick<Reading, "parameter">>) => {
    engine.ingest(readings.map((r) => testReading({ station: ZEHREN, time: time.now(), ...r })));
    await engine.idle();
  };
  const advance = async (ms: number) => {
    time.advance(ms);
    await engine.idle();
  };
  return { time, engine, events, send, advance, alerts };
}

const cbz = (sensor: string, value: number, over: Partial<Reading> = {}) => ({ parameter: "carbamazepine", sensor, value, ...over });

describe("alerts per sensor", () => {
  it("two sensors of one compound at one station raise separate alerts, each naming its sensor", async () => {
    const { events, send, advance, alerts } = await setup([{ kind: "max", station: ZEHREN, parameter: "carbamazepine", threshold: 200 }]);
    await send([cbz(PRIMARY, 250), cbz(PROTOTYPE, 120)]);
    expect(events.map((e) => [e.state, e.sensor])).toEqual([["firing", PRIMARY]]);
    await advance(10 * MIN);
    await send([cbz(PRIMARY, 240), cbz(PROTOTYPE, 260)]);
    expect(events.map((e) => [e.state, e.sensor])).toEqual([["firing", PRIMARY], ["firing", PROTOTYPE]]);
    expect(events[1]!.message).toContain(`Zehren (Elbe, below Dresden) (sensor ${PROTOTYPE})`);
    expect(events.every((e) => e.valueKind === "single")).toBe(true);
    await advance(10 * MIN);
    // The prototype back below; the primary still above: only the prototype's alert resolves.
    await send([cbz(PRIMARY, 245), cbz(PROTOTYPE, 100)]);
    expect(events.map((e) => [e.state, e.sensor])).toEqual([["firing", PRIMARY], ["firing", PROTOTYPE], ["resolved", PROTOTYPE]]);
    expect((await alerts.list({ state: "firing" })).map((a) => a.sensor)).toEqual([PRIMARY]);
  });

  it("a failing prototype silences its own alerts only, never the primary sensor's", async () => {
    const { events, send, advance } = await setup([
      { kind: "sensor-fault", station: ZEHREN, runLength: 3 },
      { kind: "max", station: ZEHREN, parameter: "carbamazepine", threshold: 200 },
    ]);
    for (let i = 0; i < 3; i++) {
      await send([cbz(PROTOTYPE, 80, { qc: 4 }), cbz(PRIMARY, 90 + i)]);
      await advance(10 * MIN);
    }
    expect(events.map((e) => [e.kind, e.state, e.sensor])).toEqual([["sensor-fault", "firing", PROTOTYPE]]);
    await send([cbz(PROTOTYPE, 300), cbz(PRIMARY, 300)]);
    // The prototype's 300 ng/L comes from a faulty sensor: held; the primary's 300 is the river.
    expect(events.map((e) => [e.kind, e.state, e.sensor])).toEqual([
      ["sensor-fault", "firing", PROTOTYPE],
      ["max", "firing", PRIMARY],
    ]);
  });

  it("a per-parameter no-data rule watches each sensor: the silent prototype alerts, by name", async () => {
    const { events, send, advance, engine } = await setup([{ kind: "no-data", station: ZEHREN, parameter: "carbamazepine", windowMs: 30 * MIN }]);
    await send([cbz(PRIMARY, 90), cbz(PROTOTYPE, 95)]);
    for (let i = 0; i < 4; i++) {
      await advance(10 * MIN);
      await send([cbz(PRIMARY, 90)]);
      engine.check();
      await engine.idle();
    }
    expect(events.map((e) => [e.kind, e.state, e.sensor])).toEqual([["no-data", "firing", PROTOTYPE]]);
  });
});

describe("AA early warning in the engine", () => {
  const rule = { kind: "aa" as const, station: ZEHREN, parameter: "diclofenac", standard: { id: "diclofenac.AA-EQS.EU-EQS-2022" } };
  /** `count` 10-minute diclofenac readings of `value` ending now (older ones arrive as backfill). */
  const history = (now: number, count: number, value: number) =>
    Array.from({ length: count }, (_, i) => ({ parameter: "diclofenac", time: now - (count - 1 - i) * 10 * MIN, value }));

  it("two days of readings (288, 6.7 % of the 4,320 a 10-minute sensor gives in 30 days) raise nothing, however high", async () => {
    const { events, send, time } = await setup([rule], T0 + 40 * DAY);
    await send(history(time.now(), 288, 75));
    expect(events).toEqual([]);
  });

  it("80 % of 30 days (3,456 readings) above the standard fire, and the alert names window and count", async () => {
    const { events, send, time } = await setup([rule], T0 + 40 * DAY);
    await send(history(time.now(), 3455, 45));
    expect(events).toEqual([]);
    time.advance(10 * MIN);
    await send([{ parameter: "diclofenac", value: 45 }]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "aa", state: "firing", valueKind: "mean", meanWindowMs: 30 * DAY, meanCount: 3456, value: 45, threshold: 40 });
    expect(events[0]!.message).toBe(
      "Early warning: Diclofenac rolling 30-day mean of 3,456 values 45 ng/L at Zehren (Elbe, below Dresden) is above the annual standard AA-EQS (EU-EQS-2022) 40 ng/L",
    );
    expect(events[0]!.message).not.toMatch(/above the AA-EQS|exceeds/);
  });
});
