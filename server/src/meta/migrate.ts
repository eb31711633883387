// Schema migrations, one list per SQL dialect (each in migrations/<dialect>.ts, written in that
// dialect's DDL), and a runner that does not care which: a dialect supplies a MigrationTarget that
// reads and records the schema version its own way (SQLite: PRAGMA user_version; PostgreSQL: a table). Each migration runs
// once, in order, together with recording its version in one transaction.
import type { MetaDialect } from "./store.ts";
import { POSTGRES_MIGRATIONS } from "./migrations/postgres.ts";
import { SQLITE_MIGRATIONS } from "./migrations/sqlite.ts";

export const MIGRATIONS: Readonly<Record<MetaDialect, readonly string[]>> = {
  sqlite: SQLITE_MIGRATIONS,
  postgres: POSTGRES_MIGRATIONS,
};

export interface MigrationTarget {
  /** Where the database is, for messages (a file path, a URL without password). */
  readonly location: string;
  /** The schema version the database is at; 0 for a new, empty database. */
  version(): Promise<number>;
  /** Runs one migration and records `version`, both or neither. */
  apply(migration: string, version: number): Promise<void>;
}

/** The database was migrated by a newer Water Monitor: this one must not touch it. */
export class SchemaTooNewError extends Error {
  override readonly name = "SchemaTooNewError";
  constructor(
    readonly location: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `The metadata database ${location} has schema version ${found}, but this Water Monitor knows versions up to ${known}: ` +
        "it was written by a newer release. Refusing to start, because a schema is never downgraded; " +
        "run that newer release again, or restore a backup of the data directory (or database) taken before it ran.",
    );
  }
}

/** Brings the database up to the last migration of `migrations`; returns the versions before and after. */
export async function migrate(target: MigrationTarget, migrations: readonly string[]): Promise<{ from: number; to: number }> {
  const from = await target.version();
  if (from > migrations.length) throw new SchemaTooNewError(target.location, from, migrations.length);
  for (let version = from + 1; version <= migrations.length; version++) await target.apply(migrations[version - 1]!, version);
  return { from, to: migrations.length };
}
