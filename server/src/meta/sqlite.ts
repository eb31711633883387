// The SQLite flavour of the metadata store: one better-sqlite3 database in the data dir, migrated by
// PRAGMA user_version, and Kysely's SqliteDialect on top. This is the only file that talks to
// better-sqlite3: everything else goes through the store's Kysely, whose dialect serialises all
// queries on this one connection (a direct call would slip into whatever transaction is open).
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, type LogConfig } from "kysely";
import { MIGRATIONS, migrate, type MigrationTarget } from "./migrate.ts";
import { MetaStore } from "./store.ts";
import type { MetaTables } from "./tables.ts";

export interface MetaStoreOptions {
  /** Kysely's query log (e.g. to trace SQL or time slow queries). */
  log?: LogConfig;
}

function sqliteMigrationTarget(db: Database.Database, location: string): MigrationTarget {
  return {
    location,
    version: () => Promise.resolve(db.pragma("user_version", { simple: true }) as number),
    apply: (migration, version) => {
      // exec() runs a script of several statements, which Kysely's one-statement queries cannot.
      db.transaction(() => {
        db.exec(migration);
        db.pragma(`user_version = ${version}`);
      })();
      return Promise.resolve();
    },
  };
}

export async function openSqliteMetaStore(file: string, options: MetaStoreOptions = {}): Promise<MetaStore> {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    await migrate(sqliteMigrationTarget(sqlite, file), MIGRATIONS.sqlite);
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return new MetaStore(new Kysely<MetaTables>({ dialect: new SqliteDialect({ database: sqlite }), log: options.log }), "sqlite");
}
