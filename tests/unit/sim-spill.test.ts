// The spill scenario: a plume that passes a river's stations in order, with travel times from the
// distance between them, above the compound's MAC-EQS.
import { describe, expect, it } from "vitest";
import { seed as catalog } from "../helpers/catalog.ts";
import { greatCircleKm, planSpill, SPILL_DEFAULTS, strictestMac, type SpillScenario } from "../../sensors-sim/src/model/spill.ts";
import { resolveOptions } from "../../sensors-sim/src/options.ts";
import { generateReadings } from "../../sensors-sim/src/reading-generator.ts";
import { generatorOptionsFrom } from "../../sensors-sim/src/simulator.ts";

const HOUR = 3_600_000;
const INTERVAL = 10 * 60_000;
const LIVE = Date.UTC(2026, 4, 10, 6);

function scenario(river: string, compound = "clarithromycin"): SpillScenario {
  return { ...SPILL_DEFAULTS, river, compound, entryTime: LIVE + HOUR };
}

describe("spill plan", () => {
  it("uses the strictest MAC-EQS in the catalog (clarithromycin 130 ng/L, azithromycin 180 ng/L)", () => {
    expect(strictestMac(catalog, "clarithromycin")).toBe(130);
    expect(strictestMac(catalog, "azithromycin")).toBe(180);
    expect(() => strictestMac(catalog, "ibuprofen")).toThrow(/no MAC-EQS/);
  });

  it("reaches the Elbe stations in river order, delayed by distance / velocity", () => {
    const s = scenario("elbe");
    const plan = planSpill(s, catalog);
    expect(plan.map((a) => a.station)).toEqual(["DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN", "DE-ELBE-DOMMITZSCH"]);
    const [schmilka, zehren, dommitzsch] = plan as [typeof plan[0], typeof plan[0], typeof plan[0]];
    const km = greatCircleKm(catalog.station("DE-ELBE-SCHMILKA")!, catalog.station("DE-ELBE-ZEHREN")!) * s.sinuosity;
    expect(km).toBeGreaterThan(70); // ~86 river km in reality
    expect(km).toBeLessThan(100);
    expect(zehren.peakTime - schmilka.peakTime).toBeCloseTo(((km * 1000) / s.velocityMs) * 1000, -4);
    expect(schmilka.peakTime - s.entryTime).toBeCloseTo((s.entryDistanceKm * 1e6) / s.velocityMs, -4);
    expect(dommitzsch.peakTime).toBeGreaterThan(zehren.peakTime + 15 * HOUR);
    // Dispersion: lower and wider downstream, still above the MAC-EQS everywhere.
    expect(zehren.peak).toBeLessThan(schmilka.peak);
    expect(dommitzsch.widthMs).toBeGreaterThan(zehren.widthMs);
    expect(Math.min(...plan.map((a) => a.peak))).toBeGreaterThan(130);
  });

  it("follows the Yangtze from Chaotianmen to Cuntan, and a Jialing plume on into the Yangtze", () => {
    expect(planSpill(scenario("yangtze"), catalog).map((a) => a.station)).toEqual([
      "CN-YANGTZE-CHAOTIANMEN",
      "CN-YANGTZE-CUNTAN",
    ]);
    expect(planSpill(scenario("jialing"), catalog).map((a) => a.station)).toEqual([
      "CN-JIALING-BEIBEI",
      "CN-YANGTZE-CHAOTIANMEN",
      "CN-YANGTZE-CUNTAN",
    ]);
  });
});

describe("spill readings", () => {
  it.each([
    ["Elbe", "clarithromycin"],
    ["Yangtze", "azithromycin"],
  ])("on the %s (river named as on the command line), %s exceeds its MAC-EQS at each station in order, on time", (river, compound) => {
    const options = resolveOptions({
      seed: 5,
      scenario: "spill",
      spill: { river, compound },
      parameters: [compound],
      faults: { enabled: false },
    }, catalog);
    const generator = generatorOptionsFrom(options, catalog, LIVE);
    const plan = planSpill(generator.spill!, catalog);
    const readings = generateReadings(generator, LIVE, plan.at(-1)!.peakTime + 12 * HOUR);
    const mac = strictestMac(catalog, compound);
    const firstAbove = plan.map((arrival) => {
      const series = readings.filter((r) => r.station === arrival.station && r.sensor === catalog.primarySensor(r.station, compound, r.gridTime)?.id);
      const peak = series.reduce((a, b) => ((b.value ?? 0) > (a.value ?? 0) ? b : a));
      expect(peak.value!).toBeGreaterThan(mac);
      // The observed peak is the planned one, give or take a reading and the background noise.
      expect(Math.abs(peak.time - arrival.peakTime)).toBeLessThanOrEqual(2 * INTERVAL);
      return series.find((r) => (r.value ?? 0) > mac)!.time;
    });
    expect([...firstAbove].sort((a, b) => a - b)).toEqual(firstAbove);
    // Stations off the plume's path stay well below the MAC-EQS.
    const offPath = readings.filter((r) => !plan.some((a) => a.station === r.station));
    expect(offPath.length).toBeGreaterThan(0);
    expect(Math.max(...offPath.map((r) => r.value ?? 0))).toBeLessThan(mac);
  });
});
