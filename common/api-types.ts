// HTTP API payloads shared by server, client and simulator.
import type { CatalogEntity, CatalogEntityKind, DiffCounts, FieldChange } from "./catalog-diff.ts";
import type { CatalogData, Parameter, ParameterCode, QualityStandard, SensorId, Source, Station, StationId } from "./catalog-model.ts";
import type { QcFlag, Qualifier, Reading } from "./reading.ts";
import type { ApprovalLevel, ReadView, ReviewLabels } from "./review.ts";

// ---- Ingest: POST /api/v1/readings -------------------------------------------------------------
/** One reading as a station sends it: exactly one of `value`, `belowLod` or `belowLoq`. */
export interface IngestReading {
  station: StationId;
  parameter: ParameterCode;
  /** The sensor that measured it; without one the reading goes to the station's primary sensor. */
  sensor?: SensorId;
  /** ISO 8601 with offset (e.g. 2026-11-25T10:00:00Z) or epoch milliseconds. */
  time: string | number;
  value?: number;
  /** Not detected: below the limit of detection. */
  belowLod?: { lod: number };
  /** Detected but not quantified: below the limit of quantification. */
  belowLoq?: { loq: number };
  /** Expanded measurement uncertainty (k = 2) in the parameter's unit. */
  uncertainty?: number;
  /** The raw signal and the version of the sensor's calibration that turned it into the value. */
  raw?: { signal: number; calibration: number };
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
/** GET /api/v1/catalog: the whole catalog the server works with, and its version. */
export interface CatalogResponse {
  version: number;
  catalog: CatalogData;
  /** Present when the catalog was asked for as of this time (?asOf=). */
  asOf?: string;
}

/** One committed catalog change: who, when, what (GET /api/v1/catalog/history). */
export interface CatalogVersionInfo {
  version: number;
  /** ISO 8601, UTC. */
  at: string;
  actor: string;
  action: string;
  summary: string;
  /** Entities it touched. */
  changes: number;
}

export interface CatalogHistoryResponse {
  versions: CatalogVersionInfo[];
}

/** GET /api/v1/catalog/history/:version: every entity the version touched, with its before and after. */
export interface CatalogVersionResponse extends Omit<CatalogVersionInfo, "changes"> {
  changes: Array<{
    entity: CatalogEntityKind;
    key: string;
    change: "added" | "removed" | "changed";
    before: CatalogEntity | null;
    after: CatalogEntity | null;
    fields: FieldChange[];
  }>;
}

export type CatalogDiffItem =
  | { change: "added"; key: string; after: CatalogEntity }
  | { change: "removed"; key: string; before: CatalogEntity }
  | { change: "changed"; key: string; fields: FieldChange[] };

/** GET /api/v1/catalog/stations/:id/retirement: what retiring the station now would do. */
export interface StationRetirement {
  station: StationId;
  status: Station["status"];
  /** When it would retire (now). */
  at: string;
  /** Sensors installed there now: their deployments end at `at`. */
  endsDeployments: Array<{ sensor: SensorId; parameter: ParameterCode; from: string; primary: boolean }>;
  /** Alert rules watching it (built-in ones derived from standards are switched off). */
  alertRules: number;
  /** The built-in simulator stops simulating it. */
  simulated: boolean;
}

/** POST /api/v1/catalog/import: what the import adds, changes and removes, per entity list. */
export interface CatalogImportResponse {
  /** False for a dry run (and for an import that changes nothing). */
  applied: boolean;
  /** The version the diff was computed against: apply with ?apply=true&baseVersion=this. */
  baseVersion: number;
  /** The catalog's version afterwards. */
  version: number;
  changed: boolean;
  entities: Record<CatalogEntityKind, DiffCounts & { items: CatalogDiffItem[] }>;
}

export interface StationsResponse {
  stations: Station[];
}

export interface ParametersResponse {
  parameters: Parameter[];
  /** Every version of every quality standard (each names its parameter, scope, legal status and source). */
  standards: QualityStandard[];
  sources: Source[];
}

/** A reading as the read API returns it: corrected (unless view=raw) and labelled (approval level, provisional, grade). */
export type ReviewedReading = Reading & ReviewLabels;

/** What a read shows of the review (issue #17): which view, as of when, and how unreleased data are marked. */
export interface ReviewedResponse {
  view: ReadView;
  /** The review state as it stood at this time (epoch ms); null: now. */
  asOf: number | null;
  /** Data below this approval level are provisional. */
  releaseLevel: ApprovalLevel;
  /** "provisional — subject to revision": present when any value in the answer is provisional; show it with them. */
  provisionalLabel?: string;
}

export interface LatestResponse extends ReviewedResponse {
  /** Latest reading per station, parameter and sensor (any QC flag) since `since`. */
  latest: ReviewedReading[];
  /** Start of the look-back window (epoch ms): a series silent since then is not listed. */
  since: number;
}

// ---- Series: GET /api/v1/series ----------------------------------------------------------------
/** Where the points came from: raw readings, or aggregates over `intervalMs`. */
export type SeriesResolution = "raw" | "aggregate";

export interface SeriesPoint {
  /** Epoch ms (start of the interval for aggregates). */
  t: number;
  /**
   * Raw: the value (null when censored). Aggregate: mean over non-failed values (censored values as
   * half their limit, Directive 2009/90/EC Art. 5(1)), null when none.
   */
  v: number | null;
  /**
   * Raw, when censored: "<LOD" or "<LOQ" and the limit the value lies below. Aggregate, when the
   * interval has censored values: the highest limit among them and which kind it is (the limit its
   * mean is held against).
   */
  qualifier?: Qualifier;
  limit?: number;
  /**
   * Aggregate only: the mean is below the highest limit of the interval's censored values and is
   * reported as "< LOQ"/"< LOD" (Directive 2009/90/EC Art. 5(2)), not as the number in `v`, which
   * must never be compared with a standard.
   */
  reportedBelow?: Qualifier;
  /** Raw only, when given: expanded uncertainty (k = 2). */
  uncertainty?: number;
  /** Raw: the QC flag. Aggregate: the worst flag in the interval. */
  qc?: QcFlag;
  /** Aggregate only: envelope and counts. */
  min?: number | null;
  max?: number | null;
  n?: number;
  /** Aggregate only: how many of the n values were censored (<LOD or <LOQ; all of them means the mean is too). */
  nBelowLod?: number;
  /** Review level of the reading (aggregate: the lowest in the interval). */
  approval?: ApprovalLevel;
  /** Below the release level: show "provisional — subject to revision" with it. */
  provisional?: true;
  /** Its grade (aggregate: the worst in the interval). */
  grade?: string;
  /** Estimated by an interpolation (aggregate: some of its values were). */
  estimated?: true;
  /** Ids of the corrections that changed it (aggregate: of any of its values). */
  corrections?: number[];
}

export interface SeriesResponse extends ReviewedResponse {
  station: StationId;
  parameter: ParameterCode;
  sensor: SensorId;
  unit: string;
  from: number;
  to: number;
  resolution: SeriesResolution;
  /** Aggregation interval in ms, or null for raw. */
  intervalMs: number | null;
  points: SeriesPoint[];
  /** Ids of the corrections in force on the range (view=corrected). */
  corrections: number[];
  /** Parts of the range whose data are not released yet and are not shown to this reader. */
  withheld?: Array<{ from: number; to: number }>;
}

// ---- Errors --------------------------------------------------------------------------------------
export interface ApiErrorBody {
  error: { code: string; message: string; details?: Array<{ index?: number; line?: number; path?: string; message: string }> };
}
