// The overview's map (issue #19): a map per region (Saxony, Chongqing, …) with its stations on their
// rivers, each marked by status (icon and colour, as the cards' badges) and labelled with the latest
// value of a chosen compound; a station opens its page (mouse, or Tab and Enter). Under each map the
// same in a table, for screen readers and small screens. The maps and their data load on demand
// (dynamic import), so the list view does not carry them. Updates live. The compound is in the URL.
import type { Station } from "../../../common/catalog-model.ts";
import { retryError } from "../components/notice.ts";
import { overviewTabs } from "../components/overview-tabs.ts";
import { statusBadge, statusText } from "../components/status-badge.ts";
import { parameterName, regionName, riverName, stationName, type AppContext, type Page } from "../context.ts";
import { h } from "../dom.ts";
import { formatReadingValue } from "../format.ts";
import { KEY_COMPOUNDS, LatestReadings } from "../latest-readings.ts";
import { statusFeed } from "../status-feed.ts";
import type * as StationMapModule from "../map/station-map.ts";
import type { MapStation } from "../map/station-map.ts";
import { shortName } from "../map/map-labels.ts";
import { overviewHref, replaceQuery, stationHref } from "../router.ts";
import { byRegion, groupRuns } from "../station-list.ts";
import { deriveStatus, type StationStatus } from "../status.ts";
import "../map/map.css";

type MapModule = typeof StationMapModule;

const STATUSES: readonly StationStatus[] = ["ok", "above", "early-warning", "sensor", "offline"];

