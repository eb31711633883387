// Alert rules (#/alerts/rules), read-only: what raises an alert, and which quality standard and
// source each rule checks. Built-in rules come from the catalog's standards. A large network has
// thousands of rules (one per standard and station): they are searched, filtered by region, river,
// kind and severity, and shown a page at a time.
import "../alerts.css";
import type { AlertGrouping, AlertRule } from "../../../common/alerts.ts";
import { AlertsApi } from "../alerts-api.ts";
import { alertFormat, parameterName, quantity, severityBadge, stationName } from "../components/alert-format.ts";
import { dataTable } from "../components/data-table.ts";
import { loadError } from "../components/notice.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import { formatDuration, meanWindow } from "../format.ts";
import type { MessageKey } from "../i18n/index.ts";
import { ALERT_GROUPINGS, ALERT_RULE_KINDS, ALERT_SEVERITIES } from "../../../common/alerts.ts";
import { roleAtLeast } from "../auth-api.ts";
import { notice } from "../components/notice.ts";
import { pager, stationFilterBar } from "../components/station-filter.ts";
import { filterStations, NO_FILTER, paginate, type StationFilter } from "../station-list.ts";

const PAGE_SIZE = 50;

export function alertRulesPage(ctx: AppContext): Page {
  const { t } = ctx;
  const f = alertFormat(ctx);
  const alertsApi = new AlertsApi(ctx.api);
  let destroyed = false;
  const list = h("div", { "data-testid": "rule-list" }, h("p", { class: "state-loading" }, t("state.loading")));

  function trigger(r: AlertRule): string {
    const unit = r.unit;
    if (r.kind === "range") return `${quantity(f, r.low, unit)} – ${quantity(f, r.high, unit)}`;
    if (r.kind === "no-data") return r.windowMs ? t("rules.silentFor", { duration: formatDuration(r.windowMs, t) }) : "–";
    if (r.kind === "sensor-fault") return r.runLength ? t("rules.runLength", { n: r.runLength }) : "–";
    if (r.kind === "lab-disagreement") return t("rules.labDisagreement", { value: quantity(f, r.threshold, "%"), n: r.runLength ?? 1 });
    const value = quantity(f, r.threshold, unit);
    if (r.kind !== "aa" || !r.windowMs) return value;
    const coverage = new Intl.NumberFormat(ctx.locale, { style: "percent", maximumFractionDigits: 0 }).format(r.minCoverage ?? 0.8);
    return t("rules.meanOver", { value, window: meanWindow(r.windowMs, t), coverage });
  }

  function standard(r: AlertRule): Node | string {
    if (!r.standard) return h("span", { class: "muted" }, t("alert.noStandard"));
    const id = r.standard.id;
    const legal = r.parameter ? ctx.catalog.standardsOf(r.parameter).find((s) => s.id === id)?.legalStatus : undefined;
    return h(
      "span",
      { class: "alert-standard", "data-source": r.standard.source },
      h("span", { class: "alert-limit" }, t(`std.${r.standard.kind}` as MessageKey)),
      " ",
      h("a", { class: "alert-source", href: `#source-${r.standard.source}`, onclick: (e: Event) => jumpTo(e, r.standard!.source) }, r.standard.source),
      legal ? h("span", { class: "alert-legal muted" }, ` (${t(`legal.${legal}` as MessageKey)})`) : "",
    );
  }

  /** Admins may change any rule, researchers their own (as the server decides: alert-routes.ts). */
  const mayChange = (r: AlertRule) => ctx.session.role === "admin" || (!r.builtIn && roleAtLeast(ctx.session.role, "researcher") && r.createdById !== null && r.createdById === ctx.session.user?.id);
  const status = notice(t);

  /** One alert per breach (listing every standard breached together) or one per standard (issue #19). */
  function grouping(r: AlertRule): Node | string {
    const label = (g: AlertGrouping) => t(`rules.grouping.${g}`);
    if (!mayChange(r)) return label(r.grouping);
    const el = h(
      "select",
      {
        name: `grouping-${r.id}`,
        "aria-label": `${t("rules.col.grouping")}: ${r.name}`,
        "data-testid": "rule-grouping",
        onchange: async () => {
          status.clear();
          el.disabled = true;
          try {
            const updated = await alertsApi.setRuleGrouping(r.id, el.value as AlertGrouping);
            all = all.map((x) => (x.id === updated.id ? updated : x));
            status.ok(t("rules.grouping.saved", { name: updated.name }));
          } catch (err) {
            el.value = r.grouping;
            status.failed(err);
          } finally {
            el.disabled = false;
          }
        },
      },
      ...ALERT_GROUPINGS.map((g) => h("option", { value: g, selected: g === r.grouping }, label(g))),
    );
    return el;
  }

  // Hash links would be taken for routes: scroll to the source's entry instead.
  function jumpTo(e: Event, source: string): void {
    e.preventDefault();
    const target = document.getElementById(`source-${source}`);
    target?.scrollIntoView({ block: "center" });
    target?.focus();
  }

  /** Each cited source once, in full, below the table. */
  function sourcesList(rules: AlertRule[]): HTMLElement {
    const keys = [...new Set(rules.flatMap((r) => (r.standard ? [r.standard.source] : [])))].sort();
    return h(
      "section",
      { class: "admin-card rule-sources", "aria-labelledby": "rule-sources-h" },
      h("h2", { id: "rule-sources-h" }, t("rules.sources")),
      h("dl", { class: "facts" }, ...keys.flatMap((k) => [h("dt", { id: `source-${k}`, tabindex: -1 }, k), h("dd", {}, ctx.catalog.source(k)?.citation ?? k)])),
    );
  }

  let all: AlertRule[] = [];
  let filter: StationFilter = { ...NO_FILTER };
  let kind = "";
  let severity = "";
  let page = 0;

  /** Rules for every station match any station filter; the text also searches the rule's name. */
  function matching(): AlertRule[] {
    const stationFiltered = filter.region || filter.river || filter.q;
    const stations = stationFiltered ? new Set(filterStations(ctx.catalog, { ...filter, q: "" }).map((s) => s.id)) : undefined;
    const words = filter.q.toLowerCase().split(/\s+/).filter(Boolean);
    return all.filter((r) => {
      if (kind && r.kind !== kind) return false;
      if (severity && r.severity !== severity) return false;
      if (stations && r.station !== null && !stations.has(r.station)) return false;
      if (words.length === 0) return true;
      const text = [r.name, r.station ?? "", r.station ? stationName(f, r.station) : "", r.parameter ?? "", r.parameter ? parameterName(f, r.parameter) : "", r.standard?.source ?? ""].join(" ").toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }

  function controls(): HTMLElement {
    const select = (name: string, label: string, value: string, items: Array<[string, string]>, set: (v: string) => void) => {
      const el = h("select", { name, "aria-label": label, onchange: () => (set(el.value), (page = 0), render()) });
      el.append(h("option", { value: "" }, t("filter.all")));
      for (const [v, text] of items) el.append(h("option", { value: v, selected: v === value }, text));
      return h("label", { class: "setting" }, h("span", { class: "setting-label" }, label), el);
    };
    return h(
      "div",
      { class: "rule-filters" },
      stationFilterBar(ctx, filter, (next) => ((filter = next), (page = 0), render()), { statuses: false }),
      h(
        "div",
        { class: "filter-bar" },
        select("kind", t("rules.col.kind"), kind, ALERT_RULE_KINDS.map((k) => [k, t(`rules.kind.${k}`)]), (v) => (kind = v)),
        select("severity", t("rules.col.severity"), severity, ALERT_SEVERITIES.map((x) => [x, t(`alert.severity.${x}`)]), (v) => (severity = v)),
      ),
    );
  }

  const filters = h("div");
  const table = h("div");

  function render(): void {
    const paged = paginate(matching(), page, PAGE_SIZE);
    page = paged.page;
    const rules = paged.items;
    const rows = rules.map((r) => ({
      attrs: { "data-rule-id": String(r.id), "data-enabled": String(r.enabled), "data-paused": String(r.paused) },
      cells: [
        h("span", {}, r.name, h("br", {}), h("span", { class: "muted" }, r.builtIn ? t("rules.builtIn") : t("rules.by", { user: r.createdBy ?? "–" }))),
        t(`rules.kind.${r.kind}`),
        `${r.station ? stationName(f, r.station) : t("rules.allStations")} · ${r.parameter ? parameterName(f, r.parameter) : t("rules.allParameters")}`,
        trigger(r),
        standard(r),
        severityBadge(r.severity, t),
        grouping(r),
        !r.enabled ? h("span", { class: "muted" }, t("rules.off")) : r.paused ? h("span", { class: "muted" }, t("rules.paused")) : t("rules.on"),
      ],
    }));
    const headers = [t("rules.col.name"), t("rules.col.kind"), t("rules.col.where"), t("rules.col.trigger"), t("rules.col.standard"), t("rules.col.severity"), t("rules.col.grouping"), t("rules.col.enabled")];
    table.replaceChildren(dataTable(t("rules.heading"), headers, rows, t("rules.none")), pager(t, paged.page, paged.pages, paged.total, (p) => ((page = p), render()), "entries") ?? "");
  }

  void alertsApi.rules().then(
    (rules) => {
      if (destroyed) return;
      all = rules;
      filters.replaceChildren(rules.length > PAGE_SIZE ? controls() : "");
      list.replaceChildren(filters, h("p", { class: "muted" }, t("rules.grouping.help")), status.element, table, sourcesList(rules));
      render();
    },
    (err: unknown) => !destroyed && list.replaceChildren(loadError(t, err)),
  );
  const element = h(
    "section",
    { class: "alert-rules", "aria-labelledby": "rules-h" },
    h("div", { class: "section-bar" }, h("h1", { id: "rules-h" }, t("rules.heading")), h("a", { href: "#/alerts" }, `← ${t("nav.alerts")}`)),
    h("p", { class: "muted" }, t("rules.intro")),
    list,
  );
  return { element, stations: [], destroy: () => (destroyed = true) };
}
