// The labels a reading carries on every read path — its approval level, "provisional" below the
// release level, its grade, whether it was estimated, the corrections applied — and whether the
// viewer may read it at all. Readings come in time order per series, so timelines are read with a
// cursor. Pure.
import { ESTIMATED_GRADE, lowerApproval, type ApprovalLevel, type ReviewLabels } from "../../../common/review.ts";
import type { AccessPolicy, SeriesAccess } from "./access-policy.ts";
import type { CorrectedPoint } from "./correction-algebra.ts";
import type { SeriesReviewState } from "./review-state.ts";
import { TimelineCursor, clip, valuesIn, type Segment } from "./timeline.ts";

export type ReviewedPoint = CorrectedPoint & { approval: ApprovalLevel; provisional: boolean; grade: string | null };

/** The labels of an interval of readings (a chart bucket). */
export type IntervalLabels = Readonly<{ approval: ApprovalLevel; provisional: boolean; grade: string | null }>;

export class PointLabeller {
  private readonly approvals: TimelineCursor<ApprovalLevel>;
  private readonly gradeCursor: TimelineCursor<string | null>;
  private readonly estimatedGrade: string | null;
  /** Nothing to look up: every point is raw, ungraded. */
  private readonly trivial: boolean;
  private rawInterval: IntervalLabels | undefined;

  constructor(
    private readonly state: SeriesReviewState,
    readonly access: SeriesAccess,
    private readonly policy: AccessPolicy,
    grades: readonly string[],
  ) {
    this.approvals = new TimelineCursor(state.approvals, "raw");
    this.gradeCursor = new TimelineCursor<string | null>(state.grades, null);
    this.estimatedGrade = grades.includes(ESTIMATED_GRADE) ? ESTIMATED_GRADE : null;
    this.trivial = state.approvals.length === 0 && state.grades.length === 0;
  }

  /** The point with its labels, or null when the viewer may not read it (unreleased, for "released" access). */
  label(p: CorrectedPoint): ReviewedPoint | null {
    const approval = this.trivial ? "raw" : this.approvals.at(p.time);
    if (!this.policy.visible(this.access, approval)) return null;
    const graded = this.trivial ? null : this.gradeCursor.at(p.time);
    return { ...p, approval, provisional: !this.policy.released(approval), grade: graded ?? (p.estimated ? this.estimatedGrade : null) };
  }

  /** Labels of an interval [from, to): its lowest level, and its worst grade (the list is best first). */
  interval(from: number, to: number, gradeOrder: readonly string[]): IntervalLabels {
    // Most series have no approvals or grades: one answer for every bucket of a chart (thousands of them).
    if (this.trivial) return (this.rawInterval ??= Object.freeze({ approval: "raw", provisional: !this.policy.released("raw"), grade: null }));
    const approval = valuesIn(this.state.approvals, from, to, "raw" as ApprovalLevel).reduce(lowerApproval);
    const grades = clip(this.state.grades, from, to).map((s) => s.value);
    const grade = grades.length === 0 ? null : grades.reduce((worst, g) => (gradeOrder.indexOf(g) > gradeOrder.indexOf(worst) ? g : worst));
    return { approval, provisional: !this.policy.released(approval), grade };
  }

  /** The parts of [from, to) the viewer may not read (released-only access below the release level). */
  withheld(from: number, to: number): Array<{ from: number; to: number }> {
    if (this.access === "full" || this.access === "provisional") return [];
    if (this.access === "none") return [{ from, to }];
    const released: Segment<ApprovalLevel>[] = this.state.approvals.filter((s) => this.policy.released(s.value));
    if (this.policy.released("raw")) return [];
    const out: Array<{ from: number; to: number }> = [];
    let at = from;
    for (const s of clip(released, from, to)) {
      if (s.from > at) out.push({ from: at, to: s.from });
      at = Math.max(at, s.to);
    }
    if (at < to) out.push({ from: at, to });
    return out;
  }
}

/** The API's labels of a reviewed point (fields left out when they say nothing). */
export function reviewLabels(p: ReviewedPoint): ReviewLabels {
  const labels: ReviewLabels = { approval: p.approval };
  if (p.provisional) labels.provisional = true;
  if (p.grade !== null) labels.grade = p.grade;
  if (p.estimated) labels.estimated = true;
  if (p.corrections.length > 0) labels.corrections = [...p.corrections];
  return labels;
}
