// The metadata store: one Kysely instance over the dialect's database, through which ALL metadata
// access goes. Repositories are written once with Kysely's query builder and run on SQLite today and
// on PostgreSQL later.
//
// Transactions: a repository is built on a MetaExecutor (the store's Kysely, or a transaction, which
// is a Kysely too). One that must join a caller's transaction offers `in(trx)`, the same repository
// bound to that transaction; the caller opens it with `store.transaction(...)`. Inside a transaction
// only `trx` (and repositories `.in(trx)`) may be used: SQLite has one connection, so a query on the
// store's own Kysely would wait for the transaction to end, and it never would.
import type { Kysely, Transaction } from "kysely";
import type { MetaTables } from "./tables.ts";

/** The SQL dialects the metadata store speaks; "postgres" joins when cluster mode arrives. */
export type MetaDialect = "sqlite";

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
