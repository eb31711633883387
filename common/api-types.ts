// HTTP API payloads shared by server, client and simulator.
import type { Catalog, Parameter, ParameterCode, Station, StationId } from "./catalog.ts";
import type { QcFlag, Reading } from "./reading.ts";

// ---- Ingest: POST /api/v1/readings -------------------------------------------------------------
/** One reading as a station sends it: `value`, or `belowLod` when under the limit of detection. */
export interface IngestReading {
  station: StationId;
  parameter: ParameterCode;
  /** ISO 8601 with offset (e.g. 2026-11-25T10:00:00Z) or epoch milliseconds. */
  time: string | number;
  value?: number;
  belowLod?: { lod: number };
  /** Optional; when given it must equal the parameter's catalog unit. */
  unit?: string;
}

export interface IngestRequest {
  readings: IngestReading[];
}

export interface IngestResponse {
  accepted: number;
  flagged: { suspect: number; fail: number };
}

// ---- Catalog and latest values -----------------------------------------------------------------
export interface StationsResponse {
  stations: Station[];
}

export interface ParametersResponse {
  parameters: Parameter[];
  sources: Catalog["sources"];
}

export interface LatestResponse {
  /** Latest reading per station and parameter (any QC flag) since `since`. */
  latest: Reading[];
  /** Start of the look-back window (epoch ms): a series silent since then is not listed. */
  since: number;
}

// ---- Series: GET /api/v1/series ----------------------------------------------------------------
/** Where the points came from: raw readings, or aggregates over `intervalMs`. */
export type SeriesResolution = "raw" | "aggregate";

export interface SeriesPoint {
  /** Epoch ms (start of the interval for aggregates). */
  t: number;
  /** Raw: the value (null when below LOD). Aggregate: mean over non-failed values (EU <LOD convention), null when none. */
  v: number | null;
  /** Raw only: limit of detection when below it. */
  lod?: number | null;
  /** Raw: the QC flag. Aggregate: the worst flag in the interval. */
  qc?: QcFlag;
  /** Aggregate only: envelope and counts. */
  min?: number | null;
  max?: number | null;
  n?: number;
  /** Aggregate only: how many of the n values were below LOD (all of them means the mean is "<LOD"). */
  nBelowLod?: number;
}

export interface SeriesResponse {
  station: StationId;
  parameter: ParameterCode;
  unit: string;
  from: number;
  to: number;
  resolution: SeriesResolution;
  /** Aggregation interval in ms, or null for raw. */
  intervalMs: number | null;
  points: SeriesPoint[];
}

// ---- Errors --------------------------------------------------------------------------------------
export interface ApiErrorBody {
  error: { code: string; message: string; details?: Array<{ index?: number; path?: string; message: string }> };
}
