// Chart.js plugin that draws horizontal quality-standard lines across the plot, each labelled with
// its kind, value and source key. Lines outside the y range are not drawn (the HTML legend lists
// them as off scale).
import type { Chart, Plugin } from "chart.js";

export interface StandardsPluginLine {
  value: number;
  colour: string;
  dash: number[];
  label: string;
}

export interface StandardsPluginOptions {
  lines: StandardsPluginLine[];
}

declare module "chart.js" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match chart.js's declaration
  interface PluginOptionsByType<TType> {
    wmStandards?: StandardsPluginOptions;
  }
}

export const standardsPlugin: Plugin<"line", StandardsPluginOptions> = {
  id: "wmStandards",
  afterDatasetsDraw(chart: Chart, _args, options) {
    const lines = options?.lines ?? [];
    const area = chart.chartArea;
    const y = chart.scales.y;
    if (!y || lines.length === 0) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.font = `11px ${chart.options.font?.family ?? "sans-serif"}`;
    ctx.textAlign = "right";
    ctx.textBaseline = "bottom";
    let lastLabelY = Number.POSITIVE_INFINITY;
    for (const line of [...lines].sort((a, b) => a.value - b.value)) {
      const py = y.getPixelForValue(line.value);
      if (!Number.isFinite(py) || py < area.top - 0.5 || py > area.bottom + 0.5) continue;
      ctx.strokeStyle = line.colour;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(line.dash);
      ctx.beginPath();
      ctx.moveTo(area.left, py);
      ctx.lineTo(area.right, py);
      ctx.stroke();
      // Labels of close lines would overlap: put the next one below its line instead.
      const above = lastLabelY - py > 14;
      const ty = above ? py - 2 : py + 13;
      const width = ctx.measureText(line.label).width;
      ctx.setLineDash([]);
      ctx.fillStyle = "rgba(255,255,255,0.85)";
      ctx.fillRect(area.right - width - 6, ty - 12, width + 4, 13);
      ctx.fillStyle = line.colour;
      ctx.fillText(line.label, area.right - 4, ty);
      lastLabelY = above ? py : py - 14;
    }
    ctx.restore();
  },
};
