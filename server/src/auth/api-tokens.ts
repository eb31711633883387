// Personal API tokens for scripts (e.g. nightly exports): scoped to a role no higher than the
// owner's, optionally expiring, revocable; stored hashed, listed by prefix only.
import type { MetaDb } from "../meta/database.ts";
import type { ApiTokenInfo, CreatedApiToken, Role } from "../../../common/auth-types.ts";
import { hashSecret, newSecret } from "./secret-token.ts";

export type { ApiTokenInfo };

interface Row {
  id: number;
  user_id: number;
  prefix: string;
  label: string;
  role: Role;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

const toInfo = (r: Row): ApiTokenInfo => ({
  id: r.id,
  userId: r.user_id,
  prefix: r.prefix,
  label: r.label,
  role: r.role,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

export class ApiTokenRepository {
  constructor(
    private readonly db: MetaDb,
    private readonly now: () => Date = () => new Date(),
  ) {}

  create(userId: number, label: string, role: Role, expiresAt: Date | null): CreatedApiToken {
    const { token, prefix, hash } = newSecret("wmpt");
    const result = this.db
      .prepare("INSERT INTO api_tokens (user_id, prefix, token_hash, label, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(userId, prefix, hash, label, role, this.now().toISOString(), expiresAt?.toISOString() ?? null);
    const row = this.db.prepare("SELECT * FROM api_tokens WHERE id = ?").get(result.lastInsertRowid) as Row;
    return { ...toInfo(row), token };
  }

  listForUser(userId: number): ApiTokenInfo[] {
    return (this.db.prepare("SELECT * FROM api_tokens WHERE user_id = ? ORDER BY id").all(userId) as Row[]).map(toInfo);
  }

  revoke(userId: number, id: number): boolean {
    return (
      this.db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL").run(this.now().toISOString(), id, userId)
        .changes > 0
    );
  }

  /** The token's record when it is valid now (not revoked, not expired). */
  verify(token: string): ApiTokenInfo | undefined {
    const row = this.db.prepare("SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL").get(hashSecret(token)) as Row | undefined;
    if (!row) return undefined;
    if (row.expires_at && row.expires_at <= this.now().toISOString()) return undefined;
    return toInfo(row);
  }
}
