// The table an export writes: its columns (names, types, units — also the datapackage.json schema)
// and the rows made from export records, in the long layout (one row per reading or interval) or
// the wide layout (one row per instant, one column per station × parameter × sensor).
import { QUALIFIER, type Qualifier } from "../../../common/reading.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import type { ExportRequest } from "./export-params.ts";
import type { AggregateRecord } from "./export-aggregates.ts";
import type { RawRecord, RowLabels } from "./export-records.ts";
import { utcFormatter, zoneFormatter, type TimeFormatter } from "./time-format.ts";

export type Cell = string | number | null;

export interface ExportColumn {
  name: string;
  /** Frictionless Table Schema type. */
  type: "datetime" | "string" | "number" | "integer" | "boolean" | "any";
  description: string;
  unit?: string;
  station?: string;
  parameter?: string;
  sensor?: string;
}

/** A column of a table written with the export's encoders (export-encoders.ts). */
export function column(name: string, type: ExportColumn["type"], description: string): ExportColumn {
  return { name, type, description };
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
const SENSOR: ExportColumn = { name: "sensor", type: "string", description: "Sensor id (see sensors in datapackage.json): make, model, method, LOD/LOQ" };
const UNIT: ExportColumn = { name: "unit", type: "string", description: "Unit of value, mean, min, max, limit and uncertainty" };
const QC_FLAG: ExportColumn = {
  name: "qc_flag",
  type: "integer",
  description: "QARTOD flag: 1 pass, 2 not evaluated, 3 suspect, 4 fail, 9 missing; for intervals the worst aggregated flag",
};
/** Readings taken during a maintenance window (issue #19): why their flag is 4. */
const MAINTENANCE: ExportColumn = {
  name: "maintenance",
  type: "boolean",
  description:
    "true: taken during a maintenance window of the station (probes out of the water, calibration), so the value describes the visit, not the river; such readings carry qc_flag 4",
};
const QUALIFIER_COLUMN: ExportColumn = {
  name: "qualifier",
  type: "string",
  description: `"${QUALIFIER.belowLod}" not detected (below the limit of detection), "${QUALIFIER.belowLoq}" detected but not quantified (below the limit of quantification)`,
};
const LIMIT: ExportColumn = { name: "limit", type: "number", description: "The LOD (for <LOD) or LOQ (for <LOQ) the value lies below" };
const UNCERTAINTY: ExportColumn = { name: "uncertainty", type: "number", description: "Expanded measurement uncertainty (k = 2), when the sensor or lab gave one" };

/** The review columns of the long layouts (issue #17). */
const REVIEW_COLUMNS: readonly ExportColumn[] = [
  { name: "approval", type: "string", description: "Review level: raw (not reviewed), checked (reviewed, may still change) or approved (final); for intervals the lowest" },
  { name: "provisional", type: "boolean", description: "true: below the release level (see datapackage.json review.release_level), provisional — subject to revision" },
  { name: "grade", type: "string", description: "The reviewer's grade (see review.grades in datapackage.json); for intervals the worst" },
  { name: "estimated", type: "boolean", description: "true: estimated by an interpolation over a gap, not measured (for intervals: some values were)" },
  { name: "corrections", type: "string", description: "Ids of the corrections applied, separated by spaces (see review.corrections in datapackage.json)" },
];

/** The review cells of a row: booleans as true or empty, correction ids separated by spaces. */
function reviewCells(r: RowLabels): Cell[] {
  return [r.approval, r.provisional ? "true" : null, r.grade, r.estimated ? "true" : null, r.corrections.length > 0 ? r.corrections.join(" ") : null];
}

export const LONG_RAW_COLUMNS: readonly ExportColumn[] = Object.freeze([
  TIME_COLUMN,
  STATION,
  PARAMETER,
  SENSOR,
  { name: "value", type: "number", description: "Measured value; empty when censored (see qualifier and limit)" },
  UNIT,
  QC_FLAG,
  MAINTENANCE,
  QUALIFIER_COLUMN,
  LIMIT,
  UNCERTAINTY,
  ...REVIEW_COLUMNS,
]);

export const LONG_AGGREGATE_COLUMNS: readonly ExportColumn[] = Object.freeze([
  TIME_COLUMN,
  STATION,
  PARAMETER,
  SENSOR,
  {
    name: "mean",
    type: "number",
    description: "Mean with censored values as half their limit (LOQ/2 for <LOQ, LOD/2 for <LOD; Directive 2009/90/EC Art. 5(1)); empty, with the qualifier, when all were censored",
  },
  { name: "min", type: "number", description: "Smallest measured value (censored values are counted in count_below_limit)" },
  { name: "max", type: "number", description: "Largest measured value" },
  { name: "count", type: "integer", description: "Readings aggregated (QC-failed readings never are)" },
  { name: "count_below_limit", type: "integer", description: "Of those, censored: below the limit of detection or of quantification" },
  UNIT,
  QC_FLAG,
  { ...QUALIFIER_COLUMN, description: `${QUALIFIER_COLUMN.description}: given when every value of the interval was censored` },
  { ...LIMIT, description: "Highest limit among the interval's censored values" },
  ...REVIEW_COLUMNS,
]);

function unitResolver(req: ExportRequest): (code: string) => string {
  return (code) => req.catalog.parameter(code)?.unit ?? "";
}

/** Per-row time formatting: UTC, or the zone of the row's station. */
export function timeFormatterFor(req: ExportRequest): (station: string) => TimeFormatter {
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
  const unitOf = unitResolver(req);
  return {
    columns: [...LONG_RAW_COLUMNS],
    rows: (batch) =>
      batch.map((r) => [
        timeOf(r.station)(r.time),
        r.station,
        r.parameter,
        r.sensor,
        r.value,
        unitOf(r.parameter),
        r.qc,
        r.maintenance ? "true" : null,
        r.qualifier,
        r.limit,
        r.uncertainty,
        ...reviewCells(r),
      ]),
    flush: () => [],
  };
}

export function longAggregateShaper(req: ExportRequest): TableShaper<AggregateRecord> {
  const timeOf = timeFormatterFor(req);
  const unitOf = unitResolver(req);
  return {
    columns: [...LONG_AGGREGATE_COLUMNS],
    rows: (batch) =>
      batch.map((r) => [
        timeOf(r.station)(r.time),
        r.station,
        r.parameter,
        r.sensor,
        r.mean,
        r.min,
        r.max,
        r.n,
        r.nBelowLod,
        unitOf(r.parameter),
        r.qc,
        r.allBelowLod ? r.qualifier : null,
        r.nBelowLod > 0 ? r.limit : null,
        ...reviewCells(r),
      ]),
    flush: () => [],
  };
}

/** `DE-ELBE-ZEHREN carbamazepine SIM-DE-ELBE-ZEHREN-CARBAMAZEPINE [ng/L]` */
export function wideColumnName(series: CatalogSeries): string {
  return `${series.station.id} ${series.parameter.code} ${series.sensor.id} [${series.parameter.unit}]`;
}

/** "<5" (below a limit of 5), the notation of laboratory reports; the bare qualifier when the limit is unknown. */
export function censoredCell(qualifier: Qualifier | null, limit: number | null): string {
  return limit === null ? (qualifier ?? QUALIFIER.belowLod) : `<${limit}`;
}

/**
 * One row per instant. Records arrive in time order, so a row is complete as soon as a later
 * instant appears; the last instant of a batch may continue in the next one and waits for it.
 */
function wideShaper<R extends { time: number; station: string; parameter: string; sensor: string }>(
  req: ExportRequest,
  cellOf: (record: R) => Cell,
  cellDescription: string,
): TableShaper<R> {
  const columnOf = new Map(req.series.map((s, i) => [`${s.station.id}\u0000${s.parameter.code}\u0000${s.sensor.id}`, i + 1]));
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
        sensor: s.sensor.id,
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
        const column = columnOf.get(`${r.station}\u0000${r.parameter}\u0000${r.sensor}`);
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
    (r) => r.value ?? (r.qualifier !== null ? censoredCell(r.qualifier, r.limit) : null),
    "Measured value, or a censored one as \"<5\" (below a LOD or LOQ of 5; the long layout says which); QC flags and maintenance markers are in the long layout",
  );
}

export function wideAggregateShaper(req: ExportRequest): TableShaper<AggregateRecord> {
  return wideShaper<AggregateRecord>(
    req,
    (r) => (r.allBelowLod ? censoredCell(r.qualifier, r.limit) : r.mean),
    "Interval mean (censored values as half their limit), or \"<5\" when every value was below a limit of 5",
  );
}
