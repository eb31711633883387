// Admin → Catalog history: every change (version, time, who, what) newest first, each with its
// entity-by-entity, field-by-field changes; and the catalog "as of" any time: which version was in
// force then, what it held, and its file to download.
import type { CatalogResponse, CatalogVersionInfo } from "../../../common/api-types.ts";
import { CATALOG_ENTITIES } from "../../../common/catalog-diff.ts";
import { CatalogApi } from "../catalog-api.ts";
import { catalogDiffView } from "../components/catalog-diff-view.ts";
import { dataTable, timeCell } from "../components/data-table.ts";
import { dateTimeInput, field, instantOf } from "../components/form-fields.ts";
import { loadError, notice } from "../components/notice.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";

const PAGE = 50;
const SUBJECTS = new Set(["station", "sensor", "standard", "parameter", "organisation", "region", "river", "source"]);
const VERBS = new Set(["create", "update", "rename", "retire", "delete", "install", "end-deployment", "move", "calibrate", "version", "end"]);

export function adminCatalogHistoryPage(ctx: AppContext): Page {
  const { t } = ctx;
  const api = new CatalogApi(ctx.api);
  let destroyed = false;
  const status = notice(t);
  const list = h("div", { "data-testid": "catalog-history" }, h("p", { class: "state-loading" }, t("state.loading")));
  const more = h("div");
  const asOfResult = h("div", { "data-testid": "as-of-result" });
  let versions: CatalogVersionInfo[] = [];

  async function showChanges(version: number, into: HTMLElement): Promise<void> {
    into.replaceChildren(h("p", { class: "state-loading" }, t("state.loading")));
    try {
      const v = await api.version(version);
      const lists = Object.fromEntries(
        CATALOG_ENTITIES.map((k) => [
          k,
          v.changes
            .filter((c) => c.entity === k)
            .map((c) => (c.change === "added" ? { change: c.change, key: c.key, after: c.after! } : c.change === "removed" ? { change: c.change, key: c.key, before: c.before! } : { change: c.change, key: c.key, fields: c.fields })),
        ]),
      );
      into.replaceChildren(catalogDiffView(t, lists));
    } catch (err) {
      into.replaceChildren(loadError(t, err));
    }
  }

  function render(): void {
    if (versions.length === 0) return void list.replaceChildren(h("p", { class: "empty-state" }, t("history.empty")));
    const rows = versions.map((v) => {
      const detail = h("div", { class: "history-detail" });
      const toggle = h("button", {
        type: "button",
        "data-action": "show-changes",
        "aria-expanded": "false",
        onclick: () => {
          const open = toggle.getAttribute("aria-expanded") === "true";
          toggle.setAttribute("aria-expanded", String(!open));
          if (open) detail.replaceChildren();
          else void showChanges(v.version, detail);
        },
      }, t("history.changes", { count: v.changes }));
      return {
        attrs: { "data-version": String(v.version) },
        cells: [String(v.version), timeCell(v.at, ctx.lang, ctx.p.zone), v.actor, actionText(v.action), h("div", {}, h("span", { class: "muted" }, summaryText(v.summary)), h("div", {}, toggle), detail)],
      };
    });
    list.replaceChildren(dataTable(t("admin.catalogHistory"), [t("history.version"), t("audit.time"), t("audit.actor"), t("audit.action"), t("history.what")], rows, t("history.empty")));
    const oldest = versions.at(-1)!.version;
    more.replaceChildren(oldest > 1 && versions.length % PAGE === 0 ? h("button", { type: "button", onclick: () => void load(oldest) }, t("history.older")) : "");
  }

  /**
   * The server's one-line summary ("stations: 1 added, 2 changed; sensors: 3 added", see
   * common/catalog-diff.ts diffSummary) in the UI language; anything else as it is.
   */
  function summaryText(summary: string): string {
    const parts = summary.split("; ").map((part) => {
      const m = /^([a-z]+): (.+)$/.exec(part);
      if (!m || !(CATALOG_ENTITIES as readonly string[]).includes(m[1]!)) return undefined;
      const counts = m[2]!.split(", ").map((c) => {
        const n = /^(\d+) (added|changed|removed)$/.exec(c);
        return n ? t(`diff.${n[2]}` as MessageKey, { count: Number(n[1]) }) : undefined;
      });
      return counts.includes(undefined) ? undefined : `${t(`entity.${m[1]}` as MessageKey)}: ${counts.join(", ")}`;
    });
    return parts.includes(undefined) ? summary : parts.join("; ");
  }

  /** "station.retire" → "Station · retired"; actions this version does not know stay as they are. */
  function actionText(action: string): string {
    if (action === "seed" || action === "import") return t(`history.action.${action}`);
    const [subject = "", verb = ""] = action.split(".");
    if (!SUBJECTS.has(subject) || !VERBS.has(verb)) return action;
    return `${t(`subject.${subject}` as MessageKey)} · ${t(`verb.${verb}` as MessageKey)}`;
  }

  async function load(before?: number): Promise<void> {
    try {
      const page = await api.history({ before, limit: PAGE });
      if (destroyed) return;
      versions = before === undefined ? page.versions : [...versions, ...page.versions];
      render();
    } catch (err) {
      if (!destroyed) list.replaceChildren(loadError(t, err));
    }
  }

  const asOf = dateTimeInput(t, ctx.lang, "asOf");
  const asOfForm = h(
    "form",
    {
      class: "inline-form",
      "data-testid": "as-of-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        status.clear();
        const at = instantOf(asOf);
        if (!at) return;
        try {
          const then: CatalogResponse = await api.asOf(at);
          const c = then.catalog;
          asOfResult.replaceChildren(
            h("p", {}, t("history.asOfVersion", { version: then.version })),
            h(
              "ul",
              { class: "as-of-counts" },
              ...CATALOG_ENTITIES.map((k) => h("li", { "data-entity": k }, `${t(`entity.${k}` as MessageKey)}: ${c[k].length}`)),
            ),
            h("p", {}, h("a", { href: api.exportUrl(at), download: "", class: "button-link" }, t("history.download"))),
          );
        } catch (err) {
          asOfResult.replaceChildren();
          status.failed(err);
        }
      },
    },
    field(t("history.asOf"), asOf),
    h("button", { type: "submit" }, t("history.show")),
  );

  const element = h(
    "section",
    { class: "admin-section", "data-section": "catalog-history" },
    h("section", { class: "admin-card" }, h("h2", {}, t("history.asOfHeading")), h("p", { class: "muted" }, t("history.asOfIntro")), asOfForm, status.element, asOfResult),
    h("p", { class: "muted" }, t("history.intro")),
    list,
    more,
  );
  void load();
  return {
    element,
    stations: [],
    onCatalog: () => void load(),
    destroy: () => (destroyed = true),
  };
}
