// Admin → Parameters: compounds and physico-chemical parameters with names in three languages, CAS
// number, synonyms (for lab reports), group, class and canonical unit. A parameter's code is fixed
// once made; the server refuses a unit change once data exists, and never deletes one with data.
import { PARAMETER_GROUPS, type Parameter } from "../../../common/catalog-model.ts";
import { localName } from "../../../common/standards.ts";
import { KNOWN_UNITS } from "../../../common/units.ts";
import { CatalogApi } from "../catalog-api.ts";
import { dataTable } from "../components/data-table.ts";
import { field, localizedInputs, numberInput, selectInput, textArea, textInput, textOrUndefined } from "../components/form-fields.ts";
import { notice } from "../components/notice.ts";
import { catalogSection } from "../components/catalog-admin-kit.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";

export function adminParametersPage(ctx: AppContext): Page {
  const { t } = ctx;
  const api = new CatalogApi(ctx.api);
  let catalog = ctx.catalog;
  let query = "";
  const status = notice(t);
  const listSlot = h("div", { "data-testid": "parameter-list" });
  const formSlot = h("div", { class: "admin-form-slot" });
  const groupName = (g: string) => t(`group.${g}` as MessageKey);

  function renderList(): void {
    const q = query.toLowerCase();
    const list = catalog.parameters.filter((p) => !q || [p.code, p.cas ?? "", ...Object.values(p.name), ...p.synonyms].some((x) => x.toLowerCase().includes(q)));
    if (catalog.parameters.length === 0) return void listSlot.replaceChildren(h("p", { class: "empty-state" }, t("parameters.empty")));
    const rows = list.map((p) => ({
      attrs: { "data-parameter": p.code },
      cells: [
        localName(p.name, ctx.lang),
        h("code", {}, p.code),
        p.unit,
        groupName(p.group),
        p.cas ?? "–",
        p.synonyms.join(", ") || "–",
        h("button", { type: "button", "data-action": "edit", onclick: () => openForm(p) }, t("action.edit")),
      ],
    }));
    const headers = [t("form.name"), t("form.code"), t("form.unit"), t("parameters.group"), t("parameters.cas"), t("parameters.synonyms"), t("users.actions")];
    listSlot.replaceChildren(dataTable(t("admin.parameters"), headers, rows, t("parameters.noMatch")));
  }

  function openForm(existing?: Parameter): void {
    status.clear();
    const code = textInput("code", existing?.code, { required: true, pattern: "[a-z][a-z0-9_]*", maxlength: 63, class: "mono", readonly: Boolean(existing) });
    const names = localizedInputs(t, "name", existing?.name);
    const cas = textInput("cas", existing?.cas, { placeholder: "298-46-4" });
    const synonyms = textInput("synonyms", existing?.synonyms.join(", "));
    const group = selectInput("group", existing?.group ?? "pharmaceutical", PARAMETER_GROUPS.map((g) => [g, groupName(g)]));
    const klass = textInput("class", existing?.class);
    const unit = selectInput("unit", existing?.unit ?? "ng/L", KNOWN_UNITS.map((u) => [u, u]));
    const low = numberInput("typical.low", existing?.typical[0], { required: true });
    const high = numberInput("typical.high", existing?.typical[1], { required: true });
    const note = textArea("note", existing?.note, { maxlength: 2000 });
    const form = h(
      "form",
      {
        class: "admin-card catalog-form",
        "data-testid": "parameter-form",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          status.clear();
          const parameter: Parameter = {
            code: code.value.trim(),
            name: names.value(),
            cas: textOrUndefined(cas) ?? null,
            synonyms: synonyms.value.split(",").map((x) => x.trim()).filter(Boolean),
            group: group.value as Parameter["group"],
            unit: unit.value,
            typical: [Number(low.value), Number(high.value)],
            ...(textOrUndefined(klass) ? { class: textOrUndefined(klass) } : {}),
            ...(textOrUndefined(note) ? { note: textOrUndefined(note) } : {}),
          };
          try {
            if (existing) {
              const { code: _code, ...changes } = parameter;
              await api.updateParameter(existing.code, { ...changes, class: changes.class ?? null, note: changes.note ?? null });
            } else await api.createParameter(parameter);
            formSlot.replaceChildren();
            status.ok(t("parameters.savedOk", { name: parameter.name.en }));
            await ctx.reloadCatalog();
          } catch (err) {
            status.failed(err);
          }
        },
      },
      h("h2", {}, existing ? t("parameters.editHeading", { name: localName(existing.name, ctx.lang) }) : t("parameters.new")),
      h(
        "div",
        { class: "form-grid" },
        field(t("form.code"), code, existing ? t("parameters.codeFixed") : t("parameters.codeHint")),
        field(t("form.unit"), unit, t("parameters.unitHint")),
        names.element,
        field(t("parameters.cas"), cas),
        field(t("parameters.synonyms"), synonyms, t("parameters.synonymsHint")),
        field(t("parameters.group"), group),
        field(t("parameters.class"), klass),
        field(t("parameters.typicalLow"), low),
        field(t("parameters.typicalHigh"), high),
        field(t("form.note"), note),
      ),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "primary" }, existing ? t("action.save") : t("parameters.create")),
        h("button", { type: "button", class: "quiet", onclick: () => formSlot.replaceChildren() }, t("action.cancel")),
      ),
    );
    formSlot.replaceChildren(form);
    form.scrollIntoView({ block: "nearest" });
  }

  const search = h("input", { type: "search", name: "q", "aria-label": t("filter.search"), placeholder: t("parameters.searchHint"), oninput: () => ((query = search.value.trim()), renderList()) });
  const element = catalogSection(
    "parameters",
    t("parameters.intro"),
    { label: t("parameters.new"), action: "new-parameter", onclick: () => openForm() },
    status.element,
    formSlot,
    h("div", { class: "filter-bar" }, h("label", { class: "setting filter-search" }, h("span", { class: "setting-label" }, t("filter.search")), search)),
    listSlot,
  );
  renderList();
  return {
    element,
    stations: [],
    onCatalog(next) {
      catalog = next;
      renderList();
    },
    destroy: () => undefined,
  };
}
