// Readings read back from the journal and the spool. Files written by a version before sensors and
// LOQs existed hold `{ station, parameter, time, value, lod, qc }`: they become readings of no named
// sensor (written untagged, which reads as the primary sensor's data) with "<LOD" and the LOD.
import { QUALIFIER, type Reading } from "../../../common/reading.ts";

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
