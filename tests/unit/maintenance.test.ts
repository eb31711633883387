// Maintenance windows as pure rules: which readings fall in a window, what a maintenance reading does
// to the series' QC state, which alerts a window holds, and what the API refuses.
import { afterEach, describe, expect, it } from "vitest";
import type { AlertRuleKind } from "../../common/alerts.ts";
import { MAX_MAINTENANCE_MS, maintenanceStatus, windowAt, windowCovers } from "../../common/maintenance.ts";
import { QC, type QcFlag } from "../../common/reading.ts";
import { QcEngine } from "../../server/src/ingest/qc/qc-engine.ts";
import { ValidationError } from "../../server/src/errors.ts";
import { conditionUnderMaintenance, heldKind, type MaintenanceHold } from "../../server/src/maintenance/maintenance-hold.ts";
import { MaintenanceCalendar } from "../../server/src/maintenance/maintenance-calendar.ts";
import { parseMaintenanceRequest } from "../../server/src/maintenance/maintenance-params.ts";
import { SqlMaintenanceRepository } from "../../server/src/maintenance/maintenance-repository.ts";
import { startTestEngine } from "../helpers/alert-engine.ts";
import { primarySensorId, seed, testReading } from "../helpers/catalog.ts";
import { testLogger } from "../helpers/test-system.ts";

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1, 8);
const STATION = "DE-ELBE-ZEHREN";

describe("which readings fall in a window", () => {
  const stationWide = { station: STATION, parameter: null, from: T0, to: T0 + 60 * MIN };
  const phOnly = { ...stationWide, parameter: "ph" };
  it.each([
    ["station-wide, a parameter inside", stationWide, STATION, "conductivity", T0 + 10 * MIN, true],
    ["station-wide, at its start (inclusive)", stationWide, STATION, "ph", T0, true],
    ["station-wide, at its end (exclusive)", stationWide, STATION, "ph", T0 + 60 * MIN, false],
    ["station-wide, a millisecond before", stationWide, STATION, "ph", T0 - 1, false],
    ["station-wide, the station as a whole", stationWide, STATION, null, T0 + MIN, true],
    ["station-wide, another station", stationWide, "DE-ELBE-SCHMILKA", "ph", T0 + MIN, false],
    ["one parameter, that parameter", phOnly, STATION, "ph", T0 + MIN, true],
    ["one parameter, another parameter", phOnly, STATION, "conductivity", T0 + MIN, false],
    ["one parameter, the station as a whole", phOnly, STATION, null, T0 + MIN, false],
  ] as const)("%s → %s", (_what, w, station, parameter, at, covered) => {
    expect(windowCovers(w, station, parameter, at)).toBe(covered);
  });

  it("finds the window that covers a reading among several", () => {
    const windows = [
      { id: 1, station: STATION, parameter: "ph", from: T0, to: T0 + MIN },
      { id: 2, station: STATION, parameter: null, from: T0 + 2 * MIN, to: T0 + 3 * MIN },
    ];
    expect(windowAt(windows, STATION, "ph", T0 + 30_000)?.id).toBe(1);
    expect(windowAt(windows, STATION, "ph", T0 + 90_000)).toBeUndefined();
    expect(windowAt(windows, STATION, "conductivity", T0 + 150_000)?.id).toBe(2);
  });

  it.each([
    [T0 - 1, "planned"],
    [T0, "active"],
    [T0 + 59 * MIN, "active"],
    [T0 + 60 * MIN, "past"],
  ] as const)("a window seen at %d is %s", (now, status) => {
    expect(maintenanceStatus({ from: T0, to: T0 + 60 * MIN }, now)).toBe(status);
  });
});

