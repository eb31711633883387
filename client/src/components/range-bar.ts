// Time-range controls: presets, custom from/to (in the displayed zone, in the UI language's date format), earlier/later, zoom.
import { h } from "../dom.ts";
import type { Language, MessageKey, Translate } from "../i18n/index.ts";
import { dateTimeField, fieldMs } from "./date-time-field.ts";
import { PRESETS, resolveRange, shiftRange, zoomRange, type TimeRange } from "../range.ts";

const PRESET_KEY: Record<string, MessageKey> = {
  live: "range.live",
  "24h": "range.24h",
  "7d": "range.7d",
  "30d": "range.30d",
  "1y": "range.1y",
};

export function rangeBar(
  range: TimeRange,
  zone: string | undefined,
  t: Translate,
  lang: Language,
  onChange: (range: TimeRange) => void,
): HTMLElement {
  const now = Date.now();
  const buttons = PRESETS.map((key) =>
    h(
      "button",
      {
        type: "button",
        class: "seg",
        "aria-pressed": String(range.key === key),
        "data-range": key,
        onclick: () => onChange({ key }),
      },
      t(PRESET_KEY[key]!),
    ),
  );
  const { from, to } = resolveRange(range, now);
  const field = (name: string, ms: number, label: string) =>
    dateTimeField(name, lang, t, ms, { zone, attrs: { "aria-label": label } });
  const fromInput = field("from", from, t("range.from"));
  const toInputEl = field("to", to, t("range.to"));
  const custom = h(
    "form",
    {
      class: "custom-range",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const a = fieldMs(fromInput);
        const b = fieldMs(toInputEl);
        if (Number.isFinite(a) && Number.isFinite(b) && b > a) onChange({ key: "custom", from: a, to: b });
      },
    },
    h("label", {}, `${t("range.from")} `, fromInput),
    h("label", {}, `${t("range.to")} `, toInputEl),
    h("button", { type: "submit", "data-range": "custom", "aria-pressed": String(range.key === "custom") }, t("range.apply")),
  );
  const nav = (label: MessageKey, icon: string, next: () => TimeRange) =>
    h("button", { type: "button", class: "icon-btn", "aria-label": t(label), title: t(label), onclick: () => onChange(next()) }, icon);
  return h(
    "div",
    { class: "range-bar", role: "group", "aria-label": t("range.label") },
    h("div", { class: "segmented" }, ...buttons),
    h(
      "div",
      { class: "range-nav" },
      nav("range.earlier", "◀", () => shiftRange(range, -1, Date.now())),
      nav("range.zoomIn", "+", () => zoomRange(range, 0.5, Date.now())),
      nav("range.zoomOut", "−", () => zoomRange(range, 2, Date.now())),
      nav("range.later", "▶", () => shiftRange(range, 1, Date.now())),
    ),
    custom,
  );
}
