// The simulated laboratory: when it samples, that its results scatter around the true concentration
// as its stated uncertainty says, "<LOQ" below its limit, grab samples during a spill, that its file is
// what the server's import reads without a single rejection, and the sensor drift and bias options.
import { describe, expect, it } from "vitest";
import { labMappingSchema } from "../../common/lab-mapping.ts";
import { readLabFile } from "../../server/src/lab/import/read-lab-file.ts";
import { sensorSpec } from "../../sensors-sim/src/cli.ts";
import { labFileCsv } from "../../sensors-sim/src/lab/lab-file.ts";
import { labLoq, SIM_LAB } from "../../sensors-sim/src/lab/lab-method.ts";
import { compositePeriods, labRows, type LabSampleOptions } from "../../sensors-sim/src/lab/lab-samples.ts";
import { trueValueAt } from "../../sensors-sim/src/model/signal.ts";
import { MEAN_MONTH_MS, sensorFactor, sensorProfileFor } from "../../sensors-sim/src/model/sensor-profiles.ts";
import { resolveOptions } from "../../sensors-sim/src/options.ts";
import { SPILL_DEFAULTS } from "../../sensors-sim/src/model/spill.ts";
import { seed as catalog } from "../helpers/catalog.ts";

const DAY = 86_400_000;
const INTERVAL = 600_000;
const zehren = catalog.station("DE-ELBE-ZEHREN")!;
const cuntan = catalog.station("CN-YANGTZE-CUNTAN")!;
const options: LabSampleOptions = { seed: 5, intervalMs: INTERVAL, catalog, stations: [zehren, cuntan], parameters: catalog.parameters };
const FROM = Date.UTC(2026, 2, 1);
const UNTIL = Date.UTC(2026, 5, 1);

describe("sampling schedule", () => {
  it.each([
    // Tuesday 08:00 local: 07:00 UTC in winter, 06:00 UTC in summer (after the switch on 29 March 2026), 00:00 UTC in Chongqing.
    [zehren, Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 3, 7)],
    [zehren, Date.UTC(2026, 2, 30), Date.UTC(2026, 2, 31, 6)],
    [cuntan, Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 3, 0)],
  ])("takes a 24-hour composite every Tuesday from 08:00 station time (%#)", (station, from, firstStart) => {
    const periods = compositePeriods(station, from, from + 21 * DAY);
    expect(periods).toHaveLength(3);
    expect(periods[0]).toEqual([firstStart, firstStart + DAY]);
    expect(periods[1]![0] - periods[0]![0]).toBe(7 * DAY);
  });
});

