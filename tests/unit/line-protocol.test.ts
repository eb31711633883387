import { describe, expect, it } from "vitest";
import { LineProtocolError, parseLine, timestampToMs } from "../../server/src/ingest/line-protocol.ts";
import { lineToCandidate, linesToCandidates, simpleReadingLine } from "../../server/src/ingest/reading-lines.ts";

describe("line protocol parser", () => {
  it.each([
    ["reading,station=S,parameter=P value=1.5 1700000000000", { measurement: "reading", tags: { station: "S", parameter: "P" }, fields: { value: 1.5 }, timestamp: "1700000000000" }],
    ["reading,station=S,parameter=P value=2i", { fields: { value: { integer: 2 } }, timestamp: undefined }],
    ["reading,station=S,parameter=P value=-1e3", { fields: { value: -1000 } }],
    ['reading,station=S,parameter=P lod=5,qualifier="<LOD" 1', { fields: { lod: 5, qualifier: "<LOD" }, timestamp: "1" }],
    ['m,t=a\\ b\\,c\\=d f="say \\"hi\\"",g=t', { tags: { t: "a b,c=d" }, fields: { f: 'say "hi"', g: true } }],
    ["my\\ measurement f=1", { measurement: "my measurement" }],
  ])("parses %s", (line, expected) => {
    expect(parseLine(line)).toMatchObject(expected);
  });

  it.each([
    ["reading station=S value=1", /missing field key|invalid field value/],
    ["reading,station=S,parameter=P", /missing fields/],
    ["reading,station=S,parameter=P value=abc", /invalid field value for value/],
    ["reading,station=S,parameter=P value=1 12:00", /bad timestamp/],
    ["reading,station=,parameter=P value=1", /missing tag value/],
    ['reading,station=S,parameter=P q="open', /unterminated string/],
    [",station=S value=1", /missing measurement/],
  ])("rejects %s", (line, reason) => {
    expect(() => parseLine(line)).toThrow(LineProtocolError);
    expect(() => parseLine(line)).toThrow(reason);
  });

  it("skips blank lines and comments and reports the bad line", () => {
    const body = "# header\n\nreading,station=S,parameter=P value=1 1\r\n  \nreading,station=S,parameter=P value=2 2\n";
    expect(linesToCandidates(body, "ms", 0).candidates).toHaveLength(2);
    expect(() => linesToCandidates("m f=1\nm f=oops", "ms", 0)).toThrow(/unable to parse 'm f=oops'/);
  });

  it.each([
    ["# header\n\nreading,station=S,parameter=P value=1 1\r\n  \nreading,station=S,parameter=P value=2 2\n"],
    ["reading,station=S,parameter=P value=1 1\nreading,station=S,parameter=P,sensor=X value=2 2"],
    ["reading,station=Zürich-Ü,parameter=P value=1 1\nreading,station=S,parameter=P value=\"x\" 2\nother f=1"],
    ['reading,station=S,parameter=P lod=5,qualifier="<LOD" 7\r\n'],
    ["\n\n"],
  ])("reads the received bytes as it reads their text: %j", (body) => {
    expect(linesToCandidates(Buffer.from(body), "ms", 0)).toEqual(linesToCandidates(body, "ms", 0));
    // A byte order mark is not part of the first line (a text decoder drops it too).
    expect(linesToCandidates(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]), "ms", 0)).toEqual(linesToCandidates(body, "ms", 0));
  });

  it("reports the line number of a bad line in received bytes", () => {
    expect(() => linesToCandidates(Buffer.from("reading,station=S,parameter=P value=1 1\n\nm f=oops"), "ms", 0)).toThrow(/unable to parse 'm f=oops'/);
  });

  it("a newline in a tag value splits the line, so injected points cannot hide in a tag", () => {
    expect(() => linesToCandidates("reading,station=S\nDROP,parameter=P value=1", "ms", 0)).toThrow(LineProtocolError);
  });

  it.each([
    ["1700000000000000000", "n", 1_700_000_000_000],
    ["1700000000000000", "u", 1_700_000_000_000],
    ["1700000000000", "ms", 1_700_000_000_000],
    ["1700000000", "s", 1_700_000_000_000],
    ["28333333", "m", 1_699_999_980_000],
    ["472222", "h", 1_699_999_200_000],
  ])("converts %s at precision %s to epoch ms", (digits, precision, ms) => {
    expect(timestampToMs(digits, precision)).toBe(ms);
  });
});

