// The simulator's maintenance visit: probes out of the water (conductivity near zero, compounds below
// their LOD), then the calibration step (conductivity in the 1413 µS/cm KCl standard, pH in buffer 7).
import { describe, expect, it } from "vitest";
import { seed as catalog } from "../helpers/catalog.ts";
import { CALIBRATION_SHARE, visitPhase, visitValue } from "../../sensors-sim/src/model/maintenance-visit.ts";
import { resolveOptions, SimulatorOptionsError } from "../../sensors-sim/src/options.ts";
import { generateReadings } from "../../sensors-sim/src/reading-generator.ts";
import { generatorOptionsFrom } from "../../sensors-sim/src/simulator.ts";

const MIN = 60_000;
const LIVE = Date.UTC(2026, 4, 10, 6);
const STATION = "DE-ELBE-ZEHREN";

describe("maintenance visit model", () => {
  const visits = [{ station: STATION, from: LIVE, to: LIVE + 60 * MIN }];
  it.each([
    [LIVE - 1, undefined],
    [LIVE, "out-of-water"],
    [LIVE + 44 * MIN, "out-of-water"],
    [LIVE + (1 - CALIBRATION_SHARE) * 60 * MIN, "calibration"],
    [LIVE + 59 * MIN, "calibration"],
    [LIVE + 60 * MIN, undefined],
  ])("at %d the visit is %s", (t, phase) => {
    expect(visitPhase(visits, STATION, t)).toBe(phase);
    expect(visitPhase(visits, "DE-ELBE-SCHMILKA", t)).toBeUndefined();
  });

  it.each([
    ["out-of-water", "conductivity", "physico-chemical", 480, 1],
    ["out-of-water", "carbamazepine", "pharmaceutical", 120, 0],
    ["out-of-water", "nitrate", "nutrient", 12, 0],
    ["out-of-water", "turbidity", "physico-chemical", 8, 0],
    ["out-of-water", "water_temperature", "physico-chemical", 11, 11],
    ["calibration", "conductivity", "physico-chemical", 480, 1413],
    ["calibration", "ph", "physico-chemical", 7.9, 7],
    ["calibration", "carbamazepine", "pharmaceutical", 120, 120],
  ] as const)("%s: %s reads %d as %d", (phase, parameter, group, sensed, expected) => {
    expect(visitValue(phase, parameter, group, sensed)).toBe(expected);
  });
});

describe("a visit in the simulated readings", () => {
  it("conductivity drops to near zero, then reads the calibration standard, then the river again", () => {
    const options = resolveOptions(
      { stations: [STATION], parameters: ["conductivity", "carbamazepine"], seed: 3, faults: { enabled: false }, maintenance: [{ station: STATION, from: "-2h", to: "-1h" }] },
      catalog,
      LIVE,
    );
    const readings = generateReadings(generatorOptionsFrom(options, catalog, LIVE), LIVE - 3 * 60 * MIN, LIVE);
    const conductivity = (from: number, to: number) => readings.filter((r) => r.parameter === "conductivity" && r.time >= LIVE - from * MIN && r.time < LIVE - to * MIN).map((r) => r.value);
    expect(Math.min(...(conductivity(180, 120) as number[]))).toBeGreaterThan(100);
    expect(conductivity(120, 75)).toEqual(Array(5).fill(1));
    expect(conductivity(75, 60).every((v) => v === 1413)).toBe(true);
    expect(Math.min(...(conductivity(60, 0) as number[]))).toBeGreaterThan(100);
    const carbamazepineInside = readings.filter((r) => r.parameter === "carbamazepine" && r.time >= LIVE - 120 * MIN && r.time < LIVE - 75 * MIN);
    expect(carbamazepineInside.length).toBeGreaterThan(0);
    expect(carbamazepineInside.every((r) => r.value === null || r.value === 0)).toBe(true);
  });

  it("refuses a visit at a station it does not simulate", () => {
    expect(() => resolveOptions({ stations: [STATION], maintenance: [{ station: "DE-ELBE-SCHMILKA", from: "-2h", to: "-1h" }] }, catalog, LIVE)).toThrow(SimulatorOptionsError);
  });
});
