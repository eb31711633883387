// The PostgreSQL flavour of the metadata store (DATABASE_URL is set): a pg connection pool, the
// PostgreSQL migration list (migrations/postgres.ts) with its version in the table wm_schema_version,
// and Kysely's PostgresDialect on top. Several Water Monitor instances may start at once against one
// database: migrations run under a session-level advisory lock, so exactly one of them migrates and
// the others find the schema ready when they get the lock.
//
// Transactions are serialised, as on SQLite (one writer at a time): each one first takes the same
// transaction-level advisory lock. The repositories read and then write inside a transaction (a
// per-user cap counts before it inserts, a catalog commit numbers its version after the last, an
// import compares before it revises) and are correct when no other transaction runs in between;
// PostgreSQL's default READ COMMITTED would let two of them interleave, in one instance or across
// several. Queries outside a transaction still run side by side on the pool.
import pg from "pg";
import { CompiledQuery, Kysely, PostgresDialect, PostgresDriver, type DatabaseConnection, type Driver, type TransactionSettings } from "kysely";
import { MetaUnavailableError } from "../errors.ts";
import { displayUrl, scrubUrls } from "../util/safe-url.ts";
import { MIGRATIONS, migrate, type MigrationTarget } from "./migrate.ts";
import { MetaStore, type MetaStoreOptions } from "./store.ts";
import type { MetaTables } from "./tables.ts";

/** DATABASE_URL names a PostgreSQL that cannot be reached or used (down, wrong password, no such database). */
export class MetaDatabaseUnreachableError extends Error {
  override readonly name = "MetaDatabaseUnreachableError";
  constructor(url: string, cause: unknown) {
    const reason = scrubUrls((cause as Error).message || (cause as { code?: string }).code || String(cause));
    super(
      `DATABASE_URL ${displayUrl(url, { withScheme: true })}: cannot use this PostgreSQL database (${reason}). ` +
        "Check that PostgreSQL runs there and that the user, password and database name are right, " +
        "or unset DATABASE_URL to keep the metadata in SQLite in DATA_DIR.",
      { cause },
    );
  }
}

// pg hands BIGINT (int8) columns over as strings, since they may exceed 2^53; ours are epoch
// milliseconds, counts and ids, far below, and the repositories expect numbers as SQLite gives them.
const parseInt8 = (value: string): number => Number(value);
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 ? parseInt8 : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

const TRANSACTION_LOCK = CompiledQuery.raw("SELECT pg_advisory_xact_lock(hashtext('water-monitor metadata transaction'))");

class SerialisedTransactionsDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await super.beginTransaction(connection, settings);
    await connection.executeQuery(TRANSACTION_LOCK);
  }
}

class SerialisedTransactionsDialect extends PostgresDialect {
  constructor(private readonly config: ConstructorParameters<typeof PostgresDialect>[0]) {
    super(config);
  }

  override createDriver(): Driver {
    return new SerialisedTransactionsDriver(this.config);
  }
}

/** What a client is told to wait before retrying while PostgreSQL is away (a restart takes seconds). */
export const META_RETRY_AFTER_SECONDS = 5;

// Node's socket errors and pg's own messages when there is no connection; SQLSTATE class 08
// (connection exception) and 57P01–57P03 (the server shutting down, crashed, or still starting).
const SOCKET_ERRORS = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
const PG_CONNECTION_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|connection error|Client was closed/i;

/** Whether `err` says PostgreSQL is out of reach (as opposed to a query it refused). */
export function isConnectionFailure(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === "string" && (SOCKET_ERRORS.has(code) || code.startsWith("08") || /^57P0[123]$/.test(code))) return true;
  return err instanceof Error && PG_CONNECTION_MESSAGES.test(err.message);
}

