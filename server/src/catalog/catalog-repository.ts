// The managed catalog in the metadata store: versions (who, when, what) and, per version, one row per
// touched entity with its JSON before and after (migration 5). The catalog as of a version is the
// latest row of every entity up to it; the tables are append-only (triggers refuse UPDATE/DELETE).
import type { CatalogEntity, CatalogEntityKind } from "../../../common/catalog-diff.ts";
import { NotFoundError } from "../errors.ts";
import type { MetaExecutor } from "../meta/store.ts";

export interface CatalogVersionRecord {
  version: number;
  /** ISO 8601, UTC. */
  at: string;
  actor: string;
  /** What was done, e.g. "station.create", "import", "seed". */
  action: string;
  /** One line: what changed ("stations: 1 added; sensors: 3 added"). */
  summary: string;
}

export interface CatalogVersionInfo extends CatalogVersionRecord {
  /** Entities this version touched. */
  changes: number;
}

export interface CatalogChangeRow {
  kind: CatalogEntityKind;
  key: string;
  position: number;
  before: CatalogEntity | null;
  after: CatalogEntity | null;
}

export interface StoredEntity {
  kind: CatalogEntityKind;
  key: string;
  position: number;
  data: CatalogEntity;
}

export interface CatalogHistoryQuery {
  /** Versions below this one (paging back through the history). */
  before?: number;
  limit: number;
  /** Only versions that touched this entity list (and key). */
  kind?: CatalogEntityKind;
  key?: string;
}

export interface CatalogRepository {
  /** The entities of the catalog at `version` (the latest when omitted), in list order; null before the first version. */
  load(version?: number): Promise<{ version: number; entities: StoredEntity[] } | null>;
  /** The version in force at `at`: the last one committed at or before it; null before the first. */
  versionAt(at: string): Promise<CatalogVersionRecord | null>;
  /** Records a version and its entity rows, both or neither. */
  commit(record: CatalogVersionRecord, changes: readonly CatalogChangeRow[]): Promise<void>;
  /** Versions, newest first. */
  history(query: CatalogHistoryQuery): Promise<CatalogVersionInfo[]>;
  /** One version with every entity row it wrote. */
  version(version: number): Promise<{ record: CatalogVersionRecord; changes: CatalogChangeRow[] }>;
}

/** Rows per INSERT: SQLite allows 32,766 bound variables per statement, PostgreSQL 65,535. */
const INSERT_CHUNK = 1_000;

const parse = (json: string | null): CatalogEntity | null => (json === null ? null : (JSON.parse(json) as CatalogEntity));

export class SqlCatalogRepository implements CatalogRepository {
  constructor(private readonly db: MetaExecutor) {}

  async load(version?: number): Promise<{ version: number; entities: StoredEntity[] } | null> {
    const latest = await this.db.selectFrom("catalog_versions").select((eb) => eb.fn.max("version").as("v")).executeTakeFirst();
    const newest = latest?.v ?? null;
    if (newest === null) return null;
    const at = version ?? newest;
    if (at > newest || at < 1) throw new NotFoundError(`no catalog version ${at} (versions 1 to ${newest})`);
    const rows = await this.db
      .selectFrom("catalog_changes")
      .select(["entity", "key", "position", "after"])
      .where("id", "in", (eb) =>
        eb.selectFrom("catalog_changes").select((e) => e.fn.max("id").as("id")).where("version", "<=", at).groupBy(["entity", "key"]),
      )
      .where("after", "is not", null)
      .orderBy("position")
      .execute();
    return { version: at, entities: rows.map((r) => ({ kind: r.entity as CatalogEntityKind, key: r.key, position: r.position, data: parse(r.after)! })) };
  }

  async versionAt(at: string): Promise<CatalogVersionRecord | null> {
    const row = await this.db.selectFrom("catalog_versions").selectAll().where("at", "<=", at).orderBy("version", "desc").limit(1).executeTakeFirst();
    return row ?? null;
  }

  async commit(record: CatalogVersionRecord, changes: readonly CatalogChangeRow[]): Promise<void> {
    const write = async (db: MetaExecutor) => {
      await db.insertInto("catalog_versions").values(record).execute();
      for (let i = 0; i < changes.length; i += INSERT_CHUNK) {
        const values = changes.slice(i, i + INSERT_CHUNK).map((c) => ({
          version: record.version,
          entity: c.kind,
          key: c.key,
          position: c.position,
          before: c.before === null ? null : JSON.stringify(c.before),
          after: c.after === null ? null : JSON.stringify(c.after),
        }));
        await db.insertInto("catalog_changes").values(values).execute();
      }
    };
    if (this.db.isTransaction) await write(this.db);
    else await this.db.transaction().execute(write);
  }

  async history(query: CatalogHistoryQuery): Promise<CatalogVersionInfo[]> {
    let q = this.db
      .selectFrom("catalog_versions as v")
      .innerJoin("catalog_changes as c", "c.version", "v.version")
      .select(["v.version", "v.at", "v.actor", "v.action", "v.summary", (eb) => eb.fn.count<number>("c.id").as("changes")])
      .groupBy(["v.version", "v.at", "v.actor", "v.action", "v.summary"])
      .orderBy("v.version", "desc")
      .limit(query.limit);
    if (query.before !== undefined) q = q.where("v.version", "<", query.before);
    if (query.kind !== undefined) {
      const { kind, key } = query;
      q = q.where("v.version", "in", (eb) => {
        let sub = eb.selectFrom("catalog_changes").select("version").where("entity", "=", kind);
        if (key !== undefined) sub = sub.where("key", "=", key);
        return sub;
      });
    }
    return (await q.execute()).map((r) => ({ ...r, changes: Number(r.changes) }));
  }

  async version(version: number): Promise<{ record: CatalogVersionRecord; changes: CatalogChangeRow[] }> {
    const record = await this.db.selectFrom("catalog_versions").selectAll().where("version", "=", version).executeTakeFirst();
    if (!record) throw new NotFoundError(`no catalog version ${version}`);
    const rows = await this.db.selectFrom("catalog_changes").selectAll().where("version", "=", version).orderBy("id").execute();
    return {
      record,
      changes: rows.map((r) => ({ kind: r.entity as CatalogEntityKind, key: r.key, position: r.position, before: parse(r.before), after: parse(r.after) })),
    };
  }
}
