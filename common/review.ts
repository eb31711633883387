// Data review (issue #17), shared by server and client: corrections that never touch the stored raw
// readings, approval levels per series and period, grades, embargoes, the audit trail, and the
// labels a reading carries on every read path. Times are epoch milliseconds UTC; every range is
// half-open [from, to), like exports, so consecutive periods never share a reading.
import type { ParameterCode, SensorId, StationId } from "./catalog-model.ts";
import type { QcFlag, Qualifier } from "./reading.ts";

/**
 * Review levels, lowest first: raw (nothing reviewed) → checked (reviewed, may still change) →
 * approved (final, locked). USGS calls them working → in review → approved (Office of Water Quality
 * Technical Memorandum 2016.01, "Provisional data are subject to revision").
 */
export const APPROVAL_LEVELS = ["raw", "checked", "approved"] as const;
export type ApprovalLevel = (typeof APPROVAL_LEVELS)[number];

export function approvalAtLeast(actual: ApprovalLevel, required: ApprovalLevel): boolean {
  return APPROVAL_LEVELS.indexOf(actual) >= APPROVAL_LEVELS.indexOf(required);
}

/** The lower of two levels: an interval is only as reviewed as its least reviewed reading. */
export function lowerApproval(a: ApprovalLevel, b: ApprovalLevel): ApprovalLevel {
  return APPROVAL_LEVELS.indexOf(a) <= APPROVAL_LEVELS.indexOf(b) ? a : b;
}

/** What every value below the release level carries for readers outside the owning organisation. */
export const PROVISIONAL_LABEL = "provisional — subject to revision";

/** Which data a read returns: the readings as stored, or with the corrections applied (the default). */
export const READ_VIEWS = ["corrected", "raw"] as const;
export type ReadView = (typeof READ_VIEWS)[number];

/**
 * Correction kinds, in the order they are applied to a reading (see server/src/review/
 * correction-algebra.ts for why): the raw signal first, then gain, zero offset and drift, then
 * rejections, then interpolation over gaps, and the manual QC verdict last.
 */
export const CORRECTION_KINDS = ["recalibrate", "multiply", "offset", "drift", "delete", "interpolate", "qc"] as const;
export type CorrectionKind = (typeof CORRECTION_KINDS)[number];

/** What a correction does, by kind. */
export type CorrectionAction =
  /** Reject the readings of the range: they leave the corrected series (the raw data keeps them). */
  | { kind: "delete" }
  /** Add a constant (in the parameter's unit) to quantified values. */
  | { kind: "offset"; offset: number }
  /** Multiply values, limits and uncertainties by a positive factor. */
  | { kind: "multiply"; factor: number }
  /** Add 0 at the range's start growing linearly to `offsetAtEnd` at its end (fouling). */
  | { kind: "drift"; offsetAtEnd: number }
  /** Replace the range by linear interpolation between its neighbours, at the sensor's interval; marked estimated. */
  | { kind: "interpolate" }
  /** Turn the stored raw signal into a value with this version of the sensor's calibration log. */
  | { kind: "recalibrate"; calibration: number }
  /** Set the QC flag of the range's readings (QARTOD). */
  | { kind: "qc"; flag: QcFlag };

/** What a correction may cite: a field visit (its record's id or date) or a lab result (its id). */
export const REFERENCE_KINDS = ["field-visit", "lab-result"] as const;
export interface CorrectionReference {
  kind: (typeof REFERENCE_KINDS)[number];
  id: string;
}

/** A station × parameter × sensor series. */
export interface SeriesKey {
  station: StationId;
  parameter: ParameterCode;
  sensor: SensorId;
}

export interface Undo {
  at: number;
  by: string;
  reason: string;
}

export interface CorrectionInfo extends SeriesKey {
  id: number;
  from: number;
  to: number;
  action: CorrectionAction;
  reason: string;
  reference: CorrectionReference | null;
  createdAt: number;
  createdBy: string;
  /** Undone corrections stay in the list (and count for reads "as of" a time before their undo). */
  undone: Undo | null;
}

export interface ApprovalSegment {
  from: number;
  to: number;
  level: ApprovalLevel;
}

export interface GradeSegment {
  from: number;
  to: number;
  grade: string;
}

/** The default grades (best first); an agency sets its own list with REVIEW_GRADES. */
export const DEFAULT_GRADES: readonly string[] = Object.freeze(["good", "fair", "poor", "estimated"]);
/** The grade of points a correction estimated, when the grade list has it. */
export const ESTIMATED_GRADE = "estimated";

/** The labels a reading carries on every read path (series points, latest, export rows). */
export interface ReviewLabels {
  approval: ApprovalLevel;
  /** Below the release level: "provisional — subject to revision" (PROVISIONAL_LABEL). */
  provisional?: true;
  grade?: string;
  /** Made by an interpolation, not measured. */
  estimated?: true;
  /** The corrections that changed this value (ids), in the order they were applied. */
  corrections?: number[];
}

/** An embargo on a sensor's or a station's readings, set by the organisation that owns it. */
export interface EmbargoInfo {
  id: number;
  organisation: string;
  target: { kind: "sensor" | "station"; id: string };
  /** Readings are withheld from others until this time; null: the embargo was lifted. */
  until: number | null;
  reason: string;
  at: number;
  by: string;
}

export const AUDIT_ACTIONS = ["correction", "undo", "approval", "unapproval", "grade", "embargo"] as const;
export type ReviewAuditAction = (typeof AUDIT_ACTIONS)[number];

/** One entry of GET /api/v1/audit: never edited, never deleted. */
export interface ReviewAuditEntry {
  /** "<action>:<id>", unique across actions. */
  key: string;
  action: ReviewAuditAction;
  at: number;
  by: string;
  series: SeriesKey | null;
  from: number | null;
  to: number | null;
  reason: string;
  details: Record<string, unknown>;
}

export interface ReviewAuditResponse {
  entries: ReviewAuditEntry[];
}

export interface CorrectionsResponse {
  corrections: CorrectionInfo[];
}

export interface ApprovalsResponse {
  series: SeriesKey;
  asOf: number | null;
  segments: ApprovalSegment[];
}

export interface ReviewQueueSeries {
  parameter: ParameterCode;
  sensor: SensorId;
  /** The oldest unreviewed reading and the end of the unreviewed data older than the cut-off. */
  from: number;
  to: number;
  readings: number;
}

export interface ReviewQueueResponse {
  olderThanDays: number;
  cutoff: number;
  stations: Array<{ station: StationId; series: ReviewQueueSeries[] }>;
}

/** Which readers get data below the release level (the admin settings `releaseLevel`, `publicProvisional`). */
export interface ReleasePolicy {
  /** Data below this level is not yet released: only the owning organisation and admins read it in full. */
  releaseLevel: ApprovalLevel;
  /** Readers outside the owning organisation get unreleased data labelled provisional (else only released data). */
  publicProvisional: boolean;
}

export type { Qualifier };
