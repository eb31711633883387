// Status table (#/assessment?year&basis[&period&from&to&approved&asOf&mac]&q&river&page; the period
// and method options: assessment/choice.ts): stations in river order (grouped by river, in
// flow direction) × compounds with a quality standard, each cell the verdict for the chosen year and
// data basis as icon + word + margin, linking to its details. Many stations: search, a river filter
// and pages of PAGE_SIZE stations; only the page's stations are assessed (one request).
import "../assessment.css";
import type { AssessmentResponse } from "../../../common/assessment-api.ts";
import type { Station } from "../../../common/catalog-model.ts";
import { riverOrder } from "../../../common/river-order.ts";
import { AssessmentApi, assessmentCsvHref } from "../assessment-api.ts";
import { choiceQuery, parseChoice } from "../assessment/choice.ts";
import { choiceFields, periodLabel, selectField } from "../assessment/controls.ts";
import { allNoData, statusTable } from "../assessment/status-table.ts";
import { verdictBadge } from "../assessment/view.ts";
import { retryError } from "../components/notice.ts";
import { riverName, type AppContext, type Page } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";
import { assessmentHref, replaceQuery, reportHref } from "../router.ts";

export const PAGE_SIZE = 50;

/** Stations whose names (any language), id or river match `text`, case and accents aside. */
export function matchesStation(ctx: Pick<AppContext, "catalog">, s: Station, text: string): boolean {
  const needle = fold(text);
  if (needle === "") return true;
  const river = ctx.catalog.river(s.river);
  const names = [s.id, s.name.en, s.name.de, s.name.zh, river?.name.en, river?.name.de, river?.name.zh];
  return names.some((n) => n !== undefined && fold(n).includes(needle));
}

function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().trim();
}

export function assessmentStatusPage(ctx: AppContext, query: URLSearchParams): Page {
  const { t, catalog } = ctx;
  const api = new AssessmentApi(ctx.api);
  let choice = parseChoice(query);
  let search = query.get("q") ?? "";
  let river = query.get("river") ?? "";
  let page = Math.max(1, Number(query.get("page")) || 1);
  const compounds = catalog.parameters.filter((p) => catalog.standardsOf(p.code).length > 0);
  const stations = riverOrder(catalog, catalog.stations.filter((s) => s.status !== "planned"));
  let controller: AbortController | undefined;

  const controls = h("div", { class: "assess-controls" });
  const status = h("div", { class: "assess-status", role: "status" });
  const tableBox = h("div", { class: "table-wrap assess-table-wrap" });
  const pager = h("nav", { class: "pager", "aria-label": t("assess.pages") });
  const element = h(
    "section",
    { class: "assessment", "aria-labelledby": "assess-h" },
    h("h1", { id: "assess-h" }, t("assess.heading")),
    h("p", { class: "muted" }, t("assess.intro")),
    controls,
    legend(),
    status,
    tableBox,
    pager,
  );

  function legend(): HTMLElement {
    const states = ["complies", "fails", "not-assessable", "no-data", "no-standard"] as const;
    return h(
      "details",
      { class: "assess-legend" },
      h("summary", {}, t("assess.legend")),
      h("p", {}, t("assess.legendText")),
      h("ul", { class: "legend-list" }, ...states.map((s) => h("li", {}, verdictBadge(s, t), " ", t(`assess.legend.${s}` as MessageKey)))),
    );
  }

  function save(): void {
    const q = choiceQuery(choice);
    if (search) q.set("q", search);
    if (river) q.set("river", river);
    if (page > 1) q.set("page", String(page));
    replaceQuery(assessmentHref(q));
  }

  const filtered = () => stations.filter((s) => (river === "" || s.river === river) && matchesStation(ctx, s, search));

  function renderControls(): void {
    const rivers = [...new Set(stations.map((s) => s.river))];
    const searchInput = h("input", { type: "search", name: "q", value: search, placeholder: t("assess.searchPlaceholder"), "aria-label": t("assess.search") });
    searchInput.addEventListener("input", () => {
      search = searchInput.value;
      page = 1;
      save();
      void load();
    });
    controls.replaceChildren(
      ...choiceFields(choice, ctx, (c) => {
        choice = c;
        save();
        renderControls();
        void load();
      }),
      h("label", { class: "field" }, h("span", {}, t("assess.search")), searchInput),
      selectField(t("assess.river"), "river", river, [["", t("assess.allRivers")], ...rivers.map((r): [string, string] => [r, riverName(ctx, r)])], (v) => {
        river = v;
        page = 1;
        save();
        void load();
      }),
      h(
        "div",
        { class: "assess-links" },
        h("a", { href: reportHref(choiceQuery(choice)), class: "button-link" }, t("assess.report")),
        h("a", { href: assessmentCsvHref({ ...choice }), class: "button-link", download: "" }, t("assess.csv")),
      ),
    );
  }

  function renderPager(total: number): void {
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const from = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
    const to = Math.min(total, page * PAGE_SIZE);
    const go = (p: number) => () => {
      page = p;
      save();
      void load();
    };
    pager.replaceChildren(
      h("button", { type: "button", disabled: page <= 1, onclick: go(page - 1) }, t("assess.prev")),
      h("span", { class: "pager-text" }, t("assess.rows", { from, to, total })),
      h("button", { type: "button", disabled: page >= pages, onclick: go(page + 1) }, t("assess.next")),
    );
  }

  function renderTable(body: AssessmentResponse, shown: readonly Station[]): void {
    tableBox.replaceChildren(statusTable(body, shown, compounds, ctx, { year: periodLabel(choice, t), linkQuery: choiceQuery(choice) }));
    if (allNoData(body)) status.replaceChildren(h("p", { class: "notice", "data-testid": "all-no-data" }, t("assess.allNoData", { year: periodLabel(choice, t) })));
  }

  async function load(): Promise<void> {
    controller?.abort();
    const mine = (controller = new AbortController());
    const list = filtered();
    const pages = Math.max(1, Math.ceil(list.length / PAGE_SIZE));
    if (page > pages) page = pages;
    renderPager(list.length);
    status.replaceChildren();
    if (compounds.length === 0) return void status.replaceChildren(h("p", { class: "notice" }, t("assess.noCompounds")));
    if (stations.length === 0) return void status.replaceChildren(h("p", { class: "notice" }, t("assess.noStations")));
    if (list.length === 0) {
      tableBox.replaceChildren();
      return void status.replaceChildren(h("p", { class: "notice", "data-testid": "no-match" }, t("assess.noMatch", { query: search })));
    }
    const shown = list.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    status.replaceChildren(h("p", { class: "state-loading" }, t("state.loading")));
    try {
      const body = await api.assessments({ ...choice, stations: shown.map((s) => s.id), parameters: compounds.map((p) => p.code) }, mine.signal);
      if (mine.signal.aborted) return;
      status.replaceChildren();
      renderTable(body, shown);
    } catch (err) {
      if (mine.signal.aborted) return;
      status.replaceChildren(retryError(t, err, () => void load()));
    }
  }

  renderControls();
  void load();
  return { element, stations: [], destroy: () => controller?.abort() };
}
