import { describe, expect, it } from "vitest";
import { ValidationError } from "../../server/src/errors.ts";
import { contentDisposition, exportFileName } from "../../server/src/export/export-file-name.ts";
import { aggregateExportQuery, rawExportQuery } from "../../server/src/influx/influxql.ts";
import { parseExportQuery } from "../../server/src/export/export-params.ts";
import { seed } from "../helpers/catalog.ts";

const NOW = Date.UTC(2026, 5, 1);
const base = { stations: "DE-ELBE-ZEHREN,CN-YANGTZE-CUNTAN", parameters: "carbamazepine", from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" };

function errorOf(query: Record<string, unknown>): ValidationError {
  try {
    parseExportQuery(query, seed, NOW);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error("expected a ValidationError");
}

describe("export query validation", () => {
  it("accepts catalog stations and parameters with defaults: csv, raw, long, UTC, all flags, no bundle; every sensor of them", () => {
    const req = parseExportQuery(base, seed, NOW);
    expect(req.series.map((s) => `${s.station.id}/${s.parameter.code}/${s.sensor.id}`)).toEqual([
      "DE-ELBE-ZEHREN/carbamazepine/SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE",
      "DE-ELBE-ZEHREN/carbamazepine/KSI-CBZ-MIP-P2",
      "CN-YANGTZE-CUNTAN/carbamazepine/SIM-CN-YANGTZE-CUNTAN-CARBAMAZEPINE",
    ]);
    expect(req.sensors).toBeNull();
    expect(req).toMatchObject({ format: "csv", resolution: "raw", layout: "long", tz: "UTC", qc: "all", metadata: false, bom: false });
    expect([req.from, req.to]).toEqual([Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1)]);
  });

  it.each([
    [{ stations: "DE-ELBE-NOWHERE" }, "unknown station"],
    [{ parameters: "carbamazepine,aspirin" }, "unknown parameter"],
    [{ parameters: "carbamazepine,carbamazepine" }, "listed twice"],
    [{ stations: "" }, "at least one"],
    [{ from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, "from must be before to"],
    [{ format: "xlsx" }, "format"],
    [{ resolution: "5m" }, "resolution"],
    [{ layout: "tall" }, "layout"],
    [{ tz: "Europe/Berlin" }, "tz"],
    [{ qc: "good" }, "qc"],
    [{ from: "yesterday" }, "not a time"],
    [{ limit: "1" }, "Unknown query parameter"],
    [{ layout: "wide", tz: "station" }, "one time zone"],
    [{ stations: "x' OR 1=1 --" }, "unknown station"],
    [{ sensors: "NOPE" }, 'unknown sensor "NOPE"'],
    [{ sensors: "SIM-DE-ELBE-SCHMILKA-CARBAMAZEPINE" }, "never installed at the chosen stations"],
    [{ sensors: "SIM-DE-ELBE-ZEHREN-PH" }, "never installed at the chosen stations"],
  ])("rejects %j with a 400 naming the problem (%s)", (override, message) => {
    const err = errorOf({ ...base, ...override });
    expect(err.status).toBe(400);
    expect(err.message).toContain(message);
  });
});

describe("export InfluxQL", () => {
  it("selects raw readings of the requested series over the half-open range, tags as columns", () => {
    const req = parseExportQuery({ ...base, qc: "pass" }, seed, NOW);
    expect(rawExportQuery(req.series, null, req.from, req.to, req.qc)).toBe(
      `SELECT "station", "parameter", "sensor", "value" AS "value", "lod" AS "lod", "loq" AS "loq", "uncertainty" AS "uncertainty", "qc" AS "qc", "maintenance" AS "maintenance" FROM "raw"."reading" WHERE ` +
        `("station" = 'DE-ELBE-ZEHREN' OR "station" = 'CN-YANGTZE-CUNTAN') AND ("parameter" = 'carbamazepine') ` +
        `AND time >= 1767225600000ms AND time < 1769904000000ms AND "qc" = 1`,
    );
  });

  it("narrows to chosen sensors, with the untagged (older) data when one is a primary sensor", () => {
    const one = parseExportQuery({ ...base, sensors: "KSI-CBZ-MIP-P2" }, seed, NOW);
    expect(one.series.map((s) => s.sensor.id)).toEqual(["KSI-CBZ-MIP-P2"]);
    expect(rawExportQuery(one.series, ["KSI-CBZ-MIP-P2"], one.from, one.to, "all")).toContain(`AND ("sensor" = 'KSI-CBZ-MIP-P2') AND time`);
    const primary = parseExportQuery({ ...base, sensors: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE" }, seed, NOW);
    expect(rawExportQuery(primary.series, ["SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE"], primary.from, primary.to, "all")).toContain(
      `AND (("sensor" = 'SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE' OR "sensor" = '')) AND time`,
    );
  });

  it("aggregates non-failed readings per interval and series, aligned to a station zone when asked", () => {
    const req = parseExportQuery(base, seed, NOW);
    const q = aggregateExportQuery(req.series, null, "1d", req.from, req.to, "all", "Europe/Berlin");
    expect(q).toContain(`mean("mean_value") AS "mean"`);
    expect(q).toContain(`max("lod") AS "lod", max("loq") AS "loq"`);
    expect(q).toContain(`AND "qc" < 4 GROUP BY time(1d), "station", "parameter", "sensor" fill(none) tz('Europe/Berlin')`);
  });
});

describe("export file names", () => {
  it("describes the export with safe characters only", () => {
    const req = parseExportQuery({ ...base, layout: "wide", qc: "pass" }, seed, NOW);
    expect(exportFileName(req, "csv")).toBe("water-monitor_2-stations_carbamazepine_20260101T000000Z-20260201T000000Z_raw_wide_qc-pass.csv");
    const oneSensor = parseExportQuery({ ...base, sensors: "KSI-CBZ-MIP-P2" }, seed, NOW);
    expect(exportFileName(oneSensor, "csv")).toBe("water-monitor_2-stations_carbamazepine_KSI-CBZ-MIP-P2_20260101T000000Z-20260201T000000Z_raw.csv");
  });

  it.each([
    ['evil"; filename=x.exe', 'attachment; filename="evil-filename-x.exe"'],
    ["a\r\nSet-Cookie: x=1.csv", 'attachment; filename="a-Set-Cookie-x-1.csv"'],
    ["../../etc/passwd", 'attachment; filename="etc-passwd"'],
    ["数据.csv", 'attachment; filename="csv"'],
  ])("keeps %j from injecting headers or paths", (name, expected) => {
    const header = contentDisposition(name);
    expect(header.startsWith(expected)).toBe(true);
    expect(header).toMatch(/^attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8''[A-Za-z0-9._-]+$/);
  });
});
