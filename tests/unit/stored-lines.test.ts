import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { QC, type Reading } from "../../common/reading.ts";
import { passThroughLine, storedLine, toLineProtocol } from "../../server/src/influx/stored-lines.ts";
import { IngestJournal, readLeftoverSegments } from "../../server/src/ingest/journal.ts";
import { linesToCandidates } from "../../server/src/ingest/reading-lines.ts";
import { fromStoredLine } from "../../server/src/ingest/stored-reading.ts";
import { testReading } from "../helpers/catalog.ts";
import { tempDirsPerTest, testLogger } from "../helpers/test-system.ts";

const tempDir = tempDirsPerTest();
const T = 1_764_000_000_000;
const base = { station: "DE-ELBE-ZEHREN", parameter: "ph", time: T };

describe("which /write lines pass through", () => {
  it.each([
    ["reading,station=S,parameter=P value=7.5 1764000000000", "ms", true],
    ["reading,parameter=P,station=S value=-12.25 1764000000000", "ms", true],
    ["reading,station=S,parameter=P,sensor=X value=0 1764000000000", "ms", true],
    ["reading,sensor=X,station=S,parameter=P value=1000000 1764000000000", "ms", true],
    ["reading,station=S,parameter=P value=7.5 1764000000", "s", false],
    ["reading,station=S,parameter=P value=7.5 1764000000000000000", "n", false],
    ["reading,station=S,parameter=P value=7.5", "ms", false],
    ["reading,station=S,parameter=P value=7i 1764000000000", "ms", false],
    ["reading,station=S,parameter=P value=7.5e0 1764000000000", "ms", false],
    ["reading,station=S,parameter=P value=+7.5 1764000000000", "ms", false],
    ["reading,station=S,parameter=P value=07.5 1764000000000", "ms", false],
    ["reading,station=S,parameter=P value=7. 1764000000000", "ms", false],
    ["reading,station=S,parameter=P value=-0.0 1764000000000", "ms", false],
    ["reading,station=S,parameter=P value=-0 1764000000000", "ms", false],
    ["reading,station=S,parameter=P value=7.5 01764000000000", "ms", false],
    ["reading,station=S,parameter=P,host=gw1 value=7.5 1764000000000", "ms", false],
    ["reading,station=S,parameter=P,host=gw\\ 1 value=7.5 1764000000000", "ms", false],
    ["reading,station=S,station=S,parameter=P value=7.5 1764000000000", "ms", false],
    ["reading,station=S,parameter=P value=7.5,uncertainty=0.2 1764000000000", "ms", false],
    ["reading,station=S,parameter=P uncertainty=0.2,value=7.5 1764000000000", "ms", false],
    ['reading,station=S,parameter=P lod=0.05,qualifier="<LOD" 1764000000000', "ms", false],
  ])("%s at precision %s: %s", (line, precision, passes) => {
    const [candidate] = linesToCandidates(line, precision, T).candidates;
    expect(candidate).toBeDefined();
    expect(candidate!.line).toBe(passes ? line : undefined);
  });
});

describe("stored lines", () => {
  it.each<[string, Reading]>([
    ["a value", testReading({ ...base, value: 7.5 })],
    ["a QC-failed value", testReading({ ...base, value: 20, qc: QC.fail })],
    ["a suspect value with uncertainty", testReading({ ...base, value: 10.9, uncertainty: 0.2, qc: QC.suspect })],
    ["<LOD", testReading({ ...base, parameter: "carbamazepine", qualifier: "<LOD", limit: 0.05 })],
    ["<LOQ", testReading({ ...base, parameter: "carbamazepine", qualifier: "<LOQ", limit: 0.5 })],
    ["raw signal and calibration", testReading({ ...base, value: 7.1, rawSignal: 412.5, calibration: 3 })],
    ["maintenance", { ...testReading({ ...base, value: 7.1, qc: QC.fail }), maintenance: true }],
    ["no named sensor (journaled by an old version)", testReading({ ...base, sensor: "", value: 7.5 })],
  ])("read back from the journal: %s", (_name, reading) => {
    expect(fromStoredLine(storedLine(reading))).toEqual(reading);
  });

  it.each([
    ["the sensor tag added, derived fields spliced in", `reading,station=DE-ELBE-ZEHREN,parameter=ph value=7.50 ${T}`, false, QC.pass, undefined],
    ["a named sensor kept", `reading,parameter=ph,sensor=SIM-DE-ELBE-ZEHREN-PH,station=DE-ELBE-ZEHREN value=7.5 ${T}`, true, QC.suspect, undefined],
    ["QC fail: no mean_value", `reading,station=DE-ELBE-ZEHREN,parameter=ph value=20 ${T}`, false, QC.fail, undefined],
    ["maintenance marked", `reading,station=DE-ELBE-ZEHREN,parameter=ph value=7.5 ${T}`, false, QC.fail, true as const],
  ])("pass-through line with %s reads back as the stored line's reading", (_name, received, namedSensor, qc, maintenance) => {
    const value = Number(received.split(" ")[1]!.slice("value=".length));
    const reading: Reading = { ...testReading({ ...base, value, qc }), ...(maintenance ? { maintenance } : {}) };
    const line = passThroughLine(received, reading, namedSensor);
    expect(line.endsWith(` ${T}`)).toBe(true);
    expect(fromStoredLine(line)).toEqual(fromStoredLine(storedLine(reading)));
    expect(line.includes("mean_value=")).toBe(qc !== QC.fail);
  });

  it("the journal keeps line protocol bytes and reads them back, skipping a torn last line", async () => {
    const dir = path.join(tempDir("wm-stored-lines-"), "journal");
    mkdirSync(dir);
    const readings = [testReading({ ...base, value: 7.5 }), testReading({ ...base, time: T + 1, value: 7.6, qc: QC.suspect })];
    const journal = new IngestJournal(dir, testLogger);
    await journal.append(readings).durable; // JSON and line protocol lines may share a segment
    await journal.appendBytes(Buffer.from(toLineProtocol(readings)), readings.length).durable;
    await journal.close();
    expect(readLeftoverSegments(dir, testLogger).flatMap((s) => s.readings)).toEqual([...readings, ...readings]);

    const torn = toLineProtocol(readings);
    writeFileSync(path.join(dir, "000000000099.jsonl"), torn.slice(0, torn.length - 5)); // the crash cut the last line's time short
    const leftover = readLeftoverSegments(dir, testLogger);
    expect(leftover.at(-1)!.readings).toEqual(readings.slice(0, 1));
  });
});
