// A series is station × parameter × sensor, against a real InfluxDB and real HTTP: two sensors of one
// compound at one station, a sensor that moved, data stored before sensors were tagged, a retired
// station, <LOQ readings and the ingest refusals that name what the station has instead.
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import type { IngestReading, LatestResponse, SeriesResponse } from "../../common/api-types.ts";
import type { ClientToServerEvents, ServerToClientEvents } from "../../common/events.ts";
import type { Reading } from "../../common/reading.ts";
import { FIELD, MEASUREMENT, TAG } from "../../common/wire.ts";
import { RETENTION, ROLLUP_MEASUREMENT } from "../../server/src/influx/schema.ts";
import { rebuildRollups } from "../../server/src/query/rollup-repair.ts";
import { authHeaders } from "../helpers/auth.ts";
import { catalogWith, testReading } from "../helpers/catalog.ts";
import { postReadings } from "../helpers/ingest-client.ts";
import { UNREVIEWED } from "../helpers/review.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZEHREN = "DE-ELBE-ZEHREN";
const DOMMITZSCH = "DE-ELBE-DOMMITZSCH";
const SCHMILKA = "DE-ELBE-SCHMILKA";
const RETIRED = "DE-MULDE-BADDUEBEN";
const PLANNED = "DE-ZSCHOPAU-WALDHEIM";
const CBZ = "carbamazepine";
const PRIMARY = "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE";
const PROTOTYPE = "KSI-CBZ-MIP-P2";
const NOW = Math.floor(Date.now() / HOUR) * HOUR;
/** The prototype beside Zehren's primary sensor from D0, moved to Dommitzsch at D1. */
const D0 = NOW - 10 * DAY;
const D1 = NOW - 5 * DAY;

const catalog = catalogWith((d) => {
  d.sensors.find((s) => s.id === PROTOTYPE)!.deployments = [
    { station: ZEHREN, from: new Date(D0).toISOString(), to: new Date(D1).toISOString(), primary: false },
    { station: DOMMITZSCH, from: new Date(D1).toISOString(), to: null, primary: false },
  ];
  d.stations.find((s) => s.id === RETIRED)!.status = "retired";
  d.stations.find((s) => s.id === PLANNED)!.status = "planned";
});

let system: TestSystem;
let token: string;
let researcher: Record<string, string>;

beforeAll(async () => {
  system = await startTestSystem({}, inject("influxUrl"), { catalogSeed: catalog.data });
  token = (await system.stationTokens.create("all stations", ["*"])).token;
  researcher = await authHeaders(system, "researcher");
});
afterAll(async () => {
  await system?.stop();
});

async function send(readings: IngestReading[]): Promise<{ status: number; body: any }> {
  const res = await postReadings(system.url, token, { readings });
  return { status: res.status, body: await res.json() };
}

async function series(q: Record<string, string | number>): Promise<SeriesResponse> {
  await system.writer.drained();
  const res = await fetch(`${system.url}/api/v1/series?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`);
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body as SeriesResponse;
}

async function exportRows(q: Record<string, string>): Promise<Array<Record<string, string>>> {
  await system.writer.drained();
  const res = await fetch(`${system.url}/api/v1/export?${new URLSearchParams(q)}`, { headers: researcher });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return parse(text, { columns: true }) as Array<Record<string, string>>;
}

async function stored(where: string): Promise<Array<Record<string, any>>> {
  await system.writer.drained();
  return system.store.query<Record<string, any>>(`SELECT * FROM "${MEASUREMENT}" WHERE ${where}`);
}

/** Points written straight into InfluxDB the way a version before sensors stored them: no sensor tag. */
async function writeUntagged(lines: string[]): Promise<void> {
  const res = await fetch(`${inject("influxUrl")}/write?db=${system.store.database}&rp=${RETENTION.raw.name}&precision=ms`, { method: "POST", body: lines.join("\n") });
  expect(res.status).toBe(204);
}

