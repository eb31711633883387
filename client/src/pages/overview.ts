// Overview: the stations grouped by region, each card with status, latest key compounds with unit,
// time of the last reading and 24 h sparklines (with QC marks, and their 24-hour mean with its count
// as tooltip), names in the UI language. It shows each station's primary sensors (a prototype beside
// them is on the station page). Means are held against annual standards only as the alert engine's
// early warnings, which name window and count. All times in one zone, named once. Updates live. A
// large network is searched and filtered (region, river, status) and shown a page at a time: only
// the page's stations are loaded and followed live, so 500 stations cost what 24 do. Filter and page
// live in the URL.
import type { SeriesPoint } from "../../../common/api-types.ts";
import type { Station } from "../../../common/catalog-model.ts";
import { QC } from "../../../common/reading.ts";
import { sparkline } from "../charts/sparkline.ts";
import { alertFormat, valueKindText } from "../components/alert-format.ts";
import { overviewTabs, overviewView } from "../components/overview-tabs.ts";
import { statusBadge } from "../components/status-badge.ts";
import { parameterName, regionName, riverName, stationName, type AppContext, type Page } from "../context.ts";
import { h } from "../dom.ts";
import { formatDateTime, formatMean, formatQuantity, formatReadingValue, meanDescription } from "../format.ts";
import { KEY_COMPOUNDS, LatestReadings } from "../latest-readings.ts";
import { livePoint } from "../series-data.ts";
import { statusFeed } from "../status-feed.ts";
import { overviewMapPage } from "./overview-map.ts";
import type { MessageKey } from "../i18n/index.ts";
import { overviewHref, replaceQuery, stationHref } from "../router.ts";
import { pager, stationFilterBar } from "../components/station-filter.ts";
import { byRegion, filterStations, groupRuns, paginate, readFilter, writeFilter, type StationFilter } from "../station-list.ts";
import { listZone, zoneName } from "../state.ts";
import { meanOf } from "../stats.ts";
import { deriveStatus, type StatusIssue } from "../status.ts";

const DAY = 86_400_000;
const SPARK_WIDTH = 120;
/** Station cards per page: one screenful or two, and at most one /latest request. */
export const OVERVIEW_PAGE_SIZE = 24;

