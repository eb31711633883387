// Each forced sensor or station fault leaves the pattern QC is meant to catch.
import { describe, expect, it } from "vitest";
import type { Parameter, Station } from "../../common/catalog-model.ts";
import { generateReadings, ReadingGenerator, type SimReading } from "../../sensors-sim/src/reading-generator.ts";
import { simulatedStations } from "../../sensors-sim/src/options.ts";
import {
  DEFAULT_FAULT_SETTINGS,
  DEFAULT_FAULT_RATES,
  NO_FAULTS,
  type FaultKind,
  type FaultSettings,
} from "../../sensors-sim/src/sensor/fault-settings.ts";
import { catalogWith, seed } from "../helpers/catalog.ts";

const INTERVAL = 10 * 60_000;
const DAY = 86_400_000;
const START = Date.UTC(2026, 6, 1);
const FORCE_AT = START + DAY;
const station = seed.station("DE-ELBE-ZEHREN")!;
const parameters = ["carbamazepine", "dissolved_oxygen", "turbidity"].map((c) => seed.parameter(c)!);
/** Sensors of the chosen parameters at a station (Zehren has a second carbamazepine sensor, a prototype). */
const sensorCount = (s: Station) => parameters.reduce((n, p) => n + seed.sensorsOf(s.id, p.code).length, 0);

function run(force: FaultKind[], days = 3, extra: Partial<FaultSettings> = {}, stations: Station[] = [station]): SimReading[] {
  return generateReadings(
    {
      seed: 3,
      intervalMs: INTERVAL,
      catalog: seed,
      stations,
      parameters,
      faults: { ...DEFAULT_FAULT_SETTINGS, ratesPerDay: NO_FAULTS, force, forceAt: FORCE_AT, ...extra },
    },
    START,
    START + days * DAY,
  );
}

/** The readings of the station's primary sensor for the parameter. */
function sensor(readings: SimReading[], p: Parameter): SimReading[] {
  const primary = seed.primarySensor(station.id, p.code, START)!.id;
  return readings.filter((r) => r.parameter === p.code && r.sensor === primary);
}

const stepsOf = (readings: SimReading[]) => readings.map((r) => (r.gridTime - START) / INTERVAL);
const forceStep = (FORCE_AT - START) / INTERVAL;

describe("forced sensor faults", () => {
  it("without faults, every sensor reports once per interval, on the grid, in order", () => {
    const readings = run([]);
    for (const p of parameters) {
      const steps = stepsOf(sensor(readings, p));
      expect(steps).toEqual(Array.from({ length: 3 * 144 }, (_, i) => i));
    }
    expect(readings.every((r) => r.time === r.gridTime && r.faults.length === 0)).toBe(true);
  });

  it("stuck: a flat line of exactly N identical values", () => {
    const n = DEFAULT_FAULT_SETTINGS.stuckReadings;
    for (const p of parameters) {
      const values = sensor(run(["stuck"]), p).map((r) => r.value);
      const flat = values.slice(forceStep, forceStep + n);
      expect(new Set(flat).size, p.code).toBe(1);
      expect(values[forceStep + n], p.code).not.toBe(flat[0]);
      expect(values[forceStep - 1], p.code).not.toBe(flat[0]);
    }
  });

  it("dropout: a gap of N missing readings", () => {
    const n = DEFAULT_FAULT_SETTINGS.dropoutReadings;
    for (const p of parameters) {
      const steps = new Set(stepsOf(sensor(run(["dropout"]), p)));
      for (let s = forceStep; s < forceStep + n; s++) expect(steps.has(s)).toBe(false);
      expect(steps.has(forceStep - 1)).toBe(true);
      expect(steps.has(forceStep + n)).toBe(true);
      expect(steps.size).toBe(3 * 144 - n);
    }
  });

  it("spike: one reading far from the truth, its neighbours normal", () => {
    for (const p of parameters) {
      const readings = sensor(run(["spike"]), p);
      const deviation = (r: SimReading) => Math.abs(r.value! - r.truth) / (p.typical[1] - p.typical[0]);
      expect(deviation(readings[forceStep]!), p.code).toBeGreaterThan(0.05);
      expect(readings[forceStep]!.faults).toContain("spike");
      expect(deviation(readings[forceStep - 1]!)).toBeLessThan(0.01);
      expect(deviation(readings[forceStep + 1]!)).toBeLessThan(0.01);
    }
    // Concentration spikes go up, by a factor of 3–8.
    const cbz = sensor(run(["spike"]), parameters[0]!)[forceStep]!;
    expect(cbz.value! / cbz.truth).toBeGreaterThan(2.9);
  });

  it("noise burst: readings scatter around the truth for N readings", () => {
    const n = DEFAULT_FAULT_SETTINGS.noiseBurstReadings;
    const readings = sensor(run(["noiseBurst"]), parameters[1]!);
    const rms = (rs: SimReading[]) => Math.sqrt(rs.reduce((s, r) => s + (r.value! - r.truth) ** 2, 0) / rs.length);
    expect(rms(readings.slice(forceStep, forceStep + n))).toBeGreaterThan(0.2);
    expect(rms(readings.slice(0, forceStep))).toBeLessThan(0.01);
  });

  it("drift: an error that grows steadily until recalibration", () => {
    const readings = sensor(run(["drift"], 8), parameters[1]!);
    const err = (step: number) => Math.abs(readings[step]!.value! - readings[step]!.truth);
    expect(err(forceStep + 144)).toBeGreaterThan(0.1);
    expect(err(forceStep + 3 * 144)).toBeGreaterThan(err(forceStep + 144) * 2.5);
    expect(err(forceStep + 6 * 144)).toBeLessThan(0.01); // recalibrated after 5 days
  });

  it("biofouling: oxygen reads ever lower, turbidity ever higher, until cleaned", () => {
    const readings = run(["biofouling"], 12);
    const ratio = (p: Parameter, step: number) => sensor(readings, p)[step]!.value! / sensor(readings, p)[step]!.truth;
    expect(ratio(parameters[1]!, forceStep + 2 * 144)).toBeLessThan(0.98);
    expect(ratio(parameters[1]!, forceStep + 8 * 144)).toBeLessThan(ratio(parameters[1]!, forceStep + 2 * 144) - 0.1);
    expect(ratio(parameters[2]!, forceStep + 8 * 144)).toBeGreaterThan(1.5);
    expect(ratio(parameters[1]!, forceStep + 10 * 144 + 1)).toBeCloseTo(1, 2);
  });

  it("duplicate: the same reading (same key, same value) sent twice", () => {
    for (const p of parameters) {
      const readings = sensor(run(["duplicate"]), p);
      const at = readings.filter((r) => r.gridTime === FORCE_AT);
      expect(at).toHaveLength(2);
      expect(at[1]).toEqual(at[0]);
      expect(readings).toHaveLength(3 * 144 + 1);
    }
  });

  it("out of order: a reading sent after newer ones", () => {
    const delay = DEFAULT_FAULT_SETTINGS.outOfOrderDelayReadings;
    for (const p of parameters) {
      const times = sensor(run(["outOfOrder"]), p).map((r) => r.time);
      const late = times.indexOf(FORCE_AT);
      expect(times[late - 1]).toBe(FORCE_AT + delay * INTERVAL);
      expect(times.filter((t, i) => i > 0 && t < times[i - 1]!)).toEqual([FORCE_AT]);
      expect(new Set(times).size).toBe(3 * 144);
    }
  });
});

