// The newest reading per series for /api/v1/latest: loaded from storage once, then kept by ingest.
import { describe, expect, it } from "vitest";
import { QC, type Reading } from "../../common/reading.ts";
import { LatestReadings } from "../../server/src/query/latest-readings.ts";

const at = (time: number, over: Partial<Reading> = {}): Reading => ({
  station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", time, value: 120,
  qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null, qc: QC.pass, ...over,
});
const times = (rs: readonly Reading[]) => rs.map((r) => [r.parameter, r.time]);

describe("LatestReadings", () => {
  it("asks storage once, then keeps the newest accepted reading per series", async () => {
    let loads = 0;
    const latest = new LatestReadings(async () => {
      loads++;
      return [at(2_000), at(500, { parameter: "diclofenac" })];
    });
    // Accepted before anyone asked: kept where newer than what storage has, not where older.
    latest.accepted([at(3_000), at(100, { parameter: "diclofenac" })]);
    expect(times(await latest.of())).toEqual([["carbamazepine", 3_000], ["diclofenac", 500]]);
    latest.accepted([at(2_500), at(4_000, { parameter: "diclofenac" })]);
    expect(times(await latest.of())).toEqual([["carbamazepine", 3_000], ["diclofenac", 4_000]]);
    expect(loads).toBe(1);
  });

  it.each([
    ["every station", undefined, ["DE-ELBE-SCHMILKA", "DE-ELBE-ZEHREN"]],
    ["one station", new Set(["DE-ELBE-SCHMILKA"]), ["DE-ELBE-SCHMILKA"]],
    ["a station without readings", new Set(["CN-YANGTZE-CUNTAN"]), []],
  ])("answers for %s", async (_, stations, expected) => {
    const latest = new LatestReadings(async () => [at(1_000)]);
    latest.accepted([at(1_000, { station: "DE-ELBE-SCHMILKA" })]);
    expect((await latest.of(stations)).map((r) => r.station)).toEqual(expected);
  });

  it("tries storage again after a failed load, and shares one load between concurrent callers", async () => {
    let loads = 0;
    const latest = new LatestReadings(async () => {
      loads++;
      if (loads === 1) throw new Error("InfluxDB unreachable");
      return [at(1_000)];
    });
    await expect(latest.of()).rejects.toThrow("InfluxDB unreachable");
    const [a, b] = await Promise.all([latest.of(), latest.of()]);
    expect([times(a), times(b), loads]).toEqual([[["carbamazepine", 1_000]], [["carbamazepine", 1_000]], 2]);
  });
});
