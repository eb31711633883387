// Metadata store (SQLite through better-sqlite3) with versioned migrations. Each migration runs once,
// in order, inside a transaction; PRAGMA user_version records how far a database has come.
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS } from "./migrations.ts";

export type MetaDb = Database.Database;

export function openMetaDb(dataDir: string): MetaDb {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, "meta.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

export function migrate(db: MetaDb): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  MIGRATIONS.forEach((sql, index) => {
    const version = index + 1;
    if (version <= current) return;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  });
}