describe("forced station faults", () => {
  it("offline: every parameter of the station is missing for the outage", () => {
    const other = seed.station("DE-ELBE-DOMMITZSCH")!;
    const readings = run(["offline"], 3, {}, [station, other]);
    const offlineSteps = DEFAULT_FAULT_SETTINGS.offlineMs / INTERVAL;
    const during = (r: SimReading) => r.gridTime >= FORCE_AT && r.gridTime < FORCE_AT + DEFAULT_FAULT_SETTINGS.offlineMs;
    for (const s of [station, other]) {
      expect(readings.filter((r) => r.station === s.id && during(r))).toEqual([]);
      expect(readings.filter((r) => r.station === s.id)).toHaveLength(sensorCount(s) * (3 * 144 - offlineSteps));
    }
  });

  it("clock skew: timestamps shifted off the grid while the clock is wrong", () => {
    const skew = DEFAULT_FAULT_SETTINGS.clockSkewMs;
    const readings = run(["clockSkew"]);
    const skewed = readings.filter((r) => r.time !== r.gridTime);
    expect(skewed.length).toBe(sensorCount(station) * (DEFAULT_FAULT_SETTINGS.clockSkewDurationMs / INTERVAL));
    expect(skewed.every((r) => r.time - r.gridTime === skew && r.time % INTERVAL !== 0)).toBe(true);
    expect(Math.min(...skewed.map((r) => r.gridTime))).toBe(FORCE_AT);
  });
});

describe("random faults", () => {
  it("start at about their configured rates", () => {
    const days = 20;
    const readings = generateReadings(
      { seed: 9, intervalMs: INTERVAL, catalog: seed, stations: [station], parameters, faults: { ...DEFAULT_FAULT_SETTINGS, ratesPerDay: { ...NO_FAULTS, spike: 1 } } },
      START,
      START + days * DAY,
    );
    const spikes = readings.filter((r) => r.faults.includes("spike")).length;
    // Expected 80 (1 per sensor-day × 4 sensors × 20 days); Poisson spread is ±9.
    const expected = sensorCount(station) * days;
    expect(expected).toBe(80);
    expect(spikes).toBeGreaterThan(expected * 0.6);
    expect(spikes).toBeLessThan(expected * 1.45);
    expect(DEFAULT_FAULT_RATES.spike).toBeGreaterThan(0);
  });
});

