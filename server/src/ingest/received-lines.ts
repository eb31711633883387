// The /write lines that pass through as received, read from the request's bytes: no string per line.
// A line `reading,<tags> value=<v> <ms>` at millisecond precision, whose tags are station, parameter
// and maybe sensor (each once, plain ASCII, no escapes), whose value is a plain decimal and whose
// time is epoch milliseconds (issue #20's canonical form; reading-lines.ts readSimpleLine decides the
// same on text) becomes a ReceivedLine: its numbers read straight from the bytes, its tags from a
// per-body cache of tag sets (a gateway sends the same few series over and over), and the offsets
// ingest needs to write its stored line by copying the received bytes (stored-lines.ts
// writePassThrough). Every other line is left to the text path, which answers for it as before.
import type { Reading } from "../../../common/reading.ts";
import { FIELD, MEASUREMENT } from "../../../common/wire.ts";
import { passThroughGrowth, writePassThrough } from "../influx/stored-lines.ts";
import { CheckMemo, type ReadingCandidate } from "./reading-check.ts";
import { readTags, type SimpleTags } from "./simple-tags.ts";
import { BACKSLASH, MINUS, NINE, POINT, POW10, QUOTE, SPACE, ZERO } from "./ascii.ts";

const PREFIX = Buffer.from(`${MEASUREMENT},`);
const VALUE_PREFIX = Buffer.from(`${FIELD.value}=`);

/** A candidate read from a canonical received line, which it keeps as offsets into the body. */
export class ReceivedLine implements ReadingCandidate {
  readonly qualifier = null;
  readonly limit = null;
  readonly uncertainty = null;
  readonly rawSignal = null;
  readonly calibration = null;
  // Private: equal candidates compare equal whatever body and offsets they were read from.
  readonly #body: Buffer;
  readonly #start: number;
  readonly #fieldsStart: number;
  readonly #valueEnd: number;
  readonly #end: number;
  readonly #tagSet: TagSet;

  constructor(
    readonly station: string,
    readonly parameter: string,
    readonly sensor: string | undefined,
    readonly time: number,
    readonly value: number,
    body: Buffer,
    start: number,
    fieldsStart: number,
    valueEnd: number,
    end: number,
    tagSet: TagSet,
  ) {
    this.#body = body;
    this.#start = start;
    this.#fieldsStart = fieldsStart;
    this.#valueEnd = valueEnd;
    this.#end = end;
    this.#tagSet = tagSet;
  }

