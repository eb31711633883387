// The SQLite flavour of the metadata store: one better-sqlite3 database in the data dir, migrated by
// PRAGMA user_version, and Kysely's SqliteDialect on top. This is the only file that talks to
// better-sqlite3: everything else goes through the store's Kysely, whose dialect serialises all
// queries on this one connection (a direct call would slip into whatever transaction is open).
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { MIGRATIONS, migrate, type MigrationTarget } from "./migrate.ts";
import { MetaStore, type MetaStoreOptions } from "./store.ts";
import type { MetaTables } from "./tables.ts";

function sqliteMigrationTarget(db: Database.Database, location: string): MigrationTarget {
  return {
    location,
    version: () => Promise.resolve(db.pragma("user_version", { simple: true }) as number),
    apply: (migration, version) => {
      // Foreign keys off while a migration runs, as SQLite's documented way to change a table's
      // schema requires (https://sqlite.org/lang_altertable.html#otheralter): rebuilding a parent
      // table (DROP + RENAME) would otherwise cascade-delete its children or repoint them. The
      // pragma is ignored inside a transaction, hence around it; the keys are checked before commit.
      db.pragma("foreign_keys = OFF");
      try {
        // exec() runs a script of several statements, which Kysely's one-statement queries cannot.
        db.transaction(() => {
          db.exec(migration);
          const broken = db.pragma("foreign_key_check") as unknown[];
          if (broken.length > 0) throw new Error(`migration ${version} of ${location} would leave ${broken.length} row(s) with a broken foreign key`);
          db.pragma(`user_version = ${version}`);
        })();
      } finally {
        db.pragma("foreign_keys = ON");
      }
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
    await migrate(sqliteMigrationTarget(sqlite, file), MIGRATIONS.sqlite.slice(0, options.upToVersion ?? MIGRATIONS.sqlite.length));
  } catch (err) {
    sqlite.close();
    throw err;
  }
  return new MetaStore(new Kysely<MetaTables>({ dialect: new SqliteDialect({ database: sqlite }), log: options.log }), "sqlite");
}
