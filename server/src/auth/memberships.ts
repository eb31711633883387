// Users' memberships of organisations (issue #17). Organisations themselves are catalog entities
// (stations' operators, sensors' owners); this keeps only which user belongs to which, by the
// catalog's organisation id. A member reads the organisation's unreleased data.
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import { atomically } from "../meta/store.ts";

export interface Membership {
  userId: number;
  organisation: string;
  addedAt: number;
  addedBy: string;
}

export interface MembershipRepository {
  in(trx: MetaTransaction): MembershipRepository;
  /** The organisations a user belongs to. */
  of(userId: number): Promise<string[]>;
  /** Every membership, or one organisation's. */
  list(organisation?: string): Promise<Membership[]>;
  /** Makes the user's organisations exactly `organisations`; returns what was added and removed. */
  set(userId: number, organisations: readonly string[], by: string, at: number): Promise<{ added: string[]; removed: string[] }>;
}

export class SqlMembershipRepository implements MembershipRepository {
  constructor(private readonly db: MetaExecutor) {}

  in(trx: MetaTransaction): MembershipRepository {
    return new SqlMembershipRepository(trx);
  }

  async of(userId: number): Promise<string[]> {
    const rows = await this.db.selectFrom("organisation_members").select("organisation").where("user_id", "=", userId).orderBy("organisation").execute();
    return rows.map((r) => r.organisation);
  }

  async list(organisation?: string): Promise<Membership[]> {
    let q = this.db.selectFrom("organisation_members").selectAll();
    if (organisation !== undefined) q = q.where("organisation", "=", organisation);
    const rows = await q.orderBy("organisation").orderBy("user_id").execute();
    return rows.map((r) => ({ userId: r.user_id, organisation: r.organisation, addedAt: r.added_at, addedBy: r.added_by }));
  }

  set(userId: number, organisations: readonly string[], by: string, at: number): Promise<{ added: string[]; removed: string[] }> {
    return atomically(this.db, async (trx) => {
      const current = new Set(await this.in(trx).of(userId));
      const wanted = new Set(organisations);
      const added = [...wanted].filter((o) => !current.has(o)).sort();
      const removed = [...current].filter((o) => !wanted.has(o)).sort();
      if (removed.length > 0) await trx.deleteFrom("organisation_members").where("user_id", "=", userId).where("organisation", "in", removed).execute();
      if (added.length > 0) await trx.insertInto("organisation_members").values(added.map((organisation) => ({ user_id: userId, organisation, added_at: at, added_by: by }))).execute();
      return { added, removed };
    });
  }
}
