import { describe, expect, it } from "vitest";
import { parseExportQuery } from "../../server/src/export/export-params.ts";
import { aggregateSlices } from "../../server/src/export/export-aggregates.ts";
import type { RawRecord } from "../../server/src/export/export-records.ts";
import { longRawShaper, wideRawShaper } from "../../server/src/export/export-table.ts";
import { utcFormatter, zoneFormatter } from "../../server/src/export/time-format.ts";
import { seed } from "../helpers/catalog.ts";

const NOW = Date.UTC(2026, 5, 1);

describe("export timestamps", () => {
  it.each([
    ["UTC", Date.UTC(2026, 0, 15, 10, 0), "2026-01-15T10:00:00.000Z"],
    ["Europe/Berlin", Date.UTC(2026, 0, 15, 10, 0), "2026-01-15T11:00:00.000+01:00"],
    ["Europe/Berlin", Date.UTC(2026, 6, 15, 10, 0), "2026-07-15T12:00:00.000+02:00"],
    // DST starts 2026-03-29 01:00 UTC: the last winter minute and the first summer minute.
    ["Europe/Berlin", Date.UTC(2026, 2, 29, 0, 59), "2026-03-29T01:59:00.000+01:00"],
    ["Europe/Berlin", Date.UTC(2026, 2, 29, 1, 0), "2026-03-29T03:00:00.000+02:00"],
    ["Asia/Shanghai", Date.UTC(2026, 0, 15, 20, 30, 5, 7), "2026-01-16T04:30:05.007+08:00"],
  ])("formats in %s: %i → %s", (zone, ms, iso) => {
    const format = zone === "UTC" ? utcFormatter() : zoneFormatter(zone);
    expect(format(ms)).toBe(iso);
    expect(Date.parse(iso)).toBe(ms);
  });
});

describe("aggregate slices", () => {
  it("cut only at local midnights, across DST, and cover [from, to) exactly", () => {
    const from = Date.UTC(2026, 2, 27, 12);
    const to = Date.UTC(2026, 2, 31, 12);
    const slices = [...aggregateSlices(from, to, "1d", "Europe/Berlin", 2)];
    expect(slices.map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()])).toEqual([
      ["2026-03-27T12:00:00.000Z", "2026-03-28T23:00:00.000Z"],
      ["2026-03-28T23:00:00.000Z", "2026-03-30T22:00:00.000Z"],
      ["2026-03-30T22:00:00.000Z", "2026-03-31T12:00:00.000Z"],
    ]);
  });
});

describe("table shapes", () => {
  const req = parseExportQuery(
    { stations: "DE-ELBE-ZEHREN,DE-ELBE-SCHMILKA", parameters: "carbamazepine,water_temperature", from: "2026-01-01", to: "2026-01-02", layout: "wide" },
    seed,
    NOW,
  );
  const t0 = Date.UTC(2026, 0, 1, 0, 0);
  const rec = (time: number, station: string, parameter: string, value: number | null, limit: number | null = null, sensor?: string): RawRecord => ({
    time,
    station,
    parameter,
    sensor: sensor ?? `SIM-${station}-${parameter.toUpperCase().replace(/_/g, "-")}`,
    value,
    qc: 1,
    qualifier: value === null ? (limit !== null && limit > 10 ? "<LOQ" : "<LOD") : null,
    limit,
    uncertainty: null,
    maintenance: false,
    approval: "raw",
    provisional: true,
    grade: null,
    estimated: false,
    corrections: [],
  });

  it("long: one row per reading with sensor, unit, flags, maintenance marker, qualifier, limit, uncertainty and its review labels", () => {
    const shaper = longRawShaper({ ...req, layout: "long" });
    expect(shaper.columns.map((c) => c.name)).toEqual([
      "time", "station", "parameter", "sensor", "value", "unit", "qc_flag", "maintenance", "qualifier", "limit", "uncertainty", "approval", "provisional", "grade", "estimated", "corrections",
    ]);
    const reviewed: RawRecord = { ...rec(t0, "DE-ELBE-ZEHREN", "carbamazepine", 4), approval: "approved", provisional: false, grade: "estimated", estimated: true, corrections: [3, 7] };
    const visit: RawRecord = { ...rec(t0, "DE-ELBE-ZEHREN", "carbamazepine", 500), qc: 4, maintenance: true };
    expect(shaper.rows([rec(t0, "DE-ELBE-ZEHREN", "carbamazepine", null, 5), { ...rec(t0, "DE-ELBE-ZEHREN", "carbamazepine", null, 66.7, "KSI-CBZ-MIP-P2"), uncertainty: 20 }, reviewed, visit])).toEqual([
      ["2026-01-01T00:00:00.000Z", "DE-ELBE-ZEHREN", "carbamazepine", "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", null, "ng/L", 1, null, "<LOD", 5, null, "raw", "true", null, null, null],
      ["2026-01-01T00:00:00.000Z", "DE-ELBE-ZEHREN", "carbamazepine", "KSI-CBZ-MIP-P2", null, "ng/L", 1, null, "<LOQ", 66.7, 20, "raw", "true", null, null, null],
      ["2026-01-01T00:00:00.000Z", "DE-ELBE-ZEHREN", "carbamazepine", "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", 4, "ng/L", 1, null, null, null, null, "approved", null, "estimated", "true", "3 7"],
      ["2026-01-01T00:00:00.000Z", "DE-ELBE-ZEHREN", "carbamazepine", "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", 500, "ng/L", 4, "true", null, null, null, "raw", "true", null, null, null],
    ]);
  });

  it("wide: one row per instant, columns per station × parameter × sensor with units, rows completed across batches", () => {
    const shaper = wideRawShaper(req);
    expect(shaper.columns.map((c) => c.name)).toEqual([
      "time",
      "DE-ELBE-ZEHREN carbamazepine SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE [ng/L]",
      "DE-ELBE-ZEHREN carbamazepine KSI-CBZ-MIP-P2 [ng/L]",
      "DE-ELBE-ZEHREN water_temperature SIM-DE-ELBE-ZEHREN-WATER-TEMPERATURE [°C]",
      "DE-ELBE-SCHMILKA carbamazepine SIM-DE-ELBE-SCHMILKA-CARBAMAZEPINE [ng/L]",
      "DE-ELBE-SCHMILKA water_temperature SIM-DE-ELBE-SCHMILKA-WATER-TEMPERATURE [°C]",
    ]);
    const first = shaper.rows([
      rec(t0, "DE-ELBE-ZEHREN", "carbamazepine", 12.5),
      rec(t0, "DE-ELBE-ZEHREN", "carbamazepine", 13.9, null, "KSI-CBZ-MIP-P2"),
      rec(t0, "DE-ELBE-ZEHREN", "water_temperature", -0.5),
    ]);
    expect(first).toEqual([]);
    const second = shaper.rows([rec(t0, "DE-ELBE-SCHMILKA", "carbamazepine", null, 5), rec(t0 + 600_000, "DE-ELBE-SCHMILKA", "water_temperature", 3)]);
    expect(second).toEqual([["2026-01-01T00:00:00.000Z", 12.5, 13.9, -0.5, "<5", null]]);
    expect(shaper.flush()).toEqual([["2026-01-01T00:10:00.000Z", null, null, null, null, 3]]);
  });
});
