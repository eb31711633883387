// Line protocol → reading candidates for the InfluxDB-compatible /write. Almost every line a station
// or Telegraf sends has one shape, `reading,station=…,parameter=…[,sensor=…][,other tags] value=<number> <time>`;
// that shape is read straight into a candidate. Anything else goes through the general parser, which
// also words the errors.
import type { ErrorDetail } from "../errors.ts";
import { QUALIFIER, type Qualifier } from "../../../common/reading.ts";
import { FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import type { ReadingCandidate } from "./reading-check.ts";
import { parseLine, parseNumericField, timestampToMs, type FieldValue, type ParsedLine } from "./line-protocol.ts";
import { readReceivedLine, type TagSets } from "./received-lines.ts";
import { readTags } from "./simple-tags.ts";

const ACCEPTED_FIELDS = new Set<string>([FIELD.value, FIELD.lod, FIELD.loq, FIELD.qualifier, FIELD.uncertainty, FIELD.raw, FIELD.calibration]);
/** The limit field each qualifier comes with. */
const LIMIT_FIELD: Readonly<Record<Qualifier, string>> = { [QUALIFIER.belowLod]: FIELD.lod, [QUALIFIER.belowLoq]: FIELD.loq };
const SEND =
  `send ${FIELD.value}, or ${FIELD.lod} with ${FIELD.qualifier}="${QUALIFIER.belowLod}", or ${FIELD.loq} with ${FIELD.qualifier}="${QUALIFIER.belowLoq}" ` +
  `(optionally ${FIELD.uncertainty}, and ${FIELD.raw} with ${FIELD.calibration})`;
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
  if (unknown.length > 0) return `field(s) ${unknown.join(", ")} not accepted; ${SEND}`;
  const numbers: Record<string, number | undefined> = {};
  for (const name of [FIELD.value, FIELD.lod, FIELD.loq, FIELD.uncertainty, FIELD.raw, FIELD.calibration]) {
    const raw = line.fields[name];
    if (raw === undefined) continue;
    const n = numeric(raw);
    if (n === undefined) return `field ${name} must be a number`;
    numbers[name] = n;
  }
  const qualifierField = line.fields[FIELD.qualifier];
  let qualifier: Qualifier | null = null;
  if (qualifierField !== undefined) {
    if (qualifierField !== QUALIFIER.belowLod && qualifierField !== QUALIFIER.belowLoq) {
      return `field ${FIELD.qualifier} must be the string "${QUALIFIER.belowLod}" or "${QUALIFIER.belowLoq}"`;
    }
    qualifier = qualifierField;
  }
  const lod = numbers[FIELD.lod];
  const loq = numbers[FIELD.loq];
  if (lod !== undefined && loq !== undefined) return `send ${FIELD.lod} or ${FIELD.loq}, not both: a reading lies below one limit`;
  if (qualifier === null && (lod !== undefined || loq !== undefined)) return `${lod !== undefined ? FIELD.lod : FIELD.loq} needs ${FIELD.qualifier}; ${SEND}`;
  if (qualifier !== null && numbers[LIMIT_FIELD[qualifier]] === undefined) return `${FIELD.qualifier}="${qualifier}" goes with field ${LIMIT_FIELD[qualifier]}`;
  const calibration = numbers[FIELD.calibration];
  if (calibration !== undefined && !Number.isInteger(calibration)) return `field ${FIELD.calibration} must be a whole version number (e.g. 3i)`;
  let time = now;
  if (line.timestamp !== undefined) {
    try {
      time = timestampToMs(line.timestamp, precision);
    } catch {
      return `bad timestamp ${line.timestamp}`;
    }
  }
  return {
    station,
    parameter,
    sensor: line.tags[TAG.sensor],
    time,
    value: numbers[FIELD.value] ?? null,
    qualifier,
    limit: qualifier === null ? null : (lod ?? loq ?? null),
    uncertainty: numbers[FIELD.uncertainty] ?? null,
    rawSignal: numbers[FIELD.raw] ?? null,
    calibration: calibration ?? null,
  };
}

