// Checks one parsed reading against the catalog snapshot the batch works on: the station exists and
// takes readings, measures the parameter, the sensor is installed there at the reading's time (or the
// station has a primary sensor then, for readings that name none), and the value, limit, uncertainty
// and raw signal make sense. Pure; every refusal says what is wrong and what the station has instead.
import type { CatalogSnapshot, Placement } from "../../../common/catalog-snapshot.ts";
import type { Parameter, Sensor, Station } from "../../../common/catalog-model.ts";
import { QC, QUALIFIER, type Qualifier, type Reading } from "../../../common/reading.ts";

/** A reading after parsing, before catalog, token and QC checks: ids as sent, no QC flag yet. */
export interface ReadingCandidate extends Omit<Reading, "sensor" | "qc"> {
  /** undefined: the station's primary sensor for the parameter at `time`. */
  sensor: string | undefined;
  /** Optional; when given it must be the parameter's unit. */
  unit?: string;
  /**
   * The line protocol line it was read from, when that line is already in the form InfluxDB stores
   * (reading-lines.ts): ingest then forwards it with the server's fields spliced in.
   */
  line?: string;
  /**
   * What checking an earlier reading of the same series in this body found in the catalog, for a
   * reader that keeps one per series (received-lines.ts, json-readings.ts); else the batch shares one.
   */
  memo?: CheckMemo;
}

export interface IngestLimits {
  /** Readings further ahead than this are refused (a clock far off is a sender error). */
  maxFutureMs: number;
  /** Readings older than this are refused: InfluxDB's raw retention would drop them. */
  maxAgeMs: number;
}

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = Object.freeze({
  maxFutureMs: 24 * 3_600_000,
  maxAgeMs: 399 * 24 * 3_600_000,
});

const LIMIT_NAME: Readonly<Record<Qualifier, string>> = { [QUALIFIER.belowLod]: "belowLod.lod", [QUALIFIER.belowLoq]: "belowLoq.loq" };

const iso = (ms: number) => new Date(ms).toISOString();
const ids = (sensors: readonly Sensor[]) => (sensors.length === 0 ? "none" : sensors.map((s) => s.id).join(", "));

function notMeasured(catalog: CatalogSnapshot, station: string, parameter: string): string {
  const measured = catalog.parametersOf(station).map((p) => p.code);
  const match = catalog.matchParameter(parameter);
  const hint = match && match.code !== parameter && measured.includes(match.code) ? ` (did you mean "${match.code}"?)` : "";
  return `${station} measures no ${JSON.stringify(parameter)}${hint}; it measures: ${measured.join(", ") || "nothing yet"}`;
}

function sensorProblem(catalog: CatalogSnapshot, station: string, parameter: string, sensor: string | undefined, time: number): string {
  const installed = catalog.sensorsAt(station, parameter, time);
  if (sensor === undefined) {
    return `${station} has no primary ${parameter} sensor at ${iso(time)}, so the reading must name its sensor; installed then: ${ids(installed)}`;
  }
  const known = catalog.sensor(sensor);
  if (!known) return `unknown sensor ${JSON.stringify(sensor)}; ${parameter} sensors installed at ${station} at ${iso(time)}: ${ids(installed)}`;
  if (known.parameter !== parameter) return `sensor ${sensor} measures ${known.parameter}, not ${parameter}`;
  return `sensor ${sensor} is not installed at ${station} at ${iso(time)}; ${parameter} sensors installed there then: ${ids(installed)}`;
}

/**
 * The reading the candidate stands for, QC not yet evaluated (flag 2), or what is wrong with it.
 * It carries the catalog's own id strings, not the copies cut from the request body: every later map
 * lookup (QC history, alerts, live rooms, line protocol) is then a pointer comparison, and queued
 * readings do not keep whole request bodies alive.
 */
export function checkCandidate(c: ReadingCandidate, catalog: CatalogSnapshot, now: number, limits: IngestLimits = DEFAULT_INGEST_LIMITS): Reading | string {
  const checked = checkReading(c, catalog, now, limits);
  return typeof checked === "string" ? checked : checked.reading;
}

/**
 * checkCandidate, with the catalog sensor the reading belongs to: ingest hands it straight to QC
 * rather than looking it up again among (with a large network) tens of thousands.
 */
