// Line protocol → reading candidates for the InfluxDB-compatible /write. Almost every line a station
// or Telegraf sends has one shape, `reading,station=…,parameter=…[,other tags] value=<number> <time>`;
// that shape is read straight into a candidate. Anything else goes through the general parser, which
// also words the errors.
import type { ErrorDetail } from "../errors.ts";
import { BELOW_LOD_QUALIFIER, FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import type { ReadingCandidate } from "./ingest-service.ts";
import { parseLine, parseNumericField, timestampToMs, type FieldValue, type ParsedLine } from "./line-protocol.ts";

const ACCEPTED_FIELDS = new Set<string>([FIELD.value, FIELD.lod, FIELD.qualifier]);
const MEASUREMENT_PREFIX = `${MEASUREMENT},`;
const VALUE_PREFIX = `${FIELD.value}=`;
const TIMESTAMP = /^-?\d+$/;

function numeric(v: FieldValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "object") return v.integer;
  return undefined;
}

/** Maps a parsed line onto a reading candidate, or says what is wrong with it. */
export function lineToCandidate(line: ParsedLine, precision: string, now: number): ReadingCandidate | string {
  if (line.measurement !== MEASUREMENT) return `measurement ${JSON.stringify(line.measurement)} is not accepted; write measurement "${MEASUREMENT}"`;
  const station = line.tags[TAG.station];
  const parameter = line.tags[TAG.parameter];
  if (!station || !parameter) return `tags ${TAG.station} and ${TAG.parameter} are required`;
  const unknown = Object.keys(line.fields).filter((f) => !ACCEPTED_FIELDS.has(f));
  if (unknown.length > 0) return `field(s) ${unknown.join(", ")} not accepted; send ${FIELD.value}, or ${FIELD.lod} with ${FIELD.qualifier}="${BELOW_LOD_QUALIFIER}"`;
  const rawValue = line.fields[FIELD.value];
  const rawLod = line.fields[FIELD.lod];
  const qualifier = line.fields[FIELD.qualifier];
  const value = numeric(rawValue);
  const lod = numeric(rawLod);
  if (rawValue !== undefined && value === undefined) return `field ${FIELD.value} must be a number`;
  if (rawLod !== undefined && lod === undefined) return `field ${FIELD.lod} must be a number`;
  if (qualifier !== undefined && qualifier !== BELOW_LOD_QUALIFIER) return `field ${FIELD.qualifier} must be the string "${BELOW_LOD_QUALIFIER}"`;
  if ((lod !== undefined) !== (qualifier !== undefined)) return `fields ${FIELD.lod} and ${FIELD.qualifier} go together`;
  let time = now;
  if (line.timestamp !== undefined) {
    try {
      time = timestampToMs(line.timestamp, precision);
    } catch {
      return `bad timestamp ${line.timestamp}`;
    }
  }
  return { station, parameter, time, value: value ?? null, lod: lod ?? null };
}

/**
 * The common measured-value line read without intermediate objects; undefined for any other shape
 * (escapes, strings, other fields or measurements, extra spaces), which the general path then handles.
 * Where it answers, it answers exactly what `lineToCandidate(parseLine(line))` would.
 */
export function simpleReadingLine(line: string, precision: string, now: number): ReadingCandidate | undefined {
  if (!line.startsWith(MEASUREMENT_PREFIX) || line.includes("\\") || line.includes('"')) return undefined;
  const fieldsStart = line.indexOf(" ") + 1;
  if (fieldsStart === 0 || !line.startsWith(VALUE_PREFIX, fieldsStart)) return undefined;
  let station: string | undefined;
  let parameter: string | undefined;
  for (let start = MEASUREMENT_PREFIX.length; start < fieldsStart; ) {
    let end = line.indexOf(",", start);
    if (end < 0 || end > fieldsStart - 1) end = fieldsStart - 1;
    const eq = line.indexOf("=", start);
    if (eq <= start || eq >= end - 1) return undefined; // no key, no value, or no '=' in this tag
    const secondEq = line.indexOf("=", eq + 1);
    if (secondEq >= 0 && secondEq < end) return undefined;
    const key = line.slice(start, eq);
    if (key === TAG.station) station = line.slice(eq + 1, end);
    else if (key === TAG.parameter) parameter = line.slice(eq + 1, end);
    start = end + 1;
  }
  if (!station || !parameter) return undefined;
  const valueStart = fieldsStart + VALUE_PREFIX.length;
  const valueEnd = line.indexOf(" ", valueStart);
  const rawValue = valueEnd < 0 ? line.slice(valueStart) : line.slice(valueStart, valueEnd);
  const value = parseNumericField(rawValue);
  if (value === undefined) return undefined;
  let time = now;
  if (valueEnd >= 0) {
    const digits = line.slice(valueEnd + 1);
    if (!TIMESTAMP.test(digits)) return undefined;
    time = timestampToMs(digits, precision);
  }
  return { station, parameter, time, value, lod: null };
}

export interface LinesToCandidates {
  /** One per non-blank, non-comment line; undefined where the line is not a valid reading. */
  candidates: Array<ReadingCandidate | undefined>;
  /** Why those lines are not valid readings, by index into `candidates`. */
  problems: ErrorDetail[];
}

/**
 * Reads a /write body (blank lines and # comments skipped). A line that is not line protocol at all
 * throws a LineProtocolError, as InfluxDB refuses the whole write; valid line protocol that is not a
 * valid reading becomes a problem, so the error lists all of them.
 */
export function linesToCandidates(body: string, precision: string, now: number): LinesToCandidates {
  const candidates: Array<ReadingCandidate | undefined> = [];
  const problems: ErrorDetail[] = [];
  const lines = body.split("\n");
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.length === 0 || line.startsWith("#") || line.trim() === "") continue;
    const simple = simpleReadingLine(line, precision, now);
    if (simple) {
      candidates.push(simple);
      continue;
    }
    const result = lineToCandidate(parseLine(line, n + 1), precision, now);
    if (typeof result === "string") {
      problems.push({ index: candidates.length, message: result });
      candidates.push(undefined);
    } else candidates.push(result);
  }
  return { candidates, problems };
}