function unavailable(err: unknown): unknown {
  if (!isConnectionFailure(err)) return err;
  const reason = scrubUrls((err as Error).message || (err as { code?: string }).code || String(err));
  const failure = new MetaUnavailableError(`The metadata database (PostgreSQL) is unavailable: ${reason}. Try again shortly.`, META_RETRY_AFTER_SECONDS);
  failure.cause = err;
  return failure;
}

const wrapped = new WeakSet<pg.PoolClient>();

/**
 * The pool as Kysely sees it, with every failure to reach PostgreSQL (connecting, or a query on a
 * connection that died) turned into MetaUnavailableError: the one place that knows pg's ways of
 * saying so, and the HTTP layer answers 503 + Retry-After for it (http/error-middleware.ts).
 */
function failingAsUnavailable(pool: pg.Pool): pg.Pool {
  const connect = async (): Promise<pg.PoolClient> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      throw unavailable(err);
    }
    if (!wrapped.has(client)) {
      wrapped.add(client);
      // pg-pool listens for a connection's 'error' only while it is idle; one that PostgreSQL drops
      // while checked out (a restart under load: mid-query or between a transaction's queries) would
      // be an 'error' without a listener, which ends the process. Its queries fail with that error
      // (MetaUnavailableError below) and the pool discards the connection when it is released.
      client.on("error", () => undefined);
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const result = query(...args);
        return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(unavailable(err))) : result;
      };
    }
    return client;
  };
  return new Proxy(pool, { get: (target, key) => (key === "connect" ? connect : Reflect.get(target, key, target)) });
}

const VERSION_TABLE = "wm_schema_version";
// Any constant key works; hashing a phrase keeps it readable and unlikely to collide with another
// application's advisory locks in a shared database.
const MIGRATION_LOCK = "SELECT pg_advisory_lock(hashtext('water-monitor metadata migrations'))";
const MIGRATION_UNLOCK = "SELECT pg_advisory_unlock(hashtext('water-monitor metadata migrations'))";

function postgresMigrationTarget(client: pg.PoolClient, location: string): MigrationTarget {
  return {
    location,
    version: async () => {
      await client.query(`CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (version INTEGER NOT NULL)`);
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${VERSION_TABLE}`);
      return rows[0]?.version ?? 0;
    },
    apply: async (migration, version) => {
      // A query without parameters goes as a simple query, which may hold several statements.
      await client.query("BEGIN");
      try {
        await client.query(migration);
        await client.query(`DELETE FROM ${VERSION_TABLE}`);
        await client.query(`INSERT INTO ${VERSION_TABLE} (version) VALUES (${version})`);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK");
        throw err;
      }
    },
  };
}

export async function openPostgresMetaStore(url: string, options: MetaStoreOptions = {}): Promise<MetaStore> {
  const location = displayUrl(url, { withScheme: true });
  const pool = new pg.Pool({ connectionString: url, types, connectionTimeoutMillis: 10_000 });
  // An idle connection that PostgreSQL drops (restart, idle timeout) is an 'error' on the pool, which
  // would otherwise end the process; the pool replaces it and the next query reports any outage.
  pool.on("error", (err) => options.logger?.warn({ err: scrubUrls(err.message) }, "PostgreSQL dropped an idle connection"));
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new MetaDatabaseUnreachableError(url, err);
  }
  try {
    await client.query(MIGRATION_LOCK);
    try {
      const list = MIGRATIONS.postgres;
      await migrate(postgresMigrationTarget(client, location), list.slice(0, options.upToVersion ?? list.length));
    } finally {
      // A lost connection has lost its lock too; its error must not hide the migration's.
      await client.query(MIGRATION_UNLOCK).catch(() => undefined);
    }
  } catch (err) {
    client.release(true);
    await pool.end().catch(() => undefined);
    throw err;
  }
  client.release();
  return new MetaStore(new Kysely<MetaTables>({ dialect: new SerialisedTransactionsDialect({ pool: failingAsUnavailable(pool) }), log: options.log }), "postgres");
}