export function overviewMapPage(ctx: AppContext, query: URLSearchParams): Page {
  const { t, catalog } = ctx;
  // Retired stations report nothing any more; planned ones not yet: the map shows the network as it runs.
  const stations = byRegion(
    catalog,
    catalog.stations.filter((s) => s.status !== "retired" && s.status !== "planned"),
  );
  const measured = catalog.parameters.filter((p) => stations.some((s) => catalog.measures(s.id, p.code)));
  let compound = measured.find((p) => p.code === query.get("p"))?.code ?? KEY_COMPOUNDS.find((c) => measured.some((p) => p.code === c)) ?? measured[0]?.code ?? "";
  const latest = new LatestReadings(catalog);
  const feed = statusFeed(ctx, () => loaded && !destroyed && render());
  let loaded = false;
  let destroyed = false;
  let maps: MapModule | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const status = h("p", { class: "state-loading", role: "status" }, t("state.loading"));
  const regions = h("div", { class: "map-regions" });
  const select = h(
    "select",
    { name: "p", "data-testid": "map-compound" },
    ...measured.map((p) => h("option", { value: p.code, selected: p.code === compound }, parameterName(ctx, p.code))),
  );
  select.addEventListener("change", () => {
    compound = select.value;
    replaceQuery(overviewHref(new URLSearchParams({ view: "map", p: compound })));
    render();
  });
  const legend = h(
    "ul",
    { class: "map-legend", "aria-label": t("map.legend") },
    ...STATUSES.map((s) => h("li", {}, statusBadge(s, t))),
  );
  const element = h(
    "section",
    { class: "overview overview-map", "aria-labelledby": "overview-h" },
    h("h1", { id: "overview-h" }, t("overview.heading")),
    overviewTabs(t, "map"),
    h("p", { class: "muted" }, t("map.intro")),
    stations.length === 0
      ? h("p", { class: "empty-state" }, t(ctx.session.role === "admin" ? "overview.emptyAdmin" : "overview.empty"))
      : h("div", { class: "filter-bar map-controls" }, h("label", { class: "setting" }, h("span", { class: "setting-label" }, t("map.compound")), select), legend),
    status,
    regions,
    h("p", { class: "muted map-source" }, t("map.source")),
  );

  function statusOf(s: Station): StationStatus | null {
    if (!loaded) return null;
    return deriveStatus({ station: s.id, latest: [...latest.of(s.id).values()], catalog, alerts: feed.alertsOf(s.id), now: Date.now() }).status;
  }

  function valueOf(s: Station): string {
    if (!catalog.measures(s.id, compound)) return "";
    const r = latest.of(s.id).get(compound);
    return r ? formatReadingValue(r, catalog.parameter(compound)?.unit ?? "", ctx.p.unit, ctx.lang, t) : "–";
  }

  function mapStation(s: Station): MapStation {
    const state = statusOf(s);
    const value = valueOf(s);
    const name = stationName(ctx, s.id);
    return {
      id: s.id,
      lat: s.lat,
      lon: s.lon,
      label: shortName(name),
      value,
      status: state,
      href: stationHref(s.id),
      description: t("map.station", {
        name,
        status: state ? statusText(state, t) : t("map.statusUnknown"),
        parameter: parameterName(ctx, compound),
        value: value === "" || value === "–" ? t("map.noValue") : value,
      }),
    };
  }

  function table(region: string, list: readonly Station[]): HTMLElement {
    const head = h("tr", {}, ...(["map.colStation", "map.colRiver", "map.colStatus", "map.colValue"] as const).map((k) => h("th", { scope: "col" }, t(k))));
    return h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "data-table map-table", "aria-label": t("map.table", { region: regionName(ctx, region) }) },
        h("thead", {}, head),
        h(
          "tbody",
          {},
          ...list.map((s) => {
            const state = statusOf(s);
            return h(
              "tr",
              { "data-station": s.id },
              h("th", { scope: "row" }, h("a", { href: stationHref(s.id) }, stationName(ctx, s.id))),
              h("td", {}, riverName(ctx, s.river)),
              h("td", {}, state ? statusBadge(state, t) : h("span", { class: "badge badge-unknown" }, "…")),
              h("td", { class: "num" }, valueOf(s) || "–"),
            );
          }),
        ),
      ),
    );
  }

  function render(): void {
    if (!maps || destroyed) return;
    // Focus stays on the station it was on when a live update redraws the map.
    const focused = (document.activeElement as Element | null)?.closest?.("[data-station]")?.getAttribute("data-station");
    const inTable = !!document.activeElement?.closest(".map-table");
    regions.replaceChildren(
      ...groupRuns(stations).map((run) => {
        const country = catalog.region(run.region)?.country ?? "";
        const title = t("map.region", { region: regionName(ctx, run.region) });
        const map = maps!.regionMap({
          region: run.region,
          country,
          title,
          stations: run.stations.map(mapStation),
          riverName: (id) => riverName(ctx, id),
          countryName: (code) => countryName(code, ctx.locale),
        });
        return h(
          "section",
          { class: "map-region", "data-region": run.region },
          h("h2", {}, regionName(ctx, run.region)),
          maps!.hasMapData(run.region) ? null : h("p", { class: "muted" }, t("map.noOutline")),
          h("div", { class: "map-frame" }, map),
          table(run.region, run.stations),
        );
      }),
    );
    if (focused) {
      const selector = inTable ? `.map-table tr[data-station="${CSS.escape(focused)}"] a` : `.station-map a[data-station="${CSS.escape(focused)}"]`;
      regions.querySelector<HTMLElement | SVGElement>(selector)?.focus();
    }
  }

  async function load(): Promise<void> {
    clearTimeout(retryTimer);
    if (stations.length === 0) {
      status.hidden = true;
      return;
    }
    try {
      const [module, answer] = await Promise.all([import("../map/station-map.ts"), ctx.api.latestOf(stations.map((s) => s.id))]);
      if (destroyed) return;
      maps = module;
      latest.clear();
      for (const r of answer.latest) latest.store(r);
      loaded = true;
      status.hidden = true;
      render();
      void feed.loadAlerts();
    } catch (err) {
      if (destroyed) return;
      // Retry by itself too, as the list view does: a wall screen should recover with the server.
      retryTimer = setTimeout(() => void load(), 15_000);
      status.hidden = false;
      status.className = "";
      status.removeAttribute("role");
      status.replaceChildren(retryError(t, err, () => void load()));
    }
  }

  void load();

  return {
    element,
    stations: stations.map((s) => s.id),
    onReadings(batch) {
      let changed = false;
      for (const r of batch) changed = latest.store(r) || changed;
      if (changed && loaded) render();
    },
    onResync: () => void load(),
    destroy() {
      destroyed = true;
      clearTimeout(retryTimer);
      feed.stop();
    },
  };
}

/** A country's name in the UI language (the browser knows them: no strings of ours). */
function countryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}
