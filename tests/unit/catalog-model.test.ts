import { describe, expect, it } from "vitest";
import seed from "../../server/src/catalog/seed-catalog.json" with { type: "json" };
import { catalogSchema, type CatalogData, type QualityStandard } from "../../common/catalog-model.ts";
import { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import { validateCatalog } from "../../common/catalog-validate.ts";
import { isCasNumber } from "../../common/cas.ts";
import { convertUnit } from "../../common/units.ts";
import { effectiveLimit, ruleSeverity, sensitiveEnough, validAt } from "../../common/standards.ts";

const data = catalogSchema.parse(seed);
const catalog = new CatalogSnapshot(data);
const clone = (): CatalogData => structuredClone(data);
const T = Date.parse("2026-11-25T10:00:00Z");

describe("the shipped catalog", () => {
  it("is a valid catalog with no cross-reference problems", () => {
    expect(validateCatalog(data)).toEqual([]);
  });

  it("has eight stations, each with a primary sensor for every parameter", () => {
    expect(data.stations).toHaveLength(8);
    for (const s of data.stations) for (const p of data.parameters) expect(catalog.primarySensor(s.id, p.code, T), `${s.id} ${p.code}`).toBeDefined();
  });

  it("carries the German and Chinese names from the reference names list", () => {
    expect(catalog.parameter("diclofenac")!.name.zh).toBe("双氯芬酸");
    expect(catalog.station("CN-YANGTZE-CUNTAN")!.name.zh).toMatch(/^寸滩/);
    expect(catalog.river("yangtze")!.name.zh).toBe("长江");
    expect(catalog.river("jialing")!.name.zh).toBe("嘉陵江");
    expect(catalog.parameterName("carbamazepine", "de")).toBe("Carbamazepin");
    expect(catalog.stationName("DE-ZSCHOPAU-WALDHEIM", "zh")).toBe("瓦尔德海姆（乔保河）");
  });
});

describe("CAS numbers", () => {
  it.each([
    ["298-46-4", true], // carbamazepine
    ["15307-86-5", true], // diclofenac
    ["57-63-6", true], // 17α-ethinylestradiol
    ["298-46-5", false], // wrong check digit
    ["29846-4", false],
    ["1-46-4", false],
  ])("%s is valid: %s", (cas, ok) => expect(isCasNumber(cas)).toBe(ok));

  it("every CAS number in the catalog has a valid check digit", () => {
    for (const p of data.parameters) if (p.cas) expect(isCasNumber(p.cas), p.code).toBe(true);
  });
});

describe("units", () => {
  it.each([
    [0.05, "µg/L", "ng/L", 50],
    [50, "ng/L", "µg/L", 0.05],
    [1, "mg/L", "ng/L", 1_000_000],
    [2, "ug/L", "ng/L", 2000],
    [2, "μg/L", "ng/L", 2000],
    [1.5, "mS/cm", "µS/cm", 1500],
    [5, "mg/L", "°C", undefined],
    [5, "furlong", "ng/L", undefined],
  ])("%s %s in %s is %s", (v, from, to, expected) => expect(convertUnit(v, from, to)).toBe(expected));
});

describe("parameter matching (lab reports)", () => {
  it.each([
    ["carbamazepine", "carbamazepine"],
    ["Carbamazepin", "carbamazepine"],
    ["CBZ", "carbamazepine"],
    ["卡马西平", "carbamazepine"],
    ["298-46-4", "carbamazepine"],
    ["  DICLOFENAC ", "diclofenac"],
    ["17α-炔雌醇", "ethinylestradiol"],
    ["EE2", "ethinylestradiol"],
    ["water temperature", "water_temperature"],
  ])("%j names %s", (text, code) => expect(catalog.matchParameter(text)?.code).toBe(code));

  it("suggests the closest names for a misspelling", () => {
    expect(catalog.matchParameter("Carbamazapine")).toBeUndefined();
    expect(catalog.suggestParameters("Carbamazapine")[0]).toBe("carbamazepine");
  });
});

describe("which standards apply", () => {
  const kinds = (station: string, parameter: string, applicable: boolean) =>
    catalog
      .standardsAt(station, parameter, T)
      .filter((s) => s.applicable === applicable)
      .map((s) => s.standard.source)
      .filter((source, i, all) => all.indexOf(source) === i)
      .sort();

  it.each([
    // station, parameter, applicable sources, reference-only sources
    ["DE-ELBE-ZEHREN", "diclofenac", ["DE-UBA-proposal", "EU-EQS-2022"], ["CH-GSchV"]],
    ["CN-YANGTZE-CUNTAN", "diclofenac", [], ["CH-GSchV", "DE-UBA-proposal", "EU-EQS-2022"]],
    ["DE-ELBE-ZEHREN", "ph", [], ["CN-GB3838-2002"]],
    ["CN-YANGTZE-CUNTAN", "ph", ["CN-GB3838-2002"], []],
    ["DE-ELBE-ZEHREN", "nitrate", ["EU-NITRATES"], []],
    ["DE-ELBE-ZEHREN", "ciprofloxacin", [], ["CH-OEKOTOX"]],
  ])("%s %s: applicable %j, reference %j", (station, parameter, applicable, reference) => {
    expect(kinds(station, parameter, true)).toEqual(applicable);
    expect(kinds(station, parameter, false)).toEqual(reference);
  });

  it("takes a GB 3838 class limit at the station's target class, in the parameter's unit", () => {
    const dox = catalog.standardsAt("CN-YANGTZE-CUNTAN", "dissolved_oxygen", T)[0]!;
    expect(dox.targetClass).toBe("III");
    expect(dox.limit).toEqual({ kind: "min", value: 5 });
    const nh4 = catalog.standardsAt("CN-YANGTZE-CUNTAN", "ammonium", T)[0]!;
    expect(nh4.limit).toEqual({ kind: "max", value: 1.0 });
  });

  const std = (over: Partial<QualityStandard>): QualityStandard => ({
    id: "x",
    parameter: "diclofenac",
    kind: "AA-EQS",
    value: 0.05,
    unit: "µg/L",
    source: "S",
    legalStatus: "binding",
    scope: { kind: "all" },
    validFrom: "2027-01-01",
    validTo: "2028-01-01",
    ...over,
  });

  it.each([
    ["UTC", "2026-12-31T23:59:59Z", false],
    ["UTC", "2027-01-01T00:00:00Z", true], // validFrom is inclusive
    ["UTC", "2027-12-31T23:59:59Z", true],
    ["UTC", "2028-01-01T00:00:00Z", false], // validTo is exclusive
    // Date-only bounds are local midnight: Chongqing (UTC+8) enters 2027 at 16:00 UTC on 31 December…
    ["Asia/Shanghai", "2026-12-31T15:59:59Z", false],
    ["Asia/Shanghai", "2026-12-31T16:00:00Z", true],
    ["Asia/Shanghai", "2027-12-31T16:00:00Z", false],
    // …Saxony (CET, UTC+1 in winter) at 23:00 UTC.
    ["Europe/Berlin", "2026-12-31T22:59:59Z", false],
    ["Europe/Berlin", "2026-12-31T23:00:00Z", true],
    ["Europe/Berlin", "2027-12-31T23:30:00Z", false],
  ])("a standard valid 2027 applies in %s at %s: %s", (zone, at, ok) => expect(validAt(std({}), Date.parse(at), zone)).toBe(ok));

  it("takes a validity given as an instant as written, whatever the zone", () => {
    const instant = std({ validFrom: "2027-01-01T12:00:00Z", validTo: null });
    expect(validAt(instant, Date.parse("2027-01-01T11:59:59Z"), "Asia/Shanghai")).toBe(false);
    expect(validAt(instant, Date.parse("2027-01-01T12:00:00Z"), "Asia/Shanghai")).toBe(true);
  });

  it("converts a standard's value into the parameter's unit", () => {
    expect(effectiveLimit(std({}), "ng/L", null)).toEqual({ kind: "max", value: 50 });
  });

  it.each([
    ["MAC-EQS", "binding", "critical"],
    ["AA-EQS", "binding", "warning"],
    ["MAC-EQS", "adopted-not-transposed", "warning"],
    ["MAC-EQS", "proposal", "info"],
    ["AA-EQS", "guidance", "info"],
    ["AA-EQS", "reference", null],
    ["watch-list-MDL", "binding", null],
  ] as const)("a %s that is %s gives severity %s", (kind, status, severity) => expect(ruleSeverity(kind, status)).toBe(severity));

  it.each([
    // Directive 2009/90/EC Art. 4(1): LOQ ≤ 30 % of the EQS
    [0.05, 0.017, false], // EE2: LOD 0.05 ng/L against AA-EQS 0.017 ng/L
    [12, 40, true], // 12 = 0.3 × 40, on the bound
    [12.1, 40, false],
    [null, 40, true],
  ])("a limit of %s against an EQS of %s is sensitive enough: %s", (limit, eqs, ok) => expect(sensitiveEnough(limit, eqs)).toBe(ok));
});

describe("sensors and deployments", () => {
  it("finds the sensor installed at a time, and none before it was installed", () => {
    const d = clone();
    const sensor = d.sensors.find((s) => s.id === "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE")!;
    sensor.deployments = [
      { station: "DE-ELBE-ZEHREN", from: "2026-01-01", to: "2026-06-01", primary: true },
      { station: "DE-ELBE-SCHMILKA", from: "2026-06-01", to: null, primary: false },
    ];
    const c = new CatalogSnapshot(d);
    expect(c.primarySensor("DE-ELBE-ZEHREN", "carbamazepine", Date.parse("2026-05-31T23:59:59Z"))?.id).toBe(sensor.id);
    // The boundary instant belongs to the next deployment.
    expect(c.primarySensor("DE-ELBE-ZEHREN", "carbamazepine", Date.parse("2026-06-01T00:00:00Z"))).toBeUndefined();
    expect(c.sensorsAt("DE-ELBE-SCHMILKA", "carbamazepine", Date.parse("2026-06-01T00:00:00Z")).map((s) => s.id)).toContain(sensor.id);
    expect(c.sensorsOf("DE-ELBE-ZEHREN", "carbamazepine").map((s) => s.id)).toContain(sensor.id);
  });
});

describe("catalog problems", () => {
  const problems = (change: (d: CatalogData) => void) => {
    const d = clone();
    change(d);
    return validateCatalog(d).map((p) => `${p.path}: ${p.message}`);
  };

  it.each<[string, (d: CatalogData) => void, RegExp]>([
    ["duplicate station ids", (d) => d.stations.push({ ...d.stations[0]! }), /stations\[8\]: duplicate station id "DE-ELBE-SCHMILKA"/],
    ["a station on an unknown river", (d) => (d.stations[0]!.river = "rhine"), /stations\[0\]\.river: unknown river "rhine"/],
    ["a standard citing no known source", (d) => (d.standards[0]!.source = "nowhere"), /standards\[0\]\.source: unknown source "nowhere"/],
    ["a standard in a unit that does not convert", (d) => (d.standards[0]!.unit = "°C"), /standards\[0\]\.unit: unit °C does not convert/],
    [
      "two primary sensors for one series at once",
      (d) => d.sensors.push({ ...structuredClone(d.sensors[0]!), id: "SECOND" }),
      /already has primary sensor SIM-DE-ELBE-SCHMILKA-CARBAMAZEPINE for carbamazepine/,
    ],
    [
      "overlapping versions of a standard",
      (d) => d.standards.push({ ...structuredClone(d.standards[0]!), value: 1 }),
      /has another version valid in the same period/,
    ],
    [
      "a synonym naming two compounds",
      (d) => d.parameters[1]!.synonyms.push("CBZ"),
      /"CBZ" also names parameter carbamazepine/,
    ],
  ])("refuses %s", (_what, change, message) => {
    expect(problems(change).join("\n")).toMatch(message);
  });

  it.each<[string, unknown, RegExp]>([
    ["a station id with lower-case letters", { ...data.stations[0], id: "de-elbe" }, /station id may contain only A-Z/],
    ["a latitude out of range", { ...data.stations[0], lat: 91 }, /latitude must be between -90 and 90/],
    ["an unknown time zone", { ...data.stations[0], timezone: "Europe/Dresden" }, /IANA time zone/],
  ])("the station schema refuses %s", (_what, station, message) => {
    const result = catalogSchema.shape.stations.element.safeParse(station);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).toMatch(message);
  });

  it("refuses a standard without a source and a negative limit", () => {
    const result = catalogSchema.shape.standards.element.safeParse({ ...data.standards[0], source: "", value: -1 });
    expect(result.success).toBe(false);
    const text = JSON.stringify(result.error!.issues);
    expect(text).toMatch(/needs a source/);
    expect(text).toMatch(/must not be negative/);
  });

  it("refuses a file that is not a catalog", () => {
    const result = catalogSchema.safeParse({ stations: [] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).toMatch(/not a Water Monitor catalog/);
  });
});
