// POST /api/v1/readings bodies read straight from the request's bytes. Almost every batch a station
// or gateway sends is `{"readings":[{"station":…,"parameter":…,"time":…,"value":…}, …]}`: that shape
// is read here into candidates with no parsed object, no string per reading (ids are decoded once
// per body and shared) and no string of the whole body. Anything else (escapes, non-ASCII text,
// censored readings, raw signals, a value that is not well formed, duplicate keys, a batch over the
// limit) makes the reader give up on the whole body, which then takes the JSON.parse → zod path as
// before, so every refusal is worded exactly as it was. Where it answers, it answers what
// `JSON.parse` → isBatchBody → isWellFormedReading → toCandidate answers
// (tests/unit/json-readings.test.ts).
import { CheckMemo, type ReadingCandidate } from "./reading-check.ts";
import { isRealIsoInstant } from "./reading-schema.ts";
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, MINUS, NINE, OPEN_BRACE, OPEN_BRACKET, POINT, POW10, QUOTE, ZERO } from "./ascii.ts";

/** JSON's number grammar (RFC 8259 §6), for the rare number plainDecimal does not read. */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** The keys the reader takes, as bytes; a second one of a key gives up (JSON.parse would keep the last). */
const KEYS = ["station", "parameter", "sensor", "time", "value", "uncertainty", "unit"] as const;
const [STATION, PARAMETER, SENSOR, TIME, VALUE, UNCERTAINTY] = [0, 1, 2, 3, 4, 5] as const;
const KEY_BYTES = KEYS.map((k) => Buffer.from(k));

const isSpace = (c: number | undefined): boolean => c === 32 || c === 10 || c === 13 || c === 9;
/** Digits, sign, point and exponent: what a JSON number is made of. */
const isNumberByte = (c: number | undefined): boolean => c !== undefined && ((c >= ZERO && c <= NINE) || c === MINUS || c === 43 || c === POINT || c === 101 || c === 69);

/**
 * Whether `a[aFrom, aFrom + length)` and `b[bFrom, bFrom + length)` hold the same bytes. A loop: the
 * runs compared here are ids of a few bytes, where a native compare's call costs more.
 */
function sameBytes(a: Uint8Array, aFrom: number, b: Uint8Array, bFrom: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (a[aFrom + i] !== b[bFrom + i]) return false;
  return true;
}

/** A string of the body, decoded once: where it was first seen, its text, and what else was worked out from it. */
interface BodyString {
  from: number;
  to: number;
  text: string;
  /** Its place among the body's strings (a series is keyed by its station's and parameter's). */
  id: number;
  /** As a reading's time: epoch milliseconds, or NaN when it is not a time the schema takes; unset until asked. */
  time?: number;
}

/** One body's reading: where it is, and what the readings read so far hold. */
class BodyReader {
  at = 0;
  /** Strings of this body by a hash of their bytes: each id is decoded once per body. */
  private readonly strings = new Map<number, BodyString>();
  private stringCount = 0;
  /** One CheckMemo per station and parameter: the catalog is looked up once per series and body. */
  private readonly memos = new Map<number, CheckMemo>();

  constructor(readonly body: Buffer) {}

  /** Consumes `byte` (after any whitespace); false if something else comes. */
  expect(byte: number): boolean {
    const body = this.body;
    let at = this.at;
    while (isSpace(body[at])) at++;
    if (body[at] !== byte) return false;
    this.at = at + 1;
    return true;
  }

  /**
   * The string coming next: the one decoded before from the same bytes in this body, if any.
   * Undefined for a string with escapes or anything but printable ASCII (the JSON.parse path decodes those).
   */
  string(): BodyString | undefined {
    const body = this.body;
    let at = this.at;
    while (isSpace(body[at])) at++;
    if (body[at] !== QUOTE) return undefined;
    const from = ++at;
    let hash = 0x811c9dc5;
    for (let c = body[at]; c !== QUOTE; c = body[++at]) {
      if (c === undefined || c === BACKSLASH || c < 32 || c > 126) return undefined;
      hash = Math.imul(hash ^ c, 0x01000193);
    }
    this.at = at + 1;
    // 30 bits: a small integer to V8 (a wider one would be boxed as a heap number for the look-up).
    hash &= 0x3fffffff;
    const known = this.strings.get(hash);
    if (known !== undefined && known.to - known.from === at - from && sameBytes(body, known.from, body, from, at - from)) return known;
    const read: BodyString = { from, to: at, text: body.toString("latin1", from, at), id: this.stringCount++ };
    if (known === undefined) this.strings.set(hash, read);
    return read;
  }

  /** Whether a string comes next (after any whitespace), without reading it. */
  stringNext(): boolean {
    let at = this.at;
    while (isSpace(this.body[at])) at++;
    return this.body[at] === QUOTE;
  }

  /**
   * A JSON number, as JSON.parse reads it; undefined if none comes here. A plain decimal of at most
   * 15 digits is an exact integer below 2^53 over an exact power of ten, so one division rounds it
   * to the nearest double as JSON.parse does (Clinger, "How to read floating point numbers
   * accurately", PLDI 1990: the fast path, as received-lines.ts plainDecimal).
   */
  number(): number | undefined {
    const body = this.body;
    let at = this.at;
    while (isSpace(body[at])) at++;
    const from = at;
    let c = body[at];
    const negative = c === MINUS;
    if (negative) c = body[++at];
    const intStart = at;
    let digits = 0;
    for (; c !== undefined && c >= ZERO && c <= NINE; c = body[++at]) digits = digits * 10 + c - ZERO;
    const intLength = at - intStart;
    let scale = 0;
    let point = false;
    if (c === POINT) {
      point = true;
      const fractionStart = ++at;
      for (c = body[at]; c !== undefined && c >= ZERO && c <= NINE; c = body[++at]) digits = digits * 10 + c - ZERO;
      scale = at - fractionStart;
    }
    const plain = intLength > 0 && !(intLength > 1 && body[intStart] === ZERO) && !(point && scale === 0) && intLength + scale <= 15;
    if (plain && !isNumberByte(c)) {
      this.at = at;
      const value = digits / POW10[scale]!;
      return negative ? -value : value;
    }
    // Exponents, more than 15 digits, malformed numbers: Number() rounds a JSON number as JSON.parse does.
    while (isNumberByte(body[at])) at++;
    const text = body.toString("latin1", from, at);
    if (!JSON_NUMBER.test(text)) return undefined;
    this.at = at;
    return Number(text);
  }

