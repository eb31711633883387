// Form building blocks for the catalog admin pages: labelled inputs that read back typed values,
// names in English, German and Chinese, and a time zone picker. Text only (values, never HTML).
import type { LocalizedText } from "../../../common/catalog-model.ts";
import { h } from "../dom.ts";
import type { Language, Translate } from "../i18n/index.ts";
import { dateTimeField, fieldMs } from "./date-time-field.ts";

type Attrs = Record<string, string | number | boolean | undefined>;

/** A label with its control (and an optional hint under it). */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, label), control, hint ? h("span", { class: "field-hint muted" }, hint) : null);
}

export function textInput(name: string, value: string | null | undefined, attrs: Attrs = {}): HTMLInputElement {
  return h("input", { name, value: value ?? "", autocomplete: "off", spellcheck: "false", ...attrs });
}

export function numberInput(name: string, value: number | null | undefined, attrs: Attrs = {}): HTMLInputElement {
  return h("input", { name, type: "number", step: "any", value: value === null || value === undefined ? "" : String(value), ...attrs });
}

export function selectInput(name: string, value: string, options: ReadonlyArray<readonly [string, string]>, attrs: Attrs = {}): HTMLSelectElement {
  const el = h("select", { name, ...attrs });
  for (const [v, text] of options) el.append(h("option", { value: v, selected: v === value }, text));
  return el;
}

export function checkbox(name: string, checked: boolean, label: string, attrs: Attrs = {}): { element: HTMLElement; input: HTMLInputElement } {
  const input = h("input", { type: "checkbox", name, checked, ...attrs });
  return { element: h("label", { class: "check" }, input, ` ${label}`), input };
}

export function textArea(name: string, value: string | undefined, attrs: Attrs = {}): HTMLTextAreaElement {
  const el = h("textarea", { name, rows: 2, ...attrs });
  el.value = value ?? "";
  return el;
}

/** The input's number, null when empty (NaN when not a number: the server names the field). */
export function numberOrNull(input: HTMLInputElement): number | null {
  return input.value.trim() === "" ? null : Number(input.value);
}

/** Trimmed text, undefined when empty (optional fields are left out). */
export function textOrUndefined(input: HTMLInputElement | HTMLTextAreaElement): string | undefined {
  const v = input.value.trim();
  return v === "" ? undefined : v;
}

/** Names in the three UI languages; English is required, the others fall back to it when empty. */
export function localizedInputs(t: Translate, name: string, value?: LocalizedText): { element: HTMLElement; value(): LocalizedText } {
  const en = textInput(`${name}.en`, value?.en, { required: true, maxlength: 200, lang: "en" });
  const de = textInput(`${name}.de`, value?.de, { maxlength: 200, lang: "de" });
  const zh = textInput(`${name}.zh`, value?.zh, { maxlength: 200, lang: "zh" });
  return {
    element: h(
      "fieldset",
      { class: "names" },
      h("legend", {}, t("form.names")),
      field(t("form.nameEn"), en),
      field(t("form.nameDe"), de),
      field(t("form.nameZh"), zh),
    ),
    value: () => {
      const out: LocalizedText = { en: en.value.trim() };
      if (de.value.trim()) out.de = de.value.trim();
      if (zh.value.trim()) out.zh = zh.value.trim();
      return out;
    },
  };
}

let zoneList: HTMLDataListElement | undefined;

/** A time zone input suggesting every IANA zone the browser knows (typing filters the list). */
export function timeZoneInput(name: string, value: string): HTMLElement {
  if (!zoneList) {
    const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC", "Europe/Berlin", "Asia/Shanghai"];
    zoneList = h("datalist", { id: "iana-time-zones" }, ...zones.map((z) => h("option", { value: z })));
  }
  const input = textInput(name, value, { list: "iana-time-zones", required: true });
  return h("span", { class: "zone-input" }, input, zoneList.isConnected ? null : zoneList);
}

/**
 * An instant for the API from a date-and-time field (read as it was shown: its language's format, the
 * browser's zone); undefined when empty. Text that is no date and time goes to the server as typed,
 * which refuses it naming the field.
 */
export function instantOf(input: HTMLInputElement): string | undefined {
  if (!input.value.trim()) return undefined;
  const ms = fieldMs(input);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : input.value;
}

/** A date-and-time field in the UI language's format showing `iso` in the browser's zone (now when omitted). */
export function dateTimeInput(t: Translate, lang: Language, name: string, iso?: string | null, attrs: Record<string, string> = {}): HTMLInputElement {
  const ms = iso ? Date.parse(iso) : Date.now();
  return dateTimeField(name, lang, t, ms, { attrs });
}
