// The SQLite and PostgreSQL migration lists must describe the same schema at their newest versions:
// the repositories are written once against server/src/meta/tables.ts, so a column that exists on
// one backend only breaks the other. Compared: tables, their columns, each column's kind of value
// (SQLite INTEGER = PostgreSQL bigint, REAL = double precision, TEXT = text, TEXT COLLATE NOCASE =
// citext), NOT NULL, primary keys and the append-only triggers. A migration added to one list without
// its counterpart in the other fails here.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestMetaStore, type TestMetaStore } from "../helpers/test-meta.ts";

interface ColumnShape {
  table: string;
  column: string;
  kind: "integer" | "real" | "text" | "text-nocase";
  notNull: boolean;
  primaryKey: boolean;
}

type Shape = { columns: ColumnShape[]; triggers: string[] };

const sortColumns = (columns: ColumnShape[]) => columns.sort((a, b) => (a.table + "." + a.column).localeCompare(b.table + "." + b.column));

async function sqliteShape(store: TestMetaStore): Promise<Shape> {
  const db = store.meta.db;
  const tables = await sql<{ name: string; sql: string }>`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(db);
  const columns: ColumnShape[] = [];
  for (const { name, sql: ddl } of tables.rows) {
    const info = await sql<{ name: string; type: string; notnull: number; pk: number }>`SELECT * FROM pragma_table_info(${name})`.execute(db);
    for (const c of info.rows) {
      const nocase = new RegExp(`\\b${c.name}\\s+TEXT[^,]*COLLATE NOCASE`, "i").test(ddl);
      const kind = c.type === "INTEGER" ? "integer" : c.type === "REAL" ? "real" : nocase ? "text-nocase" : "text";
      // SQLite lets a primary key column be NULL unless it says NOT NULL (INTEGER PRIMARY KEY aside); the
      // schema's keys are never null in practice, as PostgreSQL enforces.
      columns.push({ table: name, column: c.name, kind, notNull: c.notnull === 1 || c.pk > 0, primaryKey: c.pk > 0 });
    }
  }
  const triggers = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'trigger'`.execute(db);
  return { columns: sortColumns(columns), triggers: triggers.rows.map((t) => t.name).sort() };
}

const PG_KINDS: Record<string, ColumnShape["kind"]> = { bigint: "integer", integer: "integer", "double precision": "real", text: "text", citext: "text-nocase" };

async function postgresShape(store: TestMetaStore): Promise<Shape> {
  const db = store.meta.db;
  const info = await sql<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string; pk: boolean }>`
    SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable,
           EXISTS (SELECT 1 FROM information_schema.key_column_usage k
                     JOIN information_schema.table_constraints t ON t.constraint_name = k.constraint_name AND t.table_name = k.table_name
                    WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_name = c.table_name AND k.column_name = c.column_name) AS pk
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> 'wm_schema_version'`.execute(db);
  const columns = info.rows.map((c): ColumnShape => {
    const type = c.data_type === "USER-DEFINED" ? c.udt_name : c.data_type;
    const kind = PG_KINDS[type];
    if (!kind) throw new Error(`${c.table_name}.${c.column_name} has type ${type}, which has no SQLite counterpart here`);
    return { table: c.table_name, column: c.column_name, kind, notNull: c.is_nullable === "NO", primaryKey: c.pk };
  });
  const triggers = await sql<{ name: string }>`SELECT DISTINCT trigger_name AS name FROM information_schema.triggers WHERE trigger_schema = 'public'`.execute(db);
  return { columns: sortColumns(columns), triggers: triggers.rows.map((t) => t.name).sort() };
}

describe("metadata schema on SQLite and PostgreSQL", () => {
  let sqlite: TestMetaStore;
  let postgres: TestMetaStore;
  beforeAll(async () => {
    [sqlite, postgres] = await Promise.all([openTestMetaStore("sqlite"), openTestMetaStore("postgres")]);
  });
  afterAll(async () => {
    await Promise.all([sqlite?.close(), postgres?.close()]);
  });

  it("has the same tables, columns, kinds of value, NOT NULLs and primary keys", async () => {
    const [a, b] = await Promise.all([sqliteShape(sqlite), postgresShape(postgres)]);
    expect(a.columns.length).toBeGreaterThan(100);
    expect(b.columns).toEqual(a.columns);
  });

  it("has the same append-only triggers", async () => {
    const [a, b] = await Promise.all([sqliteShape(sqlite), postgresShape(postgres)]);
    expect(a.triggers.length).toBeGreaterThan(10);
    expect(b.triggers).toEqual(a.triggers);
  });
});
