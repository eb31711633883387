// Admin → Reference data: the organisations that operate stations and own sensors, regions, rivers,
// and the sources standards cite. Ids are fixed once made; a delete is refused while anything refers
// to the entry (the server says what does).
import type { Organisation, Region, River, Source } from "../../../common/catalog-model.ts";
import { localName } from "../../../common/standards.ts";
import { CatalogApi, type ReferenceKind } from "../catalog-api.ts";
import { confirmButton } from "../components/confirm-button.ts";
import { dataTable } from "../components/data-table.ts";
import { field, localizedInputs, textArea, textInput, textOrUndefined } from "../components/form-fields.ts";
import { notice } from "../components/notice.ts";
import { catalogChange } from "../components/catalog-admin-kit.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";

type Entry = Organisation | Region | River | Source;

const KINDS: ReadonlyArray<{ kind: ReferenceKind; title: MessageKey; idPattern: string; country: boolean; named: boolean }> = [
  { kind: "organisations", title: "reference.organisations", idPattern: "[A-Z0-9][A-Z0-9\\-]*", country: true, named: true },
  { kind: "regions", title: "reference.regions", idPattern: "[a-z][a-z0-9_]*", country: true, named: true },
  { kind: "rivers", title: "reference.rivers", idPattern: "[a-z][a-z0-9_]*", country: false, named: true },
  { kind: "sources", title: "reference.sources", idPattern: "[A-Za-z0-9._\\-]+", country: false, named: false },
];

export function adminReferencePage(ctx: AppContext): Page {
  const { t } = ctx;
  const api = new CatalogApi(ctx.api);
  let catalog = ctx.catalog;
  const status = notice(t);
  const formSlot = h("div", { class: "admin-form-slot" });
  const lists = h("div", { class: "reference-lists" });

  const run = catalogChange(ctx, status, formSlot);

  function openForm(spec: (typeof KINDS)[number], existing?: Entry): void {
    status.clear();
    const e = existing as (Partial<Organisation> & Partial<Source>) | undefined;
    const id = textInput("id", e?.id, { required: true, pattern: spec.idPattern, class: "mono", readonly: Boolean(existing) });
    const names = spec.named ? localizedInputs(t, "name", e?.name) : undefined;
    const country = textInput("country", e?.country, { pattern: "[A-Z]{2}", maxlength: 2, placeholder: "DE" });
    const url = textInput("url", e?.url, { type: "url", placeholder: "https://" });
    const citation = textArea("citation", e?.citation, { rows: 4, maxlength: 2000 });
    const form = h(
      "form",
      {
        class: "admin-card catalog-form",
        "data-testid": `${spec.kind}-form`,
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          const entry: Record<string, unknown> = { id: id.value.trim() };
          if (names) entry.name = names.value();
          if (spec.country) entry.country = country.value.trim();
          if (spec.kind === "organisations" || spec.kind === "sources") entry.url = textOrUndefined(url) ?? (existing ? null : undefined);
          if (spec.kind === "sources") entry.citation = citation.value.trim();
          const { id: key, ...changes } = entry;
          void run(() => (existing ? api.updateReference(spec.kind, String(key), changes) : api.createReference(spec.kind, entry)), t("reference.savedOk", { id: String(key) }));
        },
      },
      h("h2", {}, existing ? t("reference.editHeading", { id: existing.id }) : t("reference.new", { what: t(spec.title) })),
      h(
        "div",
        { class: "form-grid" },
        field(t("form.id"), id, existing ? t("reference.idFixed") : undefined),
        names?.element,
        spec.country ? field(t("reference.country"), country, t("reference.countryHint")) : null,
        spec.kind === "organisations" || spec.kind === "sources" ? field(t("reference.url"), url) : null,
        spec.kind === "sources" ? field(t("reference.citation"), citation, t("reference.citationHint")) : null,
      ),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("action.save")), h("button", { type: "button", class: "quiet", onclick: () => formSlot.replaceChildren() }, t("action.cancel"))),
    );
    formSlot.replaceChildren(form);
    form.scrollIntoView({ block: "nearest" });
  }

  function render(): void {
    lists.replaceChildren(
      ...KINDS.map((spec) => {
        const entries = catalog.data[spec.kind] as Entry[];
        const rows = entries.map((entry) => ({
          attrs: { "data-id": entry.id },
          cells: [
            h("code", {}, entry.id),
            "name" in entry ? localName(entry.name, ctx.lang) : (entry as Source).citation,
            "country" in entry ? entry.country : "url" in entry ? (entry.url ?? "–") : "–",
            h(
              "div",
              { class: "row-actions" },
              h("button", { type: "button", "data-action": "edit", onclick: () => openForm(spec, entry) }, t("action.edit")),
              confirmButton(t("reference.delete"), t, () => run(() => api.deleteReference(spec.kind, entry.id), t("reference.deletedOk", { id: entry.id })), { "data-action": "delete" }),
            ),
          ],
        }));
        return h(
          "section",
          { class: "admin-card", "data-kind": spec.kind },
          h("div", { class: "section-bar" }, h("h2", {}, t(spec.title)), h("button", { type: "button", "data-action": `new-${spec.kind}`, onclick: () => openForm(spec) }, t("reference.add"))),
          dataTable(t(spec.title), [t("form.id"), spec.named ? t("form.name") : t("reference.citation"), spec.country ? t("reference.country") : t("reference.url"), t("users.actions")], rows, t("reference.none")),
        );
      }),
    );
  }

  const element = h("section", { class: "admin-section", "data-section": "reference" }, h("p", { class: "muted" }, t("reference.intro")), status.element, formSlot, lists);
  render();
  return {
    element,
    stations: [],
    onCatalog(next) {
      catalog = next;
      render();
    },
    destroy: () => undefined,
  };
}
