// Stations in river order, the order of a status table or report: rivers as the catalog lists them,
// each in flow direction (river kilometre), stations with an unknown kilometre last.
import type { Station } from "./catalog-model.ts";
import type { CatalogSnapshot } from "./catalog-snapshot.ts";

export function riverOrder(catalog: CatalogSnapshot, stations: readonly Station[]): Station[] {
  const river = new Map(catalog.data.rivers.map((r, i) => [r.id, i]));
  return [...stations].sort(
    (a, b) =>
      (river.get(a.river) ?? Infinity) - (river.get(b.river) ?? Infinity) ||
      (a.riverKm ?? Infinity) - (b.riverKm ?? Infinity) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