describe("two sensors of one compound at one station", () => {
  const times = [1, 2, 3].map((h) => D0 + h * HOUR);

  beforeAll(async () => {
    const primary = times.map((time, i) => ({ station: ZEHREN, parameter: CBZ, time, value: 100 + 10 * i }));
    const prototype = times.map((time, i) => ({ station: ZEHREN, parameter: CBZ, sensor: PROTOTYPE, time, value: 108 + 11 * i }));
    expect((await send([...primary, ...prototype])).status).toBe(202);
  });

  it("stores both at the same timestamps, each with its sensor tag", async () => {
    const rows = await stored(`"${TAG.station}" = '${ZEHREN}' AND "${TAG.parameter}" = '${CBZ}' AND time >= ${D0}ms AND time < ${D0 + 4 * HOUR}ms`);
    expect(rows.map((r) => [r.time.getTime(), r.sensor, r.value]).sort()).toEqual(
      [
        ...times.map((t, i) => [t, PRIMARY, 100 + 10 * i]),
        ...times.map((t, i) => [t, PROTOTYPE, 108 + 11 * i]),
      ].sort(),
    );
  });

  it("charts them separately: the primary by default, the prototype on request, both in one multi request", async () => {
    const range = { from: D0, to: D0 + 4 * HOUR };
    const primary = await series({ station: ZEHREN, parameter: CBZ, ...range });
    expect(primary.sensor).toBe(PRIMARY);
    expect(primary.points.map((p) => p.v)).toEqual([100, 110, 120]);
    const prototype = await series({ station: ZEHREN, parameter: CBZ, sensor: PROTOTYPE, ...range });
    expect(prototype.sensor).toBe(PROTOTYPE);
    expect(prototype.points.map((p) => [p.t, p.v])).toEqual(times.map((t, i) => [t, 108 + 11 * i]));
    const multi = await fetch(`${system.url}/api/v1/series/multi?${new URLSearchParams({ series: `${ZEHREN}:${CBZ},${ZEHREN}:${CBZ}:${PROTOTYPE}`, from: String(range.from), to: String(range.to) })}`);
    const body = (await multi.json()) as { series: SeriesResponse[] };
    expect(body.series.map((s) => [s.sensor, s.points.length])).toEqual([[PRIMARY, 3], [PROTOTYPE, 3]]);
  });

  it("exports them separately, with a sensor column and a sensor filter", async () => {
    const query = { stations: ZEHREN, parameters: CBZ, from: new Date(D0).toISOString(), to: new Date(D0 + 4 * HOUR).toISOString() };
    const all = await exportRows(query);
    expect(all.map((r) => [Date.parse(r.time!), r.sensor, r.value])).toEqual(
      times.flatMap((t, i) => [
        [t, PRIMARY, String(100 + 10 * i)],
        [t, PROTOTYPE, String(108 + 11 * i)],
      ]).sort((a, b) => (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1]))),
    );
    const onlyPrototype = await exportRows({ ...query, sensors: PROTOTYPE });
    expect(onlyPrototype.map((r) => r.sensor)).toEqual([PROTOTYPE, PROTOTYPE, PROTOTYPE]);
    const wide = await exportRows({ ...query, layout: "wide" });
    expect(wide[0]).toEqual({
      time: new Date(times[0]!).toISOString(),
      [`${ZEHREN} ${CBZ} ${PRIMARY} [ng/L]`]: "100",
      [`${ZEHREN} ${CBZ} ${PROTOTYPE} [ng/L]`]: "108",
    });
  });
});

describe("a sensor moved to another station", () => {
  it("is refused where it no longer is, accepted where it is now, and keeps its history at the first station", async () => {
    const after = D1 + HOUR;
    const refused = await send([{ station: ZEHREN, parameter: CBZ, sensor: PROTOTYPE, time: after, value: 90 }]);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].message).toBe(
      `sensor ${PROTOTYPE} is not installed at ${ZEHREN} at ${new Date(after).toISOString()}; carbamazepine sensors installed there then: ${PRIMARY}`,
    );
    expect((await send([{ station: DOMMITZSCH, parameter: CBZ, sensor: PROTOTYPE, time: after, value: 95 }])).status).toBe(202);

    const range = { from: D0, to: NOW };
    const atZehren = await series({ station: ZEHREN, parameter: CBZ, sensor: PROTOTYPE, ...range });
    expect(atZehren.points.map((p) => p.t).every((t) => t < D1)).toBe(true);
    expect(atZehren.points).toHaveLength(3);
    const atDommitzsch = await series({ station: DOMMITZSCH, parameter: CBZ, sensor: PROTOTYPE, ...range });
    expect(atDommitzsch.points.map((p) => [p.t, p.v])).toEqual([[after, 95]]);
    // Dommitzsch's own primary sensor is untouched by the visitor.
    expect((await series({ station: DOMMITZSCH, parameter: CBZ, ...range })).points).toEqual([]);
  });
});

