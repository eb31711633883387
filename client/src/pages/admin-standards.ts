// Admin → Quality standards: each standard with all its versions (validity, values, legal status,
// scope, source). A changed value is a new version with its own validity: the form asks from when
// it applies, and the version before it ends there (both stay visible). A standard can be ended
// (repealed) and new ones created. The server keeps what has applied from being rewritten.
import { listZone } from "../state.ts";
import { LEGAL_STATUSES, STANDARD_KINDS, type ClassLimits, type LegalStatus, type QualityStandard, type StandardKind, type StandardScope } from "../../../common/catalog-model.ts";
import { localName } from "../../../common/standards.ts";
import { KNOWN_UNITS } from "../../../common/units.ts";
import { CatalogApi } from "../catalog-api.ts";
import { dataTable } from "../components/data-table.ts";
import { dateTimeInput, field, instantOf, numberInput, numberOrNull, selectInput, textInput } from "../components/form-fields.ts";
import { notice } from "../components/notice.ts";
import { catalogChange, catalogSection } from "../components/catalog-admin-kit.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import { formatDateTime } from "../format.ts";
import type { MessageKey } from "../i18n/index.ts";

const SCOPE_KINDS = ["all", "countries", "regions", "rivers", "stations"] as const;

export function adminStandardsPage(ctx: AppContext): Page {
  const { t } = ctx;
  const api = new CatalogApi(ctx.api);
  let catalog = ctx.catalog;
  let parameterFilter = "";
  const status = notice(t);
  const listSlot = h("div", { "data-testid": "standard-list" });
  const formSlot = h("div", { class: "admin-form-slot" });
  const legal = (s: LegalStatus) => t(`legal.${s}` as MessageKey);
  const kindName = (k: StandardKind) => t(`std.${k}` as MessageKey);
  const when = (iso: string | null, open: MessageKey) => (iso === null ? t(open) : formatDateTime(Date.parse(iso), ctx.lang, listZone(ctx.p.zone), false));

  const run = catalogChange(ctx, status, formSlot);

  function values(s: QualityStandard): string {
    if (s.kind === "range") return `${s.min} – ${s.max} ${s.unit}`;
    if (s.kind === "class-limits" && s.classes) {
      return s.classes.direction === "range" ? `${s.classes.range[0]} – ${s.classes.range[1]} ${s.unit}` : `${t(`std.bound.${s.classes.direction}` as MessageKey)} I–V: ${s.classes.limits.join(" / ")} ${s.unit}`;
    }
    return `${s.value} ${s.unit}`;
  }

  function scopeText(scope: StandardScope): string {
    return scope.kind === "all" ? t("scope.all") : `${t(`scope.${scope.kind}` as MessageKey)}: ${scope.ids.join(", ")}`;
  }

  function renderList(): void {
    const ids = [...new Set(catalog.data.standards.filter((s) => !parameterFilter || s.parameter === parameterFilter).map((s) => s.id))];
    if (catalog.data.standards.length === 0) return void listSlot.replaceChildren(h("p", { class: "empty-state" }, t("standards.empty")));
    listSlot.replaceChildren(
      ...ids.map((id) => {
        const versions = catalog.data.standards.filter((s) => s.id === id).sort((a, b) => (a.validFrom ?? "").localeCompare(b.validFrom ?? ""));
        const latest = versions.at(-1)!;
        const rows = versions.map((v) => ({
          attrs: { "data-valid-from": v.validFrom ?? "" },
          cells: [when(v.validFrom, "standards.always"), when(v.validTo, "standards.open"), values(v), legal(v.legalStatus), scopeText(v.scope), v.source],
        }));
        return h(
          "section",
          { class: "admin-card standard", "data-standard": id },
          h(
            "div",
            { class: "section-bar" },
            h("h3", {}, `${catalog.parameterName(latest.parameter, ctx.lang)} · ${kindName(latest.kind)} (${latest.source})`),
            h(
              "div",
              { class: "row-actions" },
              h("button", { type: "button", "data-action": "new-version", onclick: () => openVersion(latest) }, t("standards.newVersion")),
              latest.validTo === null ? h("button", { type: "button", "data-action": "end", onclick: () => openEnd(latest) }, t("standards.end")) : null,
            ),
          ),
          h("p", { class: "muted mono" }, id),
          dataTable(id, [t("standards.validFrom"), t("standards.validTo"), t("standards.values"), t("standards.legalStatus"), t("standards.scope"), t("standards.source")], rows, "–"),
        );
      }),
    );
  }

  /** Inputs for a version's values, by kind: one value, min and max, or class limits. */
  function valueInputs(kind: StandardKind, s?: QualityStandard) {
    const value = numberInput("value", s?.value, { min: 0 });
    const min = numberInput("min", s?.min);
    const max = numberInput("max", s?.max);
    const direction = selectInput("classes.direction", s?.classes?.direction ?? "max", (["max", "min", "range"] as const).map((d) => [d, t(`standards.direction.${d}` as MessageKey)]));
    const limits = textInput("classes.limits", !s?.classes ? "" : s.classes.direction === "range" ? s.classes.range.join(", ") : s.classes.limits.join(", "), { placeholder: "0.15, 0.5, 1, 1.5, 2" });
    const elements =
      kind === "range"
        ? [field(t("standards.min"), min), field(t("standards.max"), max)]
        : kind === "class-limits"
          ? [field(t("standards.direction"), direction), field(t("standards.classLimits"), limits, t("standards.classLimitsHint"))]
          : [field(t("standards.value"), value)];
    const read = (): Partial<QualityStandard> => {
      if (kind === "range") return { min: numberOrNull(min) ?? undefined, max: numberOrNull(max) ?? undefined };
      if (kind === "class-limits") {
        const numbers = limits.value.split(",").map((x) => Number(x.trim()));
        const classes = (direction.value === "range" ? { direction: "range", range: numbers } : { direction: direction.value, limits: numbers }) as ClassLimits;
        return { classes };
      }
      return { value: numberOrNull(value) ?? undefined };
    };
    return { elements, read };
  }

  function scopeInputs(scope?: StandardScope) {
    const kind = selectInput("scope.kind", scope?.kind ?? "all", SCOPE_KINDS.map((k) => [k, t(`scope.${k}` as MessageKey)]));
    const ids = textInput("scope.ids", scope && scope.kind !== "all" ? scope.ids.join(", ") : "", { placeholder: "EU, DE" });
    const read = (): StandardScope =>
      kind.value === "all" ? { kind: "all" } : ({ kind: kind.value, ids: ids.value.split(",").map((x) => x.trim()).filter(Boolean) } as StandardScope);
    return { elements: [field(t("standards.scope"), kind), field(t("standards.scopeIds"), ids, t("standards.scopeHint"))], read };
  }

  const sourceSelect = (value: string) => selectInput("source", value, catalog.data.sources.map((s) => [s.id, s.id]));
  const legalSelect = (value: string) => selectInput("legalStatus", value, LEGAL_STATUSES.map((l) => [l, legal(l)]));

  function openVersion(latest: QualityStandard): void {
    status.clear();
    const from = dateTimeInput(t, ctx.lang, "validFrom");
    const vals = valueInputs(latest.kind, latest);
    const unit = selectInput("unit", latest.unit, KNOWN_UNITS.map((u) => [u, u]));
    const legalStatus = legalSelect(latest.legalStatus);
    const source = sourceSelect(latest.source);
    const scope = scopeInputs(latest.scope);
    const form = h(
      "form",
      {
        class: "admin-card catalog-form",
        "data-testid": "standard-version-form",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const body = { ...vals.read(), validFrom: instantOf(from)!, unit: unit.value, legalStatus: legalStatus.value as LegalStatus, source: source.value, scope: scope.read() };
          void run(() => api.newVersion(latest.id, body), t("standards.versionOk", { id: latest.id }));
        },
      },
      h("h2", {}, t("standards.newVersionHeading", { id: latest.id })),
      h("p", { class: "muted" }, t("standards.newVersionIntro")),
      h("div", { class: "form-grid" }, field(t("standards.validFrom"), from, t("standards.validFromHint")), ...vals.elements, field(t("form.unit"), unit), field(t("standards.legalStatus"), legalStatus), field(t("standards.source"), source), ...scope.elements),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("standards.saveVersion")), h("button", { type: "button", class: "quiet", onclick: () => formSlot.replaceChildren() }, t("action.cancel"))),
    );
    formSlot.replaceChildren(form);
    form.scrollIntoView({ block: "nearest" });
  }

  function openEnd(latest: QualityStandard): void {
    status.clear();
    const to = dateTimeInput(t, ctx.lang, "validTo");
    const form = h(
      "form",
      { class: "admin-card catalog-form", "data-testid": "standard-end-form", onsubmit: (e: Event) => (e.preventDefault(), void run(() => api.endStandard(latest.id, instantOf(to)!), t("standards.endedOk", { id: latest.id }))) },
      h("h2", {}, t("standards.endHeading", { id: latest.id })),
      h("p", { class: "muted" }, t("standards.endIntro")),
      field(t("standards.validTo"), to),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "danger" }, t("standards.end")), h("button", { type: "button", class: "quiet", onclick: () => formSlot.replaceChildren() }, t("action.cancel"))),
    );
    formSlot.replaceChildren(form);
  }

  function openCreate(): void {
    status.clear();
    const parameter = selectInput("parameter", catalog.parameters[0]?.code ?? "", catalog.parameters.map((p) => [p.code, localName(p.name, ctx.lang)]));
    const kind = selectInput("kind", "AA-EQS", STANDARD_KINDS.map((k) => [k, kindName(k)]));
    const id = textInput("id", "", { required: true, class: "mono", placeholder: "carbamazepine.AA-EQS.EU-EQS-2022" });
    const unit = selectInput("unit", catalog.parameters[0]?.unit ?? "ng/L", KNOWN_UNITS.map((u) => [u, u]));
    const source = sourceSelect(catalog.data.sources[0]?.id ?? "");
    const legalStatus = legalSelect("proposal");
    const scope = scopeInputs();
    const from = textInput("validFrom", "", { placeholder: "YYYY-MM-DD" });
    const valueSlot = h("div", { class: "form-grid" });
    let vals = valueInputs(kind.value as StandardKind);
    const fill = () => {
      vals = valueInputs(kind.value as StandardKind);
      valueSlot.replaceChildren(...vals.elements);
      id.value = `${parameter.value}.${kind.value}.${source.value}`;
      unit.value = catalog.parameter(parameter.value)?.unit ?? unit.value;
    };
    for (const el of [kind, parameter, source]) el.addEventListener("change", fill);
    fill();
    const form = h(
      "form",
      {
        class: "admin-card catalog-form",
        "data-testid": "standard-form",
        onsubmit: (e: Event) => {
          e.preventDefault();
          const standard = {
            id: id.value.trim(),
            parameter: parameter.value,
            kind: kind.value as StandardKind,
            ...vals.read(),
            unit: unit.value,
            source: source.value,
            legalStatus: legalStatus.value as LegalStatus,
            scope: scope.read(),
            validFrom: from.value.trim() || null,
            validTo: null,
          } as QualityStandard;
          void run(() => api.createStandard(standard), t("standards.createdOk", { id: standard.id }));
        },
      },
      h("h2", {}, t("standards.new")),
      h(
        "div",
        { class: "form-grid" },
        field(t("form.parameter"), parameter),
        field(t("standards.kind"), kind),
        field(t("standards.source"), source, t("standards.sourceHint")),
        field(t("form.id"), id, t("standards.idHint")),
        field(t("form.unit"), unit),
        field(t("standards.legalStatus"), legalStatus),
        ...scope.elements,
        field(t("standards.validFrom"), from, t("standards.validFromEmpty")),
      ),
      valueSlot,
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary" }, t("standards.create")), h("button", { type: "button", class: "quiet", onclick: () => formSlot.replaceChildren() }, t("action.cancel"))),
    );
    formSlot.replaceChildren(form);
  }

  const filter = selectInput("parameter", "", [["", t("filter.all")], ...catalog.parameters.map((p) => [p.code, localName(p.name, ctx.lang)] as const)], { "aria-label": t("form.parameter") });
  filter.addEventListener("change", () => ((parameterFilter = filter.value), renderList()));
  const element = catalogSection(
    "standards",
    t("standards.intro"),
    { label: t("standards.new"), action: "new-standard", onclick: openCreate },
    status.element,
    formSlot,
    h("div", { class: "filter-bar" }, h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("form.parameter")), filter)),
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
