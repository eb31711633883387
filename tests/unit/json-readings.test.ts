// The byte reader of POST /api/v1/readings (json-readings.ts): for every body it reads, it gives
// exactly the candidates the JSON.parse path gives (JSON.parse → isBatchBody → isWellFormedReading →
// toCandidate); every other body it leaves to that path, which words the refusals.
import { describe, expect, it } from "vitest";
import { readJsonReadings } from "../../server/src/ingest/json-readings.ts";
import type { ReadingCandidate } from "../../server/src/ingest/reading-check.ts";
import { isWellFormedReading } from "../../server/src/ingest/reading-schema.ts";
import { isBatchBody, toCandidate } from "../../server/src/ingest/readings-route.ts";

const MAX = 3;
const T = 1_764_000_000_000;
const r = (fields: string) => `{"station":"DE-ELBE-ZEHREN","parameter":"ph",${fields}}`;
const batch = (...readings: string[]) => `{"readings":[${readings.join(",")}]}`;

/** What the JSON.parse path makes of the body: its candidates, or undefined where one reading (or the body) is refused. */
function parsePath(body: string): ReadingCandidate[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isBatchBody(parsed, MAX)) return undefined;
  const candidates: ReadingCandidate[] = [];
  for (const reading of parsed.readings) {
    if (!isWellFormedReading(reading)) return undefined;
    candidates.push(toCandidate(reading));
  }
  return candidates;
}

const withoutMemo = (candidates: ReadingCandidate[]) => candidates.map(({ memo: _memo, ...c }) => c);

