// Hash routes: #/ (overview), #/station/<id>?range=…&p=a,b, #/compare?…  Pure parse/format.
export type Route =
  | { page: "overview" }
  | { page: "station"; station: string; query: URLSearchParams }
  | { page: "compare"; query: URLSearchParams };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const [path = "", search = ""] = raw.split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(search);
  if (parts[0] === "station" && parts[1]) return { page: "station", station: parts[1], query };
  if (parts[0] === "compare") return { page: "compare", query };
  return { page: "overview" };
}

export function stationHref(station: string, query?: URLSearchParams): string {
  const q = query && [...query].length > 0 ? `?${query}` : "";
  return `#/station/${encodeURIComponent(station)}${q}`;
}

export function compareHref(query?: URLSearchParams): string {
  const q = query && [...query].length > 0 ? `?${query}` : "";
  return `#/compare${q}`;
}

/** Updates the hash without adding a history entry per control change and without re-routing. */
export function replaceQuery(href: string): void {
  history.replaceState(null, "", href);
}