describe("data stored before sensors were tagged", () => {
  const t1 = NOW - 3 * HOUR;
  const t2 = NOW - 2 * HOUR;

  beforeAll(async () => {
    await writeUntagged([
      `${MEASUREMENT},${TAG.parameter}=diclofenac,${TAG.station}=${SCHMILKA} ${FIELD.value}=42,${FIELD.qc}=1i,${FIELD.meanValue}=42,${FIELD.belowLod}=0i ${t1}`,
      `${MEASUREMENT},${TAG.parameter}=diclofenac,${TAG.station}=${SCHMILKA} ${FIELD.lod}=5,${FIELD.qualifier}="<LOD",${FIELD.qc}=1i,${FIELD.meanValue}=2.5,${FIELD.belowLod}=1i ${t2}`,
      `${MEASUREMENT},${TAG.parameter}=${CBZ},${TAG.station}=${ZEHREN} ${FIELD.value}=77,${FIELD.qc}=1i,${FIELD.meanValue}=77,${FIELD.belowLod}=0i ${D0 + 5 * HOUR}`,
    ]);
    expect((await send([{ station: SCHMILKA, parameter: "diclofenac", time: NOW - HOUR, value: 44 }])).status).toBe(202);
    await system.writer.drained();
  });

  it("reads as the station's primary sensor, next to what that sensor sent since", async () => {
    const res = await series({ station: SCHMILKA, parameter: "diclofenac", from: NOW - 4 * HOUR, to: NOW });
    expect(res.sensor).toBe("SIM-DE-ELBE-SCHMILKA-DICLOFENAC");
    expect(res.points).toEqual([
      { t: t1, v: 42, qc: 1, ...UNREVIEWED },
      { t: t2, v: null, qualifier: "<LOD", limit: 5, qc: 1, ...UNREVIEWED },
      { t: NOW - HOUR, v: 44, qc: 1, ...UNREVIEWED },
    ]);
    const named = await series({ station: SCHMILKA, parameter: "diclofenac", sensor: "SIM-DE-ELBE-SCHMILKA-DICLOFENAC", from: NOW - 4 * HOUR, to: NOW });
    expect(named.points).toHaveLength(3);
  });

  it("never reads as a second, non-primary sensor", async () => {
    const range = { from: D0, to: D0 + 6 * HOUR };
    expect((await series({ station: ZEHREN, parameter: CBZ, ...range })).points.map((p) => p.v)).toContain(77);
    expect((await series({ station: ZEHREN, parameter: CBZ, sensor: PROTOTYPE, ...range })).points.map((p) => p.v)).not.toContain(77);
  });

  it("is named after the primary sensor in /latest and in exports", async () => {
    const latest = (await (await fetch(`${system.url}/api/v1/latest?station=${SCHMILKA}`)).json()) as LatestResponse;
    expect(latest.latest.filter((r) => r.parameter === "diclofenac")).toEqual([
      expect.objectContaining({ sensor: "SIM-DE-ELBE-SCHMILKA-DICLOFENAC", value: 44, time: NOW - HOUR }),
    ]);
    const rows = await exportRows({ stations: SCHMILKA, parameters: "diclofenac", from: new Date(NOW - 4 * HOUR).toISOString(), to: new Date(NOW).toISOString() });
    expect(rows.map((r) => [r.sensor, r.value, r.qualifier, r.limit])).toEqual([
      ["SIM-DE-ELBE-SCHMILKA-DICLOFENAC", "42", "", ""],
      ["SIM-DE-ELBE-SCHMILKA-DICLOFENAC", "", "<LOD", "5"],
      ["SIM-DE-ELBE-SCHMILKA-DICLOFENAC", "44", "", ""],
    ]);
    // Exporting the prototype alone leaves Zehren's untagged (primary) data out.
    const prototype = await exportRows({ stations: ZEHREN, parameters: CBZ, sensors: PROTOTYPE, from: new Date(D0).toISOString(), to: new Date(D0 + 6 * HOUR).toISOString() });
    expect(prototype.map((r) => r.sensor)).toEqual([PROTOTYPE, PROTOTYPE, PROTOTYPE]);
  });
});

