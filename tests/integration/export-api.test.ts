// GET /api/v1/export against a real InfluxDB: every format and layout parses back to exactly the
// stored readings, counts match the `influx` CLI, aggregates match InfluxDB's and the EU convention.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { QcFlag, Reading } from "../../common/reading.ts";
import { authHeaders } from "../helpers/auth.ts";
import { startTestSystem, type TestSystem } from "../helpers/test-system.ts";
import { primarySensorId, testReading } from "../helpers/catalog.ts";

const run = promisify(execFile);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const STEP = 10 * MIN;
const ZEHREN = "DE-ELBE-ZEHREN"; // Europe/Berlin
const CUNTAN = "CN-YANGTZE-CUNTAN"; // Asia/Shanghai
const CBZ = "carbamazepine"; // ng/L, LOD 5
const TEMP = "water_temperature"; // °C, can be negative
const START = Math.floor(Date.now() / DAY) * DAY - 10 * DAY;
const STEPS = 2 * 144;
const END = START + STEPS * STEP;
/** 05:00–06:00 UTC of the first day: every carbamazepine reading at Zehren is below the LOD. */
const ALL_LOD_HOUR = START + 5 * HOUR;

function reading(station: string, parameter: string, i: number): Reading {
  const time = START + i * STEP;
  const qc: QcFlag = i % 13 === 0 ? 4 : i % 11 === 0 ? 3 : i % 17 === 0 ? 2 : 1;
  if (parameter === CBZ && (i % 7 === 0 || (station === ZEHREN && time >= ALL_LOD_HOUR && time < ALL_LOD_HOUR + HOUR))) {
    return testReading({ station, parameter, time, value: null, qualifier: "<LOD", limit: 5, qc });
  }
  const value = parameter === TEMP ? Math.round((-2 + (i % 40) * 0.1 + (station === CUNTAN ? 10 : 0)) * 100) / 100 : 20 + ((i * 37) % 200) + 0.25;
  return testReading({ station, parameter, time, value, qc });
}

const readings: Reading[] = [];
for (const station of [ZEHREN, CUNTAN]) for (const parameter of [CBZ, TEMP]) for (let i = 0; i < STEPS; i++) readings.push(reading(station, parameter, i));
const UNIT: Record<string, string> = { [CBZ]: "ng/L", [TEMP]: "°C" };

let system: TestSystem;
let headers: Record<string, string>;
const baseQuery = { stations: `${ZEHREN},${CUNTAN}`, parameters: `${CBZ},${TEMP}`, from: new Date(START).toISOString(), to: new Date(END).toISOString() };

function exportUrl(params: Record<string, string>, endpoint = "/api/v1/export"): string {
  return `${system.url}${endpoint}?${new URLSearchParams({ ...baseQuery, ...params })}`;
}

async function download(params: Record<string, string>): Promise<Response> {
  const res = await fetch(exportUrl(params), { headers });
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  return res;
}

