// Silences as the metadata store keeps them (alert_silences, migration 13). A silence is never
// deleted: expiring it early sets its end to that moment and names who ended it, so the list keeps
// the record of every known situation and who declared it.
import type { Selectable } from "kysely";
import type { Silence } from "../../../common/silences.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import type { AlertSilencesTable } from "../meta/tables.ts";

export type NewSilence = Omit<Silence, "id" | "createdAt" | "expiredBy">;

function fromRow(r: Selectable<AlertSilencesTable>): Silence {
  return {
    id: r.id,
    station: r.station,
    parameter: r.parameter,
    ruleId: r.rule_id,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    createdBy: r.created_by,
    comment: r.comment,
    createdAt: r.created_at,
    expiredBy: r.expired_by,
  };
}

export class SilenceRepository {
  constructor(private readonly db: MetaExecutor) {}

  in(trx: MetaTransaction): SilenceRepository {
    return new SilenceRepository(trx);
  }

  async create(s: NewSilence, by: { id: number | null; username: string }, now: number): Promise<Silence> {
    const { id } = await this.db
      .insertInto("alert_silences")
      .values({
        station: s.station,
        parameter: s.parameter,
        rule_id: s.ruleId,
        starts_at: s.startsAt,
        ends_at: s.endsAt,
        comment: s.comment,
        created_at: now,
        created_by: by.username,
        created_by_id: by.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return this.get(id);
  }

  async get(id: number): Promise<Silence> {
    const row = await this.db.selectFrom("alert_silences").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no silence ${id}`);
    return fromRow(row);
  }

  /** Ends a silence now; an expired one is refused. */
  async expire(id: number, by: string, now: number): Promise<Silence> {
    const s = await this.get(id);
    if (s.endsAt <= now) throw new ValidationError(`silence ${id} has already expired`);
    // Ends now. A pending one never began: its start moves to just before its end (the planned
    // start stays in the audit log), as a silence must end after it starts.
    const endsAt = now;
    const startsAt = Math.min(s.startsAt, now - 1);
    await this.db.updateTable("alert_silences").set({ starts_at: startsAt, ends_at: endsAt, expired_by: by }).where("id", "=", id).execute();
    return this.get(id);
  }

  /** Silences that have not ended by `now` (active and pending). */
  async current(now: number): Promise<Silence[]> {
    const rows = await this.db.selectFrom("alert_silences").selectAll().where("ends_at", ">", now).orderBy("starts_at").execute();
    return rows.map(fromRow);
  }

  /** The newest first: current ones and those that ended at most `expiredSince` ago. */
  async list(now: number, expiredSince: number, limit = 200): Promise<Silence[]> {
    const rows = await this.db
      .selectFrom("alert_silences")
      .selectAll()
      .where("ends_at", ">", now - expiredSince)
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }
}