describe("ingest refusals name what the station has", () => {
  const at = NOW - 30 * 60_000;
  const base = { station: ZEHREN, parameter: CBZ, time: at, value: 100 };
  const iso = new Date(at).toISOString();
  const zehrenMeasures = catalog.parametersOf(ZEHREN).map((p) => p.code).join(", ");

  it.each<[string, Partial<IngestReading>, string]>([
    ["a parameter the station does not measure", { parameter: "lead" }, `${ZEHREN} measures no "lead"; it measures: ${zehrenMeasures}`],
    ["a parameter named in German", { parameter: "Carbamazepin" }, `${ZEHREN} measures no "Carbamazepin" (did you mean "carbamazepine"?); it measures: ${zehrenMeasures}`],
    ["an unknown sensor", { sensor: "NOPE" }, `unknown sensor "NOPE"; carbamazepine sensors installed at ${ZEHREN} at ${iso}: ${PRIMARY}`],
    ["a sensor of another compound", { sensor: "SIM-DE-ELBE-ZEHREN-PH" }, "sensor SIM-DE-ELBE-ZEHREN-PH measures ph, not carbamazepine"],
    [
      "a sensor installed at another station",
      { sensor: "SIM-DE-ELBE-SCHMILKA-CARBAMAZEPINE" },
      `sensor SIM-DE-ELBE-SCHMILKA-CARBAMAZEPINE is not installed at ${ZEHREN} at ${iso}; carbamazepine sensors installed there then: ${PRIMARY}`,
    ],
    ["a retired station", { station: RETIRED }, `${RETIRED} is retired; its data stays readable, but it takes no new readings`],
    ["a planned station", { station: PLANNED }, `${PLANNED} is planned, not yet active; it takes readings once the catalog marks it active`],
    ["a calibration the sensor does not have", { station: DOMMITZSCH, sensor: PROTOTYPE, raw: { signal: 50, calibration: 7 } }, `sensor ${PROTOTYPE} has no calibration version 7 (its calibrations: 1)`],
    ["a raw signal of a sensor without calibrations", { raw: { signal: 50, calibration: 1 } }, `sensor ${PRIMARY} has no calibration version 1 (its calibrations: none recorded)`],
    ["a negative uncertainty", { uncertainty: -1 }, "uncertainty must be a finite number ≥ 0"],
    ["a value and a limit at once", { belowLoq: { loq: 16.7 } }, "send exactly one of value, belowLod (not detected) or belowLoq (detected, not quantified)"],
  ])("refuses %s, storing nothing", async (_name, change, message) => {
    const before = (await stored(`time = ${at}ms`)).length;
    const res = await send([{ ...base, ...change }, { ...base, time: at - 60_000 }]);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ index: 0, message }]);
    expect(await stored(`time = ${at}ms OR time = ${at - 60_000}ms`)).toHaveLength(before);
  });

  it("refuses on /write too, in InfluxDB's error style", async () => {
    const res = await fetch(`${system.url}/write?db=${system.config.influx.database}&precision=ms`, {
      method: "POST",
      headers: { authorization: `Token ${token}` },
      body: `${MEASUREMENT},${TAG.station}=${ZEHREN},${TAG.parameter}=${CBZ},${TAG.sensor}=${PROTOTYPE} ${FIELD.value}=5 ${at}`,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(`sensor ${PROTOTYPE} is not installed at ${ZEHREN} at ${iso}`);
  });
});

describe("a retired station", () => {
  it("keeps its data readable in series, latest and exports", async () => {
    const time = NOW - 2 * DAY; // inside /latest's look-back window
    await system.store.writeReadings([testReading({ station: RETIRED, parameter: "nitrate", time, value: 21.5 })]);
    const res = await series({ station: RETIRED, parameter: "nitrate", from: time - HOUR, to: time + HOUR });
    expect(res.points.map((p) => p.v)).toEqual([21.5]);
    const latest = (await (await fetch(`${system.url}/api/v1/latest?station=${RETIRED}`)).json()) as LatestResponse;
    expect(latest.latest.map((r) => r.value)).toEqual([21.5]);
    const rows = await exportRows({ stations: RETIRED, parameters: "nitrate", from: new Date(time - HOUR).toISOString(), to: new Date(time + HOUR).toISOString() });
    expect(rows.map((r) => r.value)).toEqual(["21.5"]);
  });
});

