// Login sessions: a random id in an HttpOnly cookie, its SHA-256 in SQLite, and a per-session CSRF
// token that cookie-authenticated state-changing requests must echo in X-CSRF-Token.
import { randomBytes } from "node:crypto";
import type { MetaDb } from "../meta/database.ts";
import { hashSecret } from "./secret-token.ts";

export interface Session {
  userId: number;
  csrfToken: string;
  expiresAt: string;
}

export class SessionRepository {
  constructor(
    private readonly db: MetaDb,
    private readonly ttlMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  create(userId: number): { id: string; session: Session } {
    const id = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(24).toString("base64url");
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.ttlMs).toISOString();
    this.db
      .prepare("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
      .run(hashSecret(id), userId, csrfToken, now.toISOString(), expiresAt);
    return { id, session: { userId, csrfToken, expiresAt } };
  }

  resolve(id: string): Session | undefined {
    const row = this.db
      .prepare("SELECT user_id, csrf_token, expires_at FROM sessions WHERE id_hash = ?")
      .get(hashSecret(id)) as { user_id: number; csrf_token: string; expires_at: string } | undefined;
    if (!row) return undefined;
    if (row.expires_at <= this.now().toISOString()) {
      this.delete(id);
      return undefined;
    }
    return { userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  delete(id: string): void {
    this.db.prepare("DELETE FROM sessions WHERE id_hash = ?").run(hashSecret(id));
  }

  /** "Log out everywhere". */
  deleteAllForUser(userId: number): number {
    return this.db.prepare("DELETE FROM sessions WHERE user_id = ?").run(userId).changes;
  }
}
