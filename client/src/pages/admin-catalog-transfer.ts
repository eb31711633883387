// Admin → Import/export: download the whole catalog (now, or as it was at a time) as a JSON file, and
// import one: a dry run first shows what it would add, change (field by field) and remove, then
// "Apply" makes it so in one step, unless someone changed the catalog since the dry run.
import type { CatalogImportResponse } from "../../../common/api-types.ts";
import { CATALOG_ENTITIES } from "../../../common/catalog-diff.ts";
import { CatalogApi } from "../catalog-api.ts";
import { catalogDiffView } from "../components/catalog-diff-view.ts";
import { confirmButton } from "../components/confirm-button.ts";
import { dateTimeInput, field, instantOf } from "../components/form-fields.ts";
import { notice } from "../components/notice.ts";
import type { AppContext, Page } from "../context.ts";
import { append, h } from "../dom.ts";

export function adminCatalogTransferPage(ctx: AppContext): Page {
  const { t } = ctx;
  const api = new CatalogApi(ctx.api);
  const status = notice(t);
  const result = h("div", { class: "import-result", "data-testid": "import-result" });
  let file: unknown;

  const asOf = dateTimeInput(t, ctx.lang, "asOf");
  const asOfLink = h("a", { href: api.exportUrl(), download: "", "data-action": "export-as-of", class: "button-link" }, t("transfer.exportAsOf"));
  const updateAsOf = () => (asOfLink.href = api.exportUrl(instantOf(asOf)));
  asOf.addEventListener("input", updateAsOf);
  updateAsOf();

  function showDiff(diff: CatalogImportResponse): void {
    result.replaceChildren();
    const lists = Object.fromEntries(CATALOG_ENTITIES.map((k) => [k, diff.entities[k].items]));
    const total = CATALOG_ENTITIES.reduce((n, k) => n + diff.entities[k].items.length, 0);
    append(
      result,
      h("h3", {}, t("transfer.dryRunHeading", { version: diff.baseVersion })),
      diff.changed ? h("p", {}, t("transfer.wouldChange", { count: total })) : h("p", { class: "empty-state" }, t("transfer.nothing")),
      catalogDiffView(t, lists),
      diff.changed
        && h(
            "div",
            { class: "form-actions" },
            confirmButton(t("transfer.apply"), t, async () => {
              status.clear();
              try {
                const applied = await api.apply(file, diff.baseVersion);
                result.replaceChildren();
                status.ok(t("transfer.appliedOk", { version: applied.version }));
                await ctx.reloadCatalog();
              } catch (err) {
                status.failed(err);
              }
            }, { "data-action": "apply-import" }),
          ),
    );
  }

  const input = h("input", {
    type: "file",
    name: "catalog-file",
    accept: "application/json,.json",
    onchange: async () => {
      status.clear();
      result.replaceChildren();
      const chosen = input.files?.[0];
      if (!chosen) return;
      try {
        file = JSON.parse(await chosen.text()) as unknown;
      } catch (err) {
        return status.error(t("transfer.notJson", { error: err instanceof Error ? err.message : String(err) }));
      }
      result.replaceChildren(h("p", { class: "state-loading", role: "status" }, t("transfer.checking")));
      try {
        showDiff(await api.dryRun(file));
      } catch (err) {
        result.replaceChildren();
        status.failed(err);
      }
    },
  });

  const element = h(
    "section",
    { class: "admin-section", "data-section": "catalog-transfer" },
    h(
      "section",
      { class: "admin-card" },
      h("h2", {}, t("transfer.exportHeading")),
      h("p", { class: "muted" }, t("transfer.exportIntro")),
      h("p", {}, h("a", { href: api.exportUrl(), download: "", "data-action": "export", class: "button-link primary" }, t("transfer.export"))),
      h("div", { class: "inline-form" }, field(t("transfer.asOf"), asOf), asOfLink),
    ),
    h(
      "section",
      { class: "admin-card" },
      h("h2", {}, t("transfer.importHeading")),
      h("p", { class: "muted" }, t("transfer.importIntro")),
      field(t("transfer.file"), input),
      status.element,
      result,
    ),
  );
  return { element, stations: [], onCatalog: () => undefined, destroy: () => undefined };
}