  /** What checking the body's first reading of this series found in the catalog, for the next ones (reading-check.ts). */
  get memo(): CheckMemo {
    return (this.#tagSet.memo ??= new CheckMemo());
  }

  /** The line as text (ReadingCandidate.line); ingest itself copies the bytes (writeStored). */
  get line(): string {
    return this.#body.toString("utf8", this.#start, this.#end);
  }

  /** Most bytes writeStored writes for `reading`. */
  storedBytes(reading: Reading): number {
    return this.#end - this.#start + passThroughGrowth(reading.sensor, this.#valueEnd - this.#fieldsStart);
  }

  /** Writes `reading`'s stored line (and a newline) into `out` at `at`; returns the offset after it. */
  writeStored(reading: Reading, out: Uint8Array, at: number): number {
    return writePassThrough(this.#body, this.#start, this.#fieldsStart, this.#valueEnd, this.#end, reading, this.sensor !== undefined, out, at);
  }
}

/** A tag set seen in this body: where (to compare the next one against), and what it says. */
interface TagSet {
  from: number;
  to: number;
  tags: SimpleTags | undefined;
  /** The catalog check's findings for this series (ReceivedLine.memo). */
  memo?: CheckMemo;
}

/** The tag sets of one body, by a hash of their bytes. */
export type TagSets = Map<number, TagSet>;

/**
 * The tag set `body[from, to)`: from `seen` when the same bytes came before in this body, else read
 * as text (once per tag set) and remembered. Its tags are undefined where they are not canonical.
 */
function tagSetOf(body: Buffer, from: number, to: number, hash: number, seen: TagSets): TagSet {
  const known = seen.get(hash);
  if (known !== undefined && known.to - known.from === to - from) {
    let same = true;
    for (let i = 0; i < to - from; i++) {
      if (body[known.from + i] !== body[from + i]) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  const head = body.toString("latin1", from, to);
  const read = readTags(head, 0, head.length);
  const tagSet: TagSet = { from, to, tags: read?.canonical ? read : undefined };
  if (known === undefined) seen.set(hash, tagSet);
  return tagSet;
}

/**
 * A plain decimal `-?(0|[1-9]\d*)(\.\d+)?` in `body[from, to)` as the double Number() makes of it;
 * undefined for any other form, for more than 15 digits, and for a negative zero (stored as 0 by the
 * parsing path). With at most 15 digits the digits are an exact integer below 2^53 and 10^k is
 * exact, so one division rounds once, to the double nearest the decimal, as Number() does
 * (Clinger, "How to read floating point numbers accurately", PLDI 1990: the fast path).
 */
function plainDecimal(body: Buffer, from: number, to: number): number | undefined {
  let i = from;
  const negative = body[i] === MINUS;
  if (negative) i++;
  const intStart = i;
  let digits = 0;
  while (i < to && body[i]! >= ZERO && body[i]! <= NINE) digits = digits * 10 + body[i++]! - ZERO;
  const intLength = i - intStart;
  if (intLength === 0 || (intLength > 1 && body[intStart] === ZERO)) return undefined;
  let scale = 0;
  if (i < to) {
    if (body[i] !== POINT) return undefined;
    const fractionStart = ++i;
    while (i < to && body[i]! >= ZERO && body[i]! <= NINE) digits = digits * 10 + body[i++]! - ZERO;
    scale = i - fractionStart;
    if (scale === 0 || i !== to) return undefined;
  }
  if (intLength + scale > 15) return undefined;
  const value = digits / POW10[scale]!;
  if (negative && value === 0) return undefined;
  return negative ? -value : value;
}

/** Epoch milliseconds `[1-9]\d*` in `body[from, to)` (at most 15 digits); undefined otherwise. */
function plainTime(body: Buffer, from: number, to: number): number | undefined {
  if (to - from === 0 || to - from > 15 || body[from] === ZERO) return undefined;
  let time = 0;
  for (let i = from; i < to; i++) {
    const c = body[i]!;
    if (c < ZERO || c > NINE) return undefined;
    time = time * 10 + c - ZERO;
  }
  return time;
}

/**
 * The line `body[start, end)` (no line end) as a ReceivedLine when it is canonical at millisecond
 * precision; undefined for any other line, which the text path then reads.
 */
export function readReceivedLine(body: Buffer, start: number, end: number, seen: TagSets): ReceivedLine | undefined {
  if (end - start <= PREFIX.length) return undefined;
  for (let i = 0; i < PREFIX.length; i++) if (body[start + i] !== PREFIX[i]) return undefined;
  const tagsFrom = start + PREFIX.length;
  // FNV-1a over the tag bytes, found on the way to the space before the fields.
  let hash = 0x811c9dc5;
  let space = tagsFrom;
  for (; space < end; space++) {
    const c = body[space]!;
    if (c === SPACE) break;
    // Escapes, quotes and non-ASCII text are the text path's to read (it decodes them).
    if (c === BACKSLASH || c === QUOTE || c > 127) return undefined;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  if (space === end) return undefined;
  const valueStart = space + 1 + VALUE_PREFIX.length;
  if (valueStart >= end) return undefined;
  for (let i = 0; i < VALUE_PREFIX.length; i++) if (body[space + 1 + i] !== VALUE_PREFIX[i]) return undefined;
  let valueEnd = valueStart;
  while (valueEnd < end && body[valueEnd] !== SPACE) valueEnd++;
  if (valueEnd === end) return undefined;
  const value = plainDecimal(body, valueStart, valueEnd);
  if (value === undefined) return undefined;
  const time = plainTime(body, valueEnd + 1, end);
  if (time === undefined) return undefined;
  // 30 bits: a small integer to V8 (a wider one would be boxed as a heap number, for every line's map look-up).
  const tagSet = tagSetOf(body, tagsFrom, space, hash & 0x3fffffff, seen);
  const tags = tagSet.tags;
  if (tags === undefined) return undefined;
  return new ReceivedLine(tags.station, tags.parameter, tags.sensor, time, value, body, start, space, valueEnd, end, tagSet);
}
