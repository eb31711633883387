// Readings read back from the journal and the spool. Files written by a version before sensors and
// LOQs existed hold `{ station, parameter, time, value, lod, qc }`: they become readings of no named
// sensor (written untagged, which reads as the primary sensor's data) with "<LOD" and the LOD. The
// journal also keeps readings as their stored line protocol (fromStoredLine).
import { QUALIFIER, type QcFlag, type Qualifier, type Reading } from "../../../common/reading.ts";
import { FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import { parseLine, type FieldValue } from "./line-protocol.ts";

type StoredReading = Partial<Reading> & Pick<Reading, "station" | "parameter" | "time" | "value" | "qc"> & { lod?: number | null };

export function fromStoredReading(r: StoredReading): Reading {
  if (r.sensor !== undefined && r.qualifier !== undefined) return r as Reading;
  const legacyLod = r.lod ?? null;
  return {
    station: r.station,
    parameter: r.parameter,
    sensor: r.sensor ?? "",
    time: r.time,
    value: r.value,
    qualifier: r.qualifier ?? (legacyLod === null ? null : QUALIFIER.belowLod),
    limit: r.limit ?? legacyLod,
    uncertainty: r.uncertainty ?? null,
    rawSignal: r.rawSignal ?? null,
    calibration: r.calibration ?? null,
    qc: r.qc,
  };
}

const numeric = (v: FieldValue | undefined): number | null => (typeof v === "number" ? v : typeof v === "object" ? v.integer : null);

/**
 * A reading from its stored line (influx/stored-lines.ts), as the journal keeps them. The fields
 * derived from the value (mean_value, below_lod) are left out: writing the reading again derives them.
 */
export function fromStoredLine(text: string): Reading {
  const line = parseLine(text);
  const f = line.fields;
  const qualifier = f[FIELD.qualifier] === QUALIFIER.belowLod || f[FIELD.qualifier] === QUALIFIER.belowLoq ? (f[FIELD.qualifier] as Qualifier) : null;
  const qc = numeric(f[FIELD.qc]);
  const station = line.tags[TAG.station];
  const parameter = line.tags[TAG.parameter];
  if (line.measurement !== MEASUREMENT || !station || !parameter || qc === null || line.timestamp === undefined) {
    throw new Error(`not a stored reading: ${text.slice(0, 200)}`);
  }
  const reading: Reading = {
    station,
    parameter,
    sensor: line.tags[TAG.sensor] ?? "",
    time: Number(line.timestamp),
    value: numeric(f[FIELD.value]),
    qualifier,
    limit: qualifier === QUALIFIER.belowLod ? numeric(f[FIELD.lod]) : qualifier === QUALIFIER.belowLoq ? numeric(f[FIELD.loq]) : null,
    uncertainty: numeric(f[FIELD.uncertainty]),
    rawSignal: numeric(f[FIELD.raw]),
    calibration: numeric(f[FIELD.calibration]),
    qc: qc as QcFlag,
  };
  if (numeric(f[FIELD.maintenance]) === 1) reading.maintenance = true;
  return reading;
}
