// Users of the dashboard and API, with login lock-out bookkeeping.
import type { MetaDb } from "../meta/database.ts";
import type { Role, UserInfo } from "../../../common/auth-types.ts";

export type User = UserInfo;

interface Row {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  created_at: string;
  disabled: number;
  failed_logins: number;
  locked_until: string | null;
}

const toUser = (r: Row): User => ({
  id: r.id,
  username: r.username,
  role: r.role,
  createdAt: r.created_at,
  disabled: r.disabled === 1,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until,
});

export class UserRepository {
  constructor(
    private readonly db: MetaDb,
    private readonly now: () => Date = () => new Date(),
  ) {}

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users").get() as { n: number }).n;
  }

  create(username: string, passwordHash: string, role: Role): User {
    const result = this.db
      .prepare("INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)")
      .run(username, passwordHash, role, this.now().toISOString());
    return this.byId(Number(result.lastInsertRowid))!;
  }

  byId(id: number): User | undefined {
    const row = this.db.prepare("SELECT * FROM users WHERE id = ?").get(id) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  /** The user and their password hash, for login only. */
  credentials(username: string): { user: User; passwordHash: string } | undefined {
    const row = this.db.prepare("SELECT * FROM users WHERE username = ?").get(username) as Row | undefined;
    return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined;
  }

  list(): User[] {
    return (this.db.prepare("SELECT * FROM users ORDER BY username").all() as Row[]).map(toUser);
  }

  update(id: number, changes: { role?: Role; disabled?: boolean; passwordHash?: string }): User | undefined {
    const current = this.db.prepare("SELECT * FROM users WHERE id = ?").get(id) as Row | undefined;
    if (!current) return undefined;
    this.db
      .prepare("UPDATE users SET role = ?, disabled = ?, password_hash = ? WHERE id = ?")
      .run(changes.role ?? current.role, changes.disabled === undefined ? current.disabled : Number(changes.disabled), changes.passwordHash ?? current.password_hash, id);
    return this.byId(id);
  }

  delete(id: number): boolean {
    return this.db.prepare("DELETE FROM users WHERE id = ?").run(id).changes > 0;
  }

  recordFailedLogin(id: number, lockAfter: number, lockMs: number): void {
    const row = this.db.prepare("SELECT failed_logins FROM users WHERE id = ?").get(id) as { failed_logins: number } | undefined;
    if (!row) return;
    const failures = row.failed_logins + 1;
    const lockedUntil = failures >= lockAfter ? new Date(this.now().getTime() + lockMs).toISOString() : null;
    this.db.prepare("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?").run(lockedUntil ? 0 : failures, lockedUntil, id);
  }

  recordSuccessfulLogin(id: number): void {
    this.db.prepare("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?").run(id);
  }
}
