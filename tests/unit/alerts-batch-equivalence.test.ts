// The alert engine judges a batch with per-series work done once (alerts/rule-batch.ts): a series no
// rule judges is skipped, and a stale reading is shown only the no-data and AA rules. These tables
// check that a batch fires exactly what the same readings fire one at a time, in time order (the
// way the engine judged every reading before, one look-up per reading): the same events, in the same
// order, and the same stored states, also for what the batch left behind (means, silences, faults)
// as the following minutes show.
import { afterEach, describe, expect, it } from "vitest";
import type { Reading } from "../../common/reading.ts";
import { QC } from "../../common/reading.ts";
import type { RuleInput } from "../../server/src/alerts/rule-schema.ts";
import { startTestEngine, type EngineFixture } from "../helpers/alert-engine.ts";
import { testReading } from "../helpers/catalog.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 5, 1);
const ZEHREN = "DE-ELBE-ZEHREN";
const BADDUEBEN = "DE-MULDE-BADDUEBEN";

const RULES: RuleInput[] = [
  { kind: "no-data", station: ZEHREN, windowMs: 30 * MIN },
  { kind: "no-data", station: ZEHREN, parameter: "ph", windowMs: 30 * MIN },
  { kind: "sensor-fault", station: ZEHREN, runLength: 3 },
  { kind: "range", parameter: "ph", low: 6, high: 9 },
  { kind: "max", parameter: "ph", threshold: 8.5, forMs: 20 * MIN },
  { kind: "rate", parameter: "ph", threshold: 1 },
  { kind: "aa", parameter: "diclofenac", threshold: 40, windowMs: 30 * DAY },
  { kind: "max", station: ZEHREN, parameter: "carbamazepine", threshold: 200 },
];

const at = (station: string, parameter: string, time: number, value: number | null, over: Partial<Reading> = {}) => testReading({ station, parameter, time, value, ...over });

/** 31 days of 10-minute readings ending at `end`: diclofenac above its AA-EQS, and a pH breach every hour. */
function backfill(end: number): Reading[] {
  const out: Reading[] = [];
  for (let t = end - 31 * DAY; t <= end; t += 10 * MIN) {
    out.push(at(ZEHREN, "diclofenac", t, 45));
    if (t % HOUR === 0) out.push(at(ZEHREN, "ph", t, 9.8));
    out.push(at(BADDUEBEN, "water_temperature", t, 14)); // no rule judges it
  }
  return out;
}

interface Case {
  name: string;
  /** Given to both engines, one batch after another, before the batch compared. */
  before?: Array<(now: number) => Reading[]>;
  /** Minutes to wait after `before`, with the engines' checks running. */
  waitMin?: number;
  /** Given to both engines each minute of the wait. */
  during?: (now: number) => Reading[];
  batch: (now: number) => Reading[];
}

