// The station page's loads: a collapsed section that, when opened, assesses the current year at the
// station and shows each compound's period load (kg/a, OSPAR RID flow-weighted) with its daily loads
// chart, and a link to the status table. Only stations with a discharge gauge have it.
import "../assessment.css";
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { assessmentHref } from "../router.ts";
import { AssessmentApi, loadsCsvHref } from "../assessment-api.ts";
import { loadError } from "../components/notice.ts";
import { loadsChart, type ChartHandle } from "./chart-view.ts";
import { choiceQuery, defaultChoice } from "./choice.ts";
import { loadSummary } from "./loads-text.ts";

export interface StationLoads {
  element: HTMLElement | null;
  destroy(): void;
}

export const DISCHARGE = "discharge";

export function stationLoads(ctx: AppContext, stationId: string, now = Date.now()): StationLoads {
  const { t, catalog } = ctx;
  if (!catalog.measures(stationId, DISCHARGE)) return { element: null, destroy: () => undefined };
  const year = new Date(now).getFullYear();
  const compounds = catalog.parametersOf(stationId).filter((p) => p.unit.endsWith("/L") && p.code !== DISCHARGE);
  const body = h("div", { class: "station-loads-body" });
  const charts: ChartHandle[] = [];
  const controller = new AbortController();
  let loaded = false;
  const element = h(
    "details",
    { class: "station-loads assess-section", "data-testid": "station-loads" },
    h("summary", {}, h("h2", { style: "display:inline" }, t("loads.stationHeading", { year }))),
    body,
  );
  element.addEventListener("toggle", () => {
    if (!(element as HTMLDetailsElement).open || loaded) return;
    loaded = true;
    void load();
  });

  async function load(): Promise<void> {
    body.replaceChildren(h("p", { class: "state-loading" }, t("state.loading")));
    try {
      const res = await new AssessmentApi(ctx.api).loads({ year, basis: "both", stations: [stationId], parameters: compounds.map((p) => p.code) }, controller.signal);
      const st = res.stations[0];
      // Compounds without a single day that has both concentration and discharge get no empty chart.
      const series = (st?.series ?? []).filter((s) => s.loads?.periodLoad);
      if (!st || series.length === 0) return void body.replaceChildren(h("p", { class: "muted" }, t("loads.none")));
      const span = { from: st.from, to: st.to, zone: st.zone };
      body.replaceChildren(
        ...series.map((s) => {
          const chart = loadsChart(s.loads!, s.parameter, span, ctx);
          charts.push(chart);
          return h("div", { class: "station-load", "data-parameter": s.parameter }, h("h3", {}, catalog.parameterName(s.parameter, ctx.lang)), loadSummary(s.loads!, s.unit, ctx), chart.element);
        }),
        h(
          "p",
          { class: "assess-links" },
          h("a", { href: loadsCsvHref({ year, basis: "both", stations: [stationId] }), class: "button-link", download: "" }, t("loads.csv")),
          h("a", { href: assessmentHref(choiceQuery({ ...defaultChoice(), year })) }, t("loads.toAssessment")),
        ),
      );
    } catch (err) {
      if (controller.signal.aborted) return;
      body.replaceChildren(loadError(t, err));
    }
  }

  return {
    element,
    destroy: () => {
      controller.abort();
      for (const c of charts) c.destroy();
    },
  };
}
