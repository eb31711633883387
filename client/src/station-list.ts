// Finding stations in a large network (500 stations and more): a text search over ids, names in every
// language, rivers, regions and official identifiers, filters by region, river and status, pages,
// and grouping by region. Pure, so the overview, the pickers and the admin pages share it and tests
// can check it without a browser.
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import type { Station } from "../../common/catalog-model.ts";

export interface StationFilter {
  /** Free text; every word must match somewhere. */
  q: string;
  region: string;
  river: string;
  status: string;
}

export const NO_FILTER: Readonly<StationFilter> = Object.freeze({ q: "", region: "", river: "", status: "" });

const fold = (text: string) => text.normalize("NFKC").toLowerCase();

/** Everything a search may find a station by, folded once. */
function haystack(catalog: CatalogSnapshot, s: Station): string {
  const river = catalog.river(s.river);
  const region = catalog.region(s.region);
  return fold(
    [s.id, ...Object.values(s.name), ...Object.values(river?.name ?? {}), ...Object.values(region?.name ?? {}), s.river, s.region, ...Object.values(s.identifiers)].join("\u0000"),
  );
}

const cache = new WeakMap<CatalogSnapshot, Map<string, string>>();

function texts(catalog: CatalogSnapshot): Map<string, string> {
  let map = cache.get(catalog);
  if (!map) cache.set(catalog, (map = new Map(catalog.stations.map((s) => [s.id, haystack(catalog, s)]))));
  return map;
}

export function filterStations(catalog: CatalogSnapshot, filter: Partial<StationFilter>): Station[] {
  const words = fold(filter.q ?? "").split(/\s+/).filter(Boolean);
  const index = words.length > 0 ? texts(catalog) : undefined;
  return catalog.stations.filter(
    (s) =>
      (!filter.region || s.region === filter.region) &&
      (!filter.river || s.river === filter.river) &&
      (!filter.status || s.status === filter.status) &&
      (!index || words.every((w) => index.get(s.id)!.includes(w))),
  );
}

export interface Paged<T> {
  items: T[];
  /** 0-based, clamped into range. */
  page: number;
  pages: number;
  total: number;
}

export function paginate<T>(list: readonly T[], page: number, size: number): Paged<T> {
  const pages = Math.max(1, Math.ceil(list.length / size));
  const p = Math.min(Math.max(0, Math.floor(page) || 0), pages - 1);
  return { items: list.slice(p * size, (p + 1) * size), page: p, pages, total: list.length };
}

/** Stations ordered by region (catalog order of regions), keeping catalog order within each. */
export function byRegion(catalog: CatalogSnapshot, stations: readonly Station[]): Station[] {
  const order = new Map(catalog.data.regions.map((r, i) => [r.id, i]));
  return stations
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (order.get(a.s.region) ?? Infinity) - (order.get(b.s.region) ?? Infinity) || a.s.region.localeCompare(b.s.region) || a.i - b.i)
    .map((x) => x.s);
}

/** Consecutive runs of one region: the page's groups. */
export function groupRuns(stations: readonly Station[]): Array<{ region: string; stations: Station[] }> {
  const groups: Array<{ region: string; stations: Station[] }> = [];
  for (const s of stations) {
    const last = groups.at(-1);
    if (last?.region === s.region) last.stations.push(s);
    else groups.push({ region: s.region, stations: [s] });
  }
  return groups;
}

/** The filter as URL query parameters (empty ones left out), and back. */
export function writeFilter(q: URLSearchParams, filter: Partial<StationFilter>): void {
  for (const key of ["q", "region", "river", "status"] as const) {
    const value = filter[key];
    if (value) q.set(key, value);
    else q.delete(key);
  }
}

export function readFilter(q: URLSearchParams): StationFilter {
  return { q: q.get("q") ?? "", region: q.get("region") ?? "", river: q.get("river") ?? "", status: q.get("status") ?? "" };
}
