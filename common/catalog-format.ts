// The catalog file format's name, and the empty catalog (a new installation with CATALOG_SEED=empty;
// the dashboard's names before the catalog has loaded). Apart from catalog-model.ts so the dashboard
// does not bundle zod for them.
import type { CatalogData } from "./catalog-model.ts";

export const CATALOG_FORMAT = "water-monitor-catalog";

/** A catalog with nothing in it, a fresh copy each time. */
export function emptyCatalogData(): CatalogData {
  return { format: CATALOG_FORMAT, formatVersion: 1, organisations: [], regions: [], rivers: [], stations: [], parameters: [], sensors: [], standards: [], sources: [] };
}
