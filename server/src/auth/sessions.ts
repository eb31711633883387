// Login sessions: a random id in an HttpOnly cookie, its SHA-256 in the metadata store, and a
// per-session CSRF token that cookie-authenticated state-changing requests must echo in X-CSRF-Token.
import { randomBytes } from "node:crypto";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import { hashSecret } from "./secret-token.ts";

export interface Session {
  userId: number;
  csrfToken: string;
  expiresAt: string;
}

export interface SessionRepository {
  /** This repository inside the caller's transaction. */
  in(trx: MetaTransaction): SessionRepository;
  create(userId: number): Promise<{ id: string; session: Session }>;
  /** The session behind a cookie's id, or undefined when unknown or expired (an expired one is deleted). */
  resolve(id: string): Promise<Session | undefined>;
  delete(id: string): Promise<void>;
  /** "Log out everywhere" (but the session `exceptId`, if given): returns how many sessions ended. */
  deleteAllForUser(userId: number, exceptId?: string): Promise<number>;
}

export class SqlSessionRepository implements SessionRepository {
  constructor(
    private readonly db: MetaExecutor,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  in(trx: MetaTransaction): SessionRepository {
    return new SqlSessionRepository(trx, this.ttlMs, this.now);
  }

  async create(userId: number): Promise<{ id: string; session: Session }> {
    const id = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(24).toString("base64url");
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.ttlMs).toISOString();
    await this.db
      .insertInto("sessions")
      .values({ id_hash: hashSecret(id), user_id: userId, csrf_token: csrfToken, created_at: now.toISOString(), expires_at: expiresAt })
      .execute();
    return { id, session: { userId, csrfToken, expiresAt } };
  }

  async resolve(id: string): Promise<Session | undefined> {
    const row = await this.db
      .selectFrom("sessions")
      .select(["user_id", "csrf_token", "expires_at"])
      .where("id_hash", "=", hashSecret(id))
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at <= this.now().toISOString()) {
      await this.delete(id);
      return undefined;
    }
    return { userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id_hash", "=", hashSecret(id)).execute();
  }

  async deleteAllForUser(userId: number, exceptId?: string): Promise<number> {
    let query = this.db.deleteFrom("sessions").where("user_id", "=", userId);
    if (exceptId !== undefined) query = query.where("id_hash", "!=", hashSecret(exceptId));
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
