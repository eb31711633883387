// One time-series chart (Chart.js) with a time axis in a chosen zone, quality-standard lines,
// tooltips that explain QC and <LOD, and drag-to-zoom. Rendering is fast: no parsing, no
// animation, decimation on.
import type { Chart, ChartConfiguration, TooltipItem } from "chart.js";
import { h } from "../dom.ts";
import type { ApprovalSegment } from "../../../common/review.ts";
import { BAND_GAP_PX } from "./approval-band.ts";
import type { MaintenanceBand } from "./maintenance-band.ts";
import type { LineDataset, PlotPoint, PointRole } from "./datasets.ts";
import { drawChart } from "./setup.ts";
import type { StandardsPluginLine } from "./standards-plugin.ts";

export interface ChartView {
  datasets: LineDataset[];
  from: number;
  to: number;
  /** IANA zone for the axis; undefined = browser local. */
  zone: string | undefined;
  locale: string;
  yTitle: string;
  xTitle: string;
  suggestedMin: number | undefined;
  suggestedMax: number | undefined;
  standards: StandardsPluginLine[];
  /** Tooltip text for one point (several lines as an array). */
  describe: (point: PlotPoint, role: PointRole, label: string) => string | string[];
  ariaLabel: string;
  /** A dataset was switched on or off in the legend (pages keep the choice across re-renders via `hidden`). */
  onLegendToggle?: (dataset: LineDataset, visible: boolean) => void;
  /** Approval levels, drawn as a band under the time axis (data review). */
  approvals?: ApprovalSegment[];
  /** Maintenance windows, shaded across the plot. */
  maintenance?: MaintenanceBand[];
}

const HOUR = 3_600_000;
/** Tick unit by span, so a week shows days rather than a row of bare hours. */
export function timeUnitFor(spanMs: number): "minute" | "hour" | "day" | "month" {
  if (spanMs <= 3 * HOUR) return "minute";
  if (spanMs <= 48 * HOUR) return "hour";
  if (spanMs <= 120 * 24 * HOUR) return "day";
  return "month";
}

// Luxon Intl option objects: each locale orders and spells them its own way.
export const DISPLAY_FORMATS = {
  minute: { hour: "2-digit", minute: "2-digit" },
  hour: { hour: "2-digit", minute: "2-digit" },
  day: { day: "numeric", month: "short" },
  month: { month: "short", year: "numeric" },
} as unknown as Record<string, string>;

export interface SeriesChartOptions {
  onZoom?: (from: number, to: number) => void;
  height?: number;
}

export class SeriesChart {
  readonly element: HTMLElement;
  private readonly box: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private readonly selection: HTMLElement;
  private chart: Chart<"line", PlotPoint[]> | undefined;
  private dragStart: number | undefined;

  constructor(private readonly options: SeriesChartOptions = {}) {
    this.canvas = h("canvas", { role: "img" });
    this.selection = h("div", { class: "chart-selection", hidden: true, "aria-hidden": "true" });
    this.box = h("div", { class: "chart-box", style: `height:${options.height ?? 230}px` }, this.canvas, this.selection);
    this.legend = h("ul", { class: "chart-legend", hidden: true });
    this.element = h("div", { class: "chart" }, this.box, this.legend);
    if (options.onZoom) this.enableDragZoom();
  }

  /** Width of the plotting area in CSS pixels (what the server is asked to fill). */
  plotWidth(): number {
    const area = this.chart?.chartArea;
    if (area) return Math.max(1, Math.floor(area.right - area.left));
    return Math.max(1, Math.floor((this.box.clientWidth || 600) - 70));
  }

  render(view: ChartView): void {
    this.canvas.setAttribute("aria-label", view.ariaLabel);
    this.chart = drawChart(this.canvas, this.chart, this.config(view));
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }

  private config(view: ChartView): ChartConfiguration<"line", PlotPoint[]> {
    return {
      type: "line",
      data: { datasets: view.datasets },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        locale: view.locale,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        scales: {
          x: {
            type: "time",
            min: view.from,
            max: view.to,
            adapters: { date: { zone: view.zone, locale: view.locale } },
            time: { unit: timeUnitFor(view.to - view.from), displayFormats: DISPLAY_FORMATS, tooltipFormat: "DD TT" },
            ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12, padding: view.approvals?.length ? BAND_GAP_PX : 3 },
            title: { display: true, text: view.xTitle, font: { size: 11 } },
          },
          y: {
            suggestedMin: view.suggestedMin,
            suggestedMax: view.suggestedMax,
            title: { display: true, text: view.yTitle },
            ticks: { maxTicksLimit: 7 },
          },
        },
        plugins: {
          decimation: { enabled: true, algorithm: "min-max" },
          // Drawn as HTML under the canvas (html-legend.ts), from these labels.
          legend: {
            display: false,
            labels: {
              usePointStyle: true,
              boxHeight: 8,
              filter: (item, data) => {
                const ds = data.datasets[item.datasetIndex ?? -1] as LineDataset | undefined;
                return !!ds && ds.data.length > 0 && ds.role !== "min";
              },
            },
          },
          tooltip: {
            callbacks: {
              label: (item: TooltipItem<"line">) => {
                const ds = item.dataset as LineDataset;
                return view.describe(item.raw as PlotPoint, ds.role, ds.label ?? "");
              },
            },
            filter: (item) => (item.dataset as LineDataset).role !== "min",
          },
          wmHtmlLegend: { container: this.legend, onToggle: (index, visible) => view.onLegendToggle?.(view.datasets[index]!, visible) },
          wmStandards: { lines: view.standards },
          wmApprovals: { segments: view.approvals ?? [] },
          wmMaintenance: { bands: view.maintenance ?? [] },
        },
      },
    };
  }

  private enableDragZoom(): void {
    const xAt = (e: PointerEvent) => e.clientX - this.canvas.getBoundingClientRect().left;
    this.canvas.addEventListener("pointerdown", (e) => {
      const area = this.chart?.chartArea;
      const x = xAt(e);
      if (!area || x < area.left || x > area.right || e.button !== 0) return;
      this.dragStart = x;
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener("pointermove", (e) => {
      const area = this.chart?.chartArea;
      if (this.dragStart === undefined || !area) return;
      const x = Math.min(area.right, Math.max(area.left, xAt(e)));
      const left = Math.min(x, this.dragStart);
      Object.assign(this.selection.style, {
        left: `${left}px`,
        width: `${Math.abs(x - this.dragStart)}px`,
        top: `${area.top}px`,
        height: `${area.bottom - area.top}px`,
      });
      this.selection.hidden = false;
    });
    const finish = (e: PointerEvent) => {
      const start = this.dragStart;
      this.dragStart = undefined;
      this.selection.hidden = true;
      const chart = this.chart;
      if (start === undefined || !chart) return;
      const end = xAt(e);
      if (Math.abs(end - start) < 8) return;
      const scale = chart.scales.x!;
      const a = scale.getValueForPixel(Math.min(start, end));
      const b = scale.getValueForPixel(Math.max(start, end));
      if (a !== undefined && b !== undefined && b > a) this.options.onZoom?.(a, b);
    };
    this.canvas.addEventListener("pointerup", finish);
    this.canvas.addEventListener("pointercancel", () => {
      this.dragStart = undefined;
      this.selection.hidden = true;
    });
  }
}
