// Opens the metadata store the configuration asks for: PostgreSQL when DATABASE_URL is set (several
// instances share it), else SQLite in DATA_DIR. Both behind the same MetaStore.
import path from "node:path";
import { openPostgresMetaStore } from "./postgres.ts";
import { openSqliteMetaStore } from "./sqlite.ts";
import type { MetaStore, MetaStoreOptions } from "./store.ts";

export const META_SQLITE_FILE = "meta.sqlite";

export type { MetaStoreOptions };

export function openMetaStore(dataDir: string, options: MetaStoreOptions = {}): Promise<MetaStore> {
  if (options.databaseUrl) return openPostgresMetaStore(options.databaseUrl, options);
  return openSqliteMetaStore(path.join(dataDir, META_SQLITE_FILE), options);
}
