// The table an export writes: its columns (names, types, units — also the datapackage.json schema)
// and the rows made from export records, in the long layout (one row per reading or interval) or
// the wide layout (one row per instant, one column per station × parameter).
import { findParameter } from "../../../common/catalog.ts";
import { BELOW_LOD_QUALIFIER } from "../../../common/wire.ts";
import type { CatalogSeries } from "../query/influxql.ts";
import type { ExportRequest } from "./export-params.ts";
import type { AggregateRecord, RawRecord } from "./export-records.ts";
import { utcFormatter, zoneFormatter, type TimeFormatter } from "./time-format.ts";

export type Cell = string | number | null;

export interface ExportColumn {
  name: string;
  /** Frictionless Table Schema type. */
  type: "datetime" | "string" | "number" | "integer" | "any";
  description: string;
  unit?: string;
  station?: string;
  parameter?: string;
}

export interface TableShaper<R> {
  columns: ExportColumn[];
  /** Rows completed by this batch (the wide layout holds back the row of the last instant). */
  rows(batch: readonly R[]): Cell[][];
  /** Rows still held back at the end of the export. */
  flush(): Cell[][];
}

const TIME_COLUMN: ExportColumn = {
  name: "time",
  type: "datetime",
  description: "ISO 8601 with offset (Z = UTC); for intervals, the start of the interval",
};
const STATION: ExportColumn = { name: "station", type: "string", description: "Station id (see stations in datapackage.json)" };
const PARAMETER: ExportColumn = { name: "parameter", type: "string", description: "Parameter code (see parameters)" };
const UNIT: ExportColumn = { name: "unit", type: "string", description: "Unit of value, mean, min, max and lod" };
const QC_FLAG: ExportColumn = {
  name: "qc_flag",
  type: "integer",
  description: "QARTOD flag: 1 pass, 2 not evaluated, 3 suspect, 4 fail, 9 missing; for intervals the worst aggregated flag",
};
const QUALIFIER: ExportColumn = {
  name: "qualifier",
  type: "string",
  description: `"${BELOW_LOD_QUALIFIER}" when below the limit of detection (for intervals: when every value was)`,
};
const LOD: ExportColumn = { name: "lod", type: "number", description: "Limit of detection, given when below it" };

export const LONG_RAW_COLUMNS: readonly ExportColumn[] = Object.freeze([
  TIME_COLUMN,
  STATION,
  PARAMETER,
  { name: "value", type: "number", description: "Measured value; empty when below the limit of detection" },
  UNIT,
  QC_FLAG,
  QUALIFIER,
  LOD,
]);

export const LONG_AGGREGATE_COLUMNS: readonly ExportColumn[] = Object.freeze([
  TIME_COLUMN,
  STATION,
  PARAMETER,
  {
    name: "mean",
    type: "number",
    description: "Mean with below-LOD values as half the LOD (Directive 2009/90/EC); empty and qualifier <LOD when all were below",
  },
  { name: "min", type: "number", description: "Smallest measured value above the LOD (below-LOD values are counted in count_below_lod)" },
  { name: "max", type: "number", description: "Largest measured value above the LOD" },
  { name: "count", type: "integer", description: "Readings aggregated (QC-failed readings never are)" },
  { name: "count_below_lod", type: "integer", description: "Of those, below the limit of detection" },
  UNIT,
  QC_FLAG,
  QUALIFIER,
  LOD,
]);

function unitOf(code: string): string {
  return findParameter(code)?.unit ?? "";
}

/** Per-row time formatting: UTC, or the zone of the row's station. */
function timeFormatterFor(req: ExportRequest): (station: string) => TimeFormatter {
  if (req.tz === "UTC") {
    const utc = utcFormatter();
    return () => utc;
  }
  const byStation = new Map(req.stations.map((s) => [s.id, zoneFormatter(s.timezone)]));
  const fallback = utcFormatter();
  return (station) => byStation.get(station) ?? fallback;
}

