// The byte path of /write (received-lines.ts): which lines it reads, that it reads them exactly as
// the text path does, and that the stored lines it writes from the received bytes are the ones the
// text path writes.
import { describe, expect, it } from "vitest";
import { QC, type Reading } from "../../common/reading.ts";
import { passThroughLine } from "../../server/src/influx/stored-lines.ts";
import { linesToCandidates, simpleReadingLine } from "../../server/src/ingest/reading-lines.ts";
import { ReceivedLine } from "../../server/src/ingest/received-lines.ts";

const T = 1_764_000_000_000;

describe("which /write lines are read from the bytes", () => {
  it.each([
    ["reading,station=S,parameter=P value=7.5 1764000000000", true],
    ["reading,parameter=P,station=S value=-12.25 1764000000000", true],
    ["reading,station=S,parameter=P,sensor=X value=0 1764000000000", true],
    ["reading,station=S,parameter=P value=123456789012345 1764000000000", true],
    ["reading,station=S,parameter=P value=0.00000000000001 1764000000000", true],
    // Canonical, but left to the text path (which still passes it through):
    ["reading,station=S,parameter=P value=1234567890123456 1764000000000", false], // 16 digits
    ["reading,station=S,parameter=P value=0.1234567890123456 1764000000000", false],
    ["reading,station=Zürich,parameter=P value=7.5 1764000000000", false], // non-ASCII tag
    ["reading,station=S,parameter=P value=7.5 1764000000000000", false], // 16-digit time
    // Not canonical (text path, not passed through):
    ["reading,station=S,parameter=P value=7i 1764000000000", false],
    ["reading,station=S,parameter=P value=-0.0 1764000000000", false],
    ["reading,station=S,parameter=P value=07.5 1764000000000", false],
    ["reading,station=S,parameter=P value=7. 1764000000000", false],
    ["reading,station=S,parameter=P value=.5 1764000000000", false],
    ["reading,station=S,parameter=P value=7.5 01764000000000", false],
    ["reading,station=S,parameter=P value=7.5  1764000000000", false],
    ["reading,station=S,parameter=P value=7.5", false],
    ["reading,station=S,parameter=P,host=gw1 value=7.5 1764000000000", false],
    ["reading,station=S,station=S,parameter=P value=7.5 1764000000000", false],
    ["reading,station=S,parameter=P,sensor== value=7.5 1764000000000", false],
    ["reading,station=S\\ 1,parameter=P value=7.5 1764000000000", false],
    ["reading,station=S,parameter=P value=7.5,uncertainty=0.2 1764000000000", false],
    ["reading,station=S value=7.5 1764000000000", false],
  ])("%s: %s", (line, fromBytes) => {
    for (const body of [line, `${line}\r\n`, `# gateway\n${line}`]) {
      const { candidates, problems } = linesToCandidates(Buffer.from(body), "ms", T);
      const [candidate] = candidates;
      expect(candidate instanceof ReceivedLine).toBe(fromBytes);
      // Whichever path read it, the candidate is the text path's.
      const text = simpleReadingLine(line, "ms", T);
      if (fromBytes) {
        expect({ ...candidate }).toEqual({ ...text, line: undefined });
        expect(candidate!.line).toBe(line);
        expect(problems).toEqual([]);
      }
    }
  });

  it("reads nothing from the bytes at another precision", () => {
    const [candidate] = linesToCandidates(Buffer.from("reading,station=S,parameter=P value=7.5 1764000000"), "s", T).candidates;
    expect(candidate instanceof ReceivedLine).toBe(false);
    expect(candidate!.time).toBe(T);
  });

  it("reads a value as the very double Number() makes of its digits", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let n = 0; n < 20_000; n++) {
      const intDigits = Math.floor(random() * 8);
      const fraction = Math.floor(random() * 9); // at most 7 + 8 = 15 digits: all on the byte path
      const int = intDigits === 0 ? "0" : String(1 + Math.floor(random() * 9)) + Array.from({ length: intDigits - 1 }, () => Math.floor(random() * 10)).join("");
      const frac = Array.from({ length: fraction }, () => Math.floor(random() * 10)).join("");
      const text = `${random() < 0.3 ? "-" : ""}${int}${frac ? `.${frac}` : ""}`;
      const [candidate] = linesToCandidates(Buffer.from(`reading,station=S,parameter=P value=${text} ${T}`), "ms", T).candidates;
      if (Number(text) === 0 && text.startsWith("-")) continue; // negative zero: the text path's
      expect(candidate instanceof ReceivedLine).toBe(true);
      expect(candidate!.value).toBe(Number(text));
    }
  });

  it("tells tag sets apart that share a hash slot or differ in one byte", () => {
    const lines = ["reading,station=S1,parameter=P value=1 1764000000000", "reading,station=S2,parameter=P value=2 1764000000000", "reading,station=S1,parameter=Q value=3 1764000000000", "reading,station=S1,parameter=P value=4 1764000000000"];
    const candidates = linesToCandidates(Buffer.from(lines.join("\n")), "ms", T).candidates;
    expect(candidates.map((c) => [c!.station, c!.parameter, c!.value])).toEqual([
      ["S1", "P", 1],
      ["S2", "P", 2],
      ["S1", "Q", 3],
      ["S1", "P", 4],
    ]);
  });
});

describe("stored lines written from the received bytes", () => {
  const reading = (qc: Reading["qc"], sensor: string, maintenance: boolean): Reading => ({
    station: "S",
    parameter: "P",
    sensor,
    time: T,
    value: 7.5,
    qualifier: null,
    limit: null,
    uncertainty: null,
    rawSignal: null,
    calibration: null,
    qc,
    ...(maintenance ? { maintenance: true } : {}),
  });

  it.each([
    ["reading,station=S,parameter=P value=7.50 1764000000000", "S-P-1", QC.pass, false],
    ["reading,station=S,parameter=P value=7.50 1764000000000", "", QC.suspect, false],
    ["reading,station=S,parameter=P,sensor=X value=-7.5 1764000000000", "X", QC.fail, false],
    ["reading,parameter=P,station=S value=7 1764000000000", "S-P-1", QC.pass, true],
    ["reading,station=S,parameter=P value=7.5 1764000000000", "S-P-1", QC.fail, true],
  ])("%s (sensor %j, QC %i, maintenance %s) as passThroughLine writes its text", (line, sensor, qc, maintenance) => {
    const body = Buffer.from(`# gateway\n${line}\r\n`);
    const [candidate] = linesToCandidates(body, "ms", T).candidates;
    expect(candidate).toBeInstanceOf(ReceivedLine);
    const received = candidate as ReceivedLine;
    const r = reading(qc, sensor, maintenance);
    const out = Buffer.alloc(received.storedBytes(r) + 8, 0xff);
    const end = received.writeStored(r, out, 3);
    expect(end).toBeLessThanOrEqual(3 + received.storedBytes(r));
    expect(out.toString("utf8", 3, end)).toBe(`${passThroughLine(line, r, line.includes("sensor="))}\n`);
    expect(out[end]).toBe(0xff);
  });
});
