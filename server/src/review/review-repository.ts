// The review records in the metadata store: corrections and their undos, approvals and
// un-approvals, grades and embargoes. Records are only ever added (the tables' triggers refuse
// UPDATE and DELETE, migration 11); every state — now or "as of" a past time — is computed from them
// (review-state.ts).
import type { Selectable } from "kysely";
import type {
  ApprovalLevel,
  CorrectionAction,
  CorrectionInfo,
  CorrectionReference,
  EmbargoInfo,
  ReviewAuditEntry,
  SeriesKey,
} from "../../../common/review.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import type { ReviewCorrectionsTable, ReviewUndosTable } from "../meta/tables.ts";

/** Who recorded something: their name (shown) and id (a record; users may be deleted, the trail stays). */
export interface Actor {
  name: string;
  id: number | null;
}

export interface ApprovalRecord {
  id: number;
  from: number;
  to: number;
  level: ApprovalLevel;
  action: "approval" | "unapproval";
  reason: string;
  at: number;
  by: string;
}

export interface GradeRecord {
  id: number;
  from: number;
  to: number;
  grade: string;
  reason: string;
  at: number;
  by: string;
}

/** Everything recorded about one series. */
export interface SeriesRecords {
  corrections: CorrectionInfo[];
  approvals: ApprovalRecord[];
  grades: GradeRecord[];
}

export interface NewCorrection extends SeriesKey {
  from: number;
  to: number;
  action: CorrectionAction;
  reason: string;
  reference: CorrectionReference | null;
}

export interface NewRange extends SeriesKey {
  from: number;
  to: number;
  reason: string;
}

export interface NewEmbargo {
  organisation: string;
  target: EmbargoInfo["target"];
  until: number | null;
  reason: string;
}

export interface AuditFilter {
  series?: SeriesKey;
  from?: number;
  to?: number;
  limit: number;
}

export interface ReviewRepository {
  in(trx: MetaTransaction): ReviewRepository;
  /** The records of each series asked for, by seriesId(). */
  records(series: readonly SeriesKey[]): Promise<Map<string, SeriesRecords>>;
  correction(id: number): Promise<CorrectionInfo | undefined>;
  addCorrection(c: NewCorrection, by: Actor, at: number): Promise<CorrectionInfo>;
  addUndo(correctionId: number, reason: string, by: Actor, at: number): Promise<void>;
  addApproval(a: NewRange & { level: ApprovalLevel; action: "approval" | "unapproval" }, by: Actor, at: number): Promise<number>;
  addGrade(g: NewRange & { grade: string }, by: Actor, at: number): Promise<number>;
  embargoes(): Promise<EmbargoInfo[]>;
  addEmbargo(e: NewEmbargo, by: Actor, at: number): Promise<EmbargoInfo>;
  audit(filter: AuditFilter): Promise<ReviewAuditEntry[]>;
  /** Series that have any review record (for the review queue). */
  reviewedSeries(): Promise<SeriesKey[]>;
}

/** One string per series, for maps. */
export function seriesId(s: SeriesKey): string {
  return `${s.station}\u0000${s.parameter}\u0000${s.sensor}`;
}

type CorrectionRow = Selectable<ReviewCorrectionsTable> & { undo_at: number | null; undo_by: string | null; undo_reason: string | null };

function toCorrection(r: CorrectionRow): CorrectionInfo {
  return {
    id: r.id,
    station: r.station,
    parameter: r.parameter,
    sensor: r.sensor,
    from: r.from_ms,
    to: r.to_ms,
    action: JSON.parse(r.params) as CorrectionAction,
    reason: r.reason,
    reference: r.reference_kind !== null && r.reference_id !== null ? { kind: r.reference_kind, id: r.reference_id } : null,
    createdAt: r.created_at,
    createdBy: r.created_by,
    undone: r.undo_at !== null ? { at: r.undo_at, by: r.undo_by ?? "", reason: r.undo_reason ?? "" } : null,
  };
}

const seriesOf = (r: SeriesKey) => ({ station: r.station, parameter: r.parameter, sensor: r.sensor });

export class SqlReviewRepository implements ReviewRepository {
  constructor(private readonly db: MetaExecutor) {}

  in(trx: MetaTransaction): ReviewRepository {
    return new SqlReviewRepository(trx);
  }

