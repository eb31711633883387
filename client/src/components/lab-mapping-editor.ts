// The column mapping of a lab file: which of the file's columns holds which field (or "recognised
// automatically" by its header), defaults for what the file has no column for, and how the file is
// written (separator, decimal sign, uncertainty as % or absolute, the XLSX sheet). Shows the file's
// own columns, as the dry run (or the refusal of a file it could not read) listed them.
import { LAB_FIELDS, SAMPLE_KINDS, type LabField, type LabImportReport, type LabMappingInput } from "../../../common/lab.ts";
import { h } from "../dom.ts";
import type { MessageKey, Translate } from "../i18n/index.ts";

export interface MappingEditor {
  element: HTMLElement;
  /** The mapping as edited (only what differs from "automatic"). */
  mapping(): LabMappingInput;
}

const UNITS = ["ng/L", "µg/L", "mg/L"] as const;

function select(name: string, label: string, options: Array<[string, string]>, value: string | undefined): { label: HTMLElement; input: HTMLSelectElement } {
  const input = h("select", { name });
  for (const [v, text] of options) input.append(h("option", { value: v, selected: v === (value ?? "") }, text));
  return { label: h("label", { class: "setting" }, h("span", { class: "setting-label" }, label), input), input };
}

function text(name: string, label: string, value: string | undefined, placeholder = ""): { label: HTMLElement; input: HTMLInputElement } {
  const input = h("input", { type: "text", name, value: value ?? "", placeholder, maxlength: 200 });
  return { label: h("label", { class: "setting" }, h("span", { class: "setting-label" }, label), input), input };
}

/**
 * @param headers  the file's column headers
 * @param current  the mapping to start from
 * @param found    the columns the last dry run used for each field (shown for "automatic")
 */
export function mappingEditor(t: Translate, headers: readonly string[], current: LabMappingInput, found: LabImportReport["columns"] = {}): MappingEditor {
  const columnInputs = new Map<LabField, HTMLSelectElement>();
  const rows = LAB_FIELDS.map((field) => {
    const auto = found[field] && current.columns?.[field] === undefined ? t("lab.mapping.autoFound", { column: found[field]! }) : t("lab.mapping.auto");
    const options: Array<[string, string]> = [["", auto], ...headers.map((hd): [string, string] => [hd, hd])];
    const chosen = current.columns?.[field];
    // A preset may name a column this file lacks: keep it visible, so the dry run can say so.
    if (chosen !== undefined && !headers.includes(chosen)) options.push([chosen, chosen]);
    const input = h("select", { name: `column-${field}`, "aria-label": t(`lab.field.${field}` as MessageKey) });
    for (const [v, label] of options) input.append(h("option", { value: v, selected: v === (chosen ?? "") }, label));
    columnInputs.set(field, input);
    return h("tr", { "data-field": field }, h("th", { scope: "row" }, t(`lab.field.${field}` as MessageKey)), h("td", {}, input));
  });
  const d = current.defaults ?? {};
  const laboratory = text("default-laboratory", t("lab.mapping.defaultLaboratory"), d.laboratory, "BfUL Labor");
  const method = text("default-method", t("lab.mapping.defaultMethod"), d.method, "LC-MS/MS, DIN 38407-47");
  const unit = select("default-unit", t("lab.mapping.defaultUnit"), [["", t("lab.mapping.none")], ...UNITS.map((u): [string, string] => [u, u])], d.unit);
  const kind = select("default-kind", t("lab.mapping.defaultKind"), [["", t("lab.mapping.none")], ...SAMPLE_KINDS.map((k): [string, string] => [k, t(`lab.kind.${k}` as MessageKey)])], d.kind);
  const delimiter = select("delimiter", t("lab.mapping.delimiter"), [["auto", t("lab.mapping.automatic")], [";", ";"], [",", ","], ["\t", t("lab.mapping.tab")]], current.delimiter ?? "auto");
  const decimal = select("decimal", t("lab.mapping.decimal"), [["auto", t("lab.mapping.automatic")], [".", t("lab.mapping.point")], [",", t("lab.mapping.comma")]], current.decimal ?? "auto");
  const uncertainty = select("uncertainty-kind", t("lab.mapping.uncertainty"), [["relative", t("lab.mapping.relative")], ["absolute", t("lab.mapping.absolute")]], current.uncertainty ?? "relative");
  const sheet = text("sheet", t("lab.mapping.sheet"), current.sheet, t("lab.mapping.sheetFirst"));

  const element = h(
    "fieldset",
    { class: "lab-mapping", "data-testid": "lab-mapping" },
    h("legend", {}, t("lab.mapping.heading")),
    h("p", { class: "muted" }, headers.length > 0 ? t("lab.mapping.fileColumns", { columns: headers.join(", ") }) : t("lab.mapping.noColumns")),
    h(
      "div",
      { class: "table-wrap" },
      h("table", { class: "data-table lab-mapping-table" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("lab.mapping.field")), h("th", { scope: "col" }, t("lab.mapping.column")))), h("tbody", {}, ...rows)),
    ),
    h("div", { class: "lab-mapping-defaults" }, laboratory.label, method.label, unit.label, kind.label),
    h("div", { class: "lab-mapping-format" }, delimiter.label, decimal.label, uncertainty.label, sheet.label),
  );

  return {
    element,
    mapping: () => {
      const columns: Partial<Record<LabField, string>> = {};
      for (const [field, input] of columnInputs) if (input.value !== "") columns[field] = input.value;
      const defaults: NonNullable<LabMappingInput["defaults"]> = {};
      if (laboratory.input.value.trim()) defaults.laboratory = laboratory.input.value.trim();
      if (method.input.value.trim()) defaults.method = method.input.value.trim();
      if (unit.input.value) defaults.unit = unit.input.value;
      if (kind.input.value) defaults.kind = kind.input.value as (typeof SAMPLE_KINDS)[number];
      return {
        columns,
        defaults,
        delimiter: delimiter.input.value as NonNullable<LabMappingInput["delimiter"]>,
        decimal: decimal.input.value as NonNullable<LabMappingInput["decimal"]>,
        uncertainty: uncertainty.input.value as NonNullable<LabMappingInput["uncertainty"]>,
        ...(sheet.input.value.trim() ? { sheet: sheet.input.value.trim() } : {}),
        ...(current.encoding ? { encoding: current.encoding } : {}),
      };
    },
  };
}
