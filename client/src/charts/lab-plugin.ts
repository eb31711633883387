// Chart.js plugin that draws, for every visible lab dataset (role "lab", charts/lab-overlay.ts), what
// Chart.js's points alone do not: a composite sample's bar over its sampling period, the error bar of
// its uncertainty, and a downward tick under a "< LOQ" marker. Clipped to the plot area.
import type { Chart, Plugin } from "chart.js";
import type { LineDataset } from "./datasets.ts";

const TICK_PX = 9;
const CAP_PX = 4;

export const labPlugin: Plugin<"line"> = {
  id: "wmLab",
  afterDatasetsDraw(chart: Chart) {
    const x = chart.scales.x;
    const y = chart.scales.y;
    if (!x || !y) return;
    const area = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    chart.data.datasets.forEach((raw, i) => {
      const ds = raw as unknown as LineDataset;
      if (ds.role !== "lab" || !chart.isDatasetVisible(i)) return;
      ctx.strokeStyle = String(ds.borderColor);
      ctx.setLineDash([]);
      for (const p of ds.data) {
        const mark = p.lab;
        if (!mark || p.y === null) continue;
        const py = y.getPixelForValue(p.y);
        const px = x.getPixelForValue(p.x);
        if (mark.kind !== "grab") {
          // The sampling period, at the result.
          ctx.lineWidth = 3;
          ctx.beginPath();
          ctx.moveTo(x.getPixelForValue(mark.start), py);
          ctx.lineTo(x.getPixelForValue(mark.end), py);
          ctx.stroke();
        }
        ctx.lineWidth = 1.5;
        if (mark.value === null) {
          // Below the LOQ: a tick pointing down from the open marker.
          const top = py + 5;
          ctx.beginPath();
          ctx.moveTo(px, top);
          ctx.lineTo(px, top + TICK_PX);
          ctx.moveTo(px - 3, top + TICK_PX - 3);
          ctx.lineTo(px, top + TICK_PX);
          ctx.lineTo(px + 3, top + TICK_PX - 3);
          ctx.stroke();
        } else if (mark.uncertainty !== null && mark.uncertainty > 0) {
          const lo = y.getPixelForValue(p.y - mark.uncertainty);
          const hi = y.getPixelForValue(p.y + mark.uncertainty);
          ctx.beginPath();
          ctx.moveTo(px, lo);
          ctx.lineTo(px, hi);
          ctx.moveTo(px - CAP_PX, lo);
          ctx.lineTo(px + CAP_PX, lo);
          ctx.moveTo(px - CAP_PX, hi);
          ctx.lineTo(px + CAP_PX, hi);
          ctx.stroke();
        }
      }
    });
    ctx.restore();
  },
};
