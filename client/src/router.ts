// Hash routes: #/ (overview), #/station/<id>?range=…&p=a,b, #/compare?…, #/assessment[/<station>/<parameter>]?year=…,
// #/report?year=…  Pure parse/format.
export type Route =
  | { page: "overview"; query: URLSearchParams }
  | { page: "station"; station: string; query: URLSearchParams }
  | { page: "compare"; query: URLSearchParams }
  | { page: "login"; next: string }
  | { page: "account" }
  | { page: "admin"; section: AdminSection }
  | { page: "alerts"; query: URLSearchParams }
  | { page: "alert-rules" }
  | { page: "subscriptions" }
  | { page: "lab" }
  | { page: "profile"; query: URLSearchParams }
  | { page: "validation"; query: URLSearchParams }
  | { page: "review"; query: URLSearchParams }
  | { page: "assessment"; query: URLSearchParams }
  | { page: "assessment-detail"; station: string; parameter: string; query: URLSearchParams }
  | { page: "report"; query: URLSearchParams };

/** Who may do what, and the managed catalog (issue #15): two groups of tabs. */
export const ADMIN_ACCESS_SECTIONS = ["users", "station-tokens", "settings", "audit"] as const;
export const ADMIN_CATALOG_SECTIONS = ["stations", "parameters", "sensors", "standards", "reference", "catalog-transfer", "catalog-history"] as const;
export const ADMIN_SECTIONS = [...ADMIN_ACCESS_SECTIONS, ...ADMIN_CATALOG_SECTIONS] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const [path = "", search = ""] = raw.split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(search);
  if (parts[0] === "station" && parts[1]) return { page: "station", station: parts[1], query };
  if (parts[0] === "compare") return { page: "compare", query };
  if (parts[0] === "login") return { page: "login", next: safeNext(query.get("next")) };
  if (parts[0] === "account") return { page: "account" };
  if (parts[0] === "alerts") return parts[1] === "rules" ? { page: "alert-rules" } : { page: "alerts", query };
  if (parts[0] === "subscriptions") return { page: "subscriptions" };
  if (parts[0] === "lab") return { page: "lab" };
  if (parts[0] === "profile") return { page: "profile", query };
  if (parts[0] === "validation") return { page: "validation", query };
  if (parts[0] === "review") return { page: "review", query };
  if (parts[0] === "assessment") {
    return parts[1] && parts[2] ? { page: "assessment-detail", station: parts[1], parameter: parts[2], query } : { page: "assessment", query };
  }
  if (parts[0] === "report") return { page: "report", query };
  if (parts[0] === "admin") {
    const section = ADMIN_SECTIONS.find((s) => s === parts[1]) ?? "users";
    return { page: "admin", section };
  }
  return { page: "overview", query };
}

/** `path` with `?query` when the query has any entry. */
function withQuery(path: string, query: URLSearchParams | undefined): string {
  return query && [...query].length > 0 ? `${path}?${query}` : path;
}

/** The overview, with its search, filters and page in the query. */
export function overviewHref(query?: URLSearchParams): string {
  return withQuery("#/", query);
}

export function stationHref(station: string, query?: URLSearchParams): string {
  return withQuery(`#/station/${encodeURIComponent(station)}`, query);
}

export function compareHref(query?: URLSearchParams): string {
  return withQuery("#/compare", query);
}

/** The login page, coming back to `next` (a hash such as "#/station/X?range=7d") afterwards. */
export function loginHref(next?: string): string {
  const back = next === undefined ? "" : safeNext(next);
  return back && back !== "#/" ? `#/login?${new URLSearchParams({ next: back })}` : "#/login";
}

/** The alerts page; query: station, parameter, state (filters) and id (the alert shown in detail). */
export function alertsHref(query?: URLSearchParams): string {
  return withQuery("#/alerts", query);
}

export const LAB_HREF = "#/lab";

/** The longitudinal profile; query: river, p (compound), t (instant; omitted: now). */
export function profileHref(query?: URLSearchParams): string {
  const q = query && [...query].length > 0 ? `?${query}` : "";
  return `#/profile${q}`;
}

/** The sensor validation page; query: station, parameter, sensor, from, to. */
export function validationHref(query?: URLSearchParams): string {
  return withQuery("#/validation", query);
}

/** The status table; query: year, basis, q (search), river, page. */
export function assessmentHref(query?: URLSearchParams): string {
  return withQuery("#/assessment", query);
}

/** One compound at one station; query: year, basis. */
export function assessmentDetailHref(station: string, parameter: string, query?: URLSearchParams): string {
  return withQuery(`#/assessment/${encodeURIComponent(station)}/${encodeURIComponent(parameter)}`, query);
}

/** The printable report; query: year, basis, station (one station's report). */
export function reportHref(query?: URLSearchParams): string {
  return withQuery("#/report", query);
}

export function adminHref(section: AdminSection): string {
  return `#/admin/${section}`;
}

/** Only a dashboard hash may be a redirect target, and never the login page itself. */
function safeNext(next: string | null): string {
  if (!next || !next.startsWith("#/") || next.startsWith("#/login")) return "#/";
  return next;
}

/** Updates the hash without adding a history entry per control change and without re-routing. */
export function replaceQuery(href: string): void {
  history.replaceState(null, "", href);
}