const CASES: Case[] = [
  {
    name: "several series interleaved, live, with breaches and a series no rule judges",
    batch: (now) => [
      at(ZEHREN, "ph", now - 20 * MIN, 7),
      at(BADDUEBEN, "water_temperature", now - 20 * MIN, 14),
      at(ZEHREN, "carbamazepine", now - 15 * MIN, 250),
      at(BADDUEBEN, "ph", now - 15 * MIN, 10),
      at(ZEHREN, "ph", now - 10 * MIN, 9.5),
      at(ZEHREN, "carbamazepine", now - 5 * MIN, 150),
      at(ZEHREN, "ph", now, 9.6),
    ],
  },
  {
    name: "QC-failed, suspect and below-LOD readings",
    batch: (now) => [
      at(ZEHREN, "ph", now - 30 * MIN, 9.7, { qc: QC.fail }),
      at(ZEHREN, "carbamazepine", now - 30 * MIN, null, { qualifier: "<LOD", limit: 5 }),
      at(ZEHREN, "ph", now - 20 * MIN, 9.7, { qc: QC.fail }),
      at(ZEHREN, "carbamazepine", now - 20 * MIN, 300, { qc: QC.suspect }),
      at(ZEHREN, "ph", now - 10 * MIN, 9.7, { qc: QC.fail }),
      at(ZEHREN, "ph", now, 9.9),
      at(ZEHREN, "carbamazepine", now, 260),
    ],
  },
  {
    name: "a 31-day backfill: stale readings fill the AA mean and start nothing, the live ones judge it",
    batch: backfill,
  },
  {
    name: "a backfill after the series judged newer readings, with late readings that are not stale",
    before: [(now) => [at(ZEHREN, "ph", now, 7.1), at(ZEHREN, "diclofenac", now, 30)]],
    waitMin: 5,
    batch: (now) => [...backfill(now - 2 * HOUR), at(ZEHREN, "ph", now - HOUR, 9.9), at(ZEHREN, "ph", now, 9.9)],
  },
  {
    name: "a batch out of time order from a station back from silence",
    before: [(now) => [at(ZEHREN, "ph", now, 7), at(ZEHREN, "carbamazepine", now, 100)]],
    waitMin: 40,
    batch: (now) => [at(ZEHREN, "ph", now, 9.9), at(ZEHREN, "carbamazepine", now - 2 * MIN, 300), at(BADDUEBEN, "ph", now - 5 * MIN, 10), at(ZEHREN, "ph", now - 8 * MIN, 9.95)],
  },
  {
    name: "a batch ending one series' silence while its station kept sending",
    before: [(now) => [at(ZEHREN, "ph", now, 7)]],
    waitMin: 40,
    during: (now) => [at(ZEHREN, "carbamazepine", now, 100)],
    batch: (now) => [at(ZEHREN, "ph", now - 2 * MIN, 7.1), at(ZEHREN, "carbamazepine", now - MIN, 100), at(ZEHREN, "ph", now - MIN, 7.2), at(ZEHREN, "ph", now, 9.6)],
  },
  {
    name: "readings taken in maintenance",
    batch: (now) => [
      at(ZEHREN, "ph", now - 10 * MIN, 9.9, { maintenance: true }),
      at(ZEHREN, "carbamazepine", now - 10 * MIN, 400, { maintenance: true }),
      at(ZEHREN, "ph", now, 7.5),
      at(ZEHREN, "ph", now - 7 * HOUR, 9.9, { maintenance: true }),
    ],
  },
];

const fixtures: EngineFixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.close();
});

/** Both fixtures' clocks one minute on at a time (their checks run each minute), waiting for what they record. */
async function wait(engines: EngineFixture[], minutes: number, during?: (now: number) => Reading[]): Promise<void> {
  for (let i = 0; i < minutes; i++) {
    for (const f of engines) {
      f.time.advance(MIN);
      if (during) f.engine.ingest(during(f.time.now()));
    }
    await Promise.all(engines.map((f) => f.engine.idle()));
  }
}

async function states(f: EngineFixture) {
  return (await f.alerts.loadSeriesStates()).sort((a, b) => a.ruleId - b.ruleId || a.seriesKey.localeCompare(b.seriesKey));
}

describe("alert engine: a batch fires what its readings fire one at a time", () => {
  it.each(CASES)("$name", async ({ before = [], waitMin = 0, during, batch }) => {
    const [batched, single] = await Promise.all([0, 1].map(() => startTestEngine(RULES, { start: T0, checkIntervalMs: MIN })));
    fixtures.push(batched!, single!);
    const both = [batched!, single!];
    await Promise.all(both.map((f) => f.engine.start()));
    for (const make of before) {
      for (const f of both) f.engine.ingest(make(f.time.now()));
      await Promise.all(both.map((f) => f.engine.idle()));
    }
    await wait(both, waitMin, during);

    const readings = batch(T0 + waitMin * MIN);
    batched!.engine.ingest(readings);
    // The old way: every reading on its own, in time order (a stable sort, as the engine sorts).
    for (const r of [...readings].sort((a, b) => a.time - b.time)) single!.engine.ingest([r]);
    await Promise.all(both.map((f) => f.engine.idle()));
    expect(batched!.events).toEqual(single!.events);
    expect(await states(batched!)).toEqual(await states(single!));

    // What the batch left behind: silences noticed, means and fault runs carried on.
    await wait(both, 35);
    const now = batched!.time.now();
    const after = [at(ZEHREN, "ph", now, 7.2), at(ZEHREN, "diclofenac", now, 45), at(ZEHREN, "carbamazepine", now, 100)];
    for (const f of both) f.engine.ingest(after);
    await Promise.all(both.map((f) => f.engine.idle()));
    expect(batched!.events).toEqual(single!.events);
    expect(await states(batched!)).toEqual(await states(single!));
    // The table means something only if readings fired alerts at all.
    expect(single!.events.length).toBeGreaterThan(0);
  });
});
