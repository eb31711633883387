// One compound at one station (#/assessment/<station>/<parameter>?year&basis): the verdict against
// every standard with the numbers it rests on and the rules applied, the monthly means against the
// standard lines, the loads where the station has discharge, the year-over-year comparison, the
// values used (researchers; "< LOQ" marked) and the sources cited.
import "../assessment.css";
import type { AssessmentResponse, SeriesResult, YearsResponse } from "../../../common/assessment-api.ts";
import { AssessmentApi, loadsCsvHref, type AssessmentParams } from "../assessment-api.ts";
import { loadsChart, monthlyChart, type ChartHandle } from "../assessment/chart-view.ts";
import { choiceQuery, parseChoice } from "../assessment/choice.ts";
import { choiceFields, periodLabel } from "../assessment/controls.ts";
import { loadSummary } from "../assessment/loads-text.ts";
import { resultCard, valuesTable, yearsTable } from "../assessment/result-parts.ts";
import { cellSummary } from "../assessment/summary.ts";
import { dataNotes, sourcesList, stationLabel, verdictBadge } from "../assessment/view.ts";
import { roleAtLeast } from "../auth-api.ts";
import { retryError } from "../components/notice.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import type { MessageKey } from "../i18n/index.ts";
import { assessmentDetailHref, assessmentHref, replaceQuery, reportHref, stationHref } from "../router.ts";

/** Years the comparison shows: the chosen one and the four before. */
export const COMPARE_YEARS = 5;

export function assessmentDetailPage(ctx: AppContext, stationId: string, parameter: string, query: URLSearchParams): Page {
  const { t, catalog, lang } = ctx;
  const api = new AssessmentApi(ctx.api);
  let choice = parseChoice(query);
  let controller: AbortController | undefined;
  const charts: ChartHandle[] = [];
  const researcher = roleAtLeast(ctx.session.role, "researcher");
  const station = catalog.station(stationId);
  const param = catalog.parameter(parameter);

  const heading = h("h1", { id: "assess-detail-h" });
  const controls = h("div", { class: "assess-controls" });
  const content = h("div", { class: "assess-detail-body", role: "status" });
  const element = h(
    "section",
    { class: "assessment assessment-detail", "aria-labelledby": "assess-detail-h" },
    h("nav", { class: "crumbs" }),
    heading,
    controls,
    content,
  );

  function crumbs(): void {
    const q = choiceQuery(choice);
    element.querySelector(".crumbs")!.replaceChildren(
      h("a", { href: assessmentHref(q) }, t("detail.back")),
      " · ",
      h("a", { href: stationHref(stationId) }, t("detail.toStation")),
      " · ",
      h("a", { href: reportHref(new URLSearchParams({ ...Object.fromEntries(q), station: stationId })) }, t("detail.stationReport")),
    );
  }

  function renderControls(): void {
    heading.textContent = t("detail.heading", { parameter: catalog.parameterName(parameter, lang), station: catalog.stationName(stationId, lang), year: periodLabel(choice, t) });
    controls.replaceChildren(
      ...choiceFields(choice, ctx, (c) => {
        choice = c;
        replaceQuery(assessmentDetailHref(stationId, parameter, choiceQuery(choice)));
        renderControls();
        void load();
      }),
    );
    crumbs();
  }

  function section(title: string, ...children: Array<Node | null>): HTMLElement {
    return h("section", { class: "assess-section" }, h("h2", {}, title), ...children);
  }

  function render(body: AssessmentResponse, series: SeriesResult, years: YearsResponse | null): void {
    for (const c of charts.splice(0)) c.destroy();
    const st = body.stations[0]!;
    const span = { from: st.from, to: st.to, zone: st.zone };
    const summary = cellSummary(series, body.standards);
    const monthly = monthlyChart(series, body.standards, span, ctx);
    charts.push(monthly);
    const loads = series.loads?.periodLoad ? loadsChart(series.loads, parameter, span, ctx) : null;
    if (loads) charts.push(loads);
    const parts: Array<HTMLElement | null> = [
      h("p", { class: "assess-headline", "data-verdict": summary.state }, verdictBadge(summary.state, t), " ", stationLabel(stationId, ctx), " · ", t(`assess.basis.${choice.basis}` as MessageKey)),
      dataNotes(body.notes, t),
      series.results.length === 0 ? h("p", { class: "notice" }, t("detail.noStandard")) : null,
      ...series.results.map((r) => resultCard(r, series, body, st.zone, ctx)),
      section(t("detail.monthly"), monthly.element),
      series.loads !== undefined
        ? section(
            t("loads.heading"),
            series.loads ? loadSummary(series.loads, series.unit, ctx) : h("p", { class: "muted" }, t("loads.none")),
            loads?.element ?? null,
            loads ? h("a", { href: loadsCsvHref({ ...choice, stations: [stationId], parameters: [parameter] }), class: "button-link", download: "" }, t("loads.csv")) : null,
          )
        : null,
      section(t("detail.years"), years ? yearsTable(years, ctx) : h("p", { class: "muted" }, t("detail.noYears"))),
      researcher ? section(t("detail.valuesUsed"), valuesTable(series, st.zone, ctx)) : section(t("detail.valuesUsed"), h("p", { class: "muted" }, t("detail.valuesResearcher"))),
      section(t("detail.sources"), sourcesList(body.sources)),
    ];
    content.replaceChildren(...parts.filter((p) => p !== null));
  }

  async function load(): Promise<void> {
    controller?.abort();
    const mine = (controller = new AbortController());
    if (!station || !param) {
      content.replaceChildren(h("p", { class: "notice" }, t("detail.unknown", { station: stationId, parameter })));
      return;
    }
    content.replaceChildren(h("p", { class: "state-loading" }, t("state.loading")));
    const params: AssessmentParams = { ...choice, stations: [stationId], parameters: [parameter], include: researcher ? ["monthly", "loads", "values"] : ["monthly", "loads"] };
    try {
      const [body, years] = await Promise.all([
        api.assessments(params, mine.signal),
        api.years(stationId, parameter, choice.year - COMPARE_YEARS + 1, choice.year, choice, mine.signal),
      ]);
      if (mine.signal.aborted) return;
      const series = body.stations[0]?.series.find((s) => s.parameter === parameter);
      if (!series) return void content.replaceChildren(h("p", { class: "notice" }, t("detail.noStandard")));
      render(body, series, years);
    } catch (err) {
      if (mine.signal.aborted) return;
      content.replaceChildren(retryError(t, err, () => void load()));
    }
  }

  renderControls();
  void load();
  return {
    element,
    stations: [],
    destroy: () => {
      controller?.abort();
      for (const c of charts) c.destroy();
    },
  };
}
