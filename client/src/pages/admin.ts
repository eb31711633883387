// Administration (#/admin/<section>): tabs for users, station tokens, settings and the audit log.
// The server enforces the admin role on every call; the client only hides what would be refused.
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";
import { ADMIN_SECTIONS, adminHref, type AdminSection } from "../router.ts";
import { adminAuditPage } from "./admin-audit.ts";
import { adminSettingsPage } from "./admin-settings.ts";
import { adminStationTokensPage } from "./admin-station-tokens.ts";
import { adminUsersPage } from "./admin-users.ts";

const TITLE: Record<AdminSection, MessageKey> = {
  users: "admin.users",
  "station-tokens": "admin.stationTokens",
  settings: "admin.settings",
  audit: "admin.audit",
};

const SECTION: Record<AdminSection, (ctx: AppContext) => Page> = {
  users: adminUsersPage,
  "station-tokens": adminStationTokensPage,
  settings: adminSettingsPage,
  audit: adminAuditPage,
};

export function adminPage(ctx: AppContext, section: AdminSection): Page {
  const { t } = ctx;
  if (ctx.session.role !== "admin") {
    const element = h("section", { class: "admin" }, h("h1", {}, t("admin.heading")), h("p", { class: "state-error", role: "alert" }, t("auth.adminOnly")));
    return { element, stations: [], destroy: () => undefined };
  }
  const inner = SECTION[section](ctx);
  const tabs = h(
    "nav",
    { class: "tabs", "aria-label": t("admin.sections") },
    ...ADMIN_SECTIONS.map((s) =>
      h("a", { href: adminHref(s), class: "tab", "aria-current": s === section ? "page" : undefined, "data-section": s }, t(TITLE[s])),
    ),
  );
  const element = h(
    "section",
    { class: "admin", "aria-labelledby": "admin-h", "data-admin-section": section },
    h("h1", { id: "admin-h" }, t("admin.heading"), h("span", { class: "muted" }, ` · ${t(TITLE[section])}`)),
    tabs,
    inner.element,
  );
  return { element, stations: [], destroy: inner.destroy };
}