export function checkReading(
  c: ReadingCandidate,
  catalog: CatalogSnapshot,
  now: number,
  limits: IngestLimits = DEFAULT_INGEST_LIMITS,
  memo?: CheckMemo,
): { reading: Reading; sensor: Sensor } | string {
  const seen = memo?.series(c);
  let station: Station | undefined;
  let parameter: Parameter | undefined;
  if (seen) ({ station, parameter } = seen);
  else {
    station = catalog.station(c.station);
    if (!station) return `unknown station ${JSON.stringify(c.station)}`;
    if (station.status === "retired") return `${station.id} is retired; its data stays readable, but it takes no new readings`;
    if (station.status === "planned") return `${station.id} is planned, not yet active; it takes readings once the catalog marks it active`;
    parameter = catalog.parameter(c.parameter);
    if (!parameter || !catalog.measures(station.id, parameter.code)) return notMeasured(catalog, station.id, c.parameter);
  }
  if (c.unit !== undefined && c.unit !== parameter.unit) {
    return `unit ${JSON.stringify(c.unit)} does not match ${parameter.code}'s unit ${JSON.stringify(parameter.unit)}`;
  }
  if (!Number.isFinite(c.time)) return "time is not a valid instant";
  if (c.time > now + limits.maxFutureMs) return `time ${iso(c.time)} is more than 24 h in the future`;
  if (c.time < now - limits.maxAgeMs) return `time ${iso(c.time)} is older than the raw retention (400 days)`;
  if (c.value === null && c.qualifier === null) return "needs a value, or belowLod / belowLoq with the limit";
  if (c.value !== null && c.qualifier !== null) return `has both a value and ${c.qualifier}; send one`;
  if (c.value !== null && !Number.isFinite(c.value)) return "value must be a finite number";
  if (c.qualifier !== null && !(c.limit !== null && Number.isFinite(c.limit) && c.limit > 0)) return `${LIMIT_NAME[c.qualifier]} must be a positive finite number`;
  if (c.uncertainty !== null && !(Number.isFinite(c.uncertainty) && c.uncertainty >= 0)) return "uncertainty must be a finite number ≥ 0";
  let placement = seen?.placement;
  if (placement === undefined || !(c.time >= placement.from && c.time < placement.to)) {
    placement = catalog.placementAt(station.id, parameter.code, c.sensor, c.time);
    if (!placement) return sensorProblem(catalog, station.id, parameter.code, c.sensor, c.time);
    memo?.remember(c, station, parameter, placement);
  }
  const sensor = placement.sensor;
  if ((c.rawSignal === null) !== (c.calibration === null)) return "raw.signal and raw.calibration go together";
  if (c.rawSignal !== null) {
    if (!Number.isFinite(c.rawSignal)) return "raw.signal must be a finite number";
    if (!sensor.calibrations.some((cal) => cal.version === c.calibration)) {
      const known = sensor.calibrations.map((cal) => cal.version).join(", ") || "none recorded";
      return `sensor ${sensor.id} has no calibration version ${c.calibration} (its calibrations: ${known})`;
    }
  }
  const reading: Reading = {
    station: station.id,
    parameter: parameter.code,
    sensor: sensor.id,
    time: c.time,
    value: c.value,
    qualifier: c.qualifier,
    limit: c.qualifier === null ? null : c.limit,
    uncertainty: c.uncertainty,
    rawSignal: c.rawSignal,
    calibration: c.calibration,
    qc: QC.notEvaluated,
  };
  return { reading, sensor };
}

/**
 * The series checkReading last resolved with this memo, within one batch (which works on one
 * catalog snapshot): the next reading naming the same station, parameter and sensor skips the
 * catalog's look-ups, and within the same sensor placement's window the sensor's too. A /write body
 * read from its bytes has one memo per series (received-lines.ts, per tag set: the same id strings,
 * compared as pointers); other batches share one, which helps where readings come series by series.
 */
export class CheckMemo {
  private stationId: string | undefined;
  private parameterCode: string | undefined;
  private sensorId: string | undefined;
  private found: { station: Station; parameter: Parameter; placement: Readonly<Placement> } | undefined;

  /** What was found for the candidate's series, if it is the one remembered. */
  series(c: ReadingCandidate): { station: Station; parameter: Parameter; placement: Readonly<Placement> } | undefined {
    return this.found !== undefined && c.station === this.stationId && c.parameter === this.parameterCode && c.sensor === this.sensorId ? this.found : undefined;
  }

  remember(c: ReadingCandidate, station: Station, parameter: Parameter, placement: Readonly<Placement>): void {
    this.stationId = c.station;
    this.parameterCode = c.parameter;
    this.sensorId = c.sensor;
    this.found = { station, parameter, placement };
  }
}