describe("lab results", () => {
  const rows = labRows(options, FROM, UNTIL);

  it("analyses every pharmaceutical the station measures, nothing else, and only once results are back", () => {
    const compounds = new Set(rows.map((r) => r.parameter));
    expect([...compounds].sort()).toEqual(catalog.parameters.filter((p) => p.group === "pharmaceutical").map((p) => p.code).sort());
    expect(rows.every((r) => r.analysedAt <= UNTIL && r.analysedAt === r.end + SIM_LAB.analysisDelayMs)).toBe(true);
    expect(rows.every((r) => r.kind === "time-proportional composite" && r.laboratory === SIM_LAB.laboratory)).toBe(true);
    // 13 Tuesdays from 3 March to 26 May; the last composite's results are back by 1 June.
    expect(new Set(rows.filter((r) => r.station === zehren.id).map((r) => r.sampleId)).size).toBe(13);
  });

  it("is the true mean over the sampling period plus noise of the method's uncertainty (k = 2)", () => {
    const quantified = rows.filter((r) => r.value !== null && r.truth > 10 * r.loq);
    const errors = quantified.map((r) => r.value! / r.truth - 1);
    const mean = errors.reduce((s, e) => s + e, 0) / errors.length;
    const sd = Math.sqrt(errors.reduce((s, e) => s + (e - mean) ** 2, 0) / (errors.length - 1));
    expect(quantified.length).toBeGreaterThan(200);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(sd).toBeGreaterThan(0.085);
    expect(sd).toBeLessThan(0.115);
    // The truth of one sample, recomputed from the signal model at every 10-minute instant.
    const one = rows.find((r) => r.station === zehren.id && r.parameter === "carbamazepine")!;
    let sum = 0;
    for (let t = one.start; t < one.end; t += INTERVAL) sum += trueValueAt({ seed: 5, intervalMs: INTERVAL }, catalog, zehren.id, "carbamazepine", t);
    expect(one.truth).toBeCloseTo(sum / 144, 9);
  });

  it("reports results below the method's LOQ as '<LOQ' with the limit, never as a number", () => {
    const ee2 = rows.filter((r) => r.parameter === "ethinylestradiol");
    expect(ee2.some((r) => r.value === null)).toBe(true);
    for (const r of rows) {
      expect(r.loq).toBe(labLoq(r.parameter));
      if (r.value === null) expect(r.truth).toBeLessThan(r.loq * 1.5);
      else expect(r.value).toBeGreaterThanOrEqual(r.loq);
    }
    // The lab's LOQs lie below every sensor's LOD for the compound.
    for (const p of catalog.parameters.filter((x) => x.group === "pharmaceutical")) {
      for (const s of catalog.data.sensors.filter((x) => x.parameter === p.code && x.lod !== null)) expect(labLoq(p.code)).toBeLessThan(s.lod!);
    }
  });

  it("gives the same rows for the same seed and period, whatever the window they are asked in", () => {
    const again = labRows(options, FROM + 30 * DAY, UNTIL);
    const byKey = new Map(rows.map((r) => [`${r.sampleId}\t${r.parameter}`, r]));
    for (const r of again) expect(r).toEqual(byKey.get(`${r.sampleId}\t${r.parameter}`));
    expect(labRows({ ...options, seed: 6 }, FROM, UNTIL)[0]!.value).not.toBe(rows[0]!.value);
  });

  it("takes grab samples at the stations a spill passes, around the plume's peak, and analyses them urgently", () => {
    const entryTime = Date.UTC(2026, 4, 5, 10);
    const spill = { ...SPILL_DEFAULTS, entryTime };
    const withSpill = labRows({ ...options, stations: [zehren], spill }, entryTime, entryTime + 3 * DAY);
    const grabs = withSpill.filter((r) => r.kind === "grab");
    expect(new Set(grabs.map((r) => r.sampleId)).size).toBe(SIM_LAB.spillGrabOffsets.length);
    const atPeak = grabs.filter((r) => r.parameter === SPILL_DEFAULTS.compound).sort((a, b) => b.truth - a.truth)[0]!;
    const quiet = labRows({ ...options, stations: [zehren] }, FROM, UNTIL).filter((r) => r.parameter === SPILL_DEFAULTS.compound);
    expect(atPeak.truth).toBeGreaterThan(10 * Math.max(...quiet.map((r) => r.truth)));
    expect(grabs.every((r) => r.start === r.end && r.analysedAt === r.start + SIM_LAB.urgentAnalysisDelayMs && r.start % INTERVAL === 0)).toBe(true);
  });

  it("writes a file in the template's format that the server's import reads without rejecting a row", async () => {
    const csv = labFileCsv(rows, catalog);
    const content = await readLabFile(
      { name: "sim.csv", bytes: new TextEncoder().encode(csv) },
      { catalog, mapping: labMappingSchema.parse({}), now: UNTIL, maxUnpackedBytes: 1e8 },
    );
    expect(content.rejected).toEqual([]);
    expect(content.accepted).toHaveLength(rows.length);
    const first = content.accepted[0]!;
    expect(first.sample).toMatchObject({ station: rows[0]!.station, sampleId: rows[0]!.sampleId, start: rows[0]!.start, end: rows[0]!.end, laboratory: SIM_LAB.laboratory });
    const censored = content.accepted.find((r) => r.result.qualifier !== null)!;
    expect(censored.result).toMatchObject({ value: null, qualifier: "<LOQ", loq: labLoq(censored.result.parameter) });
  });
});

