// Size estimate of an export before it starts, for the UI: rows from InfluxDB's per-series counts
// (cheap: count() reads only block metadata for full blocks), bytes from encoding one sample row per
// series with the very encoder and table shape the export would use.
import type { ReadingStore } from "../influx/store.ts";
import { encoderFor } from "./export-encoders.ts";
import { COL, countQuery } from "../influx/influxql.ts";
import type { ExportRequest } from "./export-params.ts";
import type { AggregateRecord } from "./export-aggregates.ts";
import type { RawRecord } from "./export-records.ts";
import { longAggregateShaper, longRawShaper, wideAggregateShaper, wideRawShaper, type Cell } from "./export-table.ts";
import { QC } from "../../../common/reading.ts";

export interface ExportEstimate {
  rows: number;
  bytes: number;
}

const INTERVAL_MS = { "1m": 60_000, "1h": 3_600_000, "1d": 86_400_000 } as const;
const SAMPLE_VALUE = 123.456;
const SAMPLE_LABELS = { approval: "checked", provisional: true, grade: null, estimated: false, corrections: [] } as const;

function sampleRows(req: ExportRequest): { header: string; perRow: number; footer: number } {
  const encoder = encoderFor(req.format, { bom: req.bom });
  const time = req.from;
  let rows: Cell[][];
  let columns;
  if (req.resolution === "raw") {
    const shaper = req.layout === "wide" ? wideRawShaper(req) : longRawShaper(req);
    const records: RawRecord[] = req.series.map((s) => ({
      time,
      station: s.station.id,
      parameter: s.parameter.code,
      sensor: s.sensor.id,
      value: SAMPLE_VALUE,
      qc: QC.pass,
      qualifier: null,
      limit: null,
      uncertainty: null,
      maintenance: false,
      ...SAMPLE_LABELS,
    }));
    columns = shaper.columns;
    rows = [...shaper.rows(records), ...shaper.flush()];
  } else {
    const shaper = req.layout === "wide" ? wideAggregateShaper(req) : longAggregateShaper(req);
    const records: AggregateRecord[] = req.series.map((s) => ({
      time,
      station: s.station.id,
      parameter: s.parameter.code,
      sensor: s.sensor.id,
      mean: SAMPLE_VALUE,
      min: SAMPLE_VALUE,
      max: SAMPLE_VALUE,
      n: 6,
      nBelowLod: 0,
      qc: QC.pass,
      qualifier: null,
      limit: null,
      allBelowLod: false,
      ...SAMPLE_LABELS,
    }));
    columns = shaper.columns;
    rows = [...shaper.rows(records), ...shaper.flush()];
  }
  const header = encoder.header(columns);
  const body = Buffer.byteLength(encoder.rows(rows));
  return { header, perRow: body / Math.max(1, rows.length), footer: Buffer.byteLength(encoder.footer()) };
}

export async function estimateExport(store: ReadingStore, req: ExportRequest): Promise<ExportEstimate> {
  const sensors = req.sensors === null ? null : req.sensors.map((s) => s.id);
  const result = await store.query<Record<string, unknown>>(countQuery(req.series, sensors, req.from, req.to, req.qc));
  const counts = result.map((row) => (typeof row[COL.n] === "number" ? (row[COL.n] as number) : 0));
  const buckets = req.resolution === "raw" ? Number.POSITIVE_INFINITY : Math.ceil((req.to - req.from) / INTERVAL_MS[req.resolution]) + 1;
  const perSeries = counts.map((n) => Math.min(n, buckets));
  // Wide rows hold one instant of every series: as many as the fullest series when stations report in step.
  const rows = req.layout === "wide" ? Math.max(0, ...perSeries) : perSeries.reduce((a, b) => a + b, 0);
  const sample = sampleRows(req);
  const bytes = Math.round(Buffer.byteLength(sample.header) + rows * sample.perRow + sample.footer);
  return { rows, bytes };
}