describe("QC of readings in a maintenance window", () => {
  const sensor = seed.sensor(primarySensorId(STATION, "conductivity"))!;
  /** Readings every 10 minutes; `m` marks those taken in maintenance. */
  function flags(values: ReadonlyArray<number | [number, "m"]>): QcFlag[] {
    const qc = new QcEngine(() => T0 + DAY);
    return values.map((v, i) => {
      const [value, maintenance] = typeof v === "number" ? [v, false] : [v[0], true];
      return qc.evaluate({ station: STATION, time: T0 + i * 10 * MIN, value, maintenance }, sensor);
    });
  }
  const steady = [500, 503, 498, 501, 499, 502, 500, 497];

  it.each([
    ["out of water (near zero)", 2],
    ["a calibration standard (KCl 0.01 mol/L)", 1413],
    ["a plausible river value", 500],
  ])("fail (4) whatever the value: %s", (_what, value) => {
    expect(flags([...steady, [value, "m"]]).at(-1)).toBe(QC.fail);
  });

  it("the first reading after the visit starts the history afresh: a recalibrated level is no spike", () => {
    const after = [900, 905, 898];
    expect(flags([...steady, [2, "m"], [1413, "m"], ...after]).slice(-3)).toEqual([QC.pass, QC.pass, QC.pass]);
    // Without the visit the same jump is a spike (the control: the test above can fail).
    expect(flags([...steady, ...after])[steady.length]).toBe(QC.suspect);
  });

  it("maintenance readings do not feed the flat-line count", () => {
    const same = [500, 500, 500, 500, 500];
    expect(flags([...same, [500, "m"], [500, "m"], [500, "m"], 500, 500]).slice(-2)).toEqual([QC.pass, QC.pass]);
    expect(flags([...same, 500, 500, 500, 500, 500]).slice(-2)).toEqual([QC.suspect, QC.suspect]);
  });
});

describe("which alerts a window holds", () => {
  it.each([
    ["mac", true],
    ["aa", true],
    ["range", true],
    ["min", true],
    ["max", true],
    ["rate", true],
    ["no-data", true],
    ["sensor-fault", false],
    ["lab-disagreement", false],
  ] as Array<[AlertRuleKind, boolean]>)("%s: held %s", (kind, held) => {
    expect(heldKind(kind)).toBe(held);
  });

  const window = { id: 7, station: STATION, parameter: "ph", from: T0, to: T0 + 60 * MIN };
  const hold = (noted: unknown[]): MaintenanceHold<typeof window> => ({
    windowAt: (station, parameter, at) => windowAt([window], station, parameter, at),
    noteHeld: (w, ruleId, key, at) => noted.push({ w: w.id, ruleId, key, at }),
  });
  it.each([
    ["a breach inside is held and recorded", "max", "breach", T0 + MIN, "unknown", 1],
    ["a clear inside is held, nothing recorded", "max", "clear", T0 + MIN, "unknown", 0],
    ["a breach after the window passes", "max", "breach", T0 + 60 * MIN, "breach", 0],
    ["a sensor fault inside is not held", "sensor-fault", "breach", T0 + MIN, "breach", 0],
    ["no-data inside is held", "no-data", "breach", T0 + MIN, "unknown", 1],
  ] as Array<[string, AlertRuleKind, "breach" | "clear", number, string, number]>)("%s", (_what, kind, condition, at, expected, recorded) => {
    const noted: unknown[] = [];
    expect(conditionUnderMaintenance(hold(noted), { id: 3, kind }, { station: STATION, parameter: "ph" }, "key", condition, at)).toBe(expected);
    expect(noted).toHaveLength(recorded);
  });
});

describe("the alert engine during and after a window", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(kind: "max" | "no-data", window: { from: number; to: number; parameter: string | null }) {
    let calendar: MaintenanceCalendar | undefined;
    const fixture = await startTestEngine(
      [kind === "max" ? { kind: "max", station: STATION, parameter: "ph", threshold: 8.5 } : { kind: "no-data", station: STATION, windowMs: 30 * MIN }],
      { start: T0, checkIntervalMs: MIN, maintenance: (meta) => (calendar = new MaintenanceCalendar(new SqlMaintenanceRepository(meta.db), testLogger)) },
    );
    cleanups.push(fixture.close);
    const repo = new SqlMaintenanceRepository(fixture.meta.db);
    const w = await repo.create({ station: STATION, ...window, reason: "probe cleaning", createdBy: "ops", createdAt: T0 });
    await calendar!.reload();
    await fixture.engine.start();
    const send = async (value: number, maintenance = false) => {
      const r = testReading({ station: STATION, parameter: "ph", time: fixture.time.now(), value, qc: maintenance ? QC.fail : QC.pass });
      if (maintenance) r.maintenance = true;
      fixture.engine.ingest([r]);
      await fixture.engine.idle();
    };
    const advance = async (ms: number) => {
      fixture.time.advance(ms);
      await fixture.engine.idle();
    };
    const states = () => fixture.events.map((e) => `${e.kind}:${e.state}`);
    return { ...fixture, w, repo, calendar: calendar!, send, advance, states };
  }

  it("holds a breach inside the window (recorded as held) and fires once after it, if still there", async () => {
    const s = await setup("max", { from: T0 + 10 * MIN, to: T0 + 70 * MIN, parameter: "ph" });
    await s.send(7.5);
    await s.advance(10 * MIN); // the window begins
    await s.send(9.9, true); // a calibration buffer: a maintenance reading
    await s.advance(10 * MIN);
    await s.send(9.9, true);
    await s.advance(50 * MIN); // past the window's end
    expect(s.states()).toEqual([]);
    await s.calendar.idle();
    expect(await s.repo.held(s.w.id)).toEqual([expect.objectContaining({ count: 2, firstAt: T0 + 10 * MIN, lastAt: T0 + 20 * MIN })]);
    await s.send(9.2);
    await s.advance(10 * MIN);
    await s.send(9.3);
    expect(s.states()).toEqual(["max:firing"]);
  });

  it("a station silent through a station-wide window raises no no-data alert until the window is over", async () => {
    const s = await setup("no-data", { from: T0, to: T0 + 120 * MIN, parameter: null });
    await s.send(7.5, true);
    await s.advance(110 * MIN); // silent for 110 min inside the window: held
    expect(s.states()).toEqual([]);
    await s.advance(11 * MIN); // the window is over and the station still silent
    expect(s.states()).toEqual(["no-data:firing"]);
    await s.advance(60 * MIN);
    expect(s.states()).toEqual(["no-data:firing"]);
    await s.calendar.idle();
    expect((await s.repo.get(s.w.id))!.heldAlerts).toBe(1);
  });
});

