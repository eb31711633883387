// The assessment's two charts as elements: the monthly means of a series with the lines of the
// standards it was held against, and its daily loads. Models come from charts.ts (pure); this file
// only hands them to a SeriesChart.
import type { LoadsDto, SeriesResult } from "../../../common/assessment-api.ts";
import type { QualityStandard } from "../../../common/catalog-model.ts";
import { SeriesChart } from "../charts/series-chart.ts";
import { displayUnit, formatNumber } from "../format.ts";
import { LOCALE, type MessageKey } from "../i18n/index.ts";
import { loadsModel, monthlyModel, type AssessmentChartModel } from "./charts.ts";
import type { AssessmentCtx } from "./view.ts";

export interface ChartHandle {
  element: HTMLElement;
  destroy(): void;
}

function draw(model: AssessmentChartModel, span: { from: number; to: number; zone: string }, ctx: AssessmentCtx, yTitle: string, aria: string, fmt: (v: number) => string): ChartHandle {
  const chart = new SeriesChart({ height: 210 });
  // Chart.js needs the canvas in the document to size it: render once the element is attached.
  queueMicrotask(() =>
    chart.render({
      datasets: model.datasets,
      from: span.from,
      to: span.to,
      zone: span.zone,
      locale: LOCALE[ctx.lang],
      yTitle,
      xTitle: ctx.t("detail.timeAxis", { zone: span.zone }),
      suggestedMin: model.suggestedMin,
      suggestedMax: model.suggestedMax,
      standards: model.lines,
      describe: (p, _role, label) => (p.y === null ? label : p.qualifier ? `${label}: ${p.qualifier} ${fmt(p.y)}` : `${label}: ${fmt(p.y)}`),
      ariaLabel: aria,
    }),
  );
  return { element: chart.element, destroy: () => chart.destroy() };
}

export function monthlyChart(series: SeriesResult, standards: readonly QualityStandard[], span: { from: number; to: number; zone: string }, ctx: AssessmentCtx): ChartHandle {
  const { t, lang } = ctx;
  const du = displayUnit(series.unit, ctx.p.unit);
  const model = monthlyModel(series, standards, du.factor, {
    mean: t("detail.monthlyMean"),
    belowLimit: t("detail.monthlyBelow"),
    line: (kind, value, targetClass) => `${targetClass ? t("std.class", { class: targetClass }) : t(`std.${kind}` as MessageKey)} ${formatNumber(value, lang)} ${du.unit}`,
  });
  const name = ctx.catalog.parameterName(series.parameter, lang);
  return draw(model, span, ctx, du.unit, t("detail.monthlyChart", { parameter: name }), (v) => `${formatNumber(v, lang)} ${du.unit}`);
}

export function loadsChart(loads: LoadsDto, parameter: string, span: { from: number; to: number; zone: string }, ctx: AssessmentCtx): ChartHandle {
  const { t, lang } = ctx;
  const model = loadsModel(loads, { load: t("loads.daily"), bounds: t("loads.bounds") });
  const name = ctx.catalog.parameterName(parameter, lang);
  return draw(model, span, ctx, "g/d", t("loads.chart", { parameter: name }), (v) => `${formatNumber(v, lang)} g/d`);
}
