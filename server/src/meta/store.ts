// The metadata store: one Kysely instance over the dialect's database, through which ALL metadata
// access goes. Repositories are written once with Kysely's query builder and run on SQLite and on
// PostgreSQL; where a query really must differ, it asks `dialect`.
//
// Transactions: a repository is built on a MetaExecutor (the store's Kysely, or a transaction, which
// is a Kysely too). One that must join a caller's transaction offers `in(trx)`, the same repository
// bound to that transaction; the caller opens it with `store.transaction(...)`. Inside a transaction
// only `trx` (and repositories `.in(trx)`) may be used: SQLite has one connection, so a query on the
// store's own Kysely would wait for the transaction to end, and it never would (on PostgreSQL it would
// run outside the transaction, on another pooled connection). Transactions run one at a time on both
// (SQLite has one writer; on PostgreSQL each takes one advisory lock first, see postgres.ts), so a
// repository may read and then write inside one without another transaction slipping in between.
import type { Kysely, LogConfig, Transaction } from "kysely";
import type { Logger } from "../../../common/logger.ts";
import type { MetaTables } from "./tables.ts";

/** The SQL dialects the metadata store speaks: SQLite in DATA_DIR, or PostgreSQL at DATABASE_URL. */
export type MetaDialect = "sqlite" | "postgres";

export interface MetaStoreOptions {
  /** Kysely's query log (e.g. to trace SQL or time slow queries). */
  log?: LogConfig;
  /** Migrate only up to this schema version (tests of a migration start from the schema before it). */
  upToVersion?: number;
  /** PostgreSQL at this URL instead of SQLite in the data dir (DATABASE_URL). */
  databaseUrl?: string;
  /** Where the store reports trouble that no query is waiting for (a dropped idle connection). */
  logger?: Logger;
}

export type MetaExecutor = Kysely<MetaTables>;
export type MetaTransaction = Transaction<MetaTables>;

export class MetaStore {
  constructor(
    readonly db: Kysely<MetaTables>,
    readonly dialect: MetaDialect,
  ) {}

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (trx: MetaTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

/**
 * Runs `work` atomically on `db`: inside the transaction `db` already is, or in a new one. For
 * repository methods that write several rows and may themselves be bound to a caller's transaction.
 */
export function atomically<T>(db: MetaExecutor, work: (trx: MetaTransaction) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as MetaTransaction) : db.transaction().execute(work);
}
