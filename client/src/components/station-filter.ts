// The controls for finding stations: a search box and filters by region, river and status, and a
// pager for long lists. Names in the UI language; the search also finds names in the others.
import { STATION_STATUSES } from "../../../common/catalog-model.ts";
import { localName } from "../../../common/standards.ts";
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey, Translate } from "../i18n/index.ts";
import type { StationFilter } from "../station-list.ts";

type Ctx = Pick<AppContext, "catalog" | "lang" | "t">;

/** Debounce for typing: a 500-station filter is fast, but redrawing on every key is not needed. */
const TYPING_MS = 150;

export function stationFilterBar(ctx: Ctx, filter: StationFilter, onChange: (next: StationFilter) => void, options: { statuses?: boolean } = {}): HTMLElement {
  const { t, catalog } = ctx;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const state = { ...filter };
  const emit = () => onChange({ ...state });
  const search = h("input", {
    type: "search",
    name: "q",
    value: filter.q,
    placeholder: t("filter.searchHint"),
    "aria-label": t("filter.search"),
    autocomplete: "off",
    oninput: () => {
      clearTimeout(timer);
      timer = setTimeout(() => ((state.q = search.value), emit()), TYPING_MS);
    },
  });
  const select = (name: "region" | "river" | "status", label: string, items: Array<[string, string]>) => {
    const el = h("select", { name, "aria-label": label, onchange: () => ((state[name] = el.value), emit()) });
    el.append(h("option", { value: "" }, t("filter.all")));
    for (const [value, text] of items) el.append(h("option", { value, selected: value === filter[name] }, text));
    return h("label", { class: "setting" }, h("span", { class: "setting-label" }, label), el);
  };
  return h(
    "div",
    { class: "filter-bar", role: "search" },
    h("label", { class: "setting filter-search" }, h("span", { class: "setting-label" }, t("filter.search")), search),
    select("region", t("filter.region"), catalog.data.regions.map((r) => [r.id, localName(r.name, ctx.lang)])),
    select("river", t("filter.river"), catalog.data.rivers.map((r) => [r.id, localName(r.name, ctx.lang)])),
    options.statuses === false ? null : select("status", t("filter.status"), STATION_STATUSES.map((s) => [s, t(`stationStatus.${s}` as MessageKey)])),
  );
}

/** "‹ Page 2 of 21 (500 stations) ›", or just the count for a single page; `of` says what is counted. */
export function pager(t: Translate, page: number, pages: number, total: number, onPage: (page: number) => void, of: "stations" | "entries" = "stations"): HTMLElement | null {
  const count: MessageKey = of === "stations" ? "filter.count" : "filter.countEntries";
  const pageOf: MessageKey = of === "stations" ? "filter.page" : "filter.pageEntries";
  if (pages <= 1) return h("p", { class: "pager muted", "data-total": String(total) }, t(count, { count: total }));
  return h(
    "nav",
    { class: "pager", "aria-label": t("filter.pages"), "data-total": String(total) },
    h("button", { type: "button", disabled: page <= 0, "aria-label": t("filter.previous"), onclick: () => onPage(page - 1) }, "‹"),
    h("span", {}, t(pageOf, { page: page + 1, pages, count: total })),
    h("button", { type: "button", disabled: page >= pages - 1, "aria-label": t("filter.next"), onclick: () => onPage(page + 1) }, "›"),
  );
}