  private corrections() {
    return this.db
      .selectFrom("review_corrections as c")
      .leftJoin("review_undos as u", "u.correction_id", "c.id")
      .selectAll("c")
      .select(["u.at as undo_at", "u.by as undo_by", "u.reason as undo_reason"]);
  }

  async records(series: readonly SeriesKey[]): Promise<Map<string, SeriesRecords>> {
    const out = new Map<string, SeriesRecords>(series.map((s) => [seriesId(s), { corrections: [], approvals: [], grades: [] }]));
    if (series.length === 0) return out;
    const stations = [...new Set(series.map((s) => s.station))];
    const parameters = [...new Set(series.map((s) => s.parameter))];
    const [corrections, approvals, grades] = await Promise.all([
      this.corrections().where("c.station", "in", stations).where("c.parameter", "in", parameters).orderBy("c.id").execute(),
      this.db.selectFrom("review_approvals").selectAll().where("station", "in", stations).where("parameter", "in", parameters).orderBy("id").execute(),
      this.db.selectFrom("review_grades").selectAll().where("station", "in", stations).where("parameter", "in", parameters).orderBy("id").execute(),
    ]);
    for (const r of corrections) out.get(seriesId(r))?.corrections.push(toCorrection(r));
    for (const r of approvals) {
      out.get(seriesId(r))?.approvals.push({ id: r.id, from: r.from_ms, to: r.to_ms, level: r.level, action: r.action, reason: r.reason, at: r.at, by: r.by });
    }
    for (const r of grades) out.get(seriesId(r))?.grades.push({ id: r.id, from: r.from_ms, to: r.to_ms, grade: r.grade, reason: r.reason, at: r.at, by: r.by });
    return out;
  }

  async correction(id: number): Promise<CorrectionInfo | undefined> {
    const row = await this.corrections().where("c.id", "=", id).executeTakeFirst();
    return row ? toCorrection(row) : undefined;
  }

