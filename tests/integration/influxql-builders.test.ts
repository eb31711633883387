// InfluxQL injection below the validation layer: every query builder is called directly with
// hostile values (as if a future route forgot to validate). Each must either refuse to build, or
// build a query that — run against a real InfluxDB — reads nothing but what it was asked for and
// runs no second statement: a canary database and the other series' data survive, and no row of
// another series comes back.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Parameter, Sensor, Station } from "../../common/catalog-model.ts";
import type { ExportQcFilter, ExportResolution } from "../../common/export-options.ts";
import {
  aggregateExportQuery,
  countQuery,
  edgeReadingsQuery,
  lastSeenQuery,
  meanBucketsQuery,
  neighboursQuery,
  rawExportQuery,
  seriesCountQuery,
  seriesReadingsQuery,
} from "../../server/src/influx/influxql.ts";
import type { AggregateSource } from "../../server/src/query/resolution.ts";
import { latestQuery, rawAggregateQuery, rawPointsQuery, rollupRowsQuery, type CatalogSeries } from "../../server/src/influx/influxql.ts";
import { seed, testReading } from "../helpers/catalog.ts";
import { startTestSystem, uniqueDatabase, type TestSystem } from "../helpers/test-system.ts";

/** A database a successful injection would drop; created before, checked after every query. */
const canary = uniqueDatabase();
const HOSTILE_IDS = [
  "DE-ELBE-ZEHREN' OR 1=1 --",
  `x'; DROP DATABASE "${canary}"; --`,
  `x'; DROP SERIES FROM "reading"; --`,
  "x\\' OR \"station\" =~ /.*/ --",
  `ph" FROM "reading"; DROP DATABASE "${canary}"; SELECT "a`,
  `x\nDROP DATABASE "${canary}"`,
  "/.*/",
  "",
];
const HOSTILE_NUMBERS = [Number.NaN, 1.5, Number.POSITIVE_INFINITY, -1e30, `0; DROP DATABASE "${canary}"` as unknown as number];

const influxUrl = inject("influxUrl");
let system: TestSystem;
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const station = seed.station("DE-ELBE-ZEHREN")!;
const parameter = seed.parameter("carbamazepine")!;
const sensor = seed.primarySensor(station.id, parameter.code, NOW)!;
const target: CatalogSeries = { station, parameter, sensor, includeUntagged: true };
const withStation = (id: string): CatalogSeries => ({ ...target, station: { ...station, id } as Station });
const withParameter = (code: string): CatalogSeries => ({ ...target, parameter: { ...parameter, code } as Parameter });
const withSensor = (id: string): CatalogSeries => ({ ...target, sensor: { ...sensor, id } as Sensor });

