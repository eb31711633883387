// Bad catalog input is refused with a message naming the field, and nothing of it is applied: after
// every refusal the catalog is at the same version and unchanged, entity by entity.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders } from "../helpers/auth.ts";
import { call, newParameter, newSensor, newStation } from "../helpers/catalog-api.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const SEED = JSON.parse(readFileSync(new URL("../../server/src/catalog/seed-catalog.json", import.meta.url), "utf8"));
const CBZ_AA = "carbamazepine.AA-EQS.EU-EQS-2022";
const standard = (over: Record<string, unknown> = {}) => ({
  id: "gabapentin.AA-EQS.TEST",
  parameter: "carbamazepine",
  kind: "AA-EQS",
  value: 100,
  unit: "ng/L",
  source: "EU-EQS-2022",
  legalStatus: "proposal",
  scope: { kind: "all" },
  validFrom: null,
  validTo: null,
  ...over,
});
const importOf = (change: (c: typeof SEED) => void) => {
  const copy = structuredClone(SEED);
  change(copy);
  return copy;
};

let system: TestSystem;
let admin: Record<string, string>;

beforeAll(async () => {
  system = await startTestSystem();
  admin = await authHeaders(system, "admin");
});
afterAll(async () => {
  await system?.stop();
});

interface Case {
  what: string;
  method: "POST" | "PATCH";
  path: string;
  body: unknown;
  /** The field the answer must name (a detail's path), and words its message must contain. */
  field: string;
  says: RegExp;
  status?: number;
}

