// The printable report (#/report?year&basis[&period&from&to&approved&asOf&mac][&station]): a title page, the method (rules, standards
// with legal status and source, data basis, LOQ handling), the status table, one section per station
// and a signature block, styled for print (report.css: page breaks, no navigation) so that the
// browser's "Save as PDF" gives a document an agency can sign. The same numbers come as CSV and JSON
// from GET /api/v1/assessments.
import "../assessment.css";
import { riverOrder } from "../../../common/river-order.ts";
import { AssessmentApi, assessmentCsvHref, loadsCsvHref } from "../assessment-api.ts";
import { choiceQuery, parseChoice } from "../assessment/choice.ts";
import { choiceFields, periodLabel } from "../assessment/controls.ts";
import { methodSection, signatureBlock, stateCounts, stationDetails, titlePage, type ReportScope } from "../assessment/report-parts.ts";
import { allNoData, statusTable } from "../assessment/status-table.ts";
import { retryError } from "../components/notice.ts";
import type { AppContext, Page } from "../context.ts";
import { h } from "../dom.ts";
import { formatCount } from "../format.ts";
import { assessmentHref, replaceQuery, reportHref } from "../router.ts";

export function assessmentReportPage(ctx: AppContext, query: URLSearchParams): Page {
  const { t, catalog, lang } = ctx;
  const api = new AssessmentApi(ctx.api);
  let choice = parseChoice(query);
  const stationId = query.get("station");
  const station = stationId ? catalog.station(stationId) : undefined;
  const compounds = catalog.parameters.filter((p) => catalog.standardsOf(p.code).length > 0);
  const stations = station ? [station] : riverOrder(catalog, catalog.stations.filter((s) => s.status !== "planned"));
  let controller: AbortController | undefined;

  const controls = h("div", { class: "assess-controls report-controls no-print" });
  const doc = h("article", { class: "report", "aria-labelledby": "report-h", role: "status" });
  const element = h("section", { class: "assessment report-page" }, controls, doc);

  function href(): string {
    const q = choiceQuery(choice);
    if (stationId) q.set("station", stationId);
    return reportHref(q);
  }

  function renderControls(): void {
    controls.replaceChildren(
      h("a", { href: assessmentHref(choiceQuery(choice)) }, t("detail.back")),
      ...choiceFields(choice, ctx, (c) => {
        choice = c;
        replaceQuery(href());
        renderControls();
        void load();
      }),
      h("button", { type: "button", class: "button-link", onclick: () => window.print() }, t("report.print")),
      h("a", { href: assessmentCsvHref({ ...choice, stations: stationId ? [stationId] : undefined }), class: "button-link", download: "" }, t("assess.csv")),
      h("a", { href: loadsCsvHref({ ...choice, stations: stationId ? [stationId] : undefined }), class: "button-link", download: "" }, t("loads.csv")),
    );
  }

  async function load(): Promise<void> {
    controller?.abort();
    const mine = (controller = new AbortController());
    if (stationId && !station) return void doc.replaceChildren(h("p", { class: "notice" }, t("state.notFound", { id: stationId })));
    doc.replaceChildren(h("p", { class: "state-loading" }, t("state.loading")));
    const scope: ReportScope = { choice, station: stationId };
    try {
      const body = await api.assessments({ ...choice, stations: stations.map((s) => s.id), parameters: compounds.map((p) => p.code), include: ["loads"] }, mine.signal);
      if (mine.signal.aborted) return;
      const counts = stateCounts(body);
      doc.replaceChildren(
        titlePage(body, scope, ctx),
        methodSection(body, scope, ctx),
        h(
          "section",
          { class: "report-section report-status" },
          h("h2", {}, t("report.status", { year: periodLabel(choice, t) })),
          h(
            "p",
            { "data-testid": "report-counts" },
            t("report.counts", {
              complies: formatCount(counts.complies!, lang),
              fails: formatCount(counts.fails!, lang),
              notAssessable: formatCount(counts["not-assessable"]!, lang),
              noData: formatCount(counts["no-data"]!, lang),
            }),
          ),
          allNoData(body) ? h("p", { class: "notice" }, t("assess.allNoData", { year: periodLabel(choice, t) })) : null,
          h("div", { class: "table-wrap" }, statusTable(body, stations, compounds, ctx, { year: periodLabel(choice, t), linkQuery: null })),
        ),
        ...body.stations.map((st) => stationDetails(st, body, ctx)),
        signatureBlock(ctx),
      );
      doc.dataset.ready = "true";
    } catch (err) {
      if (mine.signal.aborted) return;
      doc.replaceChildren(retryError(t, err, () => void load()));
    }
  }

  renderControls();
  void load();
  return { element, stations: [], destroy: () => controller?.abort() };
}
