// Personal API tokens for scripts (e.g. nightly exports): scoped to a role no higher than the
// owner's, optionally expiring, revocable; stored hashed, listed by prefix only.
import type { Selectable } from "kysely";
import type { ApiTokenInfo, CreatedApiToken, Role } from "../../../common/auth-types.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import type { ApiTokensTable } from "../meta/tables.ts";
import { ROLES, roleAtLeast } from "./roles.ts";
import { hashSecret, newSecret } from "./secret-token.ts";

export type { ApiTokenInfo };

export interface ApiTokenRepository {
  /** This repository inside the caller's transaction. */
  in(trx: MetaTransaction): ApiTokenRepository;
  create(userId: number, label: string, role: Role, expiresAt: Date | null): Promise<CreatedApiToken>;
  listForUser(userId: number): Promise<ApiTokenInfo[]>;
  /** Revokes one of the user's active tokens; false when there is none with that id. */
  revoke(userId: number, id: number): Promise<boolean>;
  /** Revokes every active token of the user (password changed, disabled, logged out everywhere); returns how many. */
  revokeAllForUser(userId: number): Promise<number>;
  /** Lowers the role of the user's tokens that grant more than `role` (a demotion); returns how many. */
  capRole(userId: number, role: Role): Promise<number>;
  /** The token's record when it is valid now (not revoked, not expired). */
  verify(token: string): Promise<ApiTokenInfo | undefined>;
}

type Row = Selectable<ApiTokensTable>;

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

export class SqlApiTokenRepository implements ApiTokenRepository {
  constructor(
    private readonly db: MetaExecutor,
    private readonly now: () => Date = () => new Date(),
  ) {}

  in(trx: MetaTransaction): ApiTokenRepository {
    return new SqlApiTokenRepository(trx, this.now);
  }

  async create(userId: number, label: string, role: Role, expiresAt: Date | null): Promise<CreatedApiToken> {
    const { token, prefix, hash } = newSecret("wmpt");
    const row = await this.db
      .insertInto("api_tokens")
      .values({ user_id: userId, prefix, token_hash: hash, label, role, created_at: this.now().toISOString(), expires_at: expiresAt?.toISOString() ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...toInfo(row), token };
  }

  async listForUser(userId: number): Promise<ApiTokenInfo[]> {
    return (await this.db.selectFrom("api_tokens").selectAll().where("user_id", "=", userId).orderBy("id").execute()).map(toInfo);
  }

  async revoke(userId: number, id: number): Promise<boolean> {
    const result = await this.db
      .updateTable("api_tokens")
      .set({ revoked_at: this.now().toISOString() })
      .where("id", "=", id)
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async revokeAllForUser(userId: number): Promise<number> {
    const result = await this.db
      .updateTable("api_tokens")
      .set({ revoked_at: this.now().toISOString() })
      .where("user_id", "=", userId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async capRole(userId: number, role: Role): Promise<number> {
    // Stored, not only applied when a token is used: promoting the user again later must not
    // silently hand the old, higher rights back to a token made before the demotion.
    const above = ROLES.filter((r) => !roleAtLeast(role, r));
    if (above.length === 0) return 0;
    const result = await this.db.updateTable("api_tokens").set({ role }).where("user_id", "=", userId).where("role", "in", above).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async verify(token: string): Promise<ApiTokenInfo | undefined> {
    const row = await this.db
      .selectFrom("api_tokens")
      .selectAll()
      .where("token_hash", "=", hashSecret(token))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at && row.expires_at <= this.now().toISOString()) return undefined;
    return toInfo(row);
  }
}
