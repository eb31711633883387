// A series' review state at a time: the corrections in force, the approval levels and the grades,
// rebuilt from the records (which are only ever added). "As of" T counts what was recorded at or
// before T; a correction undone after T still counts. Pure.
import type { ApprovalLevel, CorrectionInfo } from "../../../common/review.ts";
import type { ActiveCorrection } from "./correction-algebra.ts";
import type { SeriesRecords } from "./review-repository.ts";
import { clip, timelineOf, type Segment } from "./timeline.ts";

export interface SeriesReviewState {
  /** Corrections in force (all of them, whatever their range), by id. */
  corrections: CorrectionInfo[];
  approvals: Segment<ApprovalLevel>[];
  grades: Segment<string>[];
}

export const EMPTY_STATE: SeriesReviewState = Object.freeze({ corrections: [], approvals: [], grades: [] }) as SeriesReviewState;

/** Whether the correction counts as of `asOf` (null: now, i.e. everything recorded). */
export function inForce(c: CorrectionInfo, asOf: number | null): boolean {
  if (asOf === null) return c.undone === null;
  return c.createdAt <= asOf && (c.undone === null || c.undone.at > asOf);
}

export function reviewStateAt(records: SeriesRecords | undefined, asOf: number | null): SeriesReviewState {
  if (!records) return EMPTY_STATE;
  const known = <T extends { at: number }>(r: T) => asOf === null || r.at <= asOf;
  // Records are in id order, which is the order they were made: a later one over the same time wins.
  return {
    corrections: records.corrections.filter((c) => inForce(c, asOf)),
    approvals: timelineOf(records.approvals.filter(known).map((a) => ({ from: a.from, to: a.to, value: a.level }))),
    grades: timelineOf(records.grades.filter(known).map((g) => ({ from: g.from, to: g.to, value: g.grade }))),
  };
}

export function activeCorrections(corrections: readonly CorrectionInfo[]): ActiveCorrection[] {
  return corrections.map((c) => ({ id: c.id, from: c.from, to: c.to, action: c.action }));
}

/** Whether anything of the state bears on [from, to): a read there can skip the review work otherwise. */
export function touches(state: SeriesReviewState, from: number, to: number): boolean {
  const overlaps = (r: { from: number; to: number }) => r.from < to && r.to > from;
  return state.corrections.some(overlaps) || state.approvals.some(overlaps) || state.grades.some(overlaps);
}

/** The approved parts of [from, to): approved data is locked against corrections, grades and undos. */
export function approvedParts(state: SeriesReviewState, from: number, to: number): Array<{ from: number; to: number }> {
  return clip(state.approvals, from, to)
    .filter((s) => s.value === "approved")
    .map((s) => ({ from: s.from, to: s.to }));
}

/** The first part of [from, to) that is not approved (null: all of it is, so all of it can be un-approved). */
export function firstUnapproved(state: SeriesReviewState, from: number, to: number): { from: number; to: number } | null {
  let at = from;
  for (const s of clip(state.approvals, from, to)) {
    if (s.from > at) return { from: at, to: s.from };
    if (s.value !== "approved") return { from: s.from, to: s.to };
    at = s.to;
  }
  return at < to ? { from: at, to } : null;
}
