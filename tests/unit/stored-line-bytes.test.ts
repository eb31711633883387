// writeStoredLine (stored-lines.ts) writes a measured reading's stored line as bytes: exactly the
// bytes of storedLine's text, and it leaves every other reading to storedLine.
import { describe, expect, it } from "vitest";
import { QC, type Reading } from "../../common/reading.ts";
import { testReading } from "../helpers/catalog.ts";
import { MEASURED_FIELDS_MAX, measuredLinePrefix, storedLine, writeStoredLine } from "../../server/src/influx/stored-lines.ts";

const T = 1_764_000_000_000;
const reading = (r: Partial<Reading>): Reading => testReading({ station: "DE-ELBE-ZEHREN", parameter: "ph", sensor: "SIM-DE-ELBE-ZEHREN-PH", time: T, value: 7.25, ...r });

describe("writeStoredLine", () => {
  it.each([
    ["a passed value", reading({})],
    ["a suspect value", reading({ qc: QC.suspect })],
    ["a failed value (no mean_value)", reading({ qc: QC.fail })],
    ["a value not evaluated", reading({ qc: QC.notEvaluated })],
    ["a value in maintenance", reading({ qc: QC.fail, maintenance: true })],
    ["a usable value marked maintenance", reading({ maintenance: true })],
    ["a negative value", reading({ value: -12.5 })],
    ["zero and negative zero", reading({ value: -0 })],
    ["an exponent", reading({ value: 1.5e-7 })],
    ["the longest number", reading({ value: -2.2250738585072014e-308, time: -2.2250738585072014e-308 })],
    ["a time with a fraction (never sent; written as storedLine writes it)", reading({ time: T + 0.5 })],
    ["times of every length", reading({ time: 0 })],
    ["a time of one digit", reading({ time: 7 })],
    ["the largest exact time", reading({ time: Number.MAX_SAFE_INTEGER })],
    ["a large integer", reading({ value: 2 ** 70 })],
    ["a reading of no named sensor (before sensors existed)", reading({ sensor: "" })],
    ["ids to escape", reading({ station: "S 1,a=b", parameter: "p\\q", sensor: "x y" })],
    ["non-ASCII ids", reading({ station: "Zürich-Limmat", parameter: "氨氮" })],
  ])("writes %s as the bytes of storedLine", (_label, r) => {
    const prefix = measuredLinePrefix(r);
    expect(prefix).toBeDefined();
    const bytes = prefix!.length + MEASURED_FIELDS_MAX;
    const out = Buffer.alloc(bytes + 8, 0xff);
    const end = writeStoredLine(r, prefix!, out, 4);
    expect(end).toBeLessThanOrEqual(bytes + 4);
    expect(out.toString("utf8", 4, end)).toBe(`${storedLine(r)}\n`);
    expect(out[3]).toBe(0xff);
  });

  it.each([
    ["below LOD", reading({ value: null, qualifier: "<LOD", limit: 0.05 })],
    ["with uncertainty", reading({ uncertainty: 0.2 })],
    ["with a raw signal", reading({ rawSignal: 12.5, calibration: 2 })],
  ])("leaves a reading %s to storedLine", (_label, r) => {
    expect(measuredLinePrefix(r)).toBeUndefined();
  });
});
