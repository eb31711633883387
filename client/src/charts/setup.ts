// Registers only the Chart.js pieces we use (keeps the bundle small) and the luxon date adapter,
// which draws the time axis in any IANA zone.
import {
  Chart,
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
import { standardsPlugin } from "./standards-plugin.ts";

let registered = false;

export function registerCharts(): typeof Chart {
  if (!registered) {
    Chart.register(LineController, LineElement, PointElement, LinearScale, TimeScale, Filler, Legend, Tooltip, Decimation, standardsPlugin, labPlugin);
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily || "system-ui, sans-serif";
    Chart.defaults.color = "#222";
    registered = true;
  }
  return Chart;
}
