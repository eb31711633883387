// Raw export records: every reading of the export's series, streamed from one chunked InfluxDB query
// through the store, corrected and labelled on the way (export-review.ts), in time order, so memory
// stays at one batch whatever the size of the export. Aggregates are in export-aggregates.ts.
import { QC, QUALIFIER, type Qualifier } from "../../../common/reading.ts";
import type { ApprovalLevel } from "../../../common/review.ts";
import { COL, rawExportQuery } from "../influx/influxql.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { StoredPoint } from "../review/correction-algebra.ts";
import type { ReviewedPoint } from "../review/labels.ts";
import type { ExportRequest } from "./export-params.ts";
import type { ConstantLabels, ExportReview, SeriesExport } from "./export-review.ts";

/** The review labels every export row carries. */
export interface RowLabels {
  approval: ApprovalLevel;
  provisional: boolean;
  grade: string | null;
  estimated: boolean;
  /** Ids of the corrections applied (empty: none). */
  corrections: readonly number[];
}

export interface RawRecord extends RowLabels {
  time: number;
  station: string;
  parameter: string;
  sensor: string;
  /** Null when censored (<LOD, <LOQ). */
  value: number | null;
  qc: number | null;
  qualifier: Qualifier | null;
  /** The LOD or LOQ a censored value lies below. */
  limit: number | null;
  uncertainty: number | null;
  /** Taken during a maintenance window (stored with the maintenance field; its QC flag is 4). */
  maintenance: boolean;
}

const NONE: readonly number[] = Object.freeze([]);

export function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The censoring of a row from the limit fields present (the LOQ wins: a value below it is not quantified). */
export function censoring(lod: number | null, loq: number | null): { qualifier: Qualifier | null; limit: number | null } {
  if (loq !== null) return { qualifier: QUALIFIER.belowLoq, limit: loq };
  if (lod !== null) return { qualifier: QUALIFIER.belowLod, limit: lod };
  return { qualifier: null, limit: null };
}

/** The sensors the query must name: the chosen ones, or the remaining ones when some series are withheld. */
export function sensorIds(req: ExportRequest): string[] | null {
  if (req.withheld.length > 0) return [...new Set(req.series.map((s) => s.sensor.id))];
  return req.sensors === null ? null : req.sensors.map((s) => s.id);
}

/**
 * The sensor of a row: its tag, or for data stored before sensors were tagged the station's primary
 * sensor at that time. undefined when the row belongs to no sensor the export asked for (an untagged
 * row of another station's primary sensor, matched by the query's `sensor = ''`).
 */
export function sensorResolver(req: ExportRequest): (tag: unknown, station: string, parameter: string, time: number) => string | undefined {
  const chosen = sensorIds(req);
  const wanted = chosen === null ? null : new Set(chosen);
  return (tag, station, parameter, time) => {
    if (typeof tag === "string" && tag !== "") return tag;
    const sensor = req.catalog.defaultSensor(station, parameter, time)?.id;
    return sensor !== undefined && (wanted === null || wanted.has(sensor)) ? sensor : undefined;
  };
}

function constantRecord(series: { station: string; parameter: string; sensor: string }, p: StoredPoint, maintenance: boolean, labels: ConstantLabels): RawRecord {
  return {
    time: p.time,
    ...series,
    value: p.value,
    qc: p.qc,
    qualifier: p.qualifier,
    limit: p.limit,
    uncertainty: p.uncertainty,
    maintenance,
    approval: labels.approval,
    provisional: labels.provisional,
    grade: null,
    estimated: false,
    corrections: NONE,
  };
}

function reviewedRecord(s: SeriesExport, p: ReviewedPoint, maintenance = false): RawRecord {
  return {
    time: p.time,
    station: s.series.station.id,
    parameter: s.series.parameter.code,
    sensor: s.series.sensor.id,
    value: p.value,
    qc: p.qc,
    qualifier: p.qualifier,
    limit: p.limit,
    uncertainty: p.uncertainty,
    maintenance,
    approval: p.approval,
    provisional: p.provisional,
    grade: p.grade,
    estimated: p.estimated,
    corrections: p.corrections,
  };
}

export async function* rawRecordBatches(
  store: ReadingStore,
  req: ExportRequest,
  review: ExportReview,
  signal: AbortSignal,
  chunkSize?: number,
): AsyncGenerator<RawRecord[]> {
  // Manual QC flags and estimated points change flags: then the QC filter runs on the corrected rows.
  const filterHere = req.qc === "pass" && review.qcAfterCorrection;
  const query = rawExportQuery(req.series, sensorIds(req), req.from, req.to, filterHere ? "all" : req.qc, review.needsSignal);
  const sensorOf = sensorResolver(req);
  const due: Array<{ series: SeriesExport; point: ReviewedPoint }> = [];
  const keep = (r: RawRecord) => !filterHere || r.qc === QC.pass;
  for await (const chunk of store.queryChunks(query, { signal, chunkSize })) {
    const at = (name: string) => chunk.columns.indexOf(name);
    const [iTime, iStation, iParameter, iSensor, iValue, iQc, iLod, iLoq, iUnc, iRaw, iCal, iMaintenance] = [
      COL.time, COL.station, COL.parameter, COL.sensor, COL.value, COL.qc, COL.lod, COL.loq, COL.uncertainty, COL.raw, COL.calibration, COL.maintenance,
    ].map(at) as [number, number, number, number, number, number, number, number, number, number, number, number];
    const batch: RawRecord[] = [];
    for (let i = 0; i < chunk.values.length; i++) {
      const row = chunk.values[i]!;
      const time = row[iTime] as number;
      const station = row[iStation] as string;
      const parameter = row[iParameter] as string;
      const sensor = sensorOf(row[iSensor], station, parameter, time);
      if (sensor === undefined) continue;
      const value = num(row[iValue]);
      const { qualifier, limit } = value === null ? censoring(num(row[iLod]), num(row[iLoq])) : { qualifier: null, limit: null };
      const stored: StoredPoint = {
        time,
        value,
        qualifier,
        limit,
        uncertainty: num(row[iUnc]),
        qc: (num(row[iQc]) ?? 2) as StoredPoint["qc"],
        rawSignal: iRaw < 0 ? null : num(row[iRaw]),
        calibration: iCal < 0 ? null : num(row[iCal]),
      };
      const maintenance = iMaintenance >= 0 && num(row[iMaintenance]) === 1;
      if (review.allConstant) {
        batch.push(constantRecord({ station, parameter, sensor }, stored, maintenance, review.constant));
        continue;
      }
      const s = review.lookup(station, parameter, sensor);
      if (!s) continue;
      review.estimatesBefore(time, due);
      for (const d of due.splice(0)) {
        const r = reviewedRecord(d.series, d.point);
        if (keep(r)) batch.push(r);
      }
      if (s.constant) {
        const r = constantRecord({ station, parameter, sensor }, stored, maintenance, s.constant);
        if (keep(r)) batch.push(r);
        continue;
      }
      const out: Parameters<typeof s.corrector.push>[1] = [];
      s.corrector.push(stored, out);
      for (const p of out) {
        const point = s.labeller.label(p);
        if (!point) continue;
        // The corrector hands on the stored reading at once (after any estimates before it): the
        // maintenance marker belongs to that one, not to an interpolated point.
        const r = reviewedRecord(s, point, maintenance && !point.estimated && point.time === time);
        if (keep(r)) batch.push(r);
      }
    }
    yield batch;
  }
  review.finish(due);
  const rest = due.map((d) => reviewedRecord(d.series, d.point)).filter(keep);
  if (rest.length > 0) yield rest;
}
