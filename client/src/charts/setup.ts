// Registers only the Chart.js pieces we use (keeps the bundle small) and the luxon date adapter,
// which draws the time axis in any IANA zone.
import {
  Chart,
  type ChartConfiguration,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  TimeScale,
  Tooltip,
} from "chart.js";
import "chartjs-adapter-luxon";
import { labPlugin } from "./lab-plugin.ts";
import { approvalBandPlugin } from "./approval-band.ts";
import { maintenanceBandPlugin } from "./maintenance-band.ts";
import { standardsPlugin } from "./standards-plugin.ts";
import { htmlLegendPlugin } from "./html-legend.ts";

let registered = false;

/**
 * Draws `config` on `canvas`: a new chart the first time, afterwards the same chart with the new data
 * and options, without animation (re-renders follow live data and must not flicker).
 */
export function drawChart<TData>(canvas: HTMLCanvasElement, chart: Chart<"line", TData[]> | undefined, config: ChartConfiguration<"line", TData[]>): Chart<"line", TData[]> {
  if (!chart) {
    const ChartCtor = registerCharts();
    return new ChartCtor(canvas, config) as Chart<"line", TData[]>;
  }
  chart.data = config.data;
  chart.options = config.options ?? {};
  chart.update("none");
  return chart;
}

export function registerCharts(): typeof Chart {
  if (!registered) {
    Chart.register(LineController, LineElement, PointElement, LinearScale, TimeScale, Filler, Legend, Tooltip, Decimation, standardsPlugin, labPlugin, approvalBandPlugin, maintenanceBandPlugin, htmlLegendPlugin);
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily || "system-ui, sans-serif";
    Chart.defaults.color = "#222";
    registered = true;
  }
  return Chart;
}
