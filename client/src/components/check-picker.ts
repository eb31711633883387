// A checkbox list for choosing stations (or series of stations) that stays usable for a network of
// hundreds: beyond a few dozen items it gets the station search and filters (region, river) and
// shows the first matches, with what is chosen always listed first. Choices survive filtering.
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { filterStations, NO_FILTER, type StationFilter } from "../station-list.ts";
import { stationFilterBar } from "./station-filter.ts";

export interface PickItem {
  value: string;
  label: string;
  /** The station the item belongs to (what the filters look at). */
  station: string;
}

export interface CheckPicker {
  element: HTMLElement;
  values(): string[];
  reset(): void;
}

/** Up to this many items are listed plainly, as before; beyond, the filters appear. */
export const PLAIN_LIST_MAX = 40;
/** Matches shown at once when filtering. */
const SHOWN = 60;

export function checkPicker(
  ctx: Pick<AppContext, "catalog" | "lang" | "t">,
  options: { name: string; legend: string; items: readonly PickItem[]; selected: readonly string[]; onChange?: (values: string[]) => void; testid?: string; hint?: string; className?: string },
): CheckPicker {
  const { t } = ctx;
  const chosen = new Set(options.selected);
  const order = new Map(options.items.map((item, i) => [item.value, i]));
  const large = options.items.length > PLAIN_LIST_MAX;
  let filter: StationFilter = { ...NO_FILTER };
  const list = h("div", { class: "check-options check-picker-items" });
  const note = h("p", { class: "muted check-picker-note" });
  // Catalog order, whatever order the boxes were ticked in.
  const values = () => [...chosen].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const emit = () => options.onChange?.(values());

  function visible(): PickItem[] {
    if (!large) return [...options.items];
    const stations = new Set(filterStations(ctx.catalog, filter).map((s) => s.id));
    const matching = options.items.filter((i) => stations.has(i.station));
    const picked = options.items.filter((i) => chosen.has(i.value) && !stations.has(i.station));
    return [...picked, ...matching.filter((i) => chosen.has(i.value)), ...matching.filter((i) => !chosen.has(i.value))].slice(0, Math.max(SHOWN, chosen.size));
  }

  function render(): void {
    const shown = visible();
    list.replaceChildren(
      ...shown.map((item) => {
        const box = h("input", { type: "checkbox", name: options.name, value: item.value, checked: chosen.has(item.value) });
        box.addEventListener("change", () => {
          if (box.checked) chosen.add(item.value);
          else chosen.delete(item.value);
          note.textContent = summary();
          emit();
        });
        return h("label", { class: "check" }, box, ` ${item.label}`);
      }),
    );
    note.textContent = summary();
  }

  function summary(): string {
    if (!large) return "";
    const matches = new Set(filterStations(ctx.catalog, filter).map((s) => s.id));
    const total = options.items.filter((i) => matches.has(i.station)).length;
    return t("picker.summary", { chosen: chosen.size, shown: Math.min(total, SHOWN), total });
  }

  /** "All" chooses what is listed; "None" clears every choice, listed or not. */
  const setShown = (on: boolean) => {
    if (on) for (const item of visible()) chosen.add(item.value);
    else chosen.clear();
    render();
    emit();
  };

  const element = h(
    "fieldset",
    { class: `check-group check-picker ${options.className ?? ""}`, "data-testid": options.testid },
    h("legend", {}, options.legend, options.hint ? h("span", { class: "muted" }, ` (${options.hint})`) : null),
    large ? stationFilterBar(ctx, filter, (next) => ((filter = next), render()), { statuses: false }) : null,
    h(
      "div",
      { class: "export-list-actions" },
      h("button", { type: "button", "data-action": "pick-all", onclick: () => setShown(true) }, large ? t("picker.allShown") : t("station.all")),
      h("button", { type: "button", "data-action": "pick-none", onclick: () => setShown(false) }, t("station.none")),
    ),
    list,
    large ? note : null,
  );
  render();
  return {
    element,
    values,
    reset: () => {
      chosen.clear();
      render();
    },
  };
}
