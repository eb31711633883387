// The managed catalog over real HTTP, a real InfluxDB and real socket.io clients: an admin adds a
// station and a parameter and readings for them are accepted at once and show everywhere; a station
// is retired (ingest refuses it, its data stays readable); the catalog as of an earlier time, the
// history of who changed what, and an audit no one can rewrite.
import { parse } from "csv-parse/sync";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogResponse, LatestResponse, SeriesResponse } from "../../common/api-types.ts";
import type { ClientToServerEvents, ServerToClientEvents } from "../../common/events.ts";
import type { Reading } from "../../common/reading.ts";
import { SqlCatalogRepository } from "../../server/src/catalog/catalog-repository.ts";
import { openMetaStore } from "../../server/src/meta/open.ts";
import { authHeaders } from "../helpers/auth.ts";
import { call, newParameter, newSensor, newStation } from "../helpers/catalog-api.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const HOUR = 3_600_000;
const NOW = Date.now();
const STATION = "TEST-ELBE-NEW";
const SENSOR = "TEST-GBP-1";

let system: TestSystem;
let admin: Record<string, string>;
let viewer: Record<string, string>;
let researcher: Record<string, string>;
let token: string;
let versionBefore: number;
let beforeChanges: string;

beforeAll(async () => {
  system = await startTestSystem();
  admin = await authHeaders(system, "admin");
  viewer = await authHeaders(system, "viewer");
  researcher = await authHeaders(system, "researcher");
  token = (await system.stationTokens.create("all", ["*"])).token;
  versionBefore = system.catalog.current().version;
  beforeChanges = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 5));
});
afterAll(async () => {
  await system?.stop();
});

async function liveClient(): Promise<Socket<ServerToClientEvents, ClientToServerEvents>> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(system.url, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token: viewer.authorization!.slice(7) } });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

describe("a station and a parameter added through the API", () => {
  it("take readings at once, which show in series, latest, export and live", async () => {
    const socket = await liveClient();
    try {
      const changed = new Promise<{ version: number }>((resolve) => socket.once("catalogChanged", resolve));
      expect((await call(system, "POST", "/api/v1/catalog/parameters", admin, newParameter())).status).toBe(201);
      expect((await changed).version).toBe(versionBefore + 1);
      const station = await call(system, "POST", "/api/v1/catalog/stations", admin, newStation());
      expect(station.status, JSON.stringify(station.body)).toBe(201);
      expect(station.body).toMatchObject({ version: versionBefore + 2, station: { id: STATION, name: { zh: "新测试站（易北河）" } } });
      const sensor = await call(system, "POST", "/api/v1/catalog/sensors", admin, newSensor(SENSOR, "gabapentin", STATION, new Date(NOW - 3 * HOUR).toISOString()));
      expect(sensor.status, JSON.stringify(sensor.body)).toBe(201);

      // The new station's live room: a viewer subscribes and hears its readings.
      const ack = await new Promise<{ ok: boolean; msg?: string }>((resolve) => socket.emit("subscribe", { stations: [STATION] }, resolve));
      expect(ack).toEqual({ ok: true });
      const heard = new Promise<Reading[]>((resolve) => socket.once("readings", resolve));
      const times = [NOW - 2 * HOUR, NOW - HOUR];
      const res = await postReadings(system.url, token, { readings: times.map((t, i) => ({ station: STATION, parameter: "gabapentin", time: t, value: 120 + i })) });
      expect(res.status, await res.clone().text()).toBe(202);
      expect((await heard).map((r) => [r.station, r.parameter, r.sensor, r.value])).toEqual([
        [STATION, "gabapentin", SENSOR, 120],
        [STATION, "gabapentin", SENSOR, 121],
      ]);
    } finally {
      socket.close();
    }
    await system.writer.drained();

    const series = await call(system, "GET", `/api/v1/series?station=${STATION}&parameter=gabapentin&from=${NOW - 3 * HOUR}&to=${NOW}&width=500`, viewer);
    expect(series.status).toBe(200);
    expect((series.body as SeriesResponse).points.map((p) => p.v)).toEqual([120, 121]);
    expect((series.body as SeriesResponse).sensor).toBe(SENSOR);

    const latest = (await call(system, "GET", `/api/v1/latest?stations=${STATION},DE-ELBE-ZEHREN`, viewer)).body as LatestResponse;
    expect(latest.latest.map((r) => [r.station, r.parameter, r.sensor, r.value])).toEqual([[STATION, "gabapentin", SENSOR, 121]]);

    const exported = await fetch(`${system.url}/api/v1/export?stations=${STATION}&parameters=gabapentin&from=${NOW - 3 * HOUR}&to=${NOW}`, { headers: researcher });
    const rows = parse(await exported.text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.station, r.parameter, r.sensor, r.value])).toEqual([
      [STATION, "gabapentin", SENSOR, "120"],
      [STATION, "gabapentin", SENSOR, "121"],
    ]);
  });

  it("a simulated station gets simulated primary sensors for the parameters named, in one change", async () => {
    const res = await call(system, "POST", "/api/v1/catalog/stations", admin, { ...newStation({ id: "TEST-SIM-NEW", simulated: true }), simulatedSensors: ["ph", "carbamazepine"] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const catalog = system.catalog.current();
    expect(catalog.parametersOf("TEST-SIM-NEW").map((p) => p.code)).toEqual(["carbamazepine", "ph"]);
    expect(catalog.primarySensor("TEST-SIM-NEW", "ph", Date.now())?.id).toBe("SIM-TEST-SIM-NEW-PH");
    expect(catalog.version).toBe(res.body.version);
  });
});