  async addCorrection(c: NewCorrection, by: Actor, at: number): Promise<CorrectionInfo> {
    const row = await this.db
      .insertInto("review_corrections")
      .values({
        ...seriesOf(c),
        kind: c.action.kind,
        from_ms: c.from,
        to_ms: c.to,
        params: JSON.stringify(c.action),
        reason: c.reason,
        reference_kind: c.reference?.kind ?? null,
        reference_id: c.reference?.id ?? null,
        created_at: at,
        created_by: by.name,
        created_by_id: by.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { ...seriesOf(c), id: row.id, from: c.from, to: c.to, action: c.action, reason: c.reason, reference: c.reference, createdAt: at, createdBy: by.name, undone: null };
  }

  async addUndo(correctionId: number, reason: string, by: Actor, at: number): Promise<void> {
    const undo: ReviewUndosTable = { correction_id: correctionId, at, by: by.name, by_id: by.id, reason };
    await this.db.insertInto("review_undos").values(undo).execute();
  }

  async addApproval(a: NewRange & { level: ApprovalLevel; action: "approval" | "unapproval" }, by: Actor, at: number): Promise<number> {
    const row = await this.db
      .insertInto("review_approvals")
      .values({ ...seriesOf(a), from_ms: a.from, to_ms: a.to, level: a.level, action: a.action, reason: a.reason, at, by: by.name, by_id: by.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async addGrade(g: NewRange & { grade: string }, by: Actor, at: number): Promise<number> {
    const row = await this.db
      .insertInto("review_grades")
      .values({ ...seriesOf(g), from_ms: g.from, to_ms: g.to, grade: g.grade, reason: g.reason, at, by: by.name, by_id: by.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async embargoes(): Promise<EmbargoInfo[]> {
    const rows = await this.db.selectFrom("review_embargoes").selectAll().orderBy("id").execute();
    return rows.map((r) => ({ id: r.id, organisation: r.organisation, target: { kind: r.target_kind, id: r.target_id }, until: r.until_ms, reason: r.reason, at: r.at, by: r.by }));
  }

  async addEmbargo(e: NewEmbargo, by: Actor, at: number): Promise<EmbargoInfo> {
    const row = await this.db
      .insertInto("review_embargoes")
      .values({ organisation: e.organisation, target_kind: e.target.kind, target_id: e.target.id, until_ms: e.until, reason: e.reason, at, by: by.name, by_id: by.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id: row.id, organisation: e.organisation, target: e.target, until: e.until, reason: e.reason, at, by: by.name };
  }

  async audit(filter: AuditFilter): Promise<ReviewAuditEntry[]> {
    const s = filter.series;
    const from = filter.from ?? Number.MIN_SAFE_INTEGER;
    const to = filter.to ?? Number.MAX_SAFE_INTEGER;
    let corrections = this.db.selectFrom("review_corrections").selectAll().where("to_ms", ">", from).where("from_ms", "<", to);
    let undos = this.db
      .selectFrom("review_undos as u")
      .innerJoin("review_corrections as c", "c.id", "u.correction_id")
      .select(["u.correction_id", "u.at", "u.by", "u.reason", "c.station", "c.parameter", "c.sensor", "c.from_ms", "c.to_ms", "c.kind"])
      .where("c.to_ms", ">", from)
      .where("c.from_ms", "<", to);
    let approvals = this.db.selectFrom("review_approvals").selectAll().where("to_ms", ">", from).where("from_ms", "<", to);
    let grades = this.db.selectFrom("review_grades").selectAll().where("to_ms", ">", from).where("from_ms", "<", to);
    if (s) {
      corrections = corrections.where("station", "=", s.station).where("parameter", "=", s.parameter).where("sensor", "=", s.sensor);
      undos = undos.where("c.station", "=", s.station).where("c.parameter", "=", s.parameter).where("c.sensor", "=", s.sensor);
      approvals = approvals.where("station", "=", s.station).where("parameter", "=", s.parameter).where("sensor", "=", s.sensor);
      grades = grades.where("station", "=", s.station).where("parameter", "=", s.parameter).where("sensor", "=", s.sensor);
    }
    const embargoes = s
      ? this.db
          .selectFrom("review_embargoes")
          .selectAll()
          .where((eb) => eb.or([eb.and([eb("target_kind", "=", "sensor"), eb("target_id", "=", s.sensor)]), eb.and([eb("target_kind", "=", "station"), eb("target_id", "=", s.station)])]))
      : this.db.selectFrom("review_embargoes").selectAll();
    const [c, u, a, g, e] = await Promise.all([
      corrections.orderBy("id", "desc").limit(filter.limit).execute(),
      undos.orderBy("u.at", "desc").limit(filter.limit).execute(),
      approvals.orderBy("id", "desc").limit(filter.limit).execute(),
      grades.orderBy("id", "desc").limit(filter.limit).execute(),
      embargoes.orderBy("id", "desc").limit(filter.limit).execute(),
    ]);
    // Records of a series over a range share their shape in the trail.
    const ranged = <R extends { station: string; parameter: string; sensor: string; from_ms: number; to_ms: number; reason: string }>(
      r: R,
      action: ReviewAuditEntry["action"],
      id: number,
      at: number,
      by: string,
      details: Record<string, unknown>,
    ): ReviewAuditEntry => ({ key: `${action}:${id}`, action, at, by, series: seriesOf(r), from: r.from_ms, to: r.to_ms, reason: r.reason, details });
    const entries: ReviewAuditEntry[] = [
      ...c.map((r) =>
        ranged(r, "correction", r.id, r.created_at, r.created_by, {
          id: r.id,
          ...(JSON.parse(r.params) as CorrectionAction),
          reference: r.reference_kind ? { kind: r.reference_kind, id: r.reference_id } : null,
        }),
      ),
      ...u.map((r) => ranged(r, "undo", r.correction_id, r.at, r.by, { correction: r.correction_id, kind: r.kind })),
      ...a.map((r) => ranged(r, r.action, r.id, r.at, r.by, { id: r.id, level: r.level })),
      ...g.map((r) => ranged(r, "grade", r.id, r.at, r.by, { id: r.id, grade: r.grade })),
      ...e.map((r) => ({
        key: `embargo:${r.id}`,
        action: "embargo" as const,
        at: r.at,
        by: r.by,
        series: null,
        from: null,
        to: r.until_ms,
        reason: r.reason,
        details: { id: r.id, organisation: r.organisation, target: { kind: r.target_kind, id: r.target_id }, until: r.until_ms },
      })),
    ];
    // Newest first; records made in the same millisecond by id order of their kind.
    entries.sort((x, y) => y.at - x.at || y.key.localeCompare(x.key));
    return entries.slice(0, filter.limit);
  }

  async reviewedSeries(): Promise<SeriesKey[]> {
    const rows = await this.db.selectFrom("review_approvals").select(["station", "parameter", "sensor"]).distinct().execute();
    return rows.map(seriesOf);
  }
}
