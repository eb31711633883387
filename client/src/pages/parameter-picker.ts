// Parameter chooser: a disclosure with checkboxes grouped by parameter group, plus all/none.
import { parameterName, type AppContext } from "../context.ts";
import { h } from "../dom.ts";

export function parameterPicker(ctx: AppContext, chosen: readonly string[], onChange: (codes: string[]) => void, measured?: (code: string) => boolean): HTMLElement {
  const { t } = ctx;
  // Only what the page's station measures, when it says so.
  const all = ctx.catalog.parameters.filter((p) => measured?.(p.code) ?? true);
  const groups = [...new Set(all.map((p) => p.group))];
  const boxes: HTMLInputElement[] = [];
  const emit = () => onChange(boxes.filter((b) => b.checked).map((b) => b.value));
  const fieldsets = groups.map((group) =>
    h(
      "fieldset",
      {},
      h("legend", {}, group),
      ...all
        .filter((p) => p.group === group)
        .map((p) => {
          const box = h("input", { type: "checkbox", name: "parameter", value: p.code, checked: chosen.includes(p.code), onchange: emit });
          boxes.push(box);
          return h("label", { class: "check" }, box, ` ${parameterName(ctx, p.code)}`);
        }),
    ),
  );
  const setAll = (on: boolean) => {
    for (const b of boxes) b.checked = on;
    emit();
  };
  return h(
    "details",
    { class: "picker" },
    h("summary", {}, `${t("station.choose")} (${chosen.length})`),
    h(
      "div",
      { class: "picker-body" },
      h(
        "div",
        { class: "picker-actions" },
        h("button", { type: "button", onclick: () => setAll(true) }, t("station.all")),
        h("button", { type: "button", onclick: () => setAll(false) }, t("station.none")),
      ),
      ...fieldsets,
    ),
  );
}
