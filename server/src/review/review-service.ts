// Recording review work: corrections and their undos, approvals and un-approvals, grades, embargoes.
// Each request is checked whole before anything is stored (catalog, range, raw data still there,
// the reviewer's organisation, the approval lock) and stored in one transaction together with the
// lock check, so two requests cannot both pass it; a refused request stores nothing.
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { CorrectionInfo, EmbargoInfo, SeriesKey } from "../../../common/review.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import type { MetaStore, MetaTransaction } from "../meta/store.ts";
import type { Clock } from "../util/clock.ts";
import type { AccessPolicy } from "./access-policy.ts";
import { keyOf, type CorrectedReader } from "./corrected-reader.ts";
import type { Actor, ReviewRepository } from "./review-repository.ts";
import { approvedParts, firstUnapproved, reviewStateAt, type SeriesReviewState } from "./review-state.ts";
import type { CorrectionBody } from "./review-params.ts";

/** Links alerts raised by readings a deletion removed to that deletion (alerts/alert-corrections.ts). */
export type AlertLinker = (trx: MetaTransaction, series: SeriesKey, from: number, to: number, correctionId: number, at: number) => Promise<number>;

export interface ReviewServiceDeps {
  meta: Pick<MetaStore, "transaction">;
  repo: ReviewRepository;
  reader: CorrectedReader;
  clock: Clock;
  /** How long raw readings are kept (InfluxDB's raw retention): corrections need them. */
  rawRetentionMs: number;
  grades: readonly string[];
  linkAlerts: AlertLinker;
  /** Whether a lab result with this id exists (a correction may cite one). */
  labResultExists: (id: number) => Promise<boolean>;
  /** A series' data changed over [from, to]: its corrected values, or its approval levels. */
  onChange: (change: ReviewChange) => void;
}

/**
 * What a review request changed. "correction": the corrected values (a correction or its undo);
 * "approval": the approval levels (an approval, un-approval or "checked" mark) — values unchanged.
 */
export interface ReviewChange {
  series: SeriesKey;
  from: number;
  to: number;
  kind: "correction" | "approval";
}

const iso = (ms: number) => new Date(ms).toISOString();
const range = (from: number, to: number) => `${iso(from)} – ${iso(to)}`;

export class ReviewService {
  constructor(private readonly deps: ReviewServiceDeps) {}

  /** Only admins and members of the organisation that owns a series review it. */
  private mayReview(policy: AccessPolicy, series: SeriesKey): void {
    const owner = policy.access({ station: series.station, sensor: series.sensor }).owner;
    if (policy.isMember(owner)) return;
    throw new ForbiddenError(
      owner === null
        ? `${series.sensor} at ${series.station} belongs to no organisation; only an admin reviews its data`
        : `${series.sensor} at ${series.station} belongs to ${owner}; only its members (reviewers) and admins review its data`,
    );
  }

  /** Refuses a range that ends in the future or begins where the raw readings have expired. */
  private checkRange(from: number, to: number, needsRaw: boolean): void {
    const now = this.deps.clock.now();
    if (to > now) throw new ValidationError(`to (${iso(to)}) is in the future: review data once it has been measured`, [{ path: "to", message: "must not be in the future" }]);
    const horizon = now - this.deps.rawRetentionMs;
    if (needsRaw && from < horizon) {
      throw new ValidationError(`the raw readings before ${iso(horizon)} have expired (raw retention); a correction needs them`, [{ path: "from", message: `must be after ${iso(horizon)}` }]);
    }
  }

  private async state(trx: MetaTransaction, series: SeriesKey): Promise<SeriesReviewState> {
    const records = await this.deps.repo.in(trx).records([series]);
    return reviewStateAt(records.values().next().value, null);
  }

  /** 409 when any part of [from, to) is approved: approved data is locked. */
  private refuseApproved(state: SeriesReviewState, from: number, to: number, what: string): void {
    const first = approvedParts(state, from, to)[0];
    if (!first) return;
    throw new ConflictError(
      `${what} ${range(from, to)} would change approved data (approved ${range(first.from, first.to)}); un-approve that period first (POST /api/v1/review/unapprovals, with a reason)`,
    );
  }

  async correct(series: CatalogSeries, body: CorrectionBody, actor: Actor, policy: AccessPolicy): Promise<CorrectionInfo> {
    const key = keyOf(series);
    this.mayReview(policy, key);
    this.checkRange(body.from, body.to, true);
    const action = body.action;
    if (action.kind === "recalibrate" && !series.sensor.calibrations.some((c) => c.version === action.calibration)) {
      const known = series.sensor.calibrations.map((c) => c.version).join(", ") || "none recorded";
      throw new ValidationError(`sensor ${series.sensor.id} has no calibration version ${action.calibration} (its calibration log: ${known})`, [
        { path: "action.calibration", message: `unknown calibration version; known: ${known}` },
      ]);
    }
    const reference = body.reference ?? null;
    if (reference?.kind === "lab-result" && !(/^\d{1,15}$/.test(reference.id) && (await this.deps.labResultExists(Number(reference.id))))) {
      throw new ValidationError(`no lab result ${JSON.stringify(reference.id)}`, [{ path: "reference.id", message: "must be the id of a lab result (GET /api/v1/lab/results)" }]);
    }
    if (action.kind === "interpolate") {
      const probe = { id: 0, from: body.from, to: body.to, action };
      const [resolved] = await this.deps.reader.interpolations(series, [probe], [probe]);
      if (!resolved?.before || !resolved.after) {
        throw new ValidationError(`an interpolation needs a usable reading on each side of ${range(body.from, body.to)} within 7 days; ${resolved?.before ? "there is none after it" : "there is none before it"}`, [
          { path: resolved?.before ? "to" : "from", message: "no reading to interpolate from" },
        ]);
      }
    }
    const at = this.deps.clock.now();
    const created = await this.deps.meta.transaction(async (trx) => {
      this.refuseApproved(await this.state(trx, key), body.from, body.to, "a correction over");
      const c = await this.deps.repo.in(trx).addCorrection({ ...key, from: body.from, to: body.to, action, reason: body.reason, reference }, actor, at);
      if (action.kind === "delete") await this.deps.linkAlerts(trx, key, body.from, body.to, c.id, at);
      return c;
    });
    this.deps.onChange({ series: key, from: body.from, to: body.to, kind: "correction" });
    return created;
  }