export function overviewPage(ctx: AppContext, query: URLSearchParams = new URLSearchParams()): Page {
  if (overviewView(query) === "map") return overviewMapPage(ctx, query);
  const { t } = ctx;
  const { catalog } = ctx;
  let filter: StationFilter = readFilter(query);
  let pageIndex = Math.max(0, Number(query.get("page") ?? "1") - 1);
  let shown: Station[] = [];
  const compounds = KEY_COMPOUNDS.filter((c) => catalog.parameter(c));
  const latest = new LatestReadings(catalog);
  const feed = statusFeed(ctx, () => loaded && !destroyed && renderAll());
  const sparks = new Map<string, SeriesPoint[]>(); // "station:parameter" → points
  const cards = new Map<string, HTMLElement>();
  /** Firing alerts (early warnings among them), by station. */
  const zone = listZone(ctx.p.zone);
  let sparkFrom = Date.now() - DAY;
  let sparkTo = Date.now();
  let loaded = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let destroyed = false;

  const status = h("p", { class: "state-loading", role: "status" }, t("state.loading"));
  const groups = h("div", { class: "regions" });
  const pagerSlot = h("div", { class: "pager-slot" });
  const filterBar = catalog.stations.length > OVERVIEW_PAGE_SIZE ? stationFilterBar(ctx, filter, (next) => ((filter = next), (pageIndex = 0), update())) : null;
  const element = h(
    "section",
    { class: "overview", "aria-labelledby": "overview-h" },
    h("h1", { id: "overview-h" }, t("overview.heading")),
    overviewTabs(t, "list"),
    h("p", { class: "muted zone-note", "data-testid": "zone-note" }, t("zone.note", { zone: zoneName(zone) })),
    filterBar,
    status,
    groups,
    pagerSlot,
  );

  /** Lays out the cards of the current page, grouped by region (regions in catalog order). */
  function layout(): void {
    const list = byRegion(catalog, filterStations(catalog, filter));
    const paged = paginate(list, pageIndex, OVERVIEW_PAGE_SIZE);
    pageIndex = paged.page;
    shown = paged.items;
    cards.clear();
    groups.replaceChildren();
    for (const run of groupRuns(shown)) {
      const ul = h("ul", { class: "cards", role: "list" });
      for (const s of run.stations) {
        const card = h("li", { class: "card", "data-station": s.id });
        cards.set(s.id, card);
        ul.append(card);
      }
      groups.append(h("section", { class: "region", "data-region": run.region }, h("h2", {}, regionName(ctx, run.region)), ul));
    }
    if (catalog.stations.length === 0) groups.append(h("p", { class: "empty-state" }, t(ctx.session.role === "admin" ? "overview.emptyAdmin" : "overview.empty")));
    else if (shown.length === 0) groups.append(h("p", { class: "empty-state" }, t("overview.noMatch")));
    pagerSlot.replaceChildren(
      list.length > OVERVIEW_PAGE_SIZE ? (pager(t, paged.page, paged.pages, paged.total, (p) => ((pageIndex = p), update(), element.scrollIntoView())) ?? "") : "",
    );
  }

  function update(): void {
    const q = new URLSearchParams();
    writeFilter(q, filter);
    if (pageIndex > 0) q.set("page", String(pageIndex + 1));
    replaceQuery(overviewHref(q));
    loaded = false;
    layout();
    ctx.live.setStations(shown.map((s) => s.id));
    renderAll();
    void load();
  }

  function renderCard(s: Station): void {
    const card = cards.get(s.id);
    if (!card) return;
    const byParam = latest.of(s.id);
    const result = deriveStatus({ station: s.id, latest: [...byParam.values()], catalog, alerts: feed.alertsOf(s.id), now: Date.now() });
    // Until the first load succeeds nothing is known: claiming "offline" would be a guess.
    if (loaded) card.dataset.status = result.status;
    else delete card.dataset.status;
    const rows = compounds.map((c) => {
      const r = byParam.get(c);
      const unit = catalog.parameter(c)?.unit ?? "";
      const value = r ? formatReadingValue(r, unit, ctx.p.unit, ctx.lang, t) : "–";
      const qcNote = r?.maintenance
        ? h("span", { class: "qc qc-maintenance" }, ` (${t("maint.latest")})`)
        : r && (r.qc === QC.suspect || r.qc === QC.fail)
          ? h("span", { class: `qc qc-${r.qc}` }, ` (${t(`qc.${r.qc}` as MessageKey)})`)
          : null;
      return h(
        "tr",
        { "data-parameter": c },
        h("th", { scope: "row" }, parameterName(ctx, c)),
        h("td", { class: "num" }, value, qcNote),
        h("td", { class: "spark" }, sparkline(sparks.get(`${s.id}:${c}`) ?? [], sparkFrom, sparkTo, sparkLabel(c, sparks.get(`${s.id}:${c}`) ?? []))),
      );
    });
    const last = result.lastReadingAt;
    card.replaceChildren(
      h(
        "a",
        { class: "card-link", href: stationHref(s.id), "aria-label": t("overview.open", { name: stationName(ctx, s.id) }) },
        h("h3", {}, stationName(ctx, s.id)),
      ),
      h("div", { class: "card-sub" }, `${riverName(ctx, s.river)} · ${s.id}`),
      loaded ? statusBadge(result.status, t) : h("span", { class: "badge badge-unknown", "aria-label": t("state.loading") }, "…"),
      h("table", { class: "latest" }, h("tbody", {}, ...rows)),
      h(
        "p",
        { class: "last-reading" },
        !loaded
          ? ""
          : last !== undefined
          ? h("time", { datetime: new Date(last).toISOString() }, t("overview.lastReading", { time: formatDateTime(last, ctx.lang, zone, false) }))
          : t("state.noReadings"),
      ),
    );
    if (loaded && result.status !== "ok" && result.issues.length > 0) {
      card.append(h("ul", { class: "issues" }, ...describeIssues(ctx, result.issues).slice(0, 3).map((text) => h("li", {}, text))));
    }
  }

  /** "Carbamazepine, last 24 h: 24-hour mean of 144 values: 120 ng/L", and how many QC marks it shows. */
  function sparkLabel(code: string, points: readonly SeriesPoint[]): string {
    const m = meanOf(points);
    const unit = catalog.parameter(code)?.unit ?? "";
    const name = parameterName(ctx, code);
    const base = m.n === 0 ? t("overview.spark", { parameter: name }) : t("overview.sparkMean", { parameter: name, mean: meanDescription(DAY, m.n, t, ctx.lang), value: formatMean(m, unit, ctx.p.unit, ctx.lang, t) });
    const marked = points.filter((p) => p.qc === QC.suspect || p.qc === QC.fail).length;
    return marked > 0 ? `${base} · ${t("overview.sparkQc", { count: marked })}` : base;
  }

  function renderAll(): void {
    for (const s of shown) renderCard(s);
  }

  let loadSeq = 0;
  async function load(): Promise<void> {
    clearTimeout(retryTimer);
    const seq = ++loadSeq;
    const page = shown;
    sparks.clear();
    if (page.length === 0) {
      status.hidden = true;
      return;
    }
    try {
      const now = Date.now();
      // Cards show their latest values (and a status from them) as soon as those arrive; the
      // sparklines fill in as their requests answer.
      const current = () => seq === loadSeq && !destroyed;
      // Asked first: a visitor's reads take turns (server/src/http/read-gate.ts), and the values come first.
      const latestRequest = ctx.api.latestOf(page.map((s) => s.id));
      const sparkRequests = ctx.api.seriesMulti(
        page.flatMap((s) => compounds.filter((c) => catalog.measures(s.id, c)).map((parameter) => ({ station: s.id, parameter }))),
        { from: now - DAY, to: now, width: SPARK_WIDTH },
        undefined,
        (part) => {
          if (!current()) return;
          sparkFrom = now - DAY;
          sparkTo = Math.max(sparkTo, now);
          for (const s of part) sparks.set(`${s.station}:${s.parameter}`, s.points);
          for (const id of new Set(part.map((s) => s.station))) {
            const station = catalog.station(id);
            if (station) renderCard(station);
          }
        },
      );
      // When /latest fails first, that failure is the one shown; the sparklines' is then handled too.
      sparkRequests.catch(() => undefined);
      const latestAll = await latestRequest;
      if (!current()) return;
      latest.clear();
      for (const r of latestAll.latest) latest.store(r);
      loaded = true;
      status.hidden = true;
      renderAll();
      void feed.loadAlerts();
      await sparkRequests;
    } catch (err) {
      // Retry by itself too: an agency screen on the wall should recover when InfluxDB does.
      if (!destroyed) retryTimer = setTimeout(() => void load(), 15_000);
      status.hidden = false;
      status.className = "state-error";
      status.setAttribute("role", "alert");
      status.replaceChildren(
        t("state.error", { error: err instanceof Error ? err.message : String(err) }),
        " ",
        h("button", { type: "button", onclick: () => void load() }, t("state.retry")),
      );
    }
  }

  layout();
  renderAll();
  void load();

  return {
    element,
    get stations() {
      return shown.map((s) => s.id);
    },
    onReadings(batch) {
      const touched = new Set<string>();
      for (const r of batch) {
        if (latest.store(r)) touched.add(r.station);
        if (compounds.includes(r.parameter) && catalog.primarySensor(r.station, r.parameter, r.time)?.id === r.sensor) {
          const key = `${r.station}:${r.parameter}`;
          const pts = sparks.get(key) ?? [];
          pts.push(livePoint(r));
          sparks.set(key, pts);
        }
      }
      sparkTo = Math.max(sparkTo, Date.now());
      for (const id of touched) {
        const s = cards.has(id) ? catalog.station(id) : undefined;
        if (s) renderCard(s);
      }
    },
    onResync: () => void load(),
    destroy: () => {
      destroyed = true;
      clearTimeout(retryTimer);
      feed.stop();
    },
  };
}

