// A plain table for the account and admin pages. Cells are nodes or text (text nodes, never
// parsed as HTML), so user-provided names and labels are shown literally.
import { h } from "../dom.ts";
import { formatDateTime } from "../format.ts";
import type { Language, Translate } from "../i18n/index.ts";
import { listZone, zoneName, type ZoneMode } from "../state.ts";

export type Cell = Node | string | null;

export interface TableRow {
  cells: Cell[];
  attrs?: Record<string, string>;
}

export function dataTable(caption: string, headers: readonly string[], rows: readonly TableRow[], empty: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "muted table-empty" }, empty);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data-table" },
      h("caption", { class: "sr-only" }, caption),
      h("thead", {}, h("tr", {}, ...headers.map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, ...rows.map((row) => h("tr", row.attrs ?? {}, ...row.cells.map((c) => h("td", {}, c))))),
    ),
  );
}

/**
 * An ISO time from the server as a <time> element in the table's zone (UTC when the user chose UTC,
 * else the browser's: every row in one zone), without the zone: `zoneHeader` names it once.
 */
export function timeCell(iso: string | null, lang: Language, zoneMode: ZoneMode, fallback = "–"): Cell {
  if (!iso) return fallback;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return h("time", { datetime: iso }, formatDateTime(ms, lang, listZone(zoneMode), false));
}

/** A time column's header naming the table's zone: "Created (Europe/Berlin)". */
export function zoneHeader(t: Translate, label: string, zoneMode: ZoneMode): string {
  return t("zone.column", { label, zone: zoneName(listZone(zoneMode)) });
}

export type TokenState = "active" | "revoked" | "expired";

export function tokenState(token: { revokedAt: string | null; expiresAt?: string | null }, now = Date.now()): TokenState {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return "expired";
  return "active";
}
