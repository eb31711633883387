// Opens the managed catalog for a server: the metadata store's latest version, or, when the store
// has none yet (a new installation, or one from before the catalog was managed), the configured seed
// committed once as version 1: the shipped catalog, an empty one, or a catalog file.
import { readFileSync } from "node:fs";
import { emptyCatalogData } from "../../../common/catalog-format.ts";
import type { CatalogData } from "../../../common/catalog-model.ts";
import type { Logger } from "../../../common/logger.ts";
import type { Config } from "../config.ts";
import type { MetaStore } from "../meta/store.ts";
import { SqlCatalogRepository } from "./catalog-repository.ts";
import { ManagedCatalog } from "./catalog-store.ts";
import type { DataPresence } from "./data-presence.ts";
import { parseCatalog, seedCatalogData } from "./seed.ts";

/** The catalog a store without one starts with, as configured by CATALOG_SEED. */
export function configuredSeed(seed: Config["catalog"]["seed"]): CatalogData {
  if (seed === "shipped") return seedCatalogData();
  if (seed === "empty") return emptyCatalogData();
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(seed.file, "utf8"));
  } catch (err) {
    throw new Error(`CATALOG_SEED ${seed.file}: ${(err as Error).message}`, { cause: err });
  }
  return parseCatalog(input, `catalog file ${seed.file} (CATALOG_SEED)`);
}

export interface OpenCatalogDeps {
  meta: MetaStore;
  presence: DataPresence;
  logger: Logger;
  now: () => number;
  /** Used only when the store has no catalog yet. */
  seed: () => CatalogData;
}

export function openCatalog(deps: OpenCatalogDeps): Promise<ManagedCatalog> {
  return ManagedCatalog.open(
    { repository: new SqlCatalogRepository(deps.meta.db), presence: deps.presence, logger: deps.logger.child({ module: "catalog" }), now: deps.now },
    deps.seed,
  );
}
