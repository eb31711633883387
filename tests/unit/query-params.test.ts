import { describe, expect, it } from "vitest";
import { ValidationError } from "../../server/src/errors.ts";
import { rawAggregateQuery, latestQuery, rawPointsQuery } from "../../server/src/influx/influxql.ts";
import { parseLatestQuery, parseMultiSeriesQuery, parseSeriesQuery } from "../../server/src/query/query-params.ts";
import { catalogWith, seed } from "../helpers/catalog.ts";

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const ok = { station: "DE-ELBE-ZEHREN", parameter: "carbamazepine" };

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error("expected a ValidationError");
}

describe("parseSeriesQuery", () => {
  it("accepts ISO 8601 and epoch ms, defaults width to 1000", () => {
    const p = parseSeriesQuery({ ...ok, from: "2026-11-01T00:00:00Z", to: String(Date.UTC(2026, 10, 2)) }, seed, NOW);
    expect(p).toMatchObject({ from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 2), width: 1000 });
    expect(p.series.station.id).toBe("DE-ELBE-ZEHREN");
    expect(p.series.parameter.unit).toBe("ng/L");
    // No sensor named: the station's primary sensor now, which also owns the untagged (older) data.
    expect(p.series.sensor.id).toBe("SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE");
    expect(p.series.includeUntagged).toBe(true);
  });

  it("takes a named sensor of the station; a second, non-primary one reads its own data only", () => {
    const p = parseSeriesQuery({ ...ok, sensor: "KSI-CBZ-MIP-P2" }, seed, NOW);
    expect(p.series.sensor.id).toBe("KSI-CBZ-MIP-P2");
    expect(p.series.includeUntagged).toBe(false);
  });

  it.each([
    [{ ...ok, sensor: "NOPE" }, 'unknown sensor "NOPE"; its carbamazepine sensors: SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE, KSI-CBZ-MIP-P2'],
    [{ ...ok, station: "DE-ELBE-SCHMILKA", sensor: "KSI-CBZ-MIP-P2" }, "sensor KSI-CBZ-MIP-P2 was never installed at DE-ELBE-SCHMILKA for carbamazepine"],
  ])("refuses a sensor the station never had: %j", (q, text) => {
    const err = errorOf(() => parseSeriesQuery(q, seed, NOW));
    expect(err.details?.find((d) => d.path === "sensor")?.message).toContain(text);
  });

  it("keeps a moved sensor's history readable at the station it left", () => {
    const moved = catalogWith((d) => {
      d.sensors.find((s) => s.id === "KSI-CBZ-MIP-P2")!.deployments = [
        { station: "DE-ELBE-ZEHREN", from: "2026-06-01", to: "2026-09-01", primary: false },
        { station: "DE-ELBE-DOMMITZSCH", from: "2026-09-01", to: null, primary: false },
      ];
    });
    expect(parseSeriesQuery({ ...ok, sensor: "KSI-CBZ-MIP-P2" }, moved, NOW).series.station.id).toBe("DE-ELBE-ZEHREN");
    expect(parseSeriesQuery({ ...ok, station: "DE-ELBE-DOMMITZSCH", sensor: "KSI-CBZ-MIP-P2" }, moved, NOW).series.station.id).toBe("DE-ELBE-DOMMITZSCH");
  });

  it("accepts offsets and plain dates, and defaults to the last day", () => {
    expect(parseSeriesQuery({ ...ok, from: "2026-11-01T02:00:00+02:00", to: "2026-11-02" }, seed, NOW)).toMatchObject({
      from: Date.UTC(2026, 10, 1),
      to: Date.UTC(2026, 10, 2),
    });
    expect(parseSeriesQuery(ok, seed, NOW)).toMatchObject({ from: NOW - 86_400_000, to: NOW });
  });

  it.each([
    { name: "unknown station", q: { ...ok, station: "x' OR 1=1" }, path: "station", text: "unknown station" },
    { name: "unknown parameter", q: { ...ok, parameter: 'value" FROM x; DROP DATABASE y' }, path: "parameter", text: "unknown parameter" },
    { name: "missing station", q: { parameter: "ph" }, path: "station", text: "station is required" },
    { name: "time without zone", q: { ...ok, from: "2026-11-01T00:00:00" }, path: "from", text: "is not a time" },
    { name: "words as time", q: { ...ok, from: "yesterday" }, path: "from", text: "is not a time" },
    { name: "time as InfluxQL", q: { ...ok, to: "now() - 1d" }, path: "to", text: "is not a time" },
    { name: "from after to", q: { ...ok, from: "2000", to: "1000" }, path: "from", text: "from must be before to" },
    { name: "from = to", q: { ...ok, from: "1000", to: "1000" }, path: "from", text: "from must be before to" },
    { name: "range over 5 years", q: { ...ok, from: "2015-01-01", to: "2026-01-01" }, path: "to", text: "5 years" },
    { name: "width 0", q: { ...ok, width: "0" }, path: "width", text: "at least 10" },
    { name: "width too large", q: { ...ok, width: "5001" }, path: "width", text: "at most 5000" },
    { name: "width not a number", q: { ...ok, width: "10px" }, path: "width", text: "whole number" },
    { name: "repeated parameter", q: { ...ok, station: ["DE-ELBE-ZEHREN", "CN-YANGTZE-CUNTAN"] }, path: "station", text: "once" },
    { name: "unknown query parameter", q: { ...ok, widht: "100" }, path: undefined, text: "widht" },
  ])("answers $name with a ValidationError naming it", (c) => {
    const err = errorOf(() => parseSeriesQuery(c.q, seed, NOW));
    expect(err.status).toBe(400);
    expect(err.message).toContain(c.text);
    expect(err.details?.some((d) => d.path === c.path && d.message.includes(c.text))).toBe(true);
  });
});