/** One line per problem; several standards of one kind exceeded by one value share a line. */
function describeIssues(ctx: AppContext, issues: readonly StatusIssue[]): string[] {
  const { t } = ctx;
  const lines: string[] = [];
  const grouped = new Map<string, Array<Extract<StatusIssue, { kind: "above" | "below" }>>>();
  const f = alertFormat(ctx);
  for (const issue of issues) {
    if (issue.kind === "offline") lines.push(t("status.detail.offline"));
    else if (issue.kind === "early-warning") {
      const a = issue.alert;
      const unit = a.unit ?? "";
      const fmt = (v: number | null) => (v === null ? "–" : formatQuantity(v, unit, ctx.p.unit, ctx.lang));
      lines.push(
        t("status.detail.earlyWarning", {
          parameter: parameterName(ctx, a.parameter ?? ""),
          mean: valueKindText(f, a) ?? "",
          value: fmt(a.value),
          kind: t(`std.${a.standard?.kind ?? "AA-EQS"}` as MessageKey),
          limit: fmt(a.threshold),
        }),
      );
    } else if (issue.kind === "sensor") {
      const flag = `${issue.qc} ${t(`qc.${issue.qc}` as MessageKey)}`;
      lines.push(t("status.detail.sensor", { parameter: parameterName(ctx, issue.parameter), flag }));
    } else {
      const key = `${issue.kind}|${issue.parameter}|${issue.standard.kind}`;
      grouped.set(key, [...(grouped.get(key) ?? []), issue]);
    }
  }
  for (const group of grouped.values()) {
    const first = group[0]!;
    const unit = ctx.catalog.parameter(first.parameter)?.unit ?? "";
    const fmt = (v: number) => formatQuantity(v, unit, ctx.p.unit, ctx.lang);
    const byLimit = new Map<number, string[]>();
    for (const i of group) byLimit.set(i.limit, [...(byLimit.get(i.limit) ?? []), i.standard.source]);
    const limit = [...byLimit]
      .sort((a, b) => a[0] - b[0])
      .map(([value, sources]) => `${fmt(value)} (${sources.join(", ")})`)
      .join(", ");
    const params = { parameter: parameterName(ctx, first.parameter), value: fmt(first.value), kind: t(`std.${first.standard.kind}` as MessageKey), limit };
    const key = first.kind === "below" ? "status.detail.below" : "status.detail.above";
    lines.push(t(key, params));
  }
  return lines;
}
