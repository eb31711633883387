// The export dialog's choices: stations, parameters, the time range (shown in the page's zone),
// format, resolution, layout, time zone in the file, QC filter, metadata zip and BOM. Holds the
// choices and tells the dialog when they change; every label is a real <label> or <legend>.
import { parameterName, stationName, type AppContext } from "../context.ts";
import { checkPicker } from "./check-picker.ts";
import { h } from "../dom.ts";
import { dateTimeField, fieldMs } from "./date-time-field.ts";
import {
  EXPORT_FORMATS,
  EXPORT_LAYOUTS,
  EXPORT_QC,
  EXPORT_RESOLUTIONS,
  EXPORT_TIME_ZONES,
  type ExportChoices,
} from "../export-api.ts";
import type { MessageKey } from "../i18n/index.ts";

type ChoiceKey = "format" | "resolution" | "layout" | "tz" | "qc";

export interface ExportForm {
  element: HTMLFieldSetElement;
  /** The current choices (a copy). */
  choices(): ExportChoices;
  /** Why the choices cannot be exported as they are, or null. */
  problem(): MessageKey | null;
  /** The first control, to focus when the dialog opens. */
  firstControl(): HTMLElement | null;
}

export function exportForm(ctx: AppContext, initial: ExportChoices, zone: string | undefined, onChange: () => void): ExportForm {
  const { t } = ctx;
  const state: ExportChoices = { ...initial, stations: [...initial.stations], parameters: [...initial.parameters] };
  let rangeValid = state.from < state.to;
  const changed = () => {
    bom.disabled = state.format !== "csv";
    // The lab results are a second table: only the bundle holds them.
    lab.disabled = !state.metadata;
    onChange();
  };

  function checkList(name: string, legend: string, items: Array<[string, string]>, selected: string[]): HTMLElement {
    const boxes = items.map(([value, label]) => {
      const box = h("input", { type: "checkbox", name, value, checked: selected.includes(value) });
      return { box, label: h("label", { class: "check" }, box, ` ${label}`) };
    });
    // Keep the catalog's order whatever order the boxes were ticked in.
    const read = () => selected.splice(0, selected.length, ...boxes.filter((b) => b.box.checked).map((b) => b.box.value));
    for (const { box } of boxes) box.addEventListener("change", () => (read(), changed()));
    const setAll = (on: boolean) => {
      for (const { box } of boxes) box.checked = on;
      read();
      changed();
    };
    return h(
      "fieldset",
      { class: "export-list", "data-testid": `export-${name}` },
      h("legend", {}, legend),
      h(
        "div",
        { class: "export-list-actions" },
        h("button", { type: "button", onclick: () => setAll(true) }, t("station.all")),
        h("button", { type: "button", onclick: () => setAll(false) }, t("station.none")),
      ),
      h("div", { class: "export-list-items" }, ...boxes.map((b) => b.label)),
    );
  }

  function select(key: ChoiceKey, label: MessageKey, values: readonly string[], prefix: string): HTMLElement {
    const el = h("select", {
      name: key,
      onchange: (e: Event) => {
        // The options are exactly `values`, the server's choices for `key`.
        (state as unknown as Record<ChoiceKey, string>)[key] = (e.target as HTMLSelectElement).value;
        changed();
      },
    });
    for (const v of values) el.append(h("option", { value: v, selected: state[key] === v }, t(`${prefix}.${v}` as MessageKey)));
    return h("label", { class: "setting" }, h("span", { class: "setting-label" }, t(label)), el);
  }

  function checkbox(key: "metadata" | "bom"): HTMLInputElement {
    return h("input", {
      type: "checkbox",
      name: key,
      checked: state[key],
      onchange: (e: Event) => {
        state[key] = (e.target as HTMLInputElement).checked;
        changed();
      },
    });
  }

  // Times are typed in the zone the page shows; the exact instants stay as they were until edited.
  const field = (name: string, ms: number) => dateTimeField(name, ctx.lang, t, ms, { zone });
  const fromInput = field("from", state.from);
  const toInputEl = field("to", state.to);
  const onTime = (which: "from" | "to") => (e: Event) => {
    const ms = fieldMs(e.target as HTMLInputElement);
    if (Number.isFinite(ms)) state[which] = ms;
    rangeValid = Number.isFinite(fieldMs(fromInput)) && Number.isFinite(fieldMs(toInputEl)) && state.from < state.to;
    changed();
  };
  fromInput.addEventListener("change", onTime("from"));
  toInputEl.addEventListener("change", onTime("to"));
  const zoneLabel = zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

  const metadata = checkbox("metadata");
  const bom = checkbox("bom");
  bom.disabled = state.format !== "csv";
  const lab = h("input", {
    type: "checkbox",
    name: "include-lab",
    checked: state.include.includes("lab"),
    disabled: !state.metadata,
    onchange: (e: Event) => {
      state.include = (e.target as HTMLInputElement).checked ? ["lab"] : [];
      changed();
    },
  });

  const element = h(
    "fieldset",
    { class: "export-fields" },
    h(
      "div",
      { class: "export-lists" },
      checkPicker(ctx, {
        name: "stations",
        legend: t("export.stations"),
        testid: "export-stations",
        className: "export-list",
        items: ctx.catalog.stations.map((s) => ({ value: s.id, label: stationName(ctx, s.id), station: s.id })),
        selected: state.stations,
        onChange: (values) => (state.stations.splice(0, state.stations.length, ...values), changed()),
      }).element,
      checkList("parameters", t("export.parameters"), ctx.catalog.parameters.map((p) => [p.code, parameterName(ctx, p.code)]), state.parameters),
    ),
    h(
      "fieldset",
      { class: "export-range" },
      h("legend", {}, t("export.range", { zone: zoneLabel })),
      h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("export.from")), fromInput),
      h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("export.to")), toInputEl),
    ),
    h(
      "fieldset",
      { class: "export-options" },
      h("legend", {}, t("export.options")),
      select("format", "export.format", EXPORT_FORMATS, "export.format"),
      select("resolution", "export.resolution", EXPORT_RESOLUTIONS, "export.resolution"),
      select("layout", "export.layout", EXPORT_LAYOUTS, "export.layout"),
      select("tz", "export.tz", EXPORT_TIME_ZONES, "export.tz"),
      select("qc", "export.qc", EXPORT_QC, "export.qc"),
      h(
        "div",
        { class: "export-flags" },
        h("label", { class: "check" }, metadata, ` ${t("export.metadata")}`),
        h("label", { class: "check" }, bom, ` ${t("export.bom")}`),
        h("label", { class: "check", title: t("export.includeLabHint") }, lab, ` ${t("export.includeLab")}`),
      ),
    ),
  );

  return {
    element,
    choices: () => ({ ...state, stations: [...state.stations], parameters: [...state.parameters], include: state.metadata ? [...state.include] : [] }),
    problem: () => {
      if (state.stations.length === 0 || state.parameters.length === 0) return "export.pickSeries";
      if (!rangeValid) return "export.badRange";
      return null;
    },
    firstControl: () => element.querySelector<HTMLElement>("input, select"),
  };
}
