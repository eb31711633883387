// Administration (#/admin/<section>): tabs for users, station tokens, settings and the audit log, and
// for the catalog (stations, parameters, sensors, standards, reference data, import/export, history).
// The server enforces the admin role on every call; the client only hides what would be refused.
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";
import { ADMIN_ACCESS_SECTIONS, ADMIN_CATALOG_SECTIONS, adminHref, type AdminSection } from "../router.ts";
import { adminAuditPage } from "./admin-audit.ts";
import { adminCatalogHistoryPage } from "./admin-catalog-history.ts";
import { adminCatalogTransferPage } from "./admin-catalog-transfer.ts";
import { adminParametersPage } from "./admin-parameters.ts";
import { adminReferencePage } from "./admin-reference.ts";
import { adminSensorsPage } from "./admin-sensors.ts";
import { adminStandardsPage } from "./admin-standards.ts";
import { adminStationsPage } from "./admin-stations.ts";
import { adminSettingsPage } from "./admin-settings.ts";
import { adminStationTokensPage } from "./admin-station-tokens.ts";
import { adminUsersPage } from "./admin-users.ts";

const TITLE: Record<AdminSection, MessageKey> = {
  users: "admin.users",
  "station-tokens": "admin.stationTokens",
  settings: "admin.settings",
  audit: "admin.audit",
  stations: "admin.stations",
  parameters: "admin.parameters",
  sensors: "admin.sensors",
  standards: "admin.standards",
  reference: "admin.reference",
  "catalog-transfer": "admin.catalogTransfer",
  "catalog-history": "admin.catalogHistory",
};

const SECTION: Record<AdminSection, (ctx: AppContext) => Page> = {
  users: adminUsersPage,
  "station-tokens": adminStationTokensPage,
  settings: adminSettingsPage,
  audit: adminAuditPage,
  stations: adminStationsPage,
  parameters: adminParametersPage,
  sensors: adminSensorsPage,
  standards: adminStandardsPage,
  reference: adminReferencePage,
  "catalog-transfer": adminCatalogTransferPage,
  "catalog-history": adminCatalogHistoryPage,
};

export function adminPage(ctx: AppContext, section: AdminSection): Page {
  const { t } = ctx;
  if (ctx.session.role !== "admin") {
    const element = h("section", { class: "admin" }, h("h1", {}, t("admin.heading")), h("p", { class: "state-error", role: "alert" }, t("auth.adminOnly")));
    return { element, stations: [], destroy: () => undefined };
  }
  const inner = SECTION[section](ctx);
  const tab = (s: AdminSection) => h("a", { href: adminHref(s), class: "tab", "aria-current": s === section ? "page" : undefined, "data-section": s }, t(TITLE[s]));
  const tabs = h(
    "nav",
    { class: "tabs tab-groups", "aria-label": t("admin.sections") },
    h("div", { class: "tab-group" }, h("span", { class: "tab-group-label" }, t("admin.groupAccess")), ...ADMIN_ACCESS_SECTIONS.map(tab)),
    h("div", { class: "tab-group", "data-group": "catalog" }, h("span", { class: "tab-group-label" }, t("admin.groupCatalog")), ...ADMIN_CATALOG_SECTIONS.map(tab)),
  );
  const element = h(
    "section",
    { class: "admin", "aria-labelledby": "admin-h", "data-admin-section": section },
    h("h1", { id: "admin-h" }, t("admin.heading"), h("span", { class: "muted" }, ` · ${t(TITLE[section])}`)),
    tabs,
    inner.element,
  );
  return { element, stations: [], onCatalog: inner.onCatalog?.bind(inner), destroy: inner.destroy };
}