/** Runs the influx CLI against the test's database and returns its CSV rows (without the header). */
async function influxCli(query: string): Promise<string[][]> {
  const url = new URL(inject("influxUrl"));
  const { stdout } = await run(
    "/usr/bin/influx",
    ["-host", url.hostname, "-port", url.port, "-database", system.config.influx.database, "-execute", query, "-format", "csv", "-precision", "ms"],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  // With GROUP BY tags the CLI repeats its header line before every series.
  const rows = parse(stdout, { relax_column_count: true }) as string[][];
  return rows.filter((r) => r[0] !== "name");
}

const key = (r: { time: number; station: string; parameter: string }) => `${r.time}|${r.station}|${r.parameter}`;

beforeAll(async () => {
  system = await startTestSystem();
  headers = await authHeaders(system, "researcher");
  await system.store.writeReadings(readings);
});

afterAll(async () => {
  await system?.stop();
});

describe("full-resolution export", () => {
  it("CSV (long) holds exactly the stored values, sensors, units, flags, qualifiers and limits", async () => {
    const res = await download({});
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="water-monitor_2-stations_2-parameters_\d{8}T\d{6}Z-\d{8}T\d{6}Z_raw\.csv"; filename\*=UTF-8''/,
    );
    const text = await res.text();
    expect(text.startsWith("time,station,parameter,sensor,value,unit,qc_flag,maintenance,qualifier,limit,uncertainty,approval,provisional,grade,estimated,corrections\r\n")).toBe(true);
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(readings.length);
    const byKey = new Map(readings.map((r) => [key(r), r]));
    let previous = 0;
    for (const row of rows) {
      const time = Date.parse(row.time!);
      expect(row.time).toMatch(/Z$/);
      expect(time).toBeGreaterThanOrEqual(previous);
      previous = time;
      const r = byKey.get(key({ time, station: row.station!, parameter: row.parameter! }))!;
      expect(r, row.time).toBeDefined();
      expect(row).toEqual({
        time: new Date(r.time).toISOString(),
        station: r.station,
        parameter: r.parameter,
        sensor: r.sensor,
        value: r.value === null ? "" : String(r.value),
        unit: UNIT[r.parameter],
        qc_flag: String(r.qc),
        maintenance: "",
        qualifier: r.value === null ? "<LOD" : "",
        limit: r.limit === null ? "" : String(r.limit),
        uncertainty: "",
        // Unreviewed, below the default release level (approved): provisional.
        approval: "raw",
        provisional: "true",
        grade: "",
        estimated: "",
        corrections: "",
      });
    }
    expect(rows.some((r) => r.value!.startsWith("-"))).toBe(true);
  });

  it("has as many rows as the influx CLI returns for the same range", async () => {
    const cli = await influxCli(
      `SELECT "value","qc" FROM "raw"."reading" WHERE ("station"='${ZEHREN}' OR "station"='${CUNTAN}') AND ("parameter"='${CBZ}' OR "parameter"='${TEMP}') AND time >= ${START}ms AND time < ${END}ms`,
    );
    const csv = parse(await (await download({})).text(), { columns: true }) as unknown[];
    expect(csv.length).toBe(cli.length);
    const passCli = await influxCli(`SELECT "qc" FROM "raw"."reading" WHERE "qc" = 1 AND time >= ${START}ms AND time < ${END}ms`);
    const pass = parse(await (await download({ qc: "pass" })).text(), { columns: true }) as Array<Record<string, string>>;
    expect(pass.length).toBe(passCli.length);
    expect(new Set(pass.map((r) => r.qc_flag))).toEqual(new Set(["1"]));
  });

  it("NDJSON and JSON carry the same readings as typed values", async () => {
    const ndjson = (await (await download({ format: "ndjson" })).text()).trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const json = (await (await download({ format: "json" })).json()) as Array<Record<string, unknown>>;
    expect(json).toEqual(ndjson);
    expect(ndjson).toHaveLength(readings.length);
    const byKey = new Map(readings.map((r) => [key(r), r]));
    for (const o of ndjson) {
      const r = byKey.get(key({ time: Date.parse(o.time as string), station: o.station as string, parameter: o.parameter as string }))!;
      expect(o).toEqual({
        time: new Date(r.time).toISOString(),
        station: r.station,
        parameter: r.parameter,
        sensor: r.sensor,
        value: r.value,
        unit: UNIT[r.parameter],
        qc_flag: r.qc,
        maintenance: null,
        qualifier: r.value === null ? "<LOD" : null,
        limit: r.limit,
        uncertainty: null,
        approval: "raw",
        provisional: "true",
        grade: null,
        estimated: null,
        corrections: null,
      });
    }
  });

  it("wide CSV has one row per instant and one column per station × parameter × sensor with its unit", async () => {
    const text = await (await download({ layout: "wide" })).text();
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    const column = (station: string, parameter: string, sensor = primarySensorId(station, parameter)) => `${station} ${parameter} ${sensor} [${UNIT[parameter]}]`;
    expect(Object.keys(rows[0]!)).toEqual([
      "time",
      column(ZEHREN, CBZ),
      // Zehren's second carbamazepine sensor (a prototype) has a column of its own, empty here.
      column(ZEHREN, CBZ, "KSI-CBZ-MIP-P2"),
      column(ZEHREN, TEMP),
      column(CUNTAN, CBZ),
      column(CUNTAN, TEMP),
    ]);
    expect(rows).toHaveLength(STEPS);
    for (const r of readings) {
      const row = rows[(r.time - START) / STEP]!;
      expect(row.time).toBe(new Date(r.time).toISOString());
      expect(row[column(r.station, r.parameter)]).toBe(r.value === null ? `<${r.limit}` : String(r.value));
      expect(row[column(ZEHREN, CBZ, "KSI-CBZ-MIP-P2")]).toBe("");
    }
  });

  it("tz=station writes each station's local time with its offset, same instants", async () => {
    const rows = parse(await (await download({ tz: "station" })).text(), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(readings.length);
    for (const row of rows) {
      expect(row.time).toMatch(row.station === CUNTAN ? /\+08:00$/ : /\+0[12]:00$/);
      expect((Date.parse(row.time!) - START) % STEP).toBe(0);
    }
  });
});

describe("aggregated export", () => {
  /** EU convention, computed here from the written readings: failed readings never count. */
  function expected(intervalMs: number) {
    const out = new Map<string, { sum: number; n: number; nBelow: number; min: number | null; max: number | null; qc: number }>();
    for (const r of readings) {
      if (r.qc === 4) continue;
      const k = `${Math.floor(r.time / intervalMs) * intervalMs}|${r.station}|${r.parameter}`;
      const b = out.get(k) ?? { sum: 0, n: 0, nBelow: 0, min: null, max: null, qc: 0 };
      b.n++;
      b.qc = Math.max(b.qc, r.qc);
      if (r.value === null) {
        b.nBelow++;
        b.sum += r.limit! / 2;
      } else {
        b.sum += r.value;
        b.min = b.min === null ? r.value : Math.min(b.min, r.value);
        b.max = b.max === null ? r.value : Math.max(b.max, r.value);
      }
      out.set(k, b);
    }
    return out;
  }

  it("1h: mean/min/max/count per interval follow the EU <LOD convention and match InfluxDB's aggregates", async () => {
    const rows = parse(await (await download({ resolution: "1h" })).text(), { columns: true }) as Array<Record<string, string>>;
    const want = expected(HOUR);
    expect(rows).toHaveLength(want.size);
    const cli = await influxCli(
      `SELECT mean("mean_value"), count("mean_value") FROM "raw"."reading" WHERE "qc" < 4 AND time >= ${START}ms AND time < ${END}ms GROUP BY time(1h), "station", "parameter" fill(none)`,
    );
    const cliMean = new Map(cli.map((c) => [`${c[2]}|${c[1]!.match(/station=([^,]+)/)![1]}|${c[1]!.match(/parameter=([^,]+)/)![1]}`, [Number(c[3]), Number(c[4])]]));
    expect(cliMean.size).toBe(want.size);
    let lodRows = 0;
    for (const row of rows) {
      const k = `${Date.parse(row.time!)}|${row.station}|${row.parameter}`;
      const b = want.get(k)!;
      expect(b, k).toBeDefined();
      expect(Number(row.count)).toBe(b.n);
      expect(row.sensor).toBe(primarySensorId(row.station!, row.parameter!));
      expect(Number(row.count_below_limit)).toBe(b.nBelow);
      expect(row.qc_flag).toBe(String(b.qc));
      expect(row.min).toBe(b.min === null ? "" : String(b.min));
      expect(row.max).toBe(b.max === null ? "" : String(b.max));
      expect(cliMean.get(k)![1]).toBe(b.n);
      if (b.nBelow === b.n) {
        lodRows++;
        expect(row.qualifier).toBe("<LOD");
        expect(row.mean).toBe("");
        expect(row.limit).toBe("5");
      } else {
        expect(row.qualifier).toBe("");
        expect(Number(row.mean)).toBeCloseTo(b.sum / b.n, 9);
        expect(Number(row.mean)).toBeCloseTo(cliMean.get(k)![0]!, 9);
      }
    }
    expect(lodRows).toBe(1);
    expect(rows.find((r) => r.station === ZEHREN && r.parameter === CBZ && Date.parse(r.time!) === ALL_LOD_HOUR)?.qualifier).toBe("<LOD");
  });

  it("1d with tz=station: intervals start at each station's local midnight", async () => {
    const rows = parse(await (await download({ resolution: "1d", tz: "station" })).text(), { columns: true }) as Array<Record<string, string>>;
    for (const row of rows) expect(row.time).toMatch(row.station === CUNTAN ? /T00:00:00\.000\+08:00$/ : /T00:00:00\.000\+0[12]:00$/);
    const total = rows.reduce((sum, r) => sum + Number(r.count), 0);
    expect(total).toBe(readings.filter((r) => r.qc !== 4).length);
  });
});

describe("metadata bundle and estimate", () => {
  it("metadata=1 returns a zip with the data file and a Frictionless datapackage.json", async () => {
    const res = await download({ metadata: "1" });
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toMatch(/_raw\.zip"/);
    const dir = mkdtempSync(path.join(os.tmpdir(), "wm-export-zip-"));
    try {
      writeFileSync(path.join(dir, "bundle.zip"), Buffer.from(await res.arrayBuffer()));
      await run("unzip", ["-q", "bundle.zip"], { cwd: dir });
      const pkg = JSON.parse(readFileSync(path.join(dir, "datapackage.json"), "utf8"));
      const resource = pkg.resources[0];
      const data = readFileSync(path.join(dir, resource.path));
      expect(data.toString("utf8")).toBe(await (await download({})).text());
      expect(resource.bytes).toBe(data.length);
      expect(resource.hash).toBe(`sha256:${createHash("sha256").update(data).digest("hex")}`);
      expect(resource.water_monitor_rows).toBe(readings.length);
      expect(resource.schema.fields.map((f: { name: string }) => f.name)).toEqual([
        "time", "station", "parameter", "sensor", "value", "unit", "qc_flag", "maintenance", "qualifier", "limit", "uncertainty", "approval", "provisional", "grade", "estimated", "corrections",
      ]);
      expect(pkg.water_monitor.review).toMatchObject({ view: "corrected", as_of: null, release_level: "approved", corrections: [], withheld_series: [] });
      expect(pkg.profile).toBe("tabular-data-package");
      expect(pkg.water_monitor.qc_flags.meanings["4"]).toMatch(/^fail/);
      expect(pkg.water_monitor.stations.find((s: { id: string }) => s.id === CUNTAN)).toMatchObject({
        name: { en: expect.stringContaining("Cuntan"), zh: expect.stringMatching(/^寸滩/) },
        river: { id: "yangtze", name: { zh: "长江" } },
        river_km: 62,
        target_class: "III",
        timezone: "Asia/Shanghai",
        latitude: 29.617,
      });
      expect(pkg.water_monitor.parameters[0]).toMatchObject({ code: CBZ, cas: "298-46-4" });
      // Every sensor of the exported series, with make, model, method, owner, limits and uncertainty.
      const sensors = pkg.water_monitor.sensors as Array<Record<string, any>>;
      expect(sensors.map((x) => x.id)).toContain("KSI-CBZ-MIP-P2");
      expect(sensors.find((x) => x.id === "KSI-CBZ-MIP-P2")).toMatchObject({
        parameter: CBZ,
        make: expect.stringContaining("Kurt-Schwabe-Institut"),
        method: expect.stringContaining("electrochemical"),
        owner: { id: "KSI" },
        lod: 20,
        loq: 66.7,
        uncertainty: { relativePercent: 30 },
        calibrations: [expect.objectContaining({ version: 1, function: { kind: "linear", slope: 2, intercept: -10 } })],
      });
      // Standards with legal status, scope, source and where they apply among the exported stations.
      const standards = pkg.water_monitor.quality_standards as Array<Record<string, any>>;
      expect(standards.find((x) => x.id === "carbamazepine.AA-EQS.EU-EQS-2022")).toMatchObject({
        legal_status: "proposal",
        scope: { kind: "countries", ids: ["EU"] },
        source_text: expect.stringMatching(/COM\(2022\) 540/),
        applies_at: [ZEHREN],
      });
      expect(pkg.water_monitor.censoring.qualifiers).toHaveProperty("<LOQ");
      expect(pkg.sources.length).toBeGreaterThan(0);
      expect(pkg.water_monitor.query).toMatchObject({ stations: [ZEHREN, CUNTAN], resolution: "raw", format: "csv" });
      expect(Date.parse(pkg.created)).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("estimate gives the row count and a byte size close to the real export", async () => {
    const res = await fetch(exportUrl({}, "/api/v1/export/estimate"), { headers });
    expect(res.status).toBe(200);
    const estimate = (await res.json()) as { rows: number; bytes: number };
    expect(estimate.rows).toBe(readings.length);
    const actual = Buffer.byteLength(await (await download({})).text());
    expect(estimate.bytes).toBeGreaterThan(actual * 0.7);
    expect(estimate.bytes).toBeLessThan(actual * 1.3);
  });
});

describe("export access and validation", () => {
  it("needs a researcher: 401 without login, 403 for a viewer", async () => {
    expect((await fetch(exportUrl({}))).status).toBe(401);
    const viewer = await authHeaders(system, "viewer");
    expect((await fetch(exportUrl({}), { headers: viewer })).status).toBe(403);
    expect((await fetch(exportUrl({}, "/api/v1/export/estimate"), { headers: viewer })).status).toBe(403);
  });

  it("answers 400 JSON naming bad parameters", async () => {
    for (const [params, message] of [
      [{ stations: `${ZEHREN},NOPE` }, 'unknown station "NOPE"'],
      [{ format: "xlsx" }, "format must be one of csv, ndjson, json"],
      [{ parameters: `${CBZ}" OR 1=1` }, "unknown parameter"],
    ] as const) {
      const res = await fetch(exportUrl(params), { headers });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("validation_failed");
      expect(body.error.message).toContain(message);
    }
  });
});
