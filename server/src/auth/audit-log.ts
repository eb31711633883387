// Who changed which user, token, rule or setting, and when.
import type { AuditEntry } from "../../../common/auth-types.ts";
import type { MetaExecutor } from "../meta/store.ts";

export interface AuditLog {
  record(actor: string, action: string, target?: string, details?: unknown): Promise<void>;
  /** The newest entries first. */
  recent(limit?: number): Promise<AuditEntry[]>;
}

export class SqlAuditLog implements AuditLog {
  constructor(
    private readonly db: MetaExecutor,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(actor: string, action: string, target?: string, details?: unknown): Promise<void> {
    await this.db
      .insertInto("audit_log")
      .values({ at: this.now().toISOString(), actor, action, target: target ?? null, details: details === undefined ? null : JSON.stringify(details) })
      .execute();
  }

  async recent(limit = 200): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom("audit_log").selectAll().orderBy("id", "desc").limit(limit).execute();
    return rows.map((r) => ({ ...r, details: r.details === null ? null : (JSON.parse(r.details) as unknown) }));
  }
}
