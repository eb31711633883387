// The metadata store on PostgreSQL (DATABASE_URL): a new database gets every table at the last
// version; instances that start together migrate once between them (advisory lock); a database from a
// newer release is refused untouched; an unreachable DATABASE_URL stops the start with a message
// naming the setting and never its password, and `npm start` exits non-zero with it; the append-only
// tables refuse changes as on SQLite; a connection PostgreSQL drops (a restart) does not end the process.
import net from "node:net";
import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, inject, it } from "vitest";
import { MetaUnavailableError } from "../../server/src/errors.ts";
import { MIGRATIONS, SchemaTooNewError } from "../../server/src/meta/migrate.ts";
import { openMetaStore } from "../../server/src/meta/open.ts";
import { MetaDatabaseUnreachableError } from "../../server/src/meta/postgres.ts";
import type { MetaStore } from "../../server/src/meta/store.ts";
import { runMainUntilExit } from "../helpers/main-process.ts";
import { createTestDatabase } from "../helpers/test-meta.ts";
import { tempDirsPerTest } from "../helpers/test-system.ts";

const tempDir = tempDirsPerTest();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<string> {
  const db = await createTestDatabase();
  cleanups.push(db.drop);
  return db.url;
}

async function open(url: string): Promise<MetaStore> {
  const store = await openMetaStore(tempDir("wm-meta-pg-"), { databaseUrl: url });
  cleanups.push(() => store.close());
  return store;
}

async function schemaVersion(store: MetaStore): Promise<number> {
  const { rows } = await sql<{ version: number }>`SELECT version FROM wm_schema_version`.execute(store.db);
  expect(rows).toHaveLength(1);
  return rows[0]!.version;
}

/** A port nothing listens on: bound, noted, released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("metadata store on PostgreSQL", () => {
  it("brings a new database to the last version, with every table empty", async () => {
    const store = await open(await database());
    expect(await schemaVersion(store)).toBe(MIGRATIONS.postgres.length);
    for (const table of ["users", "alerts", "lab_results", "catalog_changes", "review_corrections"] as const) {
      const row = await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      expect([table, row.n]).toEqual([table, 0]);
    }
  });

  it("migrates once when several instances start together on a new database", async () => {
    const url = await database();
    const stores = await Promise.all([open(url), open(url), open(url)]);
    for (const store of stores) expect(await schemaVersion(store)).toBe(MIGRATIONS.postgres.length);
  });

  it("hands epoch milliseconds and counts over as numbers, as SQLite does", async () => {
    const store = await open(await database());
    const at = Date.UTC(2026, 10, 29, 12);
    await store.db.insertInto("login_throttle").values({ username: "Ana", address: "127.0.0.1", failures: 3, last_failure_at: at }).execute();
    const row = await store.db.selectFrom("login_throttle").selectAll().where("username", "=", "ANA").executeTakeFirstOrThrow();
    expect(row).toEqual({ username: "Ana", address: "127.0.0.1", failures: 3, last_failure_at: at });
  });

  it("refuses a database from a newer release, with a message saying so, and leaves it untouched", async () => {
    const url = await database();
    const newer = await openMetaStore(tempDir("wm-meta-pg-"), { databaseUrl: url });
    await sql`UPDATE wm_schema_version SET version = ${MIGRATIONS.postgres.length + 1}`.execute(newer.db);
    await newer.close();

    const refused = await openMetaStore(tempDir("wm-meta-pg-"), { databaseUrl: url }).then(
      (store) => (cleanups.push(() => store.close()), undefined),
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(SchemaTooNewError);
    expect((refused as Error).message).toContain(`has schema version ${MIGRATIONS.postgres.length + 1}, but this Water Monitor knows versions up to ${MIGRATIONS.postgres.length}`);
    expect((refused as Error).message).not.toContain("postgres@");
    const check = await open(url).catch((err: unknown) => err);
    expect(check).toBeInstanceOf(SchemaTooNewError);
  });

  it("stops with a message naming DATABASE_URL, without its password, when nothing answers there", async () => {
    const url = `postgres://water:s3cret-pw@127.0.0.1:${await closedPort()}/water_monitor`;
    const refused = await openMetaStore(tempDir("wm-meta-pg-"), { databaseUrl: url }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(MetaDatabaseUnreachableError);
    expect((refused as Error).message).toMatch(/^DATABASE_URL postgres:\/\/127\.0\.0\.1:\d+: cannot use this PostgreSQL database \(.*ECONNREFUSED/);
    expect((refused as Error).message).not.toContain("s3cret-pw");
  });

  it("stops with a message naming DATABASE_URL when the database does not exist", async () => {
    const url = new URL(inject("postgresUrl"));
    url.pathname = "/wm_no_such_database";
    const refused = await openMetaStore(tempDir("wm-meta-pg-"), { databaseUrl: url.toString() }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(MetaDatabaseUnreachableError);
    expect((refused as Error).message).toContain('database "wm_no_such_database" does not exist');
  });

  it("makes the server process exit non-zero with that message when DATABASE_URL is unreachable", async () => {
    const port = await closedPort();
    const { code, stderr } = await runMainUntilExit({
      DATA_DIR: tempDir("wm-meta-pg-main-"),
      INFLUX_URL: inject("influxUrl"),
      DATABASE_URL: `postgres://water:s3cret-pw@127.0.0.1:${port}/water_monitor`,
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`Water Monitor failed to start: DATABASE_URL postgres://127.0.0.1:${port}: cannot use this PostgreSQL database`);
    expect(stderr).not.toContain("s3cret-pw");
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace: a setting to fix, not a bug
  });

  it("refuses to change or delete the catalog history and the review records", async () => {
    const store = await open(await database());
    await store.db.insertInto("catalog_versions").values({ version: 1, at: "2026-11-29T12:00:00.000Z", actor: "admin", action: "seed", summary: "first" }).execute();
    await expect(store.db.updateTable("catalog_versions").set({ summary: "rewritten" }).execute()).rejects.toThrow("the catalog history is append-only");
    await expect(store.db.deleteFrom("catalog_versions").execute()).rejects.toThrow("the catalog history is append-only");
    await store.db
      .insertInto("review_grades")
      .values({ station: "s", parameter: "p", sensor: "x", from_ms: 1, to_ms: 2, grade: "good", reason: "checked", at: 3, by: "rev", by_id: 1 })
      .execute();
    await expect(store.db.deleteFrom("review_grades").execute()).rejects.toThrow("review records are never changed or deleted");
  });

  it("goes on when PostgreSQL drops a connection a transaction holds: its queries fail as unavailable, the next ones get a new connection", async () => {
    const store = await open(await database());
    const admin = new pg.Client({ connectionString: inject("postgresUrl") });
    await admin.connect();
    cleanups.push(() => admin.end());
    const failed = store.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
      // As a restart does to every session: between two of the transaction's queries (no query running).
      await admin.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
      await new Promise((r) => setTimeout(r, 200));
      await sql`SELECT 1`.execute(trx);
    });
    await expect(failed).rejects.toThrow(MetaUnavailableError);
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(store.db)).rows).toEqual([{ one: 1 }]);
  });
});
