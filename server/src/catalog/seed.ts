// The catalog a fresh installation starts with: the project's own copy of the cooperation's
// reference data (stations, parameters, sensors, quality standards with their sources), checked
// against the catalog schema and the cross-entity rules like any catalog an admin would import.
import seed from "./seed-catalog.json" with { type: "json" };
import { catalogSchema, type CatalogData } from "../../../common/catalog-model.ts";
import { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { validateCatalog } from "../../../common/catalog-validate.ts";

export class CatalogInvalidError extends Error {
  override readonly name = "CatalogInvalidError";
}

/** Parses and checks catalog data; throws naming every problem (field path and message). */
export function parseCatalog(input: unknown, what = "catalog"): CatalogData {
  const parsed = catalogSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new CatalogInvalidError(`the ${what} is not valid:\n  ${lines.join("\n  ")}`);
  }
  const problems = validateCatalog(parsed.data);
  if (problems.length > 0) {
    throw new CatalogInvalidError(`the ${what} is not consistent:\n  ${problems.map((p) => `${p.path}: ${p.message}`).join("\n  ")}`);
  }
  return parsed.data;
}

/** The shipped catalog's data (a fresh copy: callers may change it, e.g. tests building variants). */
export function seedCatalogData(): CatalogData {
  return parseCatalog(structuredClone(seed), "shipped catalog (server/src/catalog/seed-catalog.json)");
}

/** The shipped catalog as version 1. */
export function seedCatalog(): CatalogSnapshot {
  return new CatalogSnapshot(Object.freeze(seedCatalogData()), 1);
}
