// Loads: daily load = concentration × discharge (ng/L × m³/s × 0.0864 = g/d), period load by the
// flow-weighted method L = Qr · Σ(Cᵢ·Qᵢ)/ΣQᵢ, censored values at half their limit with bounds.
import { describe, expect, it } from "vitest";
import { QC } from "../../common/reading.ts";
import { ValidationError } from "../../server/src/errors.ts";
import { calendarYear, loadsOf, periodRange, type DischargeValue, type LoadInput } from "../../server/src/assessment/index.ts";
import { BERLIN, at, value, type Fixture } from "./assessment-fixtures.ts";

const q = (iso: string, v: number, unit = "m³/s", qc: DischargeValue["qc"] = QC.pass): DischargeValue => ({ time: at(iso), value: v, unit, qc });
const c = (iso: string, v: Fixture) => value(iso, v, { basis: "sensor-daily" });

function loads(over: Partial<LoadInput>): ReturnType<typeof loadsOf> {
  return loadsOf({
    period: periodRange(at("2025-05-01T00:00"), at("2025-05-05T00:00"), BERLIN),
    concentrations: [],
    concentrationUnit: "ng/L",
    discharge: [],
    basis: "sensor",
    approvedOnly: false,
    ...over,
  });
}

describe("loads", () => {
  // 4 days; concentration on days 1–3 (10, 20, < 8 ng/L), discharge 100, 200, 300, 400 m³/s.
  const input: Partial<LoadInput> = {
    concentrations: [c("2025-05-01T00:00", 10), c("2025-05-02T00:00", 20), c("2025-05-03T00:00", { loq: 8 })],
    discharge: [q("2025-05-01T00:00", 100), q("2025-05-02T00:00", 200), q("2025-05-03T00:00", 300), q("2025-05-04T00:00", 400)],
  };

  it("gives daily loads in g/d: 10 × 100 × 0.0864 = 86.4; 20 × 200 × 0.0864 = 345.6; (8/2) × 300 × 0.0864 = 103.68 (bounds 0 and 207.36)", () => {
    const r = loads(input);
    expect(r.daily.map((d) => d.day)).toEqual(["2025-05-01", "2025-05-02", "2025-05-03"]);
    expect(r.daily[0]!.load).toBeCloseTo(86.4, 9);
    expect(r.daily[1]!.load).toBeCloseTo(345.6, 9);
    expect(r.daily[2]).toMatchObject({ concentration: 4, substituted: true, lower: 0 });
    expect(r.daily[2]!.load).toBeCloseTo(103.68, 9);
    expect(r.daily[2]!.upper).toBeCloseTo(207.36, 9);
    expect(r.substitutedDays).toBe(1);
    expect(r.coverage).toEqual({ daysWithLoad: 3, daysWithConcentration: 3, daysWithDischarge: 4, totalDays: 4, share: 0.75 });
  });

  it("gives the period load flow-weighted: C = (1000 + 4000 + 1200)/600 = 10.33 ng/L, Q̄ = 250 m³/s, × 4 d → 10.33 × 250 × 0.0864 × 4 = 892.8 g", () => {
    const p = loads(input).periodLoad!;
    expect(p.flowWeightedConcentration).toBeCloseTo(6200 / 600, 12);
    expect(p.meanDischarge).toBe(250);
    expect(p.kg).toBeCloseTo(0.8928, 12);
    // censored at 0: 5000/600 × 250 × 0.3456 = 720 g; at the limit: 7400/600 × 250 × 0.3456 = 1065.6 g
    expect(p.lowerKg).toBeCloseTo(0.72, 12);
    expect(p.upperKg).toBeCloseTo(1.0656, 12);
    expect(p.extrapolated).toBe(true);
  });

  it("equals the sum of the daily loads when every day has both: 10 × 100 × 0.0864 + 20 × 300 × 0.0864 = 86.4 + 518.4 = 604.8 g", () => {
    const r = loads({
      period: periodRange(at("2025-05-01T00:00"), at("2025-05-03T00:00"), BERLIN),
      concentrations: [c("2025-05-01T00:00", 10), c("2025-05-02T00:00", 20)],
      discharge: [q("2025-05-01T00:00", 100), q("2025-05-02T00:00", 300)],
    });
    const sum = r.daily.reduce((s, d) => s + d.load, 0);
    expect(sum).toBeCloseTo(604.8, 9);
    expect(r.periodLoad!.kg * 1000).toBeCloseTo(sum, 9);
    expect(r.periodLoad!.extrapolated).toBe(false);
  });

  it("converts units: 0.01 µg/L × 100,000 L/s = 10 ng/L × 100 m³/s → 86.4 g/d; averages a day's discharge readings; skips failed ones", () => {
    const r = loads({
      concentrations: [value("2025-05-01T09:00", 0.01, { basis: "lab" })],
      concentrationUnit: "µg/L",
      basis: "lab",
      discharge: [q("2025-05-01T06:00", 50_000, "L/s"), q("2025-05-01T18:00", 150_000, "L/s"), q("2025-05-01T12:00", 9_999_999, "L/s", QC.fail)],
    });
    expect(r.daily[0]!.discharge).toBe(100);
    expect(r.daily[0]!.load).toBeCloseTo(86.4, 9);
  });

  it("has no period load without a day that has both, and refuses a concentration that is not a mass concentration", () => {
    expect(loads({ concentrations: input.concentrations }).periodLoad).toBeNull();
    expect(() => loads({ concentrationUnit: "pH" })).toThrow(ValidationError);
  });

  it("gives kg/a over a calendar year: 1 ng/L at 1 m³/s every day of 2025 = 365 × 0.0864 g = 31.536 g", () => {
    const year = calendarYear(2025, BERLIN);
    const days = Array.from({ length: 365 }, (_, i) => year.from + i * 86_400_000 + 12 * 3_600_000);
    const r = loadsOf({
      period: year,
      concentrations: days.map((t) => ({ time: t, value: 1, qualifier: null, limit: null, qc: QC.pass, basis: "sensor-daily" as const })),
      concentrationUnit: "ng/L",
      discharge: days.map((t) => ({ time: t, value: 1, unit: "m³/s", qc: QC.pass })),
      basis: "sensor",
      approvedOnly: false,
    });
    expect(r.coverage.daysWithLoad).toBe(365);
    // the year has 365 × 24 h − 0 h (DST moves an hour but the year is still 8,760 h long)
    expect(r.periodLoad!.kg).toBeCloseTo(0.031536, 12);
  });
});
