// The line protocol Water Monitor stores a reading as (measurement `reading` in the raw retention
// policy, millisecond precision). Two ways to the same stored point: `storedLine` builds it from a
// Reading; `passThroughLine` splices the server's fields into a line a station sent already in that
// form but for them (reading-lines.ts decides which lines those are), so /write forwards the received
// text rather than formatting every number again. The ingest journal keeps these lines as they go to
// InfluxDB (journal.ts); stored-reading.ts reads them back.
import { QC, type Reading } from "../../../common/reading.ts";
import { FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import { PairCache } from "../util/pair-cache.ts";

/**
 * A name or tag value in line protocol (tag values are catalog ids, but escape anyway: line protocol
 * breaks on `,`, `=`, spaces and line ends).
 */
export const escapeTag = (v: string): string => v.replace(/[\n\r]/g, "").replace(/[,= \\]/g, (c) => `\\${c}`);

const sensorTags = new Map<string, string>();
/** `,sensor=<id>`, built once per sensor; "" for readings of no named sensor (see seriesPrefixes). */
function sensorTag(sensor: string): string {
  let tag = sensorTags.get(sensor);
  if (tag === undefined) sensorTags.set(sensor, (tag = sensor === "" ? "" : `,${TAG.sensor}=${escapeTag(sensor)}`));
  return tag;
}

/** A series' stored-line prefix, as text and as the bytes writeStoredLine copies. */
interface SeriesPrefix {
  sensor: string;
  text: string;
  bytes: Buffer;
  /** The prefix of another sensor of the same station and parameter (a prototype beside the primary one). */
  next: SeriesPrefix | undefined;
}

/**
 * `reading,parameter=…,sensor=…,station=…` per series, built once: the hot path only appends fields.
 * Tags in key order, as InfluxDB sorts them anyway. Readings journaled or spooled by a version
 * before sensors existed have sensor "" (stored-reading.ts); they are written untagged, which reads
 * as the primary sensor. Per station and parameter a short list by sensor (almost always one), and
 * the text decoded from the bytes: a flat string, not the tree of pieces a template literal leaves
 * (see flatString). With a Map and a closure per series instead, and the pieces, the prefixes held
 * 12.5 MB of heap at 20,000 series.
 */
const seriesPrefixes = new PairCache((_station: string, _parameter: string): { first: SeriesPrefix | undefined } => ({ first: undefined }));

function seriesPrefix(station: string, parameter: string, sensor: string): SeriesPrefix {
  const list = seriesPrefixes.get(station, parameter);
  for (let p = list.first; p !== undefined; p = p.next) if (p.sensor === sensor) return p;
  const bytes = Buffer.from(`${MEASUREMENT},${TAG.parameter}=${escapeTag(parameter)}${sensorTag(sensor)},${TAG.station}=${escapeTag(station)} `);
  return (list.first = { sensor, text: bytes.toString(), bytes, next: list.first });
}

/** The limit field a censored reading's limit is stored in. */
const LIMIT_FIELD = { "<LOD": FIELD.lod, "<LOQ": FIELD.loq } as const;

/**
 * One reading's stored line, without the newline. QC-failed readings carry neither mean_value nor
 * below_lod, so rollups (mean, counts, censored counts) see only usable values. A censored reading's
 * mean_value is half the limit it carries: LOQ/2 for <LOQ, LOD/2 for <LOD (Directive 2009/90/EC,
 * Art. 5(1), applied with the limit the value carries). Readings taken during a maintenance window
 * are QC-failed (they carry no mean_value either) and marked `maintenance=1i`.
 */
export function storedLine(r: Reading): string {
  const usable = r.qc !== QC.fail;
  let line = `${seriesPrefix(r.station, r.parameter, r.sensor).text}${FIELD.qc}=${r.qc}i`;
  if (r.value !== null) {
    line += `,${FIELD.value}=${r.value}`;
    if (usable) line += `,${FIELD.meanValue}=${r.value},${FIELD.belowLod}=0i`;
  } else if (r.qualifier !== null && r.limit !== null) {
    line += `,${LIMIT_FIELD[r.qualifier]}=${r.limit},${FIELD.qualifier}="${r.qualifier}"`;
    if (usable) line += `,${FIELD.meanValue}=${r.limit / 2},${FIELD.belowLod}=1i`;
  }
  if (r.uncertainty !== null) line += `,${FIELD.uncertainty}=${r.uncertainty}`;
  if (r.rawSignal !== null) line += `,${FIELD.raw}=${r.rawSignal},${FIELD.calibration}=${r.calibration}i`;
  if (r.maintenance) line += `,${FIELD.maintenance}=1i`;
  return `${line} ${r.time}`;
}

const VALUE_PREFIX = `${FIELD.value}=`;

/**
 * The fields storedLine writes around a measured value, by QC flag, as bytes built once:
 * `qc=<flag>i,value=` before it, `,mean_value=` between it and its copy (usable readings only), and
 * what follows the copy (`,below_lod=0i`).
 */
const QC_VALUE_BYTES: ReadonlyArray<Buffer | undefined> = (() => {
  const table: Array<Buffer | undefined> = [];
  for (const qc of Object.values(QC)) table[qc] = Buffer.from(`${FIELD.qc}=${qc}i,${FIELD.value}=`);
  return table;
})();
const MEAN_VALUE_BYTES = Buffer.from(`,${FIELD.meanValue}=`);
const NOT_CENSORED_BYTES = Buffer.from(`,${FIELD.belowLod}=0i`);
const MAINTENANCE_BYTES = Buffer.from(`,${FIELD.maintenance}=1i`);
/**
 * Most bytes writeStoredLine writes after the series prefix: the fields above (52), the maintenance
 * mark (15), the value twice and the time (a number is at most 24 characters, e.g.
 * -2.2250738585072014e-308), a space and the newline: 126, rounded up.
 */
export const MEASURED_FIELDS_MAX = 160;

/** Writes the characters of `text` (ASCII: a number) into `out` at `at`; returns the offset after them. */
function putAscii(text: string, out: Uint8Array, at: number): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** Writes `n`, a whole number ≥ 0 (a time), in decimal into `out` at `at`; returns the offset after it. */
function putWhole(n: number, out: Uint8Array, at: number): number {
  if (!(Number.isSafeInteger(n) && n >= 0)) return putAscii(String(n), out, at);
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = n;
  for (let i = at + digits - 1; i >= at; i--) {
    const next = Math.floor(rest / 10);
    out[i] = 48 + (rest - next * 10);
    rest = next;
  }
  return at + digits;
}

/**
 * The series prefix writeStoredLine starts `r`'s line with (a line of at most its length plus
 * MEASURED_FIELDS_MAX bytes); undefined where it leaves `r` to storedLine.
 */
export function measuredLinePrefix(r: Reading): Buffer | undefined {
  if (r.value === null || r.uncertainty !== null || r.rawSignal !== null) return undefined;
  return seriesPrefix(r.station, r.parameter, r.sensor).bytes;
}

/**
 * storedLine for a measured value with no uncertainty or raw signal (what almost every station
 * sends), written as bytes into `out` at `at` with a newline, with no string of the line: the series
 * `prefix` (measuredLinePrefix) and the field names are bytes built once, the time's digits are
 * written one by one. `out` must have room for the prefix and MEASURED_FIELDS_MAX bytes. Returns the
 * offset after the newline.
 */
export function writeStoredLine(r: Reading, prefix: Buffer, out: Uint8Array, at: number): number {
  at = put(prefix, 0, prefix.length, out, at);
  const qcValue = QC_VALUE_BYTES[r.qc]!;
  at = put(qcValue, 0, qcValue.length, out, at);
  const value = String(r.value);
  at = putAscii(value, out, at);
  if (r.qc !== QC.fail) {
    at = put(MEAN_VALUE_BYTES, 0, MEAN_VALUE_BYTES.length, out, at);
    at = putAscii(value, out, at);
    at = put(NOT_CENSORED_BYTES, 0, NOT_CENSORED_BYTES.length, out, at);
  }
  if (r.maintenance) at = put(MAINTENANCE_BYTES, 0, MAINTENANCE_BYTES.length, out, at);
  out[at++] = 32;
  at = putWhole(r.time, out, at);
  out[at++] = 10;
  return at;
}

/**
 * The fields pass-through adds after the received `value=<v>`, by QC flag and maintenance, as bytes
 * built once: `,qc=<flag>i`, the maintenance mark, and for a usable reading `below_lod=0i` and
 * `mean_value=`, after which the value's digits follow. (InfluxDB takes a point's fields in any order.)
 */
const FIELD_BYTES: ReadonlyArray<Buffer | undefined> = (() => {
  const table: Array<Buffer | undefined> = [];
  for (const qc of Object.values(QC)) {
    for (const maintenance of [false, true]) {
      let fields = `,${FIELD.qc}=${qc}i`;
      if (maintenance) fields += `,${FIELD.maintenance}=1i`;
      if (qc !== QC.fail) fields += `,${FIELD.belowLod}=0i,${FIELD.meanValue}=`;
      table[qc * 2 + (maintenance ? 1 : 0)] = Buffer.from(fields);
    }
  }
  return table;
})();
const LONGEST_FIELDS = Math.max(...FIELD_BYTES.filter((b) => b !== undefined).map((b) => b.length));
const sensorTagBytes = new Map<string, Buffer>();

/** A DataView of a byte array, kept while the same array comes again (a request's body; the output buffer). */
class ViewCache {
  private view: DataView | undefined;
  private bytes: Uint8Array | undefined;
  of(bytes: Uint8Array): DataView {
    if (this.bytes !== bytes) {
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return this.view!;
  }
}
const receivedViews = new ViewCache();
const outViews = new ViewCache();

/**
 * Copies `src[from, to)` into `out` at `at`; returns the offset after it. The runs spliced here are a
 * few dozen bytes, where a native copy's call (and the view it makes) costs more than the copy:
 * four bytes at a time through DataViews where given (half the time of a byte loop), else byte by byte.
 */
function put(src: Uint8Array, from: number, to: number, out: Uint8Array, at: number, srcView?: DataView, outView?: DataView): number {
  let i = from;
  if (srcView !== undefined && outView !== undefined) for (; i + 4 <= to; i += 4, at += 4) outView.setUint32(at, srcView.getUint32(i));
  for (; i < to; i++) out[at++] = src[i]!;
  return at;
}

/** Most bytes writePassThrough adds to a received line (its sensor tag, QC and derived fields, newline). */
export function passThroughGrowth(sensor: string, valueBytes: number): number {
  return sensor.length * 3 + 8 + LONGEST_FIELDS + valueBytes + 1;
}

/**
 * passThroughLine on bytes: reading `r`'s stored line written into `out` at `at`, followed by a
 * newline, from the received line `received[start, end)` whose fields begin after the space at
 * `fieldsStart` and whose value ends at the space `valueEnd`. No string is made: the received bytes
 * are copied as they are, in as few runs as the splice allows. `out` must have room for the line
 * plus passThroughGrowth. Returns the offset after the newline.
 */
export function writePassThrough(received: Uint8Array, start: number, fieldsStart: number, valueEnd: number, end: number, r: Reading, namedSensor: boolean, out: Uint8Array, at: number): number {
  const from = receivedViews.of(received);
  const to = outViews.of(out);
  if (!namedSensor && r.sensor !== "") {
    let tag = sensorTagBytes.get(r.sensor);
    if (tag === undefined) sensorTagBytes.set(r.sensor, (tag = Buffer.from(sensorTag(r.sensor))));
    at = put(received, start, fieldsStart, out, at, from, to);
    at = put(tag, 0, tag.length, out, at);
    at = put(received, fieldsStart, valueEnd, out, at, from, to);
  } else at = put(received, start, valueEnd, out, at, from, to);
  const fields = FIELD_BYTES[r.qc * 2 + (r.maintenance ? 1 : 0)]!;
  at = put(fields, 0, fields.length, out, at);
  if (r.qc !== QC.fail) at = put(received, fieldsStart + 1 + VALUE_PREFIX.length, valueEnd, out, at);
  at = put(received, valueEnd, end, out, at, from, to);
  out[at++] = 10;
  return at;
}

/**
 * The stored line of reading `r`, received as `received`: a line `reading,<tags> value=<v> <ms>`
 * whose tags are station, parameter and maybe sensor with the catalog's ids, `<v>` a plain decimal
 * and `<ms>` epoch milliseconds (reading-lines.ts `canonical`). The received text stays as it is:
 * the sensor tag is added when the line named none (the reading is the primary sensor's), and the
 * QC flag and the fields storedLine derives from the value are added after `value=<v>`. Tag and
 * field order may differ from storedLine's: InfluxDB sorts tags by key when it stores a point, and
 * fields are found by name.
 * (writePassThrough does this on bytes; this is it for a line held as text.)
 */
export function passThroughLine(received: string, r: Reading, namedSensor: boolean): string {
  const out = Buffer.allocUnsafe(passThroughTextRoom(received, r.sensor));
  const length = writePassThroughText(received, r, namedSensor, out, 0);
  return out.toString("utf8", 0, length - 1);
}

/** Most bytes writePassThroughText uses in `out` after `at`: its stored line, and the received line's bytes staged past it. */
export function passThroughTextRoom(received: string, sensor: string): number {
  const most = received.length * 3; // UTF-8 takes at most 3 bytes per UTF-16 unit
  return 2 * most + passThroughGrowth(sensor, most);
}

/**
 * passThroughLine written into `out` at `at` (followed by a newline): the received text is encoded
 * once, past where its stored line goes, and spliced from there, rather than encoded, decoded and
 * encoded again. `out` must have passThroughTextRoom bytes from `at`. Returns the offset after the newline.
 */
export function writePassThroughText(received: string, r: Reading, namedSensor: boolean, out: Buffer, at: number): number {
  const most = received.length * 3;
  const staged = at + most + passThroughGrowth(r.sensor, most);
  const end = staged + out.write(received, staged);
  const fieldsStart = out.indexOf(32, staged);
  const valueEnd = out.indexOf(32, fieldsStart + 1);
  return writePassThrough(out, staged, fieldsStart, valueEnd, end, r, namedSensor, out, at);
}

/**
 * Line protocol for readings at millisecond precision. Hand-built because node-influx's generic
 * point serialisation halved write throughput in `npm run bench`.
 */
export function toLineProtocol(readings: readonly Reading[]): string {
  let body = "";
  for (const r of readings) body += `${storedLine(r)}\n`;
  return body;
}
