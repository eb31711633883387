// What a catalog change adds, changes and removes, per entity list: the import dry run and the
// history show it the same way. Changed entities list each field with its value before and after.
import type { CatalogDiffItem } from "../../../common/api-types.ts";
import { CATALOG_ENTITIES, type CatalogEntity, type CatalogEntityKind } from "../../../common/catalog-diff.ts";
import { h } from "../dom.ts";
import type { MessageKey, Translate } from "../i18n/index.ts";

/** Items shown per list; a file that adds 20,000 sensors is summarised beyond that. */
const SHOWN = 200;

const value = (v: unknown): string => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

function entityName(entity: CatalogEntity | undefined): string {
  const name = (entity as { name?: { en?: string } } | undefined)?.name?.en;
  return name ? ` · ${name}` : "";
}

export function catalogDiffView(t: Translate, lists: Partial<Record<CatalogEntityKind, readonly CatalogDiffItem[]>>): HTMLElement {
  const sections = CATALOG_ENTITIES.filter((kind) => (lists[kind]?.length ?? 0) > 0).map((kind) => {
    const items = lists[kind]!;
    const counts = { added: 0, changed: 0, removed: 0 };
    for (const i of items) counts[i.change]++;
    const summary = (["added", "changed", "removed"] as const)
      .filter((c) => counts[c] > 0)
      .map((c) => t(`diff.${c}` as MessageKey, { count: counts[c] }))
      .join(", ");
    return h(
      "details",
      { class: "diff-list", open: items.length <= 20, "data-entity": kind },
      h("summary", {}, h("strong", {}, t(`entity.${kind}` as MessageKey)), `: ${summary}`),
      h(
        "ul",
        { class: "diff-items" },
        ...items.slice(0, SHOWN).map((item) =>
          h(
            "li",
            { class: `diff-item diff-${item.change}`, "data-key": item.key, "data-change": item.change },
            h("span", { class: "diff-mark", "aria-hidden": "true" }, item.change === "added" ? "+" : item.change === "removed" ? "−" : "~"),
            h("span", { class: "sr-only" }, t(`diff.${item.change}One` as MessageKey)),
            h("code", {}, item.key),
            item.change === "added" ? entityName(item.after) : item.change === "removed" ? entityName(item.before) : "",
            item.change === "changed"
              ? h(
                  "table",
                  { class: "diff-fields" },
                  h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("diff.field")), h("th", { scope: "col" }, t("diff.before")), h("th", { scope: "col" }, t("diff.after")))),
                  h("tbody", {}, ...item.fields.map((f) => h("tr", { "data-field": f.path }, h("td", {}, h("code", {}, f.path)), h("td", { class: "diff-before" }, value(f.before)), h("td", { class: "diff-after" }, value(f.after))))),
                )
              : null,
          ),
        ),
        items.length > SHOWN ? h("li", { class: "muted" }, t("diff.more", { count: items.length - SHOWN })) : null,
      ),
    );
  });
  return sections.length ? h("div", { class: "catalog-diff" }, ...sections) : h("p", { class: "empty-state" }, t("diff.none"));
}
