// A chart's legend as HTML under the canvas (the pattern of Chart.js's "HTML legend" sample): entries
// wrap on a narrow screen instead of being cut off at the canvas edges, as the canvas legend cuts a
// long entry ("Rolling mean — latest: 1-day mean of 139 values …") on a phone, and each entry is a
// button that a keyboard and a screen reader reach. The entries, their markers and what a click does
// are Chart.js's own: the legend options' generateLabels and filter, drawPointLegend, and
// setDatasetVisibility.
import type { Chart, LegendItem, Plugin } from "chart.js";
import { drawPointLegend } from "chart.js/helpers";
import { h } from "../dom.ts";

export interface HtmlLegendOptions {
  /** Where the legend goes; no legend without one. */
  container?: HTMLElement;
  /** A dataset was switched on or off by its entry; called before the chart is updated. */
  onToggle?: (datasetIndex: number, visible: boolean) => void;
}

declare module "chart.js" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match chart.js's declaration
  interface PluginOptionsByType<TType> {
    wmHtmlLegend?: HtmlLegendOptions;
  }
}

const MARKER_PX = 16;

/**
 * The entry's marker, drawn as the canvas legend draws it with `usePointStyle`, shown as the
 * background of a span: the chart's canvas stays the one canvas of its panel, and a page's content
 * holds no images.
 */
function marker(item: LegendItem): HTMLSpanElement {
  const ratio = window.devicePixelRatio || 1;
  const span = h("span", { class: "chart-legend-marker", "aria-hidden": "true" });
  const canvas = h("canvas", { width: String(MARKER_PX * ratio), height: String(MARKER_PX * ratio) });
  const ctx = canvas.getContext("2d");
  if (!ctx) return span;
  ctx.scale(ratio, ratio);
  ctx.fillStyle = item.fillStyle as string;
  ctx.strokeStyle = item.strokeStyle as string;
  ctx.lineWidth = Math.min(item.lineWidth ?? 1, 3);
  ctx.setLineDash(item.lineDash ?? []);
  drawPointLegend(ctx, { radius: 4 * Math.SQRT2, pointStyle: item.pointStyle ?? "circle", rotation: item.rotation ?? 0, borderWidth: ctx.lineWidth }, MARKER_PX / 2, MARKER_PX / 2, 0);
  span.style.backgroundImage = `url(${canvas.toDataURL()})`;
  return span;
}

/** What the legend shows, to skip rebuilding it when a live update changed only the data. */
const signature = (items: LegendItem[]): string => JSON.stringify(items.map((i) => [i.datasetIndex, i.text, i.hidden, i.fillStyle, i.strokeStyle, i.lineDash, i.pointStyle]));

export const htmlLegendPlugin: Plugin<"line", HtmlLegendOptions> = {
  id: "wmHtmlLegend",
  afterUpdate(chart: Chart, _args, options) {
    const container = options?.container;
    if (!container) return;
    const labels = chart.options.plugins?.legend?.labels;
    if (!labels?.generateLabels) return;
    const filter = labels.filter;
    const items = labels.generateLabels(chart).filter((item) => !filter || filter(item, chart.data));
    const shown = signature(items);
    if (container.dataset.legend === shown) return;
    container.dataset.legend = shown;
    container.replaceChildren(
      ...items.map((item) => {
        const index = item.datasetIndex;
        const button = h("button", { type: "button", class: "chart-legend-item", "aria-pressed": String(!item.hidden) }, marker(item), h("span", {}, item.text));
        button.addEventListener("click", () => {
          if (index === undefined) return;
          const visible = !chart.isDatasetVisible(index);
          chart.setDatasetVisibility(index, visible);
          // Before the one update: the callback may switch related datasets too (xy-chart.ts).
          // The chart's current options, not those the entry was built with: a live update renews the view.
          chart.config.options?.plugins?.wmHtmlLegend?.onToggle?.(index, visible);
          chart.update();
        });
        return h("li", {}, button);
      }),
    );
    container.hidden = items.length === 0;
  },
};
