// The year and data-basis pickers every assessment page has (status table, detail, report).
import { ASSESSMENT_BASES } from "../../../common/assessment-api.ts";
import { h } from "../dom.ts";
import type { MessageKey, Translate } from "../i18n/index.ts";
import { yearOptions, type AssessmentChoice } from "./choice.ts";

export function selectField(label: string, name: string, value: string, options: ReadonlyArray<readonly [string, string]>, onChange: (v: string) => void): HTMLElement {
  return h(
    "label",
    { class: "field" },
    h("span", {}, label),
    h("select", { name, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) }, ...options.map(([v, text]) => h("option", { value: v, selected: v === value }, text))),
  );
}

/** Year and basis selects; `onChange` gets the new choice. */
export function choiceFields(choice: AssessmentChoice, t: Translate, onChange: (c: AssessmentChoice) => void): HTMLElement[] {
  return [
    selectField(t("assess.year"), "year", String(choice.year), yearOptions().map((y) => [String(y), String(y)] as const), (v) => onChange({ ...choice, year: Number(v) })),
    selectField(t("assess.basis"), "basis", choice.basis, ASSESSMENT_BASES.map((b) => [b, t(`assess.basis.${b}` as MessageKey)] as const), (v) =>
      onChange({ ...choice, basis: v as AssessmentChoice["basis"] }),
    ),
  ];
}
