// Admin → Audit log: who changed which user, token, rule or setting, newest first. Details are
// the server's JSON, shown as text.
import type { AuditEntry } from "../auth-api.ts";
import { dataTable, timeCell, zoneHeader } from "../components/data-table.ts";
import { loadInto } from "../components/notice.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";

function detailsText(details: unknown): string {
  if (details === null || details === undefined) return "";
  if (typeof details !== "object") return String(details);
  return Object.entries(details as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("; ");
}

export function adminAuditPage(ctx: AppContext): Page {
  const { t, auth } = ctx;
  let destroyed = false;
  const summary = h("p", { class: "muted" });
  const list = h("div", { "data-testid": "audit" }, h("p", { class: "state-loading" }, t("state.loading")));

  function render(entries: AuditEntry[]): void {
    summary.textContent = t("audit.latest", { count: entries.length });
    const rows = entries.map((e) => ({
      attrs: { "data-audit-id": String(e.id), "data-action": e.action },
      cells: [timeCell(e.at, ctx.lang, ctx.p.zone), e.actor, h("code", {}, e.action), e.target ?? "", h("span", { class: "audit-details" }, detailsText(e.details))],
    }));
    const headers = [zoneHeader(t, t("audit.time"), ctx.p.zone), t("audit.actor"), t("audit.action"), t("audit.target"), t("audit.details")];
    list.replaceChildren(dataTable(t("admin.audit"), headers, rows, t("audit.none")));
  }

  const load = (): Promise<void> => loadInto(list, t, () => auth.audit(), render, () => destroyed);

  const element = h(
    "section",
    { class: "admin-section", "data-section": "audit" },
    h("div", { class: "section-bar" }, summary, h("button", { type: "button", onclick: () => void load() }, t("action.refresh"))),
    list,
  );
  void load();
  return { element, stations: [], destroy: () => (destroyed = true) };
}