describe("parseMultiSeriesQuery", () => {
  it("resolves STATION:PARAMETER[:SENSOR] keys in order", () => {
    const p = parseMultiSeriesQuery({ series: "DE-ELBE-ZEHREN:carbamazepine,CN-YANGTZE-CUNTAN:ph,DE-ELBE-ZEHREN:carbamazepine:KSI-CBZ-MIP-P2", width: "600" }, seed, NOW);
    expect(p.series.map((s) => `${s.station.id}:${s.parameter.code}:${s.sensor.id}`)).toEqual([
      "DE-ELBE-ZEHREN:carbamazepine:SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE",
      "CN-YANGTZE-CUNTAN:ph:SIM-CN-YANGTZE-CUNTAN-PH",
      "DE-ELBE-ZEHREN:carbamazepine:KSI-CBZ-MIP-P2",
    ]);
    expect(p.width).toBe(600);
  });

  it.each([
    { name: "more than 20 series", series: Array.from({ length: 21 }, () => "DE-ELBE-ZEHREN:ph").join(","), text: "at most 20" },
    { name: "a pair without colon", series: "DE-ELBE-ZEHREN", text: "not STATION:PARAMETER" },
    { name: "four parts", series: "DE-ELBE-ZEHREN:ph:A:B", text: "not STATION:PARAMETER" },
    { name: "a sensor of another station", series: "DE-ELBE-SCHMILKA:carbamazepine:KSI-CBZ-MIP-P2", text: "never installed at DE-ELBE-SCHMILKA" },
    { name: "an unknown station", series: "DE-ELBE-ZEHREN:ph,NOPE:ph", text: 'unknown station "NOPE"' },
    { name: "a repeat", series: "DE-ELBE-ZEHREN:ph,DE-ELBE-ZEHREN:ph", text: "listed twice" },
    { name: "an empty list", series: "", text: "not STATION:PARAMETER" },
  ])("rejects $name", (c) => {
    expect(errorOf(() => parseMultiSeriesQuery({ series: c.series }, seed, NOW)).message).toContain(c.text);
  });
});

describe("parseLatestQuery", () => {
  it("station is optional but must exist", () => {
    expect(parseLatestQuery({}, seed, NOW).station).toBeUndefined();
    expect(parseLatestQuery({ station: "CN-JIALING-BEIBEI" }, seed, NOW).station?.river).toBeDefined();
    expect(errorOf(() => parseLatestQuery({ station: "x' OR 1=1" }, seed, NOW)).message).toContain("unknown station");
  });
});

describe("InfluxQL building", () => {
  const series = {
    station: seed.station("DE-ELBE-ZEHREN")!,
    parameter: seed.parameter("carbamazepine")!,
    sensor: seed.sensor("SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE")!,
    includeUntagged: true,
  };

  it("quotes catalog ids as string literals and times as integer ms", () => {
    const q = rawPointsQuery(series, 1000, 2000, 101);
    expect(q).toContain(`"station" = 'DE-ELBE-ZEHREN' AND "parameter" = 'carbamazepine'`);
    // The primary sensor also reads points stored before sensors were tagged; another sensor only its own.
    expect(q).toContain(`AND ("sensor" = 'SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE' OR "sensor" = '') AND`);
    expect(rawPointsQuery({ ...series, sensor: seed.sensor("KSI-CBZ-MIP-P2")!, includeUntagged: false }, 1000, 2000, 101)).toContain(
      `AND "sensor" = 'KSI-CBZ-MIP-P2' AND`,
    );
    expect(q).toContain("time >= 1000ms AND time <= 2000ms");
    expect(q).toContain('FROM "raw"."reading"');
    expect(q).toContain("LIMIT 101");
  });

  it("refuses ids that are not plain identifiers and non-integer times", () => {
    const evil = { ...series, station: { ...series.station, id: "x' OR 1=1 --" } };
    expect(() => rawPointsQuery(evil, 0, 1, 1)).toThrow(/Refusing/);
    expect(() => latestQuery(0, { ...series.station, id: "a\\" })).toThrow(/Refusing/);
    expect(() => rawAggregateQuery(series, 0.5, 1, 60_000)).toThrow(/integer/);
    expect(() => rawAggregateQuery(series, 0, 1, Number.NaN)).toThrow(/interval/);
    expect(() => rawPointsQuery({ ...series, sensor: { ...series.sensor, id: "S' OR 1=1" } }, 0, 1, 1)).toThrow(/Refusing/);
  });
});
