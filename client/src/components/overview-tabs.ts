// The overview's two views of the stations, as tabs: the list of cards and the map (issue #19).
// Links, so each view has its own URL and the browser's back button goes between them.
import { h } from "../dom.ts";
import type { Translate } from "../i18n/index.ts";
import { overviewHref } from "../router.ts";

export type OverviewView = "list" | "map";

export function overviewView(query: URLSearchParams): OverviewView {
  return query.get("view") === "map" ? "map" : "list";
}

export function overviewTabs(t: Translate, current: OverviewView): HTMLElement {
  const tab = (view: OverviewView, label: string) =>
    h("a", { href: overviewHref(view === "map" ? new URLSearchParams({ view }) : undefined), class: "tab", "data-view": view, "aria-current": view === current ? "page" : undefined }, label);
  return h("nav", { class: "tabs overview-tabs", "aria-label": t("overview.views") }, tab("list", t("overview.viewList")), tab("map", t("overview.viewMap")));
}