describe("sensor bias and drift", () => {
  it("reads (1 + bias + rate × months) × the truth, counting months from the start of the history", () => {
    const profile = sensorProfileFor({ id: "KSI-CBZ-MIP-P2" });
    expect(profile).toEqual({ bias: 0.08, noise: 0.06, driftPercentPerMonth: 3 });
    expect(sensorFactor(profile, FROM, FROM)).toBeCloseTo(1.08, 12);
    expect(sensorFactor(profile, FROM + 2 * MEAN_MONTH_MS, FROM)).toBeCloseTo(1.14, 12);
    expect(sensorFactor(profile, FROM - MEAN_MONTH_MS, FROM)).toBeCloseTo(1.08, 12);
  });

  it("takes a run's own bias and drift for one sensor at one station", () => {
    const resolved = resolveOptions(
      {
        sensorDrift: [{ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", percentPerMonth: 20 }],
        sensorBias: [{ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: "KSI-CBZ-MIP-P2", percent: -10 }],
      },
      catalog,
    );
    expect(resolved.adjustments).toEqual([
      { station: "DE-ELBE-ZEHREN", sensor: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE", driftPercentPerMonth: 20 },
      { station: "DE-ELBE-ZEHREN", sensor: "KSI-CBZ-MIP-P2", biasPercent: -10 },
    ]);
    expect(sensorProfileFor({ id: "KSI-CBZ-MIP-P2" }, "DE-ELBE-ZEHREN", resolved.adjustments)).toEqual({ bias: -0.1, noise: 0.06, driftPercentPerMonth: 3 });
    expect(sensorProfileFor({ id: "SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE" }, "DE-ELBE-ZEHREN", resolved.adjustments).driftPercentPerMonth).toBe(20);
  });

  it.each([
    [{ station: "DE-NOWHERE", parameter: "carbamazepine", percentPerMonth: 5 }, /unknown station "DE-NOWHERE"/],
    [{ station: "DE-ELBE-ZEHREN", parameter: "lead", percentPerMonth: 5 }, /DE-ELBE-ZEHREN has no "lead" sensor/],
    [{ station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: "KSI-XYZ", percentPerMonth: 5 }, /its carbamazepine sensors are SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE, KSI-CBZ-MIP-P2/],
  ])("refuses a drift for a sensor the catalog does not have there (%#)", (drift, message) => {
    expect(() => resolveOptions({ sensorDrift: [drift] }, catalog)).toThrow(message);
  });

  it.each([
    ["DE-ELBE-ZEHREN:carbamazepine:KSI-CBZ-MIP-P2:5", { station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", sensor: "KSI-CBZ-MIP-P2", value: 5 }],
    ["DE-ELBE-ZEHREN:carbamazepine:20%/month", { station: "DE-ELBE-ZEHREN", parameter: "carbamazepine", value: 20 }],
    ["DE-ELBE-SCHMILKA:diclofenac:-15%", { station: "DE-ELBE-SCHMILKA", parameter: "diclofenac", value: -15 }],
  ])("reads --sensor-drift %s", (text, expected) => {
    expect(sensorSpec(text, "--sensor-drift")).toEqual(expected);
  });

  it.each(["DE-ELBE-ZEHREN:5", "DE-ELBE-ZEHREN:carbamazepine:much", "a:b:c:d:5", "DE-ELBE-ZEHREN::5"])("refuses --sensor-drift %s", (text) => {
    expect(() => sensorSpec(text, "--sensor-drift")).toThrow(/STATION:PARAMETER\[:SENSOR\]:PERCENT/);
  });
});
