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

/**
 * `reading,parameter=…,sensor=…,station=…` per series, built once: the hot path only appends fields.
 * Tags in key order, as InfluxDB sorts them anyway. Readings journaled or spooled by a version
 * before sensors existed have sensor "" (stored-reading.ts); they are written untagged, which reads
 * as the primary sensor.
 */
const seriesPrefixes = new PairCache((station: string, parameter: string) => {
  const bySensor = new Map<string, string>();
  return (sensor: string): string => {
    let prefix = bySensor.get(sensor);
    if (prefix === undefined) {
      prefix = `${MEASUREMENT},${TAG.parameter}=${escapeTag(parameter)}${sensorTag(sensor)},${TAG.station}=${escapeTag(station)} `;
      bySensor.set(sensor, prefix);
    }
    return prefix;
  };
});

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
  let line = `${seriesPrefixes.get(r.station, r.parameter)(r.sensor)}${FIELD.qc}=${r.qc}i`;
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
 * The stored line of reading `r`, received as `received`: a line `reading,<tags> value=<v> <ms>`
 * whose tags are station, parameter and maybe sensor with the catalog's ids, `<v>` a plain decimal
 * and `<ms>` epoch milliseconds (reading-lines.ts `canonical`). The received text stays as it is:
 * the sensor tag is added when the line named none (the reading is the primary sensor's), and the
 * QC flag and the fields storedLine derives from the value are spliced in around `value=<v>`. Tag
 * order may differ from storedLine's: InfluxDB sorts tags by key when it stores a point.
 */
export function passThroughLine(received: string, r: Reading, namedSensor: boolean): string {
  const fieldsStart = received.indexOf(" ");
  const valueEnd = received.indexOf(" ", fieldsStart + 1);
  const head = namedSensor ? received.slice(0, fieldsStart) : received.slice(0, fieldsStart) + sensorTag(r.sensor);
  let fields = `${FIELD.qc}=${r.qc}i,${received.slice(fieldsStart + 1, valueEnd)}`;
  if (r.qc !== QC.fail) fields += `,${FIELD.meanValue}=${received.slice(fieldsStart + 1 + VALUE_PREFIX.length, valueEnd)},${FIELD.belowLod}=0i`;
  if (r.maintenance) fields += `,${FIELD.maintenance}=1i`;
  return `${head} ${fields}${received.slice(valueEnd)}`;
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