/**
 * The common measured-value line read without intermediate objects; undefined for any other shape
 * (escapes, strings, other fields or measurements, extra spaces), which the general path then handles.
 * Where it answers, it answers exactly what `lineToCandidate(parseLine(line))` would.
 */
export function simpleReadingLine(line: string, precision: string, now: number): ReadingCandidate | undefined {
  return readSimpleLine(line, precision, now, false);
}

/**
 * A value InfluxDB reads as the very float the parsing path would store: plain decimal digits, no
 * exponent, `i` suffix, `+`, leading zeros or bare point (line protocol takes numbers without `i`
 * as floats; both sides round a decimal to the nearest double).
 */
const CANONICAL_VALUE = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const CANONICAL_TIME = /^[1-9]\d*$/;

/**
 * simpleReadingLine; with `keepCanonical`, a line already in the form InfluxDB will store comes back
 * with the candidate (`line`), for ingest to forward (influx/stored-lines.ts passThroughLine): tags
 * station, parameter and maybe sensor only (any other tag would have to be removed), each once; a
 * plain decimal value (a negative zero is stored as 0); a timestamp, at millisecond precision.
 */
function readSimpleLine(line: string, precision: string, now: number, keepCanonical: boolean): ReadingCandidate | undefined {
  if (!line.startsWith(MEASUREMENT_PREFIX) || line.includes("\\") || line.includes('"')) return undefined;
  const fieldsStart = line.indexOf(" ") + 1;
  if (fieldsStart === 0 || !line.startsWith(VALUE_PREFIX, fieldsStart)) return undefined;
  const tags = readTags(line, MEASUREMENT_PREFIX.length, fieldsStart - 1);
  if (!tags) return undefined;
  const { station, parameter, sensor } = tags;
  let canonical = keepCanonical && precision === "ms" && tags.canonical;
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
    canonical &&= CANONICAL_TIME.test(digits) && CANONICAL_VALUE.test(rawValue) && !(value === 0 && rawValue.startsWith("-"));
  } else canonical = false;
  return { station, parameter, sensor, time, value, qualifier: null, limit: null, uncertainty: null, rawSignal: null, calibration: null, line: canonical ? line : undefined };
}

export interface LinesToCandidates {
  /** One per non-blank, non-comment line; undefined where the line is not a valid reading. */
  candidates: Array<ReadingCandidate | undefined>;
  /** Why those lines are not valid readings, by index into `candidates`. */
  problems: ErrorDetail[];
}

/** The UTF-8 byte order mark, which a text decoder drops from the start of a body. */
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Reads a /write body (blank lines and # comments skipped). A line that is not line protocol at all
 * throws a LineProtocolError, as InfluxDB refuses the whole write; valid line protocol that is not a
 * valid reading becomes a problem, so the error lists all of them. The body is read as bytes (UTF-8,
 * as InfluxDB reads them; a body given as text is encoded first). A line in the canonical form at
 * millisecond precision is read from the bytes with no string of it at all (received-lines.ts); any
 * other line is decoded on its own, so a large body never becomes one large string (which V8
 * allocates straight into its old generation) that every line's slice keeps alive until the request
 * is answered.
 */
export function linesToCandidates(received: string | Buffer, precision: string, now: number): LinesToCandidates {
  const body = typeof received === "string" ? Buffer.from(received) : received;
  const candidates: Array<ReadingCandidate | undefined> = [];
  const problems: ErrorDetail[] = [];
  const length = body.length;
  const tagSets: TagSets | undefined = precision === "ms" ? new Map() : undefined;
  let start = body.subarray(0, 3).equals(BOM) ? 3 : 0;
  for (let n = 0; start <= length; n++) {
    let end = body.indexOf(10, start);
    if (end < 0) end = length;
    const lineStart = start;
    start = end + 1;
    const received = tagSets && readReceivedLine(body, lineStart, end > lineStart && body[end - 1] === 13 ? end - 1 : end, tagSets);
    if (received) {
      candidates.push(received);
      continue;
    }
    let line = body.toString("utf8", lineStart, end);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.length === 0 || line.startsWith("#") || line.trim() === "") continue;
    const simple = readSimpleLine(line, precision, now, true);
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
