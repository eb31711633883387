// The engine with a hand-driven clock and SQLite in a temp dir: no-data, reminders and suppression
// without sleeping.
import { afterEach, describe, expect, it } from "vitest";
import type { AlertEvent } from "../../common/alerts.ts";
import type { Reading } from "../../common/reading.ts";
import { AlertEngine, DEFAULT_ENGINE_OPTIONS } from "../../server/src/alerts/alert-engine.ts";
import { AlertRepository } from "../../server/src/alerts/alert-repository.ts";
import { ManualTime } from "../../server/src/util/clock.ts";
import { AlertRuleRepository } from "../../server/src/alerts/rule-repository.ts";
import { completeRule } from "../../server/src/alerts/rule-schema.ts";
import { openMetaDb, type MetaDb } from "../../server/src/meta/database.ts";
import { tempDir, testLogger } from "../helpers/test-system.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1);
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function setup(rules: Parameters<typeof completeRule>[0][], reminderMs: number | null = null) {
  const dir = tempDir("wm-alert-engine-");
  const db: MetaDb = openMetaDb(dir.dir);
  cleanups.push(() => (db.close(), dir.remove()));
  const time = new ManualTime(T0);
  const ruleRepo = new AlertRuleRepository(db, () => time.now());
  for (const r of rules) ruleRepo.create(completeRule(r), "test");
  const alerts = new AlertRepository(db, () => "http://monitor.example");
  const engine = new AlertEngine(db, ruleRepo, alerts, null, testLogger, { ...DEFAULT_ENGINE_OPTIONS, reminderMs, checkIntervalMs: MIN, clock: time, scheduler: time });
  const events: AlertEvent[] = [];
  engine.onEvent((e) => events.push(e));
  cleanups.push(() => engine.stop());
  const send = (r: Partial<Reading>) => engine.ingest([{ station: "DE-ELBE-ZEHREN", parameter: "ph", time: time.now(), value: 7.5, lod: null, qc: 1, ...r }]);
  return { time, engine, events, send, alerts };
}

describe("alert engine", () => {
  it("raises no-data after the window of silence and resolves when readings return", async () => {
    const { time, engine, events, send } = setup([{ kind: "no-data", station: "DE-ELBE-ZEHREN", windowMs: 30 * MIN }]);
    await engine.start();
    send({});
    time.advance(29 * MIN);
    expect(events).toHaveLength(0);
    time.advance(2 * MIN);
    expect(events.map((e) => `${e.kind}:${e.state}:${e.parameter}`)).toEqual(["no-data:firing:null"]);
    expect(events[0]!.message).toMatch(/Zehren .* sends no readings/);
    send({});
    expect(events.map((e) => e.state)).toEqual(["firing", "resolved"]);
  });

  it("reminds once per interval while firing and unacknowledged, and not after an ack", async () => {
    const { time, engine, events, send, alerts } = setup([{ kind: "range", parameter: "ph", low: 6, high: 9 }], 60 * MIN);
    await engine.start();
    send({ value: 9.5 });
    time.advance(59 * MIN);
    expect(events.filter((e) => e.reminder)).toHaveLength(0);
    time.advance(2 * MIN);
    expect(events.filter((e) => e.reminder)).toHaveLength(1);
    time.advance(30 * MIN);
    expect(events.filter((e) => e.reminder)).toHaveLength(1);
    alerts.acknowledge(events[0]!.id, "ana", "on it", time.now());
    time.advance(120 * MIN);
    expect(events.filter((e) => e.reminder)).toHaveLength(1);
  });

  it("an offline station's open alerts get no reminders; the offline alert itself does", async () => {
    const { time, engine, events, send } = setup([{ kind: "range", parameter: "ph", low: 6, high: 9 }, { kind: "no-data", windowMs: 10 * MIN }], 60 * MIN);
    await engine.start();
    send({ value: 9.5 });
    time.advance(3 * 60 * MIN);
    const seen = events.map((e) => `${e.kind}:${e.state}${e.reminder ? ":reminder" : ""}`);
    expect(seen.slice(0, 2)).toEqual(["range:firing", "no-data:firing"]);
    expect(seen.filter((s) => s === "range:firing:reminder")).toHaveLength(0);
    expect(seen.filter((s) => s === "no-data:firing:reminder").length).toBeGreaterThanOrEqual(1);
  });

  it("with a for-duration, a breach must persist before firing; QC-failed values never count", async () => {
    const { time, engine, events, send } = setup([{ kind: "max", parameter: "ph", threshold: 8.5, forMs: 20 * MIN }]);
    await engine.start();
    send({ value: 8.8 });
    time.advance(10 * MIN);
    send({ value: 8.9, qc: 4 });
    time.advance(10 * MIN);
    send({ value: 8.7 });
    expect(events.map((e) => e.state)).toEqual(["firing"]);
    expect(events[0]!.startedAt).toBe(T0);
  });
});
