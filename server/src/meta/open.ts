// Opens the metadata store the configuration asks for. Today that is SQLite in DATA_DIR; cluster mode
// will open PostgreSQL here (DATABASE_URL) behind the same MetaStore.
import path from "node:path";
import { openSqliteMetaStore, type MetaStoreOptions } from "./sqlite.ts";
import type { MetaStore } from "./store.ts";

export const META_SQLITE_FILE = "meta.sqlite";

export type { MetaStoreOptions };

export function openMetaStore(dataDir: string, options: MetaStoreOptions = {}): Promise<MetaStore> {
  return openSqliteMetaStore(path.join(dataDir, META_SQLITE_FILE), options);
}
