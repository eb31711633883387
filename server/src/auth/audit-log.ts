// Who changed which user, token, rule or setting, and when.
import type { AuditEntry } from "../../../common/auth-types.ts";
import type { MetaDb } from "../meta/database.ts";

export class AuditLog {
  constructor(
    private readonly db: MetaDb,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(actor: string, action: string, target?: string, details?: unknown): void {
    this.db
      .prepare("INSERT INTO audit_log (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)")
      .run(this.now().toISOString(), actor, action, target ?? null, details === undefined ? null : JSON.stringify(details));
  }

  recent(limit = 200): AuditEntry[] {
    const rows = this.db.prepare("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?").all(limit) as Array<Omit<AuditEntry, "details"> & { details: string | null }>;
    return rows.map((r) => ({ ...r, details: r.details === null ? null : (JSON.parse(r.details) as unknown) }));
  }
}
