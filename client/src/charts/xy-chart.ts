// A Chart.js chart of x–y datasets (charts/validation-charts.ts) on linear axes, or with a time x axis:
// the sensor validation's scatter, Bland–Altman and drift figures. No animation, tooltips per pair;
// the legend is HTML under the canvas (html-legend.ts), so long entries wrap on a phone.
import type { Chart, ChartConfiguration, TooltipItem } from "chart.js";
import { h } from "../dom.ts";
import { DISPLAY_FORMATS, timeUnitFor } from "./series-chart.ts";
import { drawChart } from "./setup.ts";
import type { XYDataset, XYPoint } from "./validation-charts.ts";

export interface XYView {
  datasets: XYDataset[];
  xTitle: string;
  yTitle: string;
  /** A time axis (epoch ms) in this zone (undefined: the browser's), else linear. */
  time?: { zone: string | undefined };
  locale: string;
  /** Start both axes at 0 and keep them equal (sensor vs lab). */
  square?: { max: number };
  /** The y axis spans at least this much (agreeing pairs would otherwise zoom into rounding noise). */
  minYSpan?: number;
  describe(point: XYPoint, dataset: XYDataset): string | string[];
  ariaLabel: string;
}

export class XYChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private chart: Chart<"line", XYPoint[]> | undefined;

  constructor(height = 320) {
    this.canvas = h("canvas", { role: "img" });
    this.legend = h("ul", { class: "chart-legend", hidden: true });
    this.element = h("div", { class: "chart" }, h("div", { class: "chart-box", style: `height:${height}px` }, this.canvas), this.legend);
  }

  render(view: XYView): void {
    this.canvas.setAttribute("aria-label", view.ariaLabel);
    this.chart = drawChart(this.canvas, this.chart, this.config(view));
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }

  /** The other datasets of the entry's label, switched with it (the legend updates the chart after). */
  private toggleLabel(index: number, visible: boolean): void {
    const chart = this.chart;
    if (!chart) return;
    const label = chart.data.datasets[index]?.label;
    chart.data.datasets.forEach((d, i) => {
      if (i !== index && d.label === label) chart.setDatasetVisibility(i, visible);
    });
  }

  private config(view: XYView): ChartConfiguration<"line", XYPoint[]> {
    const xs = view.datasets.flatMap((d) => d.data.map((p) => p.x));
    const span = xs.length > 0 ? Math.max(...xs) - Math.min(...xs) : 0;
    const x = view.time
      ? {
          type: "time" as const,
          adapters: { date: { zone: view.time.zone, locale: view.locale } },
          time: { unit: timeUnitFor(span), displayFormats: DISPLAY_FORMATS, tooltipFormat: "DD" },
          ticks: { maxRotation: 0, autoSkipPadding: 12 },
        }
      : { type: "linear" as const, ...(view.square ? { min: 0, max: view.square.max } : {}) };
    const y = view.square ? { min: 0, max: view.square.max } : yRange(view.datasets, view.minYSpan ?? 0);
    return {
      type: "line",
      data: { datasets: view.datasets as ChartConfiguration<"line", XYPoint[]>["data"]["datasets"] },
      options: {
        animation: false,
        parsing: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: view.locale,
        interaction: { mode: "nearest", intersect: true },
        scales: {
          x: { ...x, title: { display: true, text: view.xTitle } },
          y: { type: "linear", ...y, title: { display: true, text: view.yTitle }, ticks: { maxTicksLimit: 8 } },
        },
        plugins: {
          decimation: { enabled: false },
          legend: {
            display: false,
            labels: {
              usePointStyle: true,
              boxHeight: 8,
              // The two limits of agreement share one legend entry.
              filter: (item, data) => data.datasets.findIndex((d) => d.label === item.text) === item.datasetIndex && (data.datasets[item.datasetIndex ?? 0]?.data.length ?? 0) > 0,
            },
          },
          // An entry shared by datasets of one label (the two limits of agreement) switches them all.
          wmHtmlLegend: { container: this.legend, onToggle: (index, visible) => this.toggleLabel(index, visible) },
          tooltip: {
            filter: (item) => (item.dataset as unknown as XYDataset).kind !== "line",
            callbacks: {
              label: (item: TooltipItem<"line">) => view.describe(item.raw as XYPoint, item.dataset as unknown as XYDataset),
            },
          },
        },
      },
    };
  }
}

/** Suggested y bounds that span at least `minSpan` around the data's middle; none when the data spans more. */
function yRange(datasets: readonly XYDataset[], minSpan: number): { suggestedMin?: number; suggestedMax?: number } {
  const ys = datasets.flatMap((d) => d.data.map((p) => p.y));
  if (ys.length === 0 || minSpan <= 0) return {};
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  if (hi - lo >= minSpan) return {};
  const mid = (lo + hi) / 2;
  return { suggestedMin: mid - minSpan / 2, suggestedMax: mid + minSpan / 2 };
}