describe("line → reading candidate", () => {
  const now = 1_700_000_000_000;
  const none = { sensor: undefined, qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null };
  it("maps value, <LOD and <LOQ lines, with sensor, uncertainty and raw signal", () => {
    expect(lineToCandidate(parseLine("reading,station=S,parameter=P,host=gw1 value=3 5"), "s", now)).toEqual({
      ...none, station: "S", parameter: "P", time: 5000, value: 3,
    });
    expect(lineToCandidate(parseLine('reading,station=S,parameter=P lod=0.05,qualifier="<LOD"'), "ms", now)).toEqual({
      ...none, station: "S", parameter: "P", time: now, value: null, qualifier: "<LOD", limit: 0.05,
    });
    expect(lineToCandidate(parseLine('reading,station=S,parameter=P,sensor=X loq=16.7,qualifier="<LOQ",uncertainty=4 1'), "ms", now)).toEqual({
      ...none, station: "S", parameter: "P", sensor: "X", time: 1, value: null, qualifier: "<LOQ", limit: 16.7, uncertainty: 4,
    });
    expect(lineToCandidate(parseLine("reading,station=S,parameter=P,sensor=X value=12.5,raw=11.25,calibration=2i 1"), "ms", now)).toEqual({
      ...none, station: "S", parameter: "P", sensor: "X", time: 1, value: 12.5, rawSignal: 11.25, calibration: 2,
    });
  });

  it.each([
    ["cpu,station=S,parameter=P value=1", /measurement "cpu" is not accepted/],
    ["reading,station=S value=1", /tags station and parameter are required/],
    ['reading,station=S,parameter=P value="high"', /field value must be a number/],
    ["reading,station=S,parameter=P value=t", /field value must be a number/],
    ["reading,station=S,parameter=P value=1,qc=1i", /field\(s\) qc not accepted/],
    ["reading,station=S,parameter=P lod=5", /lod needs qualifier/],
    ['reading,station=S,parameter=P lod=5,qualifier="ND"', /qualifier must be the string "<LOD" or "<LOQ"/],
    ['reading,station=S,parameter=P lod=5,qualifier="<LOQ"', /qualifier="<LOQ" goes with field loq/],
    ['reading,station=S,parameter=P lod=5,loq=15,qualifier="<LOQ"', /send lod or loq, not both/],
    ["reading,station=S,parameter=P value=1,raw=2,calibration=1.5", /calibration must be a whole version number/],
    ['reading,station=S,parameter=P value=1,uncertainty="high"', /field uncertainty must be a number/],
  ])("explains what is wrong with %s", (line, reason) => {
    expect(lineToCandidate(parseLine(line), "ms", now)).toMatch(reason);
  });
});

describe("fast path for the common reading line", () => {
  const now = 1_700_000_000_000;
  const general = (line: string, precision: string) => lineToCandidate(parseLine(line), precision, now);

  it.each([
    ["reading,station=S,parameter=P value=1.5 1700000000000", "ms"],
    ["reading,parameter=P,station=S value=-2e-3 1700000000", "s"],
    ["reading,station=S,parameter=P,host=gw1 value=3 5", "s"],
    ["reading,station=S,parameter=P value=7i 1700000000000000000", "n"],
    ["reading,station=S,parameter=P value=.5", "ms"],
    ["reading,station=S,station=T,parameter=P value=1 1", "ms"],
    ["reading,station=S,parameter=P,sensor=X value=1 1", "ms"],
    ["reading,parameter=P,sensor=X,station=S value=1 1", "ms"],
  ])("reads %s exactly as the general parser does", (line, precision) => {
    const fast = simpleReadingLine(line, precision, now);
    expect(fast).toBeDefined();
    expect(fast).toEqual(general(line, precision));
  });

  it.each([
    'reading,station=S,parameter=P lod=0.05,qualifier="<LOD"',
    "reading,station=S,parameter=P value=1,lod=2",
    "reading,station=S,parameter=P,sensor=X value=1,uncertainty=2",
    "reading,station=S,parameter=P value=t",
    "reading,station=S,parameter=P value=0x10",
    "reading,station=S,parameter=P value= 1",
    "reading,station=S,parameter=P value=1  5",
    "reading,station=S,parameter=P value=1 5 ",
    "reading,station=S,parameter=P value=1 12:00",
    "reading,station=S\\ X,parameter=P value=1",
    "reading,station=S,parameter=P,a==b value=1",
    "reading,station=S,,parameter=P value=1",
    "reading,station=S, value=1",
    "reading,station=,parameter=P value=1",
    "reading,station=S value=1",
    "reading value=1",
    "readings,station=S,parameter=P value=1",
    "cpu,station=S,parameter=P value=1",
    "reading,station=S,parameter=P",
  ])("leaves %s to the general parser", (line) => {
    expect(simpleReadingLine(line, "ms", now)).toBeUndefined();
  });
});
