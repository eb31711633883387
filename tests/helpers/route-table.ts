// Every route of the HTTP API with the credentials it needs and a request that exercises it. The
// role matrix and the bad-input test check that this table and the server's own router
// (system.routes()) list exactly the same routes: a route added without a rule fails them.
import type { Role } from "../../server/src/auth/roles.ts";
import type { TestSystem } from "./test-system.ts";

/**
 * public: no credentials looked at; anyone: any caller whose credentials (if any) are valid;
 * station: a station write token; viewer-session: a logged-in session of at least a viewer.
 */
export type Need = Role | "public" | "anyone" | "station" | "viewer-session";

export interface RouteCase {
  /** As the router lists it: "GET /api/v1/alerts/:id". */
  route: string;
  need: Need;
  /** The request to send; `:id` parameters point at nothing (999999). */
  path: (s: TestSystem) => string;
  body?: unknown;
  /** Raw body (line protocol) instead of JSON. */
  text?: string;
  /**
   * Ends the caller's session (logout), or every session and API token of theirs (logout-all):
   * callers get fresh credentials afterwards.
   */
  endsSession?: boolean;
}

const NOW = Date.now();
const range = `from=${NOW - 86_400_000}&to=${NOW}`;
const fixed = (path: string) => () => path;

export const ROUTES: RouteCase[] = [
  { route: "GET /api/health", need: "public", path: fixed("/api/health") },
  { route: "GET /ping", need: "public", path: fixed("/ping") },
  { route: "HEAD /ping", need: "public", path: fixed("/ping") },
  { route: "GET /^\\/(?!api\\/|socket\\.io\\/|write|ping).*/", need: "public", path: fixed("/") },
  { route: "POST /api/v1/readings", need: "station", path: fixed("/api/v1/readings"), body: { readings: [] } },
  { route: "POST /write", need: "station", path: (s) => `/write?db=${s.config.influx.database}&precision=ms`, text: "not line protocol" },
  // Token routes: the token in the URL is the credential (tokens here are unknown: 404).
  { route: "GET /api/v1/subscriptions/confirm", need: "public", path: fixed("/api/v1/subscriptions/confirm?token=unknown-token-123") },
  { route: "POST /api/v1/subscriptions/confirm", need: "public", path: fixed("/api/v1/subscriptions/confirm?token=unknown-token-123") },
  { route: "GET /api/v1/subscriptions/unsubscribe", need: "public", path: fixed("/api/v1/subscriptions/unsubscribe?token=1.unknown-token") },
  { route: "POST /api/v1/subscriptions/unsubscribe", need: "public", path: fixed("/api/v1/subscriptions/unsubscribe?token=1.unknown-token") },
  // A wrong password is a 401 for everyone: a body that fails validation shows the route is open.
  { route: "POST /api/v1/auth/login", need: "anyone", path: fixed("/api/v1/auth/login"), body: { username: "" } },
  { route: "GET /api/v1/auth/session", need: "anyone", path: fixed("/api/v1/auth/session") },
  { route: "POST /api/v1/auth/logout", need: "anyone", path: fixed("/api/v1/auth/logout"), endsSession: true },
  { route: "POST /api/v1/auth/logout-all", need: "viewer", path: fixed("/api/v1/auth/logout-all"), endsSession: true },
  { route: "GET /api/v1/me/api-tokens", need: "viewer", path: fixed("/api/v1/me/api-tokens") },
  // A token cannot mint tokens: only a logged-in session can.
  { route: "POST /api/v1/me/api-tokens", need: "viewer-session", path: fixed("/api/v1/me/api-tokens"), body: { label: "" } },
  { route: "DELETE /api/v1/me/api-tokens/:id", need: "viewer", path: fixed("/api/v1/me/api-tokens/999999") },
  // Nor a password change: a stolen token must not lock the owner out.
  { route: "POST /api/v1/me/password", need: "viewer-session", path: fixed("/api/v1/me/password"), body: { currentPassword: "" } },
  { route: "GET /api/v1/admin/users", need: "admin", path: fixed("/api/v1/admin/users") },
  { route: "POST /api/v1/admin/users", need: "admin", path: fixed("/api/v1/admin/users"), body: { username: "x", password: "short", role: "viewer" } },
  { route: "PATCH /api/v1/admin/users/:id", need: "admin", path: fixed("/api/v1/admin/users/999999"), body: { role: "viewer" } },
  { route: "DELETE /api/v1/admin/users/:id", need: "admin", path: fixed("/api/v1/admin/users/999999") },
  { route: "GET /api/v1/admin/station-tokens", need: "admin", path: fixed("/api/v1/admin/station-tokens") },
  { route: "POST /api/v1/admin/station-tokens", need: "admin", path: fixed("/api/v1/admin/station-tokens"), body: { label: "", stations: [] } },
  { route: "DELETE /api/v1/admin/station-tokens/:id", need: "admin", path: fixed("/api/v1/admin/station-tokens/999999") },
  { route: "GET /api/v1/admin/settings", need: "admin", path: fixed("/api/v1/admin/settings") },
  { route: "PATCH /api/v1/admin/settings", need: "admin", path: fixed("/api/v1/admin/settings"), body: {} },
  { route: "GET /api/v1/admin/audit", need: "admin", path: fixed("/api/v1/admin/audit") },
  { route: "GET /api/v1/admin/memberships", need: "admin", path: fixed("/api/v1/admin/memberships") },
  { route: "PUT /api/v1/admin/users/:id/organisations", need: "admin", path: fixed("/api/v1/admin/users/999999/organisations"), body: { organisations: [] } },
  { route: "GET /api/v1/catalog", need: "viewer", path: fixed("/api/v1/catalog") },
  { route: "GET /api/v1/catalog/export", need: "viewer", path: fixed("/api/v1/catalog/export") },
  { route: "GET /api/v1/catalog/history", need: "admin", path: fixed("/api/v1/catalog/history") },
  { route: "GET /api/v1/catalog/history/:id", need: "admin", path: fixed("/api/v1/catalog/history/999999") },
  // Catalog changes with bodies that are refused: the matrix must not change the catalog.
  { route: "POST /api/v1/catalog/import", need: "admin", path: fixed("/api/v1/catalog/import"), body: { format: "not-a-catalog" } },
  { route: "POST /api/v1/catalog/stations", need: "admin", path: fixed("/api/v1/catalog/stations"), body: {} },
  { route: "PATCH /api/v1/catalog/stations/:id", need: "admin", path: fixed("/api/v1/catalog/stations/999999"), body: {} },
  { route: "DELETE /api/v1/catalog/stations/:id", need: "admin", path: fixed("/api/v1/catalog/stations/999999") },
  { route: "GET /api/v1/catalog/stations/:id/retirement", need: "admin", path: fixed("/api/v1/catalog/stations/999999/retirement") },
  { route: "POST /api/v1/catalog/stations/:id/retire", need: "admin", path: fixed("/api/v1/catalog/stations/999999/retire"), body: {} },
  { route: "POST /api/v1/catalog/sensors", need: "admin", path: fixed("/api/v1/catalog/sensors"), body: {} },
  { route: "PATCH /api/v1/catalog/sensors/:id", need: "admin", path: fixed("/api/v1/catalog/sensors/999999"), body: {} },
  { route: "DELETE /api/v1/catalog/sensors/:id", need: "admin", path: fixed("/api/v1/catalog/sensors/999999") },
  { route: "POST /api/v1/catalog/sensors/:id/deployments", need: "admin", path: fixed("/api/v1/catalog/sensors/999999/deployments"), body: {} },
  { route: "POST /api/v1/catalog/sensors/:id/deployments/end", need: "admin", path: fixed("/api/v1/catalog/sensors/999999/deployments/end"), body: {} },
  { route: "POST /api/v1/catalog/sensors/:id/move", need: "admin", path: fixed("/api/v1/catalog/sensors/999999/move"), body: {} },
  { route: "POST /api/v1/catalog/sensors/:id/calibrations", need: "admin", path: fixed("/api/v1/catalog/sensors/999999/calibrations"), body: {} },
  { route: "POST /api/v1/catalog/standards", need: "admin", path: fixed("/api/v1/catalog/standards"), body: {} },
  { route: "POST /api/v1/catalog/standards/:id/versions", need: "admin", path: fixed("/api/v1/catalog/standards/999999/versions"), body: {} },
  { route: "POST /api/v1/catalog/standards/:id/end", need: "admin", path: fixed("/api/v1/catalog/standards/999999/end"), body: {} },
  ...(["parameters", "organisations", "regions", "rivers", "sources"] as const).flatMap((list): RouteCase[] => [
    { route: `POST /api/v1/catalog/${list}`, need: "admin", path: fixed(`/api/v1/catalog/${list}`), body: {} },
    { route: `PATCH /api/v1/catalog/${list}/:id`, need: "admin", path: fixed(`/api/v1/catalog/${list}/999999`), body: {} },
    { route: `DELETE /api/v1/catalog/${list}/:id`, need: "admin", path: fixed(`/api/v1/catalog/${list}/999999`) },
  ]),
  { route: "GET /api/v1/stations", need: "viewer", path: fixed("/api/v1/stations") },
  { route: "GET /api/v1/parameters", need: "viewer", path: fixed("/api/v1/parameters") },
  { route: "GET /api/v1/latest", need: "viewer", path: fixed("/api/v1/latest") },
  { route: "GET /api/v1/series", need: "viewer", path: fixed(`/api/v1/series?station=DE-ELBE-ZEHREN&parameter=ph&${range}&width=100`) },
  { route: "GET /api/v1/series/multi", need: "viewer", path: fixed(`/api/v1/series/multi?series=DE-ELBE-ZEHREN:ph,CN-YANGTZE-CUNTAN:ph&${range}&width=100`) },
  { route: "GET /api/v1/export/estimate", need: "researcher", path: fixed(`/api/v1/export/estimate?stations=DE-ELBE-ZEHREN&parameters=ph&${range}`) },
  { route: "GET /api/v1/export", need: "researcher", path: fixed(`/api/v1/export?stations=DE-ELBE-ZEHREN&parameters=ph&${range}`) },
  { route: "GET /api/v1/alert-rules", need: "viewer", path: fixed("/api/v1/alert-rules") },
  { route: "POST /api/v1/alert-rules", need: "researcher", path: fixed("/api/v1/alert-rules"), body: {} },
  { route: "PATCH /api/v1/alert-rules/:id", need: "researcher", path: fixed("/api/v1/alert-rules/999999"), body: {} },
  { route: "DELETE /api/v1/alert-rules/:id", need: "researcher", path: fixed("/api/v1/alert-rules/999999") },
  { route: "GET /api/v1/alerts", need: "viewer", path: fixed("/api/v1/alerts") },
  { route: "GET /api/v1/alerts/:id", need: "viewer", path: fixed("/api/v1/alerts/999999") },
  { route: "POST /api/v1/alerts/:id/ack", need: "researcher", path: fixed("/api/v1/alerts/999999/ack"), body: { comment: "seen" } },
  { route: "GET /api/v1/subscriptions", need: "researcher", path: fixed("/api/v1/subscriptions") },
  { route: "POST /api/v1/subscriptions", need: "researcher", path: fixed("/api/v1/subscriptions"), body: {} },
  { route: "DELETE /api/v1/subscriptions/:id", need: "researcher", path: fixed("/api/v1/subscriptions/999999") },
  { route: "GET /api/v1/notifications", need: "researcher", path: fixed("/api/v1/notifications") },
  { route: "GET /api/v1/silences", need: "viewer", path: fixed("/api/v1/silences") },
  { route: "POST /api/v1/silences", need: "researcher", path: fixed("/api/v1/silences"), body: {} },
  { route: "POST /api/v1/silences/:id/expire", need: "researcher", path: fixed("/api/v1/silences/999999/expire"), body: {} },
  // Lab results: a file upload (raw body) whose dry run refuses a file without the needed columns.
  { route: "POST /api/v1/lab/imports", need: "researcher", path: fixed("/api/v1/lab/imports?dryRun=true"), text: "station;sample_id\n" },
  { route: "GET /api/v1/lab/imports", need: "researcher", path: fixed("/api/v1/lab/imports") },
  { route: "GET /api/v1/lab/imports/:id", need: "researcher", path: fixed("/api/v1/lab/imports/999999") },
  { route: "GET /api/v1/lab/imports/:id/undo-preview", need: "researcher", path: fixed("/api/v1/lab/imports/999999/undo-preview") },
  { route: "POST /api/v1/lab/imports/:id/undo", need: "researcher", path: fixed("/api/v1/lab/imports/999999/undo"), body: {} },
  { route: "GET /api/v1/lab/results", need: "viewer", path: fixed(`/api/v1/lab/results?${range}`) },
  { route: "GET /api/v1/lab/samples/:id", need: "viewer", path: fixed("/api/v1/lab/samples/999999") },
  { route: "GET /api/v1/lab/template", need: "viewer", path: fixed("/api/v1/lab/template") },
  { route: "GET /api/v1/lab/validation", need: "researcher", path: fixed(`/api/v1/lab/validation?station=DE-ELBE-ZEHREN&parameter=carbamazepine&${range}`) },
  { route: "GET /api/v1/lab/validation.csv", need: "researcher", path: fixed(`/api/v1/lab/validation.csv?station=DE-ELBE-ZEHREN&parameter=carbamazepine&${range}`) },
  { route: "GET /api/v1/lab/mapping-presets", need: "researcher", path: fixed("/api/v1/lab/mapping-presets") },
  { route: "POST /api/v1/lab/mapping-presets", need: "researcher", path: fixed("/api/v1/lab/mapping-presets"), body: {} },
  { route: "GET /api/v1/lab/mapping-presets/:id", need: "researcher", path: fixed("/api/v1/lab/mapping-presets/999999") },
  { route: "PATCH /api/v1/lab/mapping-presets/:id", need: "researcher", path: fixed("/api/v1/lab/mapping-presets/999999"), body: { name: "x" } },
  { route: "DELETE /api/v1/lab/mapping-presets/:id", need: "researcher", path: fixed("/api/v1/lab/mapping-presets/999999") },
  // Data review: reads follow the access policy, writes need the reviewer role (and the owning organisation).
  { route: "GET /api/v1/review/corrections", need: "viewer", path: fixed(`/api/v1/review/corrections?station=DE-ELBE-ZEHREN&parameter=ph&${range}`) },
  { route: "POST /api/v1/review/corrections", need: "reviewer", path: fixed("/api/v1/review/corrections"), body: { station: "DE-ELBE-ZEHREN", parameter: "ph", reason: "" } },
  { route: "POST /api/v1/review/corrections/preview", need: "reviewer", path: fixed("/api/v1/review/corrections/preview"), body: { station: "DE-ELBE-ZEHREN", parameter: "ph", reason: "" } },
  { route: "POST /api/v1/review/corrections/:id/undo", need: "reviewer", path: fixed("/api/v1/review/corrections/999999/undo"), body: { reason: "no such correction" } },
  { route: "GET /api/v1/review/approvals", need: "viewer", path: fixed(`/api/v1/review/approvals?station=DE-ELBE-ZEHREN&parameter=ph&${range}`) },
  { route: "POST /api/v1/review/approvals", need: "reviewer", path: fixed("/api/v1/review/approvals"), body: { station: "DE-ELBE-ZEHREN", parameter: "ph", reason: "" } },
  { route: "POST /api/v1/review/unapprovals", need: "reviewer", path: fixed("/api/v1/review/unapprovals"), body: { station: "DE-ELBE-ZEHREN", parameter: "ph", reason: "" } },
  { route: "GET /api/v1/review/grades", need: "viewer", path: fixed(`/api/v1/review/grades?station=DE-ELBE-ZEHREN&parameter=ph&${range}`) },
  { route: "POST /api/v1/review/grades", need: "reviewer", path: fixed("/api/v1/review/grades"), body: { station: "DE-ELBE-ZEHREN", parameter: "ph", reason: "" } },
  { route: "GET /api/v1/review/embargoes", need: "viewer", path: fixed("/api/v1/review/embargoes") },
  { route: "POST /api/v1/review/embargoes", need: "reviewer", path: fixed("/api/v1/review/embargoes"), body: { reason: "" } },
  { route: "GET /api/v1/review/queue", need: "reviewer", path: fixed("/api/v1/review/queue") },
  { route: "GET /api/v1/audit", need: "viewer", path: fixed("/api/v1/audit?series=DE-ELBE-ZEHREN:ph") },
  { route: "GET /api/v1/assessments", need: "viewer", path: fixed("/api/v1/assessments?stations=DE-ELBE-ZEHREN&parameters=nitrate") },
  { route: "GET /api/v1/assessments/loads", need: "viewer", path: fixed("/api/v1/assessments/loads?stations=DE-ELBE-ZEHREN&parameters=diclofenac") },
  // Maintenance windows: everyone reads them, reviewers (the stations' operators) and admins start and end them.
  { route: "GET /api/v1/maintenance", need: "viewer", path: fixed("/api/v1/maintenance") },
  { route: "POST /api/v1/maintenance", need: "reviewer", path: fixed("/api/v1/maintenance"), body: { station: "DE-ELBE-ZEHREN", reason: "" } },
  { route: "POST /api/v1/maintenance/:id/end", need: "reviewer", path: fixed("/api/v1/maintenance/999999/end"), body: {} },
  { route: "GET /api/v1/assessments/years", need: "viewer", path: fixed("/api/v1/assessments/years?station=DE-ELBE-ZEHREN&parameters=nitrate&fromYear=2025&toYear=2026") },
];

/** "METHOD path" of every route the server's router lists. */
export function registeredRoutes(system: TestSystem): string[] {
  return system.routes().map((r) => `${r.method} ${r.path}`);
}

/** The method of a table row. */
export const methodOf = (c: RouteCase): string => c.route.split(" ")[0]!;
