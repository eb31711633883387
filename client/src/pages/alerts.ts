// Alerts (#/alerts?station=&parameter=&state=&id=): the list with filters, updated live from the
// socket's alert events, and the chosen alert's details (history, acknowledgement) beside it. Every
// row's time is in one zone (the viewer's, named in the header), so "newest first" reads as such.
import "../alerts.css";
import type { AlertInfo, AlertState } from "../../../common/alerts.ts";
import { ALERT_STATES } from "../../../common/alerts.ts";
import { AlertsApi, type AlertFilter } from "../alerts-api.ts";
import { silencedBadge, standardsCell } from "../components/alert-breaches.ts";
import { alertFormat, alertStationHref, parameterName, sensorText, severityBadge, stateBadge, stationName, timeText, valueCell, zoneColumn } from "../components/alert-format.ts";
import { dataTable } from "../components/data-table.ts";
import { loadError } from "../components/notice.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import { alertsHref, replaceQuery } from "../router.ts";
import { alertDetail, type AlertDetailView } from "./alert-detail.ts";
import { maintenanceSection } from "./maintenance-windows.ts";
import { silencesSection } from "./alert-silences.ts";

/** Live events arrive in bursts (a spill); the list is fetched again at most this often. */
const RELOAD_DEBOUNCE_MS = 300;

function isState(value: string | null): value is AlertState {
  return value !== null && (ALERT_STATES as readonly string[]).includes(value);
}

