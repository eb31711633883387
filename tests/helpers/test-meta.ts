// Metadata stores for tests, on either backend. Repository tests run on both (`META_DIALECTS` with
// describe.each); whole test systems use SQLite in their data dir, or, with TEST_META=postgres
// (`npm run test:pg`), a fresh PostgreSQL database of their own on the run's shared server
// (global-setup.ts), tied to the data dir so that a restart on the same data dir finds the same
// database.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { inject } from "vitest";
import { openMetaStore } from "../../server/src/meta/open.ts";
import type { MetaDialect, MetaStore, MetaStoreOptions } from "../../server/src/meta/store.ts";

export const META_DIALECTS: readonly MetaDialect[] = ["sqlite", "postgres"];

/** The backend test systems use: TEST_META=postgres for the whole suite on PostgreSQL. */
export function testSystemMetaDialect(): MetaDialect {
  const chosen = process.env.TEST_META ?? "sqlite";
  if (chosen !== "sqlite" && chosen !== "postgres") throw new Error(`TEST_META must be sqlite or postgres, not ${chosen}`);
  return chosen;
}

let admin: pg.Client | undefined;
let adminReady: Promise<pg.Client> | undefined;

function adminClient(): Promise<pg.Client> {
  adminReady ??= (async () => {
    admin = new pg.Client({ connectionString: inject("postgresUrl") });
    // The server stops at the end of the run, perhaps before this worker does: not an error of a test.
    admin.on("error", () => undefined);
    await admin.connect();
    return admin;
  })();
  return adminReady;
}

/** A new, empty database on the test PostgreSQL; `drop` removes it (and ends its connections). */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `wm_meta_${randomBytes(6).toString("hex")}`;
  const client = await adminClient();
  await client.query(`CREATE DATABASE ${name}`);
  const url = new URL(inject("postgresUrl"));
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: async () => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)) };
}

const databasesByDataDir = new Map<string, { url: string; drop: () => Promise<void> }>();

/**
 * Settings that put a test system's metadata where TEST_META says: none for SQLite (the data dir),
 * DATABASE_URL of a database made for this data dir (the same one again for a restart) for PostgreSQL.
 */
export async function metaSettingsFor(dataDir: string): Promise<Record<string, string>> {
  if (testSystemMetaDialect() === "sqlite") return {};
  let database = databasesByDataDir.get(dataDir);
  if (!database) {
    database = await createTestDatabase();
    databasesByDataDir.set(dataDir, database);
  }
  return { DATABASE_URL: database.url };
}

/** Drops the database made for this data dir, if any (when the data dir is removed). */
export async function dropMetaFor(dataDir: string): Promise<void> {
  const database = databasesByDataDir.get(dataDir);
  databasesByDataDir.delete(dataDir);
  await database?.drop();
}

export interface TestMetaStore {
  meta: MetaStore;
  /** The data dir (SQLite's file is in it) or the PostgreSQL URL the store was opened on. */
  where: { dataDir: string; databaseUrl?: string };
  /** Closes the store and removes its database or directory. */
  close(): Promise<void>;
}

/** A migrated metadata store on `dialect`, in a temp dir (SQLite) or a fresh database (PostgreSQL). */
export async function openTestMetaStore(dialect: MetaDialect, options: Omit<MetaStoreOptions, "databaseUrl"> = {}): Promise<TestMetaStore> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "wm-test-meta-"));
  const database = dialect === "postgres" ? await createTestDatabase() : undefined;
  const where = { dataDir, databaseUrl: database?.url };
  const meta = await openMetaStore(dataDir, { ...options, databaseUrl: database?.url });
  return {
    meta,
    where,
    close: async () => {
      await meta.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes every insert into `table` (where `when` holds, e.g. "NEW.parameter = 'toc'") fail with
 * `message`, as a constraint the code does not know would: for tests that a write failing half way
 * through a transaction leaves nothing behind. Returns the undo.
 */
export async function failInserts(meta: MetaStore, table: string, message: string, when = "true"): Promise<() => Promise<void>> {
  const name = `test_fail_${table}`;
  if (meta.dialect === "postgres") {
    await sql.raw(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$`).execute(meta.db);
    await sql.raw(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION ${name}()`).execute(meta.db);
    return async () => void (await sql.raw(`DROP FUNCTION ${name} CASCADE`).execute(meta.db));
  }
  await sql.raw(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table} WHEN ${when} BEGIN SELECT RAISE(ABORT, '${message}'); END`).execute(meta.db);
  return async () => void (await sql.raw(`DROP TRIGGER ${name}`).execute(meta.db));
}