describe("censored readings and what they carry", () => {
  const t = NOW - 6 * HOUR;

  beforeAll(async () => {
    const res = await send([
      { station: ZEHREN, parameter: "ibuprofen", time: t, belowLoq: { loq: 16.7 }, uncertainty: 4 },
      { station: ZEHREN, parameter: "ibuprofen", time: t + 10 * 60_000, belowLod: { lod: 5 } },
      { station: ZEHREN, parameter: "ibuprofen", time: t + 20 * 60_000, value: 30, uncertainty: 6.5 },
      { station: DOMMITZSCH, parameter: CBZ, sensor: PROTOTYPE, time: t, value: 130, raw: { signal: 70, calibration: 1 } },
    ]);
    expect(res.status).toBe(202);
  });

  it("stores <LOQ with its limit, mean_value LOQ/2 and the censored flag; <LOD with LOD/2 (Directive 2009/90/EC Art. 5(1))", async () => {
    const rows = await stored(`"${TAG.station}" = '${ZEHREN}' AND "${TAG.parameter}" = 'ibuprofen' AND time >= ${t}ms AND time <= ${t + 20 * 60_000}ms`);
    expect(rows.map((r) => ({ sensor: r.sensor, value: r.value, lod: r.lod, loq: r.loq, qualifier: r.qualifier, mean_value: r.mean_value, below_lod: r.below_lod, uncertainty: r.uncertainty }))).toEqual([
      { sensor: "SIM-DE-ELBE-ZEHREN-IBUPROFEN", value: null, lod: null, loq: 16.7, qualifier: "<LOQ", mean_value: 8.35, below_lod: 1, uncertainty: 4 },
      { sensor: "SIM-DE-ELBE-ZEHREN-IBUPROFEN", value: null, lod: 5, loq: null, qualifier: "<LOD", mean_value: 2.5, below_lod: 1, uncertainty: null },
      { sensor: "SIM-DE-ELBE-ZEHREN-IBUPROFEN", value: 30, lod: null, loq: null, qualifier: null, mean_value: 30, below_lod: 0, uncertainty: 6.5 },
    ]);
  });

  it("stores a raw signal with the calibration version that turned it into the value", async () => {
    const [row] = await stored(`"${TAG.sensor}" = '${PROTOTYPE}' AND time = ${t}ms`);
    expect(row).toMatchObject({ station: DOMMITZSCH, value: 130, raw: 70, calibration: 1 });
  });

  it("serves and exports the qualifier, the limit and the uncertainty", async () => {
    const res = await series({ station: ZEHREN, parameter: "ibuprofen", from: t, to: t + HOUR });
    expect(res.points).toEqual([
      { t, v: null, qualifier: "<LOQ", limit: 16.7, uncertainty: 4, qc: 1, ...UNREVIEWED },
      { t: t + 10 * 60_000, v: null, qualifier: "<LOD", limit: 5, qc: 1, ...UNREVIEWED },
      { t: t + 20 * 60_000, v: 30, uncertainty: 6.5, qc: 1, ...UNREVIEWED },
    ]);
    const query = { stations: ZEHREN, parameters: "ibuprofen", from: new Date(t).toISOString(), to: new Date(t + HOUR).toISOString() };
    const rows = await exportRows(query);
    expect(rows.map((r) => [r.value, r.qualifier, r.limit, r.uncertainty])).toEqual([
      ["", "<LOQ", "16.7", "4"],
      ["", "<LOD", "5", ""],
      ["30", "", "", "6.5"],
    ]);
    const hourly = await exportRows({ ...query, resolution: "1h" });
    // (16.7/2 + 5/2 + 30) / 3, the censored values as half their limits.
    expect(Number(hourly[0]!.mean)).toBeCloseTo((8.35 + 2.5 + 30) / 3, 9);
    expect(hourly[0]).toMatchObject({ count: "3", count_below_limit: "2", limit: "16.7", qualifier: "" });
  });

  it("rolls the highest LOD and LOQ of an interval up with it", async () => {
    await rebuildRollups(system.store, t, t + 20 * 60_000);
    const rows = await system.store.query<Record<string, any>>(
      `SELECT * FROM "${RETENTION.oneHour.name}"."${ROLLUP_MEASUREMENT.oneHour}" WHERE "${TAG.station}" = '${ZEHREN}' AND "${TAG.parameter}" = 'ibuprofen' AND time >= ${Math.floor(t / HOUR) * HOUR}ms`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sensor: "SIM-DE-ELBE-ZEHREN-IBUPROFEN", lod: 5, loq: 16.7, count: 3, below_lod_count: 2 });
  });
});

describe("live readings", () => {
  it("carry the sensor that measured them", async () => {
    const viewer = await authHeaders(system, "viewer");
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(system.url, { transports: ["websocket"], auth: { token: viewer.authorization!.slice(7) } });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      await new Promise<void>((resolve) => socket.emit("subscribe", { stations: [DOMMITZSCH] }, () => resolve()));
      const received = new Promise<Reading[]>((resolve) => socket.once("readings", resolve));
      expect((await send([{ station: DOMMITZSCH, parameter: CBZ, sensor: PROTOTYPE, time: NOW - 60_000, value: 111 }, { station: DOMMITZSCH, parameter: CBZ, time: NOW - 60_000, value: 104 }])).status).toBe(202);
      const batch = await received;
      expect(batch.map((r) => [r.sensor, r.value])).toEqual([[PROTOTYPE, 111], ["SIM-DE-ELBE-DOMMITZSCH-CARBAMAZEPINE", 104]]);
    } finally {
      socket.close();
    }
  });
});