beforeAll(async () => {
  system = await startTestSystem();
  await fetch(`${influxUrl}/query?q=${encodeURIComponent(`CREATE DATABASE "${canary}"`)}`, { method: "POST" });
  // The series asked for, and another station's, which no hostile query may return.
  await system.store.writeReadings([
    testReading({ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", time: NOW - 120_000, value: 100 }),
    testReading({ station: "CN-YANGTZE-CUNTAN", parameter: "carbamazepine", time: NOW - 120_000, value: 999 }),
  ]);
});
afterAll(async () => {
  await fetch(`${influxUrl}/query?q=${encodeURIComponent(`DROP DATABASE "${canary}"`)}`, { method: "POST" });
  await system?.stop();
});

interface Case {
  builder: string;
  value: string;
  build: () => string;
}

function cases(): Case[] {
  const out: Case[] = [];
  const add = (builder: string, value: unknown, build: () => string) => out.push({ builder, value: JSON.stringify(value) ?? String(value), build });
  for (const id of HOSTILE_IDS) {
    add("rawPointsQuery(station)", id, () => rawPointsQuery(withStation(id), NOW - 3_600_000, NOW, 100));
    add("rawPointsQuery(parameter)", id, () => rawPointsQuery(withParameter(id), NOW - 3_600_000, NOW, 100));
    add("rawPointsQuery(sensor)", id, () => rawPointsQuery(withSensor(id), NOW - 3_600_000, NOW, 100));
    add("rawAggregateQuery(station)", id, () => rawAggregateQuery(withStation(id), NOW - 3_600_000, NOW, 60_000));
    add("rawAggregateQuery(sensor)", id, () => rawAggregateQuery(withSensor(id), NOW - 3_600_000, NOW, 60_000));
    add("rollupRowsQuery(station)", id, () => rollupRowsQuery(withStation(id), "rollup1h", NOW - 3_600_000, NOW));
    add("rollupRowsQuery(sensor)", id, () => rollupRowsQuery(withSensor(id), "rollup1h", NOW - 3_600_000, NOW));
    add("latestQuery(station)", id, () => latestQuery(NOW - 3_600_000, station && ({ ...station, id } as Station)));
    add("rawExportQuery(station)", id, () => rawExportQuery([withStation(id)], null, NOW - 3_600_000, NOW, "all"));
    add("rawExportQuery(sensors)", id, () => rawExportQuery([target], [id], NOW - 3_600_000, NOW, "all"));
    add("aggregateExportQuery(parameter)", id, () => aggregateExportQuery([withParameter(id)], null, "1h", NOW - 3_600_000, NOW, "all", null));
    add("aggregateExportQuery(sensors)", id, () => aggregateExportQuery([target], [sensor.id, id], "1h", NOW - 3_600_000, NOW, "all", null));
    add("aggregateExportQuery(tz)", id, () => aggregateExportQuery([target], null, "1d", NOW - 3_600_000, NOW, "all", id));
    add("aggregateExportQuery(resolution)", id, () => aggregateExportQuery([target], null, id as Exclude<ExportResolution, "raw">, NOW - 3_600_000, NOW, "all", null));
    add("countQuery(qc)", id, () => countQuery([target], null, NOW - 3_600_000, NOW, id as ExportQcFilter));
    add("countQuery(sensors)", id, () => countQuery([target], [id], NOW - 3_600_000, NOW, "all"));
    add("rollupRowsQuery(source)", id, () => rollupRowsQuery(target, id as Exclude<AggregateSource, "raw">, NOW - 3_600_000, NOW));
    add("meanBucketsQuery(parameter)", id, () => meanBucketsQuery(id, NOW - 3_600_000, NOW, 60_000, 2));
    add("seriesReadingsQuery(station)", id, () => seriesReadingsQuery(withStation(id), { from: NOW - 3_600_000, to: NOW }, true));
    add("seriesReadingsQuery(sensor)", id, () => seriesReadingsQuery(withSensor(id), { from: NOW - 3_600_000, to: NOW }, false));
    add("neighboursQuery(parameter)", id, () => neighboursQuery(withParameter(id), NOW, "before", 10, 3_600_000));
    add("edgeReadingsQuery(sensor)", id, () => edgeReadingsQuery(withSensor(id), { from: NOW - 3_600_000, to: NOW }, "last", 1));
    add("seriesCountQuery(station)", id, () => seriesCountQuery(withStation(id), { from: NOW - 3_600_000, to: NOW }));
  }
  for (const n of HOSTILE_NUMBERS) {
    add("rawPointsQuery(from)", n, () => rawPointsQuery(target, n, NOW, 100));
    add("rawPointsQuery(limit)", n, () => rawPointsQuery(target, NOW - 3_600_000, NOW, n));
    add("rawAggregateQuery(interval)", n, () => rawAggregateQuery(target, NOW - 3_600_000, NOW, n));
    add("latestQuery(since)", n, () => latestQuery(n));
    add("countQuery(to)", n, () => countQuery([target], null, NOW - 3_600_000, n, "all"));
    add("meanBucketsQuery(bucketMs)", n, () => meanBucketsQuery("carbamazepine", NOW - 3_600_000, NOW, n, 2));
    add("meanBucketsQuery(maxQc)", n, () => meanBucketsQuery("carbamazepine", NOW - 3_600_000, NOW, 60_000, n));
    add("lastSeenQuery(from)", n, () => lastSeenQuery(n, NOW));
    add("seriesReadingsQuery(to)", n, () => seriesReadingsQuery(target, { from: NOW - 3_600_000, to: n }, false));
    add("neighboursQuery(limit)", n, () => neighboursQuery(target, NOW, "after", n, 3_600_000));
    add("neighboursQuery(reach)", n, () => neighboursQuery(target, NOW, "before", 10, n));
    add("edgeReadingsQuery(limit)", n, () => edgeReadingsQuery(target, { from: NOW - 3_600_000, to: NOW }, "first", n));
  }
  return out;
}

async function run(q: string): Promise<{ rows: unknown[][]; error?: string; text: string }> {
  const params = new URLSearchParams({ db: system.store.database, epoch: "ms", q });
  const res = await fetch(`${influxUrl}/query`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: params.toString() });
  const text = await res.text();
  const body = JSON.parse(text) as { error?: string; results?: Array<{ error?: string; series?: Array<{ values: unknown[][] }> }> };
  const rows = (body.results ?? []).flatMap((r) => r.series ?? []).flatMap((s) => s.values);
  return { rows, error: body.error ?? body.results?.find((r) => r.error)?.error, text };
}

describe("query builders with hostile values", () => {
  it.each(cases().map((c) => [`${c.builder} ← ${c.value}`, c] as const))("%s refuses, or reads nothing it should not", async (_name, c) => {
    let q: string;
    try {
      q = c.build();
    } catch (err) {
      expect((err as Error).message.length).toBeGreaterThan(5);
      return;
    }
    const { rows, text } = await run(q);
    // A hostile id, if it got through, must have matched nothing: the other station's reading (999)
    // and name never show. (Compared as values, not as text: a timestamp may contain the digits 999.)
    expect(rows.flat(), q).not.toContain(999);
    expect(text, q).not.toContain("CN-YANGTZE-CUNTAN");
    const databases = (await run("SHOW DATABASES")).text;
    expect(databases, q).toContain(canary);
    expect(databases, q).toContain(system.store.database);
  });

  it("the untouched reference series is still there after all of it", async () => {
    const { rows } = await run(rawPointsQuery(target, NOW - 3_600_000, NOW, 100));
    expect(rows).toHaveLength(1);
  });
});