  /** The key coming next (`"<key>":`), as its index in KEYS; -1 if it is not one the reader takes. */
  key(): number {
    const body = this.body;
    let at = this.at;
    while (isSpace(body[at])) at++;
    if (body[at] !== QUOTE) return -1;
    const first = body[at + 1];
    for (let k = 0; k < KEY_BYTES.length; k++) {
      const bytes = KEY_BYTES[k]!;
      if (bytes[0] !== first || body[at + 1 + bytes.length] !== QUOTE || !sameBytes(bytes, 0, body, at + 1, bytes.length)) continue;
      this.at = at + bytes.length + 2;
      return this.expect(COLON) ? k : -1;
    }
    return -1;
  }

  memo(station: BodyString, parameter: BodyString): CheckMemo {
    const series = station.id * 0x100000 + parameter.id;
    let memo = this.memos.get(series);
    if (memo === undefined) this.memos.set(series, (memo = new CheckMemo()));
    return memo;
  }
}

/** Whether `s` is an id of `min` to `max` characters (the schema's lengths; the text is ASCII, one byte a character). */
const idLength = (s: BodyString | undefined, max: number, min = 1): boolean => s !== undefined && s.to - s.from >= min && s.to - s.from <= max;

/** A time string's epoch milliseconds (NaN where the schema refuses it), worked out once per body and string. */
function isoTime(s: BodyString): number {
  return (s.time ??= isRealIsoInstant(s.text) ? Date.parse(s.text) : NaN);
}

/** One reading object; undefined where it is not in the shape read here or not well formed (reading-schema.ts). */
function readReading(reader: BodyReader): ReadingCandidate | undefined {
  if (!reader.expect(OPEN_BRACE)) return undefined;
  let station: BodyString | undefined;
  let parameter: BodyString | undefined;
  let sensor: BodyString | undefined;
  let unit: BodyString | undefined;
  let time: number | undefined;
  let value: number | undefined;
  let uncertainty: number | undefined;
  let seen = 0;
  do {
    const key = reader.key();
    if (key < 0 || seen & (1 << key)) return undefined;
    seen |= 1 << key;
    if (key === VALUE || key === UNCERTAINTY) {
      const n = reader.number();
      if (n === undefined) return undefined;
      if (key === VALUE) value = n;
      else uncertainty = n;
    } else if (key === TIME) {
      if (reader.stringNext()) {
        const s = reader.string();
        time = s === undefined ? undefined : isoTime(s);
        if (Number.isNaN(time)) return undefined;
      } else {
        time = reader.number();
        // isWellFormedReading: epoch milliseconds are a whole number ≥ 0.
        if (time === undefined || !Number.isInteger(time) || time < 0) return undefined;
      }
      if (time === undefined) return undefined;
    } else {
      const s = reader.string();
      if (s === undefined) return undefined;
      if (key === STATION) station = s;
      else if (key === PARAMETER) parameter = s;
      else if (key === SENSOR) sensor = s;
      else unit = s;
    }
  } while (reader.expect(COMMA));
  if (!reader.expect(CLOSE_BRACE)) return undefined;
  // isWellFormedReading's rules for the keys read here: a value is the reading's one result.
  if (!idLength(station, 100) || !idLength(parameter, 100) || value === undefined || time === undefined) return undefined;
  if (sensor !== undefined && !idLength(sensor, 100)) return undefined;
  if (unit !== undefined && !idLength(unit, 32, 0)) return undefined;
  return {
    station: station!.text,
    parameter: parameter!.text,
    sensor: sensor?.text,
    time,
    value,
    qualifier: null,
    limit: null,
    uncertainty: uncertainty ?? null,
    rawSignal: null,
    calibration: null,
    unit: unit?.text,
    memo: reader.memo(station!, parameter!),
  };
}

/**
 * The candidates of a JSON ingest body `{"readings":[…]}` of 1 to `maxReadings` readings, each in the
 * common shape and well formed; undefined for any other body, which the JSON.parse path then reads.
 */
export function readJsonReadings(body: Buffer, maxReadings: number): ReadingCandidate[] | undefined {
  const reader = new BodyReader(body);
  if (!reader.expect(OPEN_BRACE)) return undefined;
  const key = reader.string();
  if (key === undefined || key.text !== "readings") return undefined;
  if (!reader.expect(COLON) || !reader.expect(OPEN_BRACKET)) return undefined;
  const candidates: ReadingCandidate[] = [];
  do {
    if (candidates.length === maxReadings) return undefined;
    const candidate = readReading(reader);
    if (candidate === undefined) return undefined;
    candidates.push(candidate);
  } while (reader.expect(COMMA));
  if (!reader.expect(CLOSE_BRACKET) || !reader.expect(CLOSE_BRACE)) return undefined;
  let end = reader.at;
  while (isSpace(body[end])) end++;
  return end === body.length ? candidates : undefined;
}
