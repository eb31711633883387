// Export and import of the whole catalog: the shipped catalog imported into an empty installation
// comes back exactly (and survives a restart); a dry run shows per entity what would be added,
// changed (field by field) and removed, and changes nothing; an apply is refused when the catalog
// moved on since its dry run, and when it would remove what has data.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { emptyCatalogData } from "../../common/catalog-format.ts";
import { authHeaders } from "../helpers/auth.ts";
import { call } from "../helpers/catalog-api.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { importFile } from "../helpers/lab-client.ts";
import { startTestSystem, tempDir, testLogger, type TestSystem } from "../helpers/test-system.ts";
import { startSystem } from "../../server/src/system.ts";
import type { CatalogData } from "../../common/catalog-model.ts";
import { loadConfig } from "../../server/src/config.ts";

const SEED_TEXT = readFileSync(new URL("../../server/src/catalog/seed-catalog.json", import.meta.url), "utf8");
const SEED = JSON.parse(SEED_TEXT) as CatalogData;

let system: TestSystem | undefined;
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

describe("catalog import into an empty installation", () => {
  it("reproduces the shipped catalog exactly: dry run first, then apply, then export", async () => {
    const s = (system = await startTestSystem({}, undefined, { catalogSeed: emptyCatalogData() }));
    const admin = await authHeaders(s, "admin");
    expect(s.catalog.current().version).toBe(0);
    expect(s.catalog.current().stations).toHaveLength(0);

    const dry = await call(s, "POST", "/api/v1/catalog/import", admin, SEED_TEXT);
    expect(dry.status, JSON.stringify(dry.body).slice(0, 500)).toBe(200);
    expect(dry.body).toMatchObject({ applied: false, baseVersion: 0, version: 0, changed: true });
    for (const kind of ["organisations", "regions", "rivers", "stations", "parameters", "sensors", "standards", "sources"] as const) {
      expect(dry.body.entities[kind], kind).toMatchObject({ added: SEED[kind].length, changed: 0, removed: 0 });
    }
    expect(dry.body.entities.stations.items[0]).toMatchObject({ change: "added", key: "DE-ELBE-SCHMILKA", after: { name: { zh: "施米尔卡（易北河，捷克边境）" } } });
    expect(s.catalog.current().version).toBe(0);

    const applied = await call(s, "POST", "/api/v1/catalog/import?apply=true&baseVersion=0", admin, SEED_TEXT);
    expect(applied.body).toMatchObject({ applied: true, baseVersion: 0, version: 1, changed: true });
    const exported = await fetch(`${s.url}/api/v1/catalog/export`, { headers: admin });
    expect(exported.headers.get("content-disposition")).toBe('attachment; filename="water-monitor-catalog-v1.json"');
    const text = await exported.text();
    // Every list in the same order, every entity with the same fields and values (the order of keys
    // inside a JSON object carries no meaning).
    expect(JSON.parse(text)).toStrictEqual(SEED);

    // Importing it again changes nothing.
    const again = await call(s, "POST", "/api/v1/catalog/import?apply=true", admin, text);
    expect(again.body).toMatchObject({ applied: false, changed: false, version: 1 });

    // After a restart on the same data dir, the same catalog.
    const { dataDir, config } = s;
    await s.close(2_000);
    system = undefined;
    const restarted = await startSystem({ config, logger: testLogger, influxUrl: config.influx.url!, influxMode: "external" });
    try {
      expect(restarted.catalog.current().version).toBe(1);
      expect(restarted.catalog.current().data).toStrictEqual(SEED);
    } finally {
      await restarted.close(2_000);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("catalog import into a working installation", () => {
  it("shows field-level changes, additions and removals in the dry run, and applies them in one version", async () => {
    const s = (system = await startTestSystem());
    const admin = await authHeaders(s, "admin");
    const file = structuredClone(SEED);
    file.stations.find((x) => x.id === "CN-YANGTZE-CUNTAN")!.name.zh = "寸滩（长江，主城下游）";
    file.stations = file.stations.filter((x) => x.id !== "DE-ZSCHOPAU-WALDHEIM");
    file.sensors = file.sensors.filter((x) => !x.deployments.some((d) => d.station === "DE-ZSCHOPAU-WALDHEIM"));
    file.rivers.push({ id: "saale", name: { en: "Saale", de: "Saale", zh: "萨勒河" } });

    const dry = await call(s, "POST", "/api/v1/catalog/import", admin, file);
    expect(dry.status, JSON.stringify(dry.body).slice(0, 500)).toBe(200);
    const version = dry.body.baseVersion as number;
    expect(dry.body.entities.stations).toMatchObject({ added: 0, changed: 1, removed: 1 });
    expect(dry.body.entities.stations.items).toEqual([
      { change: "changed", key: "CN-YANGTZE-CUNTAN", fields: [{ path: "name.zh", before: SEED.stations.find((x) => x.id === "CN-YANGTZE-CUNTAN")!.name.zh, after: "寸滩（长江，主城下游）" }] },
      { change: "removed", key: "DE-ZSCHOPAU-WALDHEIM", before: SEED.stations.find((x) => x.id === "DE-ZSCHOPAU-WALDHEIM") },
    ]);
    // Waldheim's sensors: 19 parameters and its discharge gauge.
    expect(dry.body.entities.sensors.removed).toBe(20);
    expect(dry.body.entities.rivers).toMatchObject({ added: 1, items: [{ change: "added", key: "saale" }] });
    expect(s.catalog.current().version).toBe(version);

    // Meanwhile another admin changes the catalog: the apply of the old dry run is refused.
    await call(s, "PATCH", "/api/v1/catalog/rivers/elbe", admin, { name: { en: "Elbe", de: "Elbe", zh: "易北河" } });
    const other = await call(s, "PATCH", "/api/v1/catalog/organisations/KSI", admin, { url: "https://www.ksi-meinsberg.de" });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    const stale = await call(s, "POST", `/api/v1/catalog/import?apply=true&baseVersion=${version}`, admin, file);
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toContain(`changed since version ${version}`);

    const applied = await call(s, "POST", `/api/v1/catalog/import?apply=true&baseVersion=${version + 1}`, admin, file);
    expect(applied.body).toMatchObject({ applied: true, version: version + 2 });
    const catalog = s.catalog.current();
    expect(catalog.station("DE-ZSCHOPAU-WALDHEIM")).toBeUndefined();
    expect(catalog.stationName("CN-YANGTZE-CUNTAN", "zh")).toBe("寸滩（长江，主城下游）");
    expect(catalog.river("saale")?.name.zh).toBe("萨勒河");
    expect(catalog.organisation("KSI")?.url).toBeUndefined();
    const history = await call(s, "GET", "/api/v1/catalog/history?limit=1", admin);
    expect(history.body.versions[0]).toMatchObject({ version: version + 2, action: "import", summary: expect.stringContaining("stations: 1 changed, 1 removed") });
  });

  it("refuses to remove a station that has data, naming it; nothing is applied", async () => {
    const s = (system = await startTestSystem());
    const admin = await authHeaders(s, "admin");
    const token = (await s.stationTokens.create("t", ["*"])).token;
    const res = await postReadings(s.url, token, { readings: [{ station: "DE-MULDE-BADDUEBEN", parameter: "ph", time: Date.now() - 60_000, value: 7.6 }] });
    expect(res.status).toBe(202);
    await s.writer.drained();
    const file = structuredClone(SEED);
    file.stations = file.stations.filter((x) => x.id !== "DE-MULDE-BADDUEBEN");
    file.sensors = file.sensors.filter((x) => !x.deployments.some((d) => d.station === "DE-MULDE-BADDUEBEN"));
    const version = s.catalog.current().version;
    const refused = await call(s, "POST", "/api/v1/catalog/import?apply=true", admin, file);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toContainEqual({
      path: "stations[DE-MULDE-BADDUEBEN]",
      message: expect.stringContaining("station DE-MULDE-BADDUEBEN has data, so its id is immutable and it cannot be removed or renamed; retire it instead"),
    });
    expect(refused.body.error.details).toContainEqual({ path: "sensors[SIM-DE-MULDE-BADDUEBEN-PH]", message: expect.stringContaining("has data") });
    expect(s.catalog.current().version).toBe(version);
    expect(s.catalog.current().station("DE-MULDE-BADDUEBEN")).toBeDefined();
  });
});

describe("lab results count as data", () => {
  it("a station with lab samples only, and a parameter with lab results only, are not removed", async () => {
    const s = (system = await startTestSystem());
    const admin = await authHeaders(s, "admin");
    const researcher = await authHeaders(s, "researcher");
    const csv = [
      "Messstelle;Proben-Nr.;Probenart;Probenahme Beginn;Probenahme Ende;Parameter;Wert;BG;Einheit;Messunsicherheit;Labor;Verfahren;Analysendatum",
      "DE-ZSCHOPAU-WALDHEIM;WH-2026-001;Stichprobe;05.03.2026 10:15;;Metoprolol;0,031;0,01;µg/L;15 %;BfUL Labor;LC-MS/MS;11.03.2026",
    ].join("\r\n");
    const { applied } = await importFile(s.url, researcher, { name: "waldheim.csv", bytes: csv });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const file = structuredClone(SEED);
    file.stations = file.stations.filter((x) => x.id !== "DE-ZSCHOPAU-WALDHEIM");
    // Metoprolol has no quality standard (one that has applied could not be removed either).
    file.sensors = file.sensors.filter((x) => !x.deployments.some((d) => d.station === "DE-ZSCHOPAU-WALDHEIM") && x.parameter !== "metoprolol");
    file.parameters = file.parameters.filter((x) => x.code !== "metoprolol");
    const refused = await call(s, "POST", "/api/v1/catalog/import?apply=true", admin, file);
    expect(refused.status).toBe(409);
    const paths = (refused.body.error.details as Array<{ path: string }>).map((d) => d.path);
    expect(paths).toContain("stations[DE-ZSCHOPAU-WALDHEIM]");
    expect(paths).toContain("parameters[metoprolol]");
  });
});

describe("CATALOG_SEED", () => {
  it("starts a new data dir with a catalog file (an export of another installation)", async () => {
    const dir = tempDir("wm-catalog-seed-");
    try {
      const file = `${dir.dir}/network.json`;
      const network = structuredClone(SEED);
      network.stations = network.stations.filter((x) => x.region === "chongqing");
      network.sensors = network.sensors.filter((x) => x.deployments.every((d) => network.stations.some((st) => st.id === d.station)));
      writeFileSync(file, JSON.stringify(network));
      const s = (system = await startTestSystem({ CATALOG_SEED: file }));
      expect(s.catalog.current().stations.map((x) => x.region)).toEqual(["chongqing", "chongqing", "chongqing"]);
      expect(loadConfig({ CATALOG_SEED: file }).catalog.seed).toEqual({ file });
    } finally {
      dir.remove();
    }
  });
});
