// The newest acknowledged-but-unwritten reading per series, which /api/v1/latest adds to InfluxDB's.
import { describe, expect, it } from "vitest";
import { QC, type Reading } from "../../common/reading.ts";
import { UnwrittenLatest } from "../../server/src/query/unwritten-latest.ts";

const at = (time: number, over: Partial<Reading> = {}): Reading => ({
  station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", time, value: 120,
  qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null, qc: QC.pass, ...over,
});

describe("UnwrittenLatest", () => {
  it("keeps the newest accepted reading per series until the writer stores it or a newer one", () => {
    const u = new UnwrittenLatest();
    u.accepted([at(1_000), at(3_000), at(2_000)]);
    u.accepted([at(1_500, { parameter: "diclofenac" })]);
    expect(u.of().map((r) => [r.parameter, r.time])).toEqual([["carbamazepine", 3_000], ["diclofenac", 1_500]]);

    // An older reading written leaves the newer one pending; the newest written clears it.
    u.written([at(2_000)]);
    expect(u.of().map((r) => r.time)).toEqual([3_000, 1_500]);
    u.written([at(3_000), at(1_500, { parameter: "diclofenac" })]);
    expect(u.of()).toEqual([]);
  });

  it("answers for the stations asked about", () => {
    const u = new UnwrittenLatest();
    u.accepted([at(1_000), at(1_000, { station: "DE-ELBE-SCHMILKA" })]);
    expect(u.of(new Set(["DE-ELBE-SCHMILKA"])).map((r) => r.station)).toEqual(["DE-ELBE-SCHMILKA"]);
  });
});