export function longRawShaper(req: ExportRequest): TableShaper<RawRecord> {
  const timeOf = timeFormatterFor(req);
  return {
    columns: [...LONG_RAW_COLUMNS],
    rows: (batch) =>
      batch.map((r) => [timeOf(r.station)(r.time), r.station, r.parameter, r.value, unitOf(r.parameter), r.qc, r.qualifier, r.lod]),
    flush: () => [],
  };
}

export function longAggregateShaper(req: ExportRequest): TableShaper<AggregateRecord> {
  const timeOf = timeFormatterFor(req);
  return {
    columns: [...LONG_AGGREGATE_COLUMNS],
    rows: (batch) =>
      batch.map((r) => [
        timeOf(r.station)(r.time),
        r.station,
        r.parameter,
        r.mean,
        r.min,
        r.max,
        r.n,
        r.nBelowLod,
        unitOf(r.parameter),
        r.qc,
        r.allBelowLod ? BELOW_LOD_QUALIFIER : null,
        r.nBelowLod > 0 ? r.lod : null,
      ]),
    flush: () => [],
  };
}

/** `DE-ELBE-ZEHREN carbamazepine [ng/L]` */
export function wideColumnName(series: CatalogSeries): string {
  return `${series.station.id} ${series.parameter.code} [${series.parameter.unit}]`;
}

/** "<5": below the limit of detection of 5, the notation of laboratory reports. */
export function belowLodCell(lod: number | null): string {
  return lod === null ? BELOW_LOD_QUALIFIER : `<${lod}`;
}

/**
 * One row per instant. Records arrive in time order, so a row is complete as soon as a later
 * instant appears; the last instant of a batch may continue in the next one and waits for it.
 */
function wideShaper<R extends { time: number; station: string; parameter: string }>(
  req: ExportRequest,
  cellOf: (record: R) => Cell,
  cellDescription: string,
): TableShaper<R> {
  const columnOf = new Map(req.series.map((s, i) => [`${s.station.id}\u0000${s.parameter.code}`, i + 1]));
  // tz=station is only accepted for stations sharing one zone (export-params.ts).
  const formatTime = req.tz === "UTC" ? utcFormatter() : zoneFormatter(req.stations[0]!.timezone);
  const width = req.series.length + 1;
  let current: Cell[] | null = null;
  let currentTime = Number.NaN;
  return {
    columns: [
      TIME_COLUMN,
      ...req.series.map((s): ExportColumn => ({
        name: wideColumnName(s),
        type: "any",
        description: cellDescription,
        unit: s.parameter.unit,
        station: s.station.id,
        parameter: s.parameter.code,
      })),
    ],
    rows(batch) {
      const out: Cell[][] = [];
      for (const r of batch) {
        if (r.time !== currentTime || current === null) {
          if (current !== null) out.push(current);
          current = new Array<Cell>(width).fill(null);
          current[0] = formatTime(r.time);
          currentTime = r.time;
        }
        const column = columnOf.get(`${r.station}\u0000${r.parameter}`);
        if (column !== undefined) current[column] = cellOf(r);
      }
      return out;
    },
    flush() {
      const out = current === null ? [] : [current];
      current = null;
      return out;
    },
  };
}

export function wideRawShaper(req: ExportRequest): TableShaper<RawRecord> {
  return wideShaper<RawRecord>(
    req,
    (r) => r.value ?? (r.qualifier !== null || r.lod !== null ? belowLodCell(r.lod) : null),
    "Measured value, or <LOD as \"<5\" (below a limit of detection of 5); QC flags are in the long layout",
  );
}

export function wideAggregateShaper(req: ExportRequest): TableShaper<AggregateRecord> {
  return wideShaper<AggregateRecord>(
    req,
    (r) => (r.allBelowLod ? belowLodCell(r.lod) : r.mean),
    "Interval mean (below-LOD values as half the LOD), or \"<5\" when every value was below a LOD of 5",
  );
}