describe("bad maintenance requests", () => {
  const now = T0;
  const ok = { station: STATION, reason: "calibration" };
  it.each([
    ["a window ending before it starts", { ...ok, from: "2026-06-02T10:00:00Z", to: "2026-06-02T09:00:00Z" }, /ends .* before it starts/],
    ["a window ending as it starts", { ...ok, from: "2026-06-02T10:00:00Z", to: "2026-06-02T10:00:00Z" }, /before it starts/],
    ["a window longer than a year", { ...ok, from: "2026-06-02T00:00:00Z", to: "2027-06-04T00:00:00Z" }, /at most 366 days/],
    ["a duration longer than a year", { ...ok, durationMinutes: MAX_MAINTENANCE_MS / MIN + 1 }, /at most 366 days/],
    ["an unknown station", { ...ok, station: "DE-NOWHERE", durationMinutes: 60 }, /unknown station "DE-NOWHERE"/],
    ["a parameter the station does not measure", { ...ok, parameter: "lead", durationMinutes: 60 }, /measures no "lead"; it measures: .*carbamazepine/],
    ["no reason", { station: STATION, durationMinutes: 60 }, /reason is required/],
    ["an empty reason", { ...ok, reason: "  ", durationMinutes: 60 }, /reason must not be empty/],
    ["no length at all", ok, /say how long/],
    ["a duration and a period", { ...ok, durationMinutes: 60, to: "2026-06-02T09:00:00Z" }, /not both/],
    ["a negative duration", { ...ok, durationMinutes: -5 }, /at least 1/],
    ["a time that is no time", { ...ok, to: "tomorrow" }, /not a time/],
    ["an unknown field", { ...ok, durationMinutes: 60, silence: true }, /Unknown field: silence/],
  ])("refuses %s", (_what, body, message) => {
    let error: unknown;
    try {
      parseMaintenanceRequest(body, seed, now);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(message);
  });

  it.each([
    ["from now for a duration", { ...ok, durationMinutes: 90 }, { from: now, to: now + 90 * MIN, parameter: null }],
    ["a planned period for one parameter", { ...ok, parameter: "ph", from: "2026-06-03T08:00:00Z", to: "2026-06-03T12:00:00Z" }, { from: Date.UTC(2026, 5, 3, 8), to: Date.UTC(2026, 5, 3, 12), parameter: "ph" }],
    ["until a time, from now", { ...ok, to: "2026-06-01T09:00:00Z" }, { from: now, to: Date.UTC(2026, 5, 1, 9), parameter: null }],
    ["exactly 366 days", { ...ok, durationMinutes: MAX_MAINTENANCE_MS / MIN }, { from: now, to: now + MAX_MAINTENANCE_MS, parameter: null }],
  ])("accepts %s", (_what, body, expected) => {
    expect(parseMaintenanceRequest(body, seed, now)).toEqual({ station: STATION, reason: "calibration", ...expected });
  });
});