const CASES: Case[] = [
  { what: "a duplicate station id", method: "POST", path: "/api/v1/catalog/stations", body: newStation({ id: "DE-ELBE-ZEHREN" }), field: "id", says: /"DE-ELBE-ZEHREN" exists already/ },
  { what: "a station id in lower case", method: "POST", path: "/api/v1/catalog/stations", body: newStation({ id: "de-elbe-new" }), field: "id", says: /only A-Z, 0-9 and '-'/ },
  { what: "a station id with an underscore", method: "POST", path: "/api/v1/catalog/stations", body: newStation({ id: "DE_ELBE_NEW" }), field: "id", says: /only A-Z, 0-9 and '-'/ },
  { what: "a sensor id with a space", method: "POST", path: "/api/v1/catalog/sensors", body: newSensor("NEW SENSOR", "ph", "DE-ELBE-ZEHREN", "2030-01-01"), field: "id", says: /only A-Z, 0-9 and '-'/ },
  { what: "a latitude out of range", method: "POST", path: "/api/v1/catalog/stations", body: newStation({ lat: 95 }), field: "lat", says: /latitude must be between -90 and 90/ },
  { what: "a longitude out of range", method: "PATCH", path: "/api/v1/catalog/stations/DE-ELBE-ZEHREN", body: { lon: -190 }, field: "lon", says: /longitude must be between -180 and 180/ },
  { what: "an unknown time zone", method: "PATCH", path: "/api/v1/catalog/stations/DE-ELBE-ZEHREN", body: { timezone: "Europe/Atlantis" }, field: "timezone", says: /IANA time zone/ },
  { what: "an unknown river", method: "POST", path: "/api/v1/catalog/stations", body: newStation({ river: "rhine" }), field: "river", says: /unknown river "rhine"/ },
  { what: "a duplicate parameter code", method: "POST", path: "/api/v1/catalog/parameters", body: newParameter({ code: "ph" }), field: "code", says: /"ph" exists already/ },
  { what: "a CAS number with a wrong check digit", method: "POST", path: "/api/v1/catalog/parameters", body: newParameter({ cas: "60142-96-4" }), field: "cas", says: /check digit/ },
  {
    what: "overlapping deployments of one sensor",
    method: "POST",
    path: "/api/v1/catalog/sensors",
    body: {
      ...newSensor("TEST-PH-1", "ph", "DE-ELBE-ZEHREN", "2030-01-01"),
      deployments: [
        { station: "DE-ELBE-ZEHREN", from: "2030-01-01", to: "2030-06-01", primary: false },
        { station: "DE-ELBE-SCHMILKA", from: "2030-05-01", to: null, primary: false },
      ],
    },
    field: "deployments[1]",
    says: /cannot be at two places at once/,
  },
  {
    what: "a second primary sensor in the same period",
    method: "POST",
    path: "/api/v1/catalog/sensors",
    body: newSensor("TEST-PH-2", "ph", "DE-ELBE-ZEHREN", "2030-01-01"),
    field: "deployments[0]",
    says: /already has primary sensor SIM-DE-ELBE-ZEHREN-PH for ph/,
  },
  {
    what: "a deployment into an installed sensor's time",
    method: "POST",
    path: "/api/v1/catalog/sensors/SIM-DE-ELBE-ZEHREN-PH/deployments",
    body: { station: "DE-ELBE-SCHMILKA", from: "2030-01-01" },
    field: "from",
    says: /installed at DE-ELBE-ZEHREN since .*end that deployment first/,
  },
  { what: "a negative LOD", method: "PATCH", path: "/api/v1/catalog/sensors/SIM-DE-ELBE-ZEHREN-PH", body: { lod: -1 }, field: "lod", says: /the LOD must be positive/ },
  { what: "a standard without source", method: "POST", path: "/api/v1/catalog/standards", body: standard({ source: undefined }), field: "source", says: /source is required/ },
  { what: "a standard with an empty source", method: "POST", path: "/api/v1/catalog/standards", body: standard({ source: "" }), field: "source", says: /a standard needs a source/ },
  { what: "a standard citing an unknown source", method: "POST", path: "/api/v1/catalog/standards", body: standard({ source: "NO-SUCH-LAW" }), field: "source", says: /unknown source "NO-SUCH-LAW"/ },
  { what: "a negative limit", method: "POST", path: "/api/v1/catalog/standards", body: standard({ value: -5 }), field: "value", says: /a limit must not be negative/ },
  { what: "a unit that does not convert", method: "POST", path: "/api/v1/catalog/standards", body: standard({ unit: "°C" }), field: "unit", says: /unit °C does not convert to carbamazepine's unit ng\/L/ },
  {
    what: "a new standard version overlapping the current one",
    method: "POST",
    path: `/api/v1/catalog/standards/${CBZ_AA}/versions`,
    body: { validFrom: "2020-01-01", value: 2000 },
    field: "validFrom",
    says: /before now .* a new version starts now or later/,
  },
  {
    what: "standard versions that overlap, in an import",
    method: "POST",
    path: "/api/v1/catalog/import",
    body: importOf((c) => c.standards.push({ ...c.standards[0], validFrom: "2030-01-01", value: 2000 })),
    field: `standards[${CBZ_AA}@2030-01-01]`,
    says: /another version valid in the same period/,
  },
  {
    what: "a changed value of a standard that has applied, in an import",
    method: "POST",
    path: "/api/v1/catalog/import",
    body: importOf((c) => (c.standards[0].value = 2000)),
    field: `standards[${CBZ_AA}@].value`,
    says: /has applied, so its value is history; add a new version/,
  },
  { what: "an import file that is not a catalog", method: "POST", path: "/api/v1/catalog/import", body: { readings: [] }, field: "format", says: /not a Water Monitor catalog file/ },
  { what: "an import with a broken field", method: "POST", path: "/api/v1/catalog/import", body: importOf((c) => (c.stations[0].lat = 200)), field: "stations.0.lat", says: /latitude must be between -90 and 90/ },
  {
    what: "a simulated station with one unknown parameter among its sensors",
    method: "POST",
    path: "/api/v1/catalog/stations",
    body: { ...newStation({ id: "TEST-SIM-HALF", simulated: true }), simulatedSensors: ["ph", "unobtainium"] },
    field: "simulatedSensors",
    says: /unknown parameter "unobtainium"/,
  },
];

describe("bad catalog input", () => {
  it.each(CASES.map((c) => [c.what, c] as const))("%s is refused, naming the field, and nothing is applied", async (_what, c) => {
    const before = system.catalog.current();
    const res = await call(system, c.method, c.path, admin, c.body);
    expect(res.status, JSON.stringify(res.body)).toBe(c.status ?? 400);
    const details = res.body.error.details as Array<{ path?: string; message: string }>;
    const named = details.find((d) => d.path === c.field);
    expect(named, JSON.stringify(details)).toBeDefined();
    expect(named!.message).toMatch(c.says);
    expect(res.body.error.message).toMatch(c.says);
    expect(system.catalog.current().version).toBe(before.version);
    expect(system.catalog.current().data).toEqual(before.data);
    expect((await call(system, "GET", "/api/v1/catalog/history?limit=1", admin)).body.versions[0].version).toBe(before.version);
  });
});