describe("retiring a station", () => {
  it("shows what it means, then refuses new readings with a clear message while its data stays readable", async () => {
    const preview = await call(system, "GET", `/api/v1/catalog/stations/${STATION}/retirement`, admin);
    expect(preview.body).toMatchObject({ station: STATION, status: "active", simulated: false, endsDeployments: [{ sensor: SENSOR, parameter: "gabapentin", primary: true }] });
    const retired = await call(system, "POST", `/api/v1/catalog/stations/${STATION}/retire`, admin, {});
    expect(retired.body.station.status).toBe("retired");
    expect(system.catalog.current().sensor(SENSOR)!.deployments[0]!.to).not.toBeNull();

    const res = await postReadings(system.url, token, { readings: [{ station: STATION, parameter: "gabapentin", time: NOW - 10 * 60_000, value: 130 }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; details: Array<{ message: string }> } };
    expect(body.error.details[0]!.message).toBe(`${STATION} is retired; its data stays readable, but it takes no new readings`);

    const series = await call(system, "GET", `/api/v1/series?station=${STATION}&parameter=gabapentin&from=${NOW - 3 * HOUR}&to=${NOW}&width=500`, viewer);
    expect((series.body as SeriesResponse).points.map((p) => p.v)).toEqual([120, 121]);
    const latest = (await call(system, "GET", `/api/v1/latest?station=${STATION}`, viewer)).body as LatestResponse;
    expect(latest.latest).toHaveLength(1);
  });

  it("a station, parameter or sensor with data keeps its id: rename and delete are refused, naming it", async () => {
    const version = system.catalog.current().version;
    const renamed = await call(system, "PATCH", `/api/v1/catalog/stations/${STATION}`, admin, { id: "TEST-ELBE-RENAMED" });
    expect(renamed.status).toBe(409);
    expect(renamed.body.error.message).toContain(`station ${STATION} has data, so its id is immutable`);
    const sensorGone = await call(system, "DELETE", `/api/v1/catalog/sensors/${SENSOR}`, admin);
    expect(sensorGone.status).toBe(409);
    expect(sensorGone.body.error.message).toContain(`sensor ${SENSOR} has data`);
    const unit = await call(system, "PATCH", "/api/v1/catalog/parameters/gabapentin", admin, { unit: "µg/L" });
    expect(unit.status).toBe(409);
    expect(unit.body.error.details[0].path).toBe("unit");
    const parameterGone = await call(system, "DELETE", "/api/v1/catalog/parameters/gabapentin", admin);
    expect(parameterGone.status).toBe(400);
    expect(parameterGone.body.error.message).toContain(`in use by sensor ${SENSOR}`);
    expect(system.catalog.current().version).toBe(version);
  });

  it("a station without data may be renamed; what names it follows", async () => {
    const res = await call(system, "PATCH", "/api/v1/catalog/stations/TEST-SIM-NEW", admin, { id: "TEST-SIM-RENAMED" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const catalog = system.catalog.current();
    expect(catalog.station("TEST-SIM-NEW")).toBeUndefined();
    expect(catalog.primarySensor("TEST-SIM-RENAMED", "ph", Date.now())?.id).toBe("SIM-TEST-SIM-NEW-PH");
  });
});

describe("history", () => {
  it("asOf returns the catalog as it was before the changes", async () => {
    const now = await call(system, "GET", "/api/v1/catalog", viewer);
    expect((now.body as CatalogResponse).catalog.stations.some((s) => s.id === STATION)).toBe(true);
    const before = await call(system, "GET", `/api/v1/catalog?asOf=${encodeURIComponent(beforeChanges)}`, viewer);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ version: versionBefore, asOf: beforeChanges });
    expect((before.body as CatalogResponse).catalog.stations.some((s) => s.id === STATION)).toBe(false);
    expect((before.body as CatalogResponse).catalog.parameters.some((p) => p.code === "gabapentin")).toBe(false);
    const tooEarly = await call(system, "GET", "/api/v1/catalog?asOf=2000-01-01", viewer);
    expect(tooEarly.status).toBe(404);
    const bad = await call(system, "GET", "/api/v1/catalog?asOf=yesterday", viewer);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe("asOf");
  });

  it("lists who changed what and when, with each entity's before and after", async () => {
    const history = await call(system, "GET", `/api/v1/catalog/history?entity=stations&key=${STATION}`, admin);
    expect(history.status).toBe(200);
    const actions = (history.body.versions as Array<{ action: string; actor: string }>).map((v) => v.action);
    expect(actions).toEqual(["station.retire", "station.create"]);
    const retire = history.body.versions[0];
    expect(retire.actor).toMatch(/^admin-/);
    const detail = await call(system, "GET", `/api/v1/catalog/history/${retire.version}`, admin);
    const station = detail.body.changes.find((c: { entity: string; key: string }) => c.entity === "stations" && c.key === STATION);
    expect(station.fields).toEqual([{ path: "status", before: "active", after: "retired" }]);
    const sensor = detail.body.changes.find((c: { entity: string }) => c.entity === "sensors");
    expect(sensor.fields.map((f: { path: string }) => f.path)).toEqual(["deployments[0].to"]);
    expect((await call(system, "GET", "/api/v1/catalog/history", viewer)).status).toBe(403);
  });

  it("cannot be edited or deleted, not even in the database", async () => {
    await expect(system.meta.db.updateTable("catalog_versions").set({ actor: "someone else" }).execute()).rejects.toThrow(/append-only/);
    await expect(system.meta.db.deleteFrom("catalog_changes").execute()).rejects.toThrow(/append-only/);
  });

  it("is kept across a restart: the same catalog and version come back", async () => {
    const before = system.catalog.current();
    // A second reader of the same data dir (the server keeps running) sees what a restart would load.
    const meta = await openMetaStore(system.dataDir, { databaseUrl: system.config.databaseUrl });
    try {
      const loaded = (await new SqlCatalogRepository(meta.db).load())!;
      expect(loaded.version).toBe(before.version);
      const stations = loaded.entities.filter((e) => e.kind === "stations").map((e) => e.data);
      expect(stations).toEqual(before.data.stations);
    } finally {
      await meta.close();
    }
  });
});