export function alertsPage(ctx: AppContext, query: URLSearchParams): Page {
  const { t } = ctx;
  const f = alertFormat(ctx);
  const alertsApi = new AlertsApi(ctx.api);
  const filter: AlertFilter = {};
  const station = query.get("station");
  const parameter = query.get("parameter");
  const state = query.get("state");
  if (station && ctx.catalog.station(station)) filter.station = station;
  if (parameter && ctx.catalog.parameter(parameter)) filter.parameter = parameter;
  if (isState(state)) filter.state = state;
  let selected = Number(query.get("id")) || undefined;
  let destroyed = false;
  let loadSeq = 0;
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  let alerts: AlertInfo[] = [];

  const listEl = h("div", { class: "alert-list", "data-testid": "alert-list", "aria-live": "polite", "aria-busy": "true" }, h("p", { class: "state-loading" }, t("state.loading")));
  const detailEl = h("div", { class: "alert-detail-slot" });
  let detail: AlertDetailView | undefined;

  function saveQuery(): void {
    const q = new URLSearchParams();
    for (const [key, value] of Object.entries(filter)) if (value) q.set(key, value);
    if (selected) q.set("id", String(selected));
    replaceQuery(alertsHref(q));
  }

  function choice<K extends keyof AlertFilter>(key: K, label: string, options: Array<[string, string]>): HTMLElement {
    const select = h(
      "select",
      {
        name: key,
        "data-testid": `filter-${key}`,
        onchange: () => {
          filter[key] = (select.value || undefined) as AlertFilter[K];
          saveQuery();
          void load();
        },
      },
      h("option", { value: "" }, t("alerts.any")),
      ...options.map(([value, text]) => h("option", { value, selected: filter[key] === value }, text)),
    );
    return h("label", { class: "field" }, h("span", {}, label), select);
  }

  const filters = h(
    "form",
    { class: "inline-form alert-filters", role: "search", "aria-label": t("alerts.filters"), onsubmit: (e: Event) => e.preventDefault() },
    choice("station", t("alerts.col.station"), ctx.catalog.stations.map((s) => [s.id, stationName(f, s.id)])),
    choice("parameter", t("alerts.col.parameter"), ctx.catalog.parameters.map((p) => [p.code, parameterName(f, p.code)])),
    choice("state", t("alerts.col.state"), ALERT_STATES.filter((s) => s !== "ok").map((s) => [s, t(`alert.state.${s}`)])),
    h("button", { type: "button", onclick: () => void load() }, t("action.refresh")),
  );

  function select(id: number | undefined): void {
    selected = id;
    saveQuery();
    renderList();
    renderDetail();
    // Take keyboard and screen-reader users (and the eye, when it opens below the list) along.
    detail?.element.querySelector<HTMLElement>("h2")?.focus();
  }

  function renderDetail(): void {
    if (detail && detail.id === selected) return;
    detail?.destroy();
    detail = undefined;
    if (!selected) return detailEl.replaceChildren();
    detail = alertDetail(ctx, alertsApi, selected, {
      close: () => select(undefined),
      changed: (updated) => {
        alerts = alerts.map((a) => (a.id === updated.id ? updated : a));
        renderList();
      },
    });
    detailEl.replaceChildren(detail.element);
  }

  function renderList(): void {
    const rows = alerts.map((a) => ({
      attrs: { "data-alert-id": String(a.id), "data-state": a.state, "data-silenced": String(a.silencedBy !== null), class: a.id === selected ? "selected" : "" },
      cells: [
        a.silencedBy !== null ? h("span", { class: "alert-badges" }, stateBadge(a.state, t), silencedBadge(t, a.silencedBy)) : stateBadge(a.state, t),
        severityBadge(a.severity, t),
        h("a", { href: alertStationHref(a, a.startedAt) }, stationName(f, a.station)),
        h("span", {}, parameterName(f, a.parameter), a.parameter ? h("span", { class: "alert-sensor muted", "data-testid": "alert-sensor" }, sensorText(f, a)) : null),
        valueCell(f, a),
        standardsCell(f, a),
        h("time", { datetime: new Date(a.startedAt).toISOString() }, timeText(f, a.startedAt)),
        a.ack ? h("span", { class: "alert-acked", "data-testid": "ack-by" }, h("span", { "aria-hidden": "true" }, "✎ "), a.ack.by) : h("span", { class: "muted" }, t("ack.open")),
        h(
          "button",
          { type: "button", "aria-pressed": a.id === selected ? "true" : "false", "data-testid": "alert-details", onclick: () => select(a.id === selected ? undefined : a.id) },
          t("alerts.show"),
        ),
      ],
    }));
    const headers = ["col.state", "col.severity", "col.station", "col.parameterSensor", "col.value", "col.standard", "col.started", "col.ack", "col.details"] as const;
    listEl.replaceChildren(
      h("p", { class: "muted alert-count" }, t("alerts.count", { count: alerts.length })),
      dataTable(
        t("alerts.heading"),
        headers.map((k) => (k === "col.started" ? zoneColumn(f, t("alerts.col.started")) : t(`alerts.${k}`))),
        rows,
        t("alerts.none"),
      ),
    );
    listEl.setAttribute("aria-busy", "false");
  }

  async function load(): Promise<void> {
    const seq = ++loadSeq;
    listEl.setAttribute("aria-busy", "true");
    try {
      const next = await alertsApi.alerts(filter);
      if (destroyed || seq !== loadSeq) return;
      alerts = next;
      renderList();
    } catch (err) {
      if (destroyed || seq !== loadSeq) return;
      listEl.replaceChildren(loadError(t, err));
    }
  }

  // A live event may add an alert or move one out of the filter: ask the server (it owns the
  // filter and sort order), in one request per burst.
  const changed = (id: number) => {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void load(), RELOAD_DEBOUNCE_MS);
    if (detail && id === detail.id) detail.refresh();
  };
  // A silence made or ended: the alerts it holds change their mark once the server has looked again.
  const silences = silencesSection(ctx, alertsApi, { changed: () => changed(detail?.id ?? 0) });
  const stopLive = ctx.live.listen({
    alert: (event) => changed(event.id),
    alertUpdated: (id) => changed(id),
    resync: () => void load(),
  });

  // Maintenance windows going on and planned: their alerts are held while they last.
  const maintenance = maintenanceSection(ctx);
  const element = h(
    "section",
    { class: "alerts-page", "aria-labelledby": "alerts-h" },
    h(
      "div",
      { class: "section-bar" },
      h("h1", { id: "alerts-h" }, t("alerts.heading")),
      h("a", { href: "#/alerts/rules" }, t("nav.alertRules")),
    ),
    h("p", { class: "muted" }, t("alerts.intro")),
    filters,
    h("div", { class: "alerts-layout" }, listEl, detailEl),
    maintenance.element,
    silences.element,
  );
  void load();
  renderDetail();
  return {
    element,
    stations: [],
    destroy: () => {
      destroyed = true;
      clearTimeout(reloadTimer);
      stopLive();
      maintenance.destroy();
      detail?.destroy();
      silences.destroy();
    },
  };
}