describe("several sensors of one compound at a station", () => {
  it("each reports under its own id, with its own LOD, bias, raw signal and fault state", () => {
    const readings = run(["stuck"]);
    const cbz = readings.filter((r) => r.parameter === "carbamazepine");
    const primary = cbz.filter((r) => r.sensor === "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE");
    const prototype = cbz.filter((r) => r.sensor === "KSI-CBZ-MIP-P2");
    expect(primary).toHaveLength(3 * 144);
    expect(prototype).toHaveLength(3 * 144);
    // Same instants: two sensors measuring the same water.
    expect(prototype.map((r) => r.gridTime)).toEqual(primary.map((r) => r.gridTime));
    // The prototype reads about 8 % high (modelled bias), and its LOD is its own (20 ng/L).
    const ratios = prototype.slice(0, forceStep).filter((r) => r.value !== null).map((r) => r.value! / r.truth);
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    expect(mean).toBeGreaterThan(1.03);
    expect(mean).toBeLessThan(1.15);
    expect(prototype.filter((r) => r.value === null).every((r) => r.lod === 20)).toBe(true);
    // It sends the raw signal its calibration (version 1: c = 2 × signal − 10) turned into the value.
    const measured = prototype.find((r) => r.value !== null)!;
    expect(measured.calibration).toBe(1);
    expect(2 * measured.rawSignal! - 10).toBeCloseTo(measured.value!, 0);
    expect(primary.every((r) => r.rawSignal === null && r.calibration === null)).toBe(true);
    // A forced fault starts on every sensor; each freezes its own value.
    expect(new Set(primary.slice(forceStep, forceStep + 12).map((r) => r.value)).size).toBe(1);
    expect(new Set(prototype.slice(forceStep, forceStep + 12).map((r) => r.value)).size).toBe(1);
    expect(prototype[forceStep]!.value).not.toBe(primary[forceStep]!.value);
  });

  it("a sensor reports only while it is installed at the station", () => {
    const installedLater = seed.sensor("KSI-CBZ-MIP-P2")!.deployments[0]!.from;
    const early = generateReadings(
      { seed: 3, intervalMs: INTERVAL, catalog: seed, stations: [station], parameters, faults: { ...DEFAULT_FAULT_SETTINGS, ratesPerDay: NO_FAULTS, force: [], forceAt: undefined } },
      Date.parse(installedLater) - DAY,
      Date.parse(installedLater) + DAY,
    ).filter((r) => r.sensor === "KSI-CBZ-MIP-P2");
    expect(early).toHaveLength(144);
    expect(Math.min(...early.map((r) => r.gridTime))).toBe(Date.parse(installedLater));
  });
});

describe("a changed catalog while running", () => {
  it("starts a new simulated station, stops a retired one, and keeps the fault state of sensors that stay", () => {
    const faults = { ...DEFAULT_FAULT_SETTINGS, ratesPerDay: NO_FAULTS, force: ["stuck" as const], forceAt: START + 2 * INTERVAL };
    const options = (c: typeof seed) => ({ catalog: c, stations: simulatedStations(c).filter((s) => s.region === "saxony"), parameters });
    const generator = new ReadingGenerator({ seed: 3, intervalMs: INTERVAL, faults, ...options(seed) }, START);
    for (let i = 0; i < 5; i++) generator.next();
    expect(generator.stations).toEqual(["DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN", "DE-ELBE-DOMMITZSCH", "DE-ZSCHOPAU-WALDHEIM", "DE-MULDE-BADDUEBEN"]);
    const frozen = generator.next().find((r) => r.sensor === "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE")!.value;

    // Bad Düben retires; a new simulated station joins on the Elbe with one sensor.
    const changed = catalogWith((d) => {
      d.stations.find((s) => s.id === "DE-MULDE-BADDUEBEN")!.status = "retired";
      d.stations.push({ ...structuredClone(d.stations[0]!), id: "DE-ELBE-MEISSEN", riverKm: 82.5 });
      d.sensors.push({
        ...structuredClone(d.sensors.find((s) => s.id === "SIM-DE-ELBE-SCHMILKA-CARBAMAZEPINE")!),
        id: "SIM-DE-ELBE-MEISSEN-CARBAMAZEPINE",
        deployments: [{ station: "DE-ELBE-MEISSEN", from: "2026-01-01", to: null, primary: true }],
      });
    });
    generator.setCatalog(options(changed));
    expect(generator.stations).toEqual(["DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN", "DE-ELBE-DOMMITZSCH", "DE-ZSCHOPAU-WALDHEIM", "DE-ELBE-MEISSEN"]);
    const next = generator.next();
    expect(next.some((r) => r.station === "DE-MULDE-BADDUEBEN")).toBe(false);
    expect(next.filter((r) => r.station === "DE-ELBE-MEISSEN").map((r) => r.sensor)).toEqual(["SIM-DE-ELBE-MEISSEN-CARBAMAZEPINE"]);
    // Zehren's primary sensor is still in the stuck episode that started before the change.
    expect(next.find((r) => r.sensor === "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE")!.value).toBe(frozen);
  });
});