  async undo(id: number, reason: string, actor: Actor, policy: AccessPolicy): Promise<CorrectionInfo> {
    const at = this.deps.clock.now();
    const done = await this.deps.meta.transaction(async (trx) => {
      const repo = this.deps.repo.in(trx);
      const c = await repo.correction(id);
      if (!c) throw new NotFoundError(`no correction ${id}`);
      this.mayReview(policy, c);
      if (c.undone) throw new ConflictError(`correction ${id} was undone already, by ${c.undone.by} at ${iso(c.undone.at)}`);
      this.refuseApproved(await this.state(trx, c), c.from, c.to, `undoing correction ${id} over`);
      await repo.addUndo(id, reason, actor, at);
      return { ...c, undone: { at, by: actor.name, reason } };
    });
    this.deps.onChange({ series: { station: done.station, parameter: done.parameter, sensor: done.sensor }, from: done.from, to: done.to, kind: "correction" });
    return done;
  }

  async approve(series: CatalogSeries, b: { from: number; to: number; level: "checked" | "approved"; reason: string }, actor: Actor, policy: AccessPolicy): Promise<number> {
    const key = keyOf(series);
    this.mayReview(policy, key);
    this.checkRange(b.from, b.to, false);
    const id = await this.deps.meta.transaction(async (trx) => {
      // Lowering approved data to "checked" is an un-approval: it has its own request and audit entry.
      if (b.level !== "approved") this.refuseApproved(await this.state(trx, key), b.from, b.to, "marking as checked");
      return this.deps.repo.in(trx).addApproval({ ...key, from: b.from, to: b.to, level: b.level, action: "approval", reason: b.reason }, actor, this.deps.clock.now());
    });
    this.deps.onChange({ series: key, from: b.from, to: b.to, kind: "approval" });
    return id;
  }

  /**
   * Un-approves [from, to): every part of it must be approved now, so of two requests over
   * overlapping periods the second is refused (the period is no longer approved).
   */
  async unapprove(series: CatalogSeries, b: { from: number; to: number; level: "checked" | "raw"; reason: string }, actor: Actor, policy: AccessPolicy): Promise<number> {
    const key = keyOf(series);
    this.mayReview(policy, key);
    const id = await this.deps.meta.transaction(async (trx) => {
      const gap = firstUnapproved(await this.state(trx, key), b.from, b.to);
      if (gap) {
        throw new ConflictError(
          `${range(gap.from, gap.to)} is not approved (un-approved already, or never approved): only approved periods can be un-approved; check GET /api/v1/review/approvals`,
        );
      }
      return this.deps.repo.in(trx).addApproval({ ...key, from: b.from, to: b.to, level: b.level, action: "unapproval", reason: b.reason }, actor, this.deps.clock.now());
    });
    this.deps.onChange({ series: key, from: b.from, to: b.to, kind: "approval" });
    return id;
  }

  async grade(series: CatalogSeries, b: { from: number; to: number; grade: string; reason: string }, actor: Actor, policy: AccessPolicy): Promise<number> {
    const key = keyOf(series);
    if (!this.deps.grades.includes(b.grade)) {
      throw new ValidationError(`unknown grade ${JSON.stringify(b.grade)}; the grades are: ${this.deps.grades.join(", ")}`, [{ path: "grade", message: `one of ${this.deps.grades.join(", ")}` }]);
    }
    this.mayReview(policy, key);
    this.checkRange(b.from, b.to, false);
    return this.deps.meta.transaction(async (trx) => {
      this.refuseApproved(await this.state(trx, key), b.from, b.to, "grading");
      return this.deps.repo.in(trx).addGrade({ ...key, from: b.from, to: b.to, grade: b.grade, reason: b.reason }, actor, this.deps.clock.now());
    });
  }

  /** An embargo is set (or lifted) by the organisation owning the sensor or station, or an admin. */
  async embargo(catalog: CatalogSnapshot, b: { sensor?: string | undefined; station?: string | undefined; until: number | null; reason: string }, actor: Actor, policy: AccessPolicy): Promise<EmbargoInfo> {
    const target = b.sensor !== undefined ? { kind: "sensor" as const, id: b.sensor } : { kind: "station" as const, id: b.station! };
    const owner = target.kind === "sensor" ? catalog.sensor(target.id)?.owner : catalog.station(target.id)?.operator;
    if (owner === undefined) throw new ValidationError(`unknown ${target.kind} ${JSON.stringify(target.id)}`, [{ path: target.kind, message: `no ${target.kind} with this id in the catalog` }]);
    if (owner === null) throw new ValidationError(`${target.kind} ${target.id} has no owning organisation in the catalog; an embargo is set by the organisation that owns it`);
    if (!policy.isMember(owner)) throw new ForbiddenError(`${target.kind} ${target.id} belongs to ${owner}; only its members (reviewers) and admins set its embargo`);
    return this.deps.repo.addEmbargo({ organisation: owner, target, until: b.until, reason: b.reason }, actor, this.deps.clock.now());
  }
}
