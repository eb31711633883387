// InfluxDB 1.x line protocol parser (pure):
//   measurement[,tag=value…] field=value[,field=value…] [timestamp]
// Escapes: measurement `\,` `\ `; tag keys/values and field keys `\,` `\=` `\ `; string field values
// in double quotes with `\"` and `\\`. Integers end in `i`; booleans t/T/true/True/TRUE/f/…
export type FieldValue = number | string | boolean | { integer: number };

export interface ParsedLine {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Timestamp digits as sent (precision applied by the caller), or undefined. */
  timestamp: string | undefined;
}

export class LineProtocolError extends Error {
  override readonly name = "LineProtocolError";
  constructor(
    readonly lineNumber: number,
    readonly line: string,
    reason: string,
  ) {
    super(`unable to parse '${line.length > 200 ? `${line.slice(0, 200)}…` : line}': ${reason}`);
  }
}

const BOOLEANS: Record<string, boolean> = { t: true, T: true, true: true, True: true, TRUE: true, f: false, F: false, false: false, False: false, FALSE: false };
const FLOAT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER = /^[-+]?\d+i$/;

/** Reads up to an unescaped delimiter; returns [text, index of delimiter or end]. */
function readToken(line: string, start: number, delimiters: string, escapable: string): [string, number] {
  let out = "";
  let i = start;
  while (i < line.length) {
    const c = line[i]!;
    if (c === "\\" && i + 1 < line.length && escapable.includes(line[i + 1]!)) {
      out += line[i + 1];
      i += 2;
      continue;
    }
    if (delimiters.includes(c)) break;
    out += c;
    i++;
  }
  return [out, i];
}

/** A float or integer (`12i`) field value as a number; undefined for anything else. */
export function parseNumericField(raw: string): number | undefined {
  if (FLOAT.test(raw)) return Number(raw);
  if (INTEGER.test(raw)) return Number(raw.slice(0, -1));
  return undefined;
}

function parseFieldValue(raw: string): FieldValue | undefined {
  if (INTEGER.test(raw)) return { integer: Number(raw.slice(0, -1)) };
  if (FLOAT.test(raw)) return Number(raw);
  if (raw in BOOLEANS) return BOOLEANS[raw];
  return undefined;
}

/**
 * Fast path for the common line without escapes or string fields; returns undefined for anything
 * else, which then goes through the full parser (and its error messages).
 */
function parseSimpleLine(line: string): ParsedLine | undefined {
  if (line.includes("\\") || line.includes('"')) return undefined;
  const parts = line.split(" ");
  if (parts.length < 2 || parts.length > 3) return undefined;
  const head = parts[0]!.split(",");
  const measurement = head[0]!;
  if (!measurement) return undefined;
  const tags: Record<string, string> = {};
  for (let i = 1; i < head.length; i++) {
    const kv = head[i]!;
    const eq = kv.indexOf("=");
    if (eq <= 0 || eq === kv.length - 1 || kv.indexOf("=", eq + 1) >= 0) return undefined;
    tags[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const fields: Record<string, FieldValue> = {};
  for (const kv of parts[1]!.split(",")) {
    const eq = kv.indexOf("=");
    if (eq <= 0) return undefined;
    const value = parseFieldValue(kv.slice(eq + 1));
    if (value === undefined) return undefined;
    fields[kv.slice(0, eq)] = value;
  }
  const timestamp = parts[2];
  if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) return undefined;
  return { measurement, tags, fields, timestamp };
}

export function parseLine(line: string, lineNumber = 1): ParsedLine {
  const simple = parseSimpleLine(line);
  if (simple) return simple;
  const fail = (reason: string) => new LineProtocolError(lineNumber, line, reason);
  const [measurement, measurementEnd] = readToken(line, 0, ", ", ", ");
  let i = measurementEnd;
  if (!measurement) throw fail("missing measurement");
  const tags: Record<string, string> = {};
  while (line[i] === ",") {
    const [key, keyEnd] = readToken(line, i + 1, "=, ", ",= ");
    if (line[keyEnd] !== "=" || !key) throw fail("missing tag key or '='");
    const [value, valueEnd] = readToken(line, keyEnd + 1, ", ", ",= ");
    if (!value) throw fail(`missing tag value for ${key}`);
    tags[key] = value;
    i = valueEnd;
  }
  if (line[i] !== " ") throw fail("missing fields");
  while (line[i] === " ") i++;
  const fields: Record<string, FieldValue> = {};
  for (;;) {
    const [key, keyEnd] = readToken(line, i, "=, ", ",= ");
    if (line[keyEnd] !== "=" || !key) throw fail("missing field key or '='");
    i = keyEnd + 1;
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\" && (line[i + 1] === '"' || line[i + 1] === "\\")) i++;
        value += line[i];
        i++;
      }
      if (line[i] !== '"') throw fail(`unterminated string in field ${key}`);
      i++;
      fields[key] = value;
    } else {
      const [raw, end] = readToken(line, i, ", ", "");
      const value = parseFieldValue(raw);
      if (value === undefined) throw fail(`invalid field value for ${key}: ${JSON.stringify(raw)}`);
      fields[key] = value;
      i = end;
    }
    if (line[i] === ",") {
      i++;
      continue;
    }
    break;
  }
  while (line[i] === " ") i++;
  let timestamp: string | undefined;
  if (i < line.length) {
    timestamp = line.slice(i).trim();
    if (!/^-?\d+$/.test(timestamp)) throw fail(`bad timestamp ${JSON.stringify(timestamp)}`);
  }
  return { measurement, tags, fields, timestamp };
}

const PRECISION_TO_MS: Record<string, bigint | number> = { n: 1_000_000n, ns: 1_000_000n, u: 1_000n, us: 1_000n, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function isPrecision(p: string): boolean {
  return p in PRECISION_TO_MS;
}

/** Converts timestamp digits at `precision` to epoch ms (sub-millisecond parts are truncated). */
export function timestampToMs(digits: string, precision: string): number {
  const factor = PRECISION_TO_MS[precision];
  if (factor === undefined) throw new Error(`invalid precision ${precision}`);
  if (typeof factor === "bigint") return Number(BigInt(digits) / factor);
  return Number(digits) * factor;
}
