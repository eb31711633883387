// Users of the dashboard and API. Failed logins are counted per name and address elsewhere
// (login-throttle.ts), never on the account: a stranger cannot lock a user out.
import type { Selectable, Updateable } from "kysely";
import type { Role, UserInfo } from "../../../common/auth-types.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import type { UsersTable } from "../meta/tables.ts";

export type User = UserInfo;

export interface UserRepository {
  /** This repository inside the caller's transaction. */
  in(trx: MetaTransaction): UserRepository;
  count(): Promise<number>;
  create(username: string, passwordHash: string, role: Role): Promise<User>;
  byId(id: number): Promise<User | undefined>;
  /** The user and their password hash, for login only. Usernames compare case-insensitively. */
  credentials(username: string): Promise<{ user: User; passwordHash: string } | undefined>;
  list(): Promise<User[]>;
  /** The roles of these users (absent: no such user). */
  roles(ids: readonly number[]): Promise<Map<number, Role>>;
  update(id: number, changes: { role?: Role; disabled?: boolean; passwordHash?: string }): Promise<User | undefined>;
  /** Deletes the user; what is theirs (sessions, API tokens, subscriptions, rules, inbox) goes too. */
  delete(id: number): Promise<boolean>;
}

type Row = Selectable<UsersTable>;

const toUser = (r: Row): User => ({
  id: r.id,
  username: r.username,
  role: r.role,
  createdAt: r.created_at,
  disabled: r.disabled === 1,
});

export class SqlUserRepository implements UserRepository {
  constructor(
    private readonly db: MetaExecutor,
    private readonly now: () => Date = () => new Date(),
  ) {}

  in(trx: MetaTransaction): UserRepository {
    return new SqlUserRepository(trx, this.now);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom("users").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
    return Number(row.n); // PostgreSQL's count is a bigint, which arrives as a string
  }

  async create(username: string, passwordHash: string, role: Role): Promise<User> {
    const row = await this.db
      .insertInto("users")
      .values({ username, password_hash: passwordHash, role, created_at: this.now().toISOString() })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async byId(id: number): Promise<User | undefined> {
    const row = await this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toUser(row) : undefined;
  }

  async credentials(username: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const row = await this.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
    return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined;
  }

  async list(): Promise<User[]> {
    return (await this.db.selectFrom("users").selectAll().orderBy("username").execute()).map(toUser);
  }

  async roles(ids: readonly number[]): Promise<Map<number, Role>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom("users").select(["id", "role"]).where("id", "in", [...ids]).execute();
    return new Map(rows.map((r) => [r.id, r.role]));
  }

  async update(id: number, changes: { role?: Role; disabled?: boolean; passwordHash?: string }): Promise<User | undefined> {
    const set: Updateable<UsersTable> = {};
    if (changes.role !== undefined) set.role = changes.role;
    if (changes.disabled !== undefined) set.disabled = changes.disabled ? 1 : 0;
    if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
    if (Object.keys(set).length > 0) await this.db.updateTable("users").set(set).where("id", "=", id).execute();
    return this.byId(id);
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom("users").where("id", "=", id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
