// Configuration periods are [from, to): a sensor's deployment, a station's primary sensor and a
// standard's version end at the instant the next one starts, and a reading at that very instant
// belongs to the next one. Periods that meet are fine; periods that overlap by a millisecond are not.
import { describe, expect, it } from "vitest";
import type { CatalogData } from "../../common/catalog-model.ts";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { validateCatalog } from "../../common/catalog-validate.ts";
import { checkCandidate, type ReadingCandidate } from "../../server/src/ingest/reading-check.ts";
import { seedCatalogData } from "../../server/src/catalog/seed.ts";

const T = Date.parse("2026-06-01T00:00:00Z");
const at = (ms: number) => new Date(ms).toISOString();
const ZEHREN = "DE-ELBE-ZEHREN";
const OLD = "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE";
const NEW = "KSI-CBZ-MIP-P2";
const STD = "clarithromycin.MAC-EQS.EU-EQS-2022";

/** Zehren's carbamazepine: OLD primary until `oldTo`, NEW primary from `newFrom`; the MAC-EQS 130 until `stdTo`, 100 from `stdFrom`. */
function catalogWith(oldTo: number, newFrom: number, stdTo = T, stdFrom = T): CatalogData {
  const d = seedCatalogData();
  d.sensors.find((s) => s.id === OLD)!.deployments = [{ station: ZEHREN, from: "2024-01-01", to: at(oldTo), primary: true }];
  d.sensors.find((s) => s.id === NEW)!.deployments = [{ station: ZEHREN, from: at(newFrom), to: null, primary: true }];
  const std = d.standards.find((s) => s.id === STD)!;
  std.validTo = at(stdTo);
  d.standards.push({ ...std, validFrom: at(stdFrom), validTo: null, value: 100 });
  return d;
}

const reading = (time: number, sensor?: string): ReadingCandidate => ({
  station: ZEHREN,
  parameter: "carbamazepine",
  sensor,
  time,
  value: 120,
  qualifier: null,
  limit: null,
  uncertainty: null,
  rawSignal: null,
  calibration: null,
});

describe("periods that meet at one instant", () => {
  const data = catalogWith(T, T);
  const catalog = new CatalogSnapshot(data);

  it("are a valid catalog", () => {
    expect(validateCatalog(data)).toEqual([]);
  });

  it.each([
    [T - 1, OLD],
    [T, NEW],
    [T + 1, NEW],
  ])("a reading at %s without a sensor goes to the primary sensor %s", (time, sensor) => {
    expect(catalog.primarySensor(ZEHREN, "carbamazepine", time)?.id).toBe(sensor);
    const checked = checkCandidate(reading(time), catalog, T + 3_600_000);
    expect(typeof checked === "string" ? checked : checked.sensor).toBe(sensor);
  });

  it("refuses a reading at the boundary from the sensor whose deployment ended there", () => {
    expect(checkCandidate(reading(T, OLD), catalog, T + 3_600_000)).toMatch(new RegExp(`sensor ${OLD} is not installed at ${ZEHREN} at 2026-06-01T00:00:00.000Z`));
    expect(checkCandidate(reading(T - 1, OLD), catalog, T + 3_600_000)).toMatchObject({ sensor: OLD });
  });

  it.each([
    [T - 1, 130],
    [T, 100],
  ])("the standard version in force at %s sets %s ng/L", (time, value) => {
    const versions = catalog.standardsAt(ZEHREN, "clarithromycin", time).filter((s) => s.standard.id === STD);
    expect(versions.map((s) => s.limit)).toEqual([{ kind: "max", value }]);
  });
});

describe("periods that overlap by a millisecond", () => {
  it("two primary sensors at once are refused", () => {
    const problems = validateCatalog(catalogWith(T + 1, T)).map((p) => p.message);
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`${ZEHREN} already has primary sensor ${OLD} for carbamazepine in this period`)));
  });

  it("two versions of a standard at once are refused", () => {
    const problems = validateCatalog(catalogWith(T, T, T + 1, T)).map((p) => p.message);
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`standard ${STD} has another version valid in the same period`)));
  });

  it("one sensor at two stations at once is refused", () => {
    const d = seedCatalogData();
    d.sensors.find((s) => s.id === NEW)!.deployments = [
      { station: ZEHREN, from: "2026-01-01", to: at(T + 1), primary: false },
      { station: "DE-ELBE-DOMMITZSCH", from: at(T), to: null, primary: false },
    ];
    expect(validateCatalog(d).map((p) => p.message)).toContainEqual(expect.stringMatching(/cannot be at two places at once/));
    d.sensors.find((s) => s.id === NEW)!.deployments[0]!.to = at(T);
    expect(validateCatalog(d)).toEqual([]);
  });
});