describe("readJsonReadings", () => {
  it.each([
    ["epoch milliseconds", batch(r(`"time":${T},"value":7.25`))],
    ["ISO time with a zone", batch(r(`"time":"2026-11-24T10:00:00Z","value":7`), r(`"time":"2026-11-24T10:00:00.123+08:00","value":7`))],
    ["the same ISO time twice", batch(r(`"time":"2026-11-24T10:00:00Z","value":7`), r(`"time":"2026-11-24T10:00:00Z","value":8`))],
    ["pretty-printed", JSON.stringify({ readings: [{ station: "DE-ELBE-ZEHREN", parameter: "ph", time: T, value: 7.2 }] }, null, 2)],
    ["whitespace everywhere", ` \r\n{ "readings" : [ { "station" : "S" , "parameter":"P" ,"time" : ${T} , "value" : -1.5 } ] }\t\n`],
    ["keys in another order", batch(`{"value":7,"time":${T},"parameter":"ph","station":"DE-ELBE-ZEHREN"}`)],
    ["sensor, unit and uncertainty", batch(r(`"sensor":"SIM-1","unit":"pH","uncertainty":0.2,"time":${T},"value":7`))],
    ["an empty unit", batch(r(`"unit":"","time":${T},"value":7`))],
    ["ids of one length", batch(`{"station":"AB","parameter":"CD","time":${T},"value":1}`, `{"station":"CD","parameter":"AB","time":${T},"value":2}`)],
    ["exponents", batch(r(`"time":${T},"value":1e3`), r(`"time":${T},"value":-1.5E-7`), r(`"time":1.764E12,"value":2e+2`))],
    ["negative zero", batch(r(`"time":${T},"value":-0`), r(`"time":${T},"value":-0.0`))],
    ["more than 15 digits", batch(r(`"time":${T},"value":0.12345678901234567`), r(`"time":${T},"value":123456789012345678`))],
    ["halfway decimals", batch(r(`"time":${T},"value":0.1`), r(`"time":${T},"value":9007199254740.993`), r(`"time":0,"value":1e400`))],
    ["as many readings as allowed", batch(...Array.from({ length: MAX }, (_, i) => r(`"time":${T + i},"value":${i}`)))],
  ])("reads %s as the JSON.parse path does", (_label, body) => {
    const read = readJsonReadings(Buffer.from(body), MAX);
    const parsed = parsePath(body);
    expect(parsed).toBeDefined();
    expect(read).toBeDefined();
    expect(withoutMemo(read!)).toEqual(parsed);
    // toEqual tells 0 from -0; the values once more one by one, as Object.is sees them.
    read!.forEach((c, i) => expect(Object.is(c.value, parsed![i]!.value)).toBe(true));
  });

  it.each([
    // Left to the JSON.parse path, which reads them (escapes, UTF-8, the other reading shapes):
    ["an escaped id", batch(`{"station":"DE-ELBE\\u002dZEHREN","parameter":"ph","time":${T},"value":7}`)],
    ["a non-ASCII unit", batch(r(`"unit":"µg/L","time":${T},"value":7`))],
    ["below LOD", batch(r(`"time":${T},"belowLod":{"lod":5}`))],
    ["a raw signal", batch(r(`"time":${T},"value":7,"raw":{"signal":12.5,"calibration":2}`))],
    ["a byte order mark", `\uFEFF${batch(r(`"time":${T},"value":7`))}`],
    ["a duplicate key", batch(r(`"time":${T},"value":7,"value":8`))],
    // Refused by that path, which says why:
    ["an unknown key", batch(r(`"time":${T},"value":7,"extra":1`))],
    ["an empty batch", `{"readings":[]}`],
    ["more readings than allowed", batch(...Array.from({ length: MAX + 1 }, () => r(`"time":${T},"value":1`)))],
    ["another top-level key", `{"readings":[${r(`"time":${T},"value":7`)}],"gateway":"gw1"}`],
    ["no readings key", `{"values":[${r(`"time":${T},"value":7`)}]}`],
    ["a string as a value", batch(r(`"time":${T},"value":"7"`))],
    ["no value", batch(r(`"time":${T}`))],
    ["no time", batch(r(`"value":7`))],
    ["a null sensor", batch(r(`"sensor":null,"time":${T},"value":7`))],
    ["a negative time", batch(r(`"time":-1,"value":7`))],
    ["a fractional time", batch(r(`"time":1.5,"value":7`))],
    ["a date that does not exist", batch(r(`"time":"2026-02-30T10:00:00Z","value":7`))],
    ["a time without a zone", batch(r(`"time":"2026-11-24T10:00:00","value":7`))],
    ["an empty station", batch(`{"station":"","parameter":"ph","time":${T},"value":7}`)],
    ["a station of 101 characters", batch(`{"station":"${"x".repeat(101)}","parameter":"ph","time":${T},"value":7}`)],
    ["a unit of 33 characters", batch(r(`"unit":"${"x".repeat(33)}","time":${T},"value":7`))],
    ["an empty reading", batch("{}")],
    // Not JSON at all:
    ["a trailing comma", `{"readings":[${r(`"time":${T},"value":7`)},]}`],
    ["NaN", batch(r(`"time":${T},"value":NaN`))],
    ["a leading zero", batch(r(`"time":${T},"value":07`))],
    ["a bare point", batch(r(`"time":${T},"value":7.`))],
    ["a plus sign", batch(r(`"time":${T},"value":+7`))],
    ["an empty exponent", batch(r(`"time":${T},"value":7e`))],
    ["two minus signs", batch(r(`"time":${T},"value":--7`))],
    ["an unclosed body", `{"readings":[${r(`"time":${T},"value":7`)}`],
    ["something after the body", `${batch(r(`"time":${T},"value":7`))}x`],
    ["an unclosed string", `{"readings":[{"station":"DE`],
  ])("leaves a body with %s to the JSON.parse path", (_label, body) => {
    expect(readJsonReadings(Buffer.from(body), MAX)).toBeUndefined();
  });

  it("gives the readings of one series one catalog memo, and other series their own", () => {
    const body = batch(r(`"time":${T},"value":1`), `{"station":"DE-ELBE-ZEHREN","parameter":"nitrate","time":${T},"value":2}`, r(`"time":${T + 1},"value":3`));
    const [a, b, c] = readJsonReadings(Buffer.from(body), MAX)!;
    expect(a!.memo).toBeDefined();
    expect(c!.memo).toBe(a!.memo);
    expect(b!.memo).not.toBe(a!.memo);
  });
});
