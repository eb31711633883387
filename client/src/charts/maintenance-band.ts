// Chart.js plugin shading maintenance windows across the plot: a light grey fill with diagonal
// hatching (a pattern as well as a colour: palette.ts, never colour alone) behind the data, labelled
// at its top where it is wide enough. The panel states the same windows in text below the chart.
import type { Chart, Plugin } from "chart.js";

export interface MaintenanceBand {
  from: number;
  to: number;
  label: string;
}

export interface MaintenanceBandOptions {
  bands: MaintenanceBand[];
}

declare module "chart.js" {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must match chart.js's declaration
  interface PluginOptionsByType<TType> {
    wmMaintenance?: MaintenanceBandOptions;
  }
}

const FILL = "rgba(120, 120, 120, 0.14)";
const HATCH = "rgba(90, 90, 90, 0.45)";
const EDGE = "rgba(90, 90, 90, 0.6)";
const HATCH_PX = 8;

let hatch: CanvasPattern | null | undefined;

/** Diagonal stripes, made once per page. */
function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | null {
  if (hatch !== undefined) return hatch;
  const tile = document.createElement("canvas");
  tile.width = HATCH_PX;
  tile.height = HATCH_PX;
  const t = tile.getContext("2d");
  if (!t) return (hatch = null);
  t.strokeStyle = HATCH;
  t.lineWidth = 1;
  t.beginPath();
  t.moveTo(0, HATCH_PX);
  t.lineTo(HATCH_PX, 0);
  t.moveTo(-HATCH_PX / 2, HATCH_PX / 2);
  t.lineTo(HATCH_PX / 2, -HATCH_PX / 2);
  t.moveTo(HATCH_PX / 2, HATCH_PX * 1.5);
  t.lineTo(HATCH_PX * 1.5, HATCH_PX / 2);
  t.stroke();
  return (hatch = ctx.createPattern(tile, "repeat"));
}

/** The pixel span of each band on the x axis, clipped to the plot; bands outside it are left out. */
export function bandSpans(bands: readonly MaintenanceBand[], toPixel: (t: number) => number, left: number, right: number): Array<{ left: number; right: number; label: string }> {
  const out: Array<{ left: number; right: number; label: string }> = [];
  for (const b of bands) {
    const l = Math.max(left, toPixel(b.from));
    const r = Math.min(right, toPixel(b.to));
    if (r > l) out.push({ left: l, right: r, label: b.label });
  }
  return out;
}

export const maintenanceBandPlugin: Plugin<"line", MaintenanceBandOptions> = {
  id: "wmMaintenance",
  beforeDatasetsDraw(chart: Chart, _args, options) {
    const bands = options?.bands ?? [];
    const x = chart.scales.x;
    if (!x || bands.length === 0) return;
    const area = chart.chartArea;
    const ctx = chart.ctx;
    const pattern = hatchPattern(ctx);
    ctx.save();
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "top";
    for (const s of bandSpans(bands, (t) => x.getPixelForValue(t), area.left, area.right)) {
      const width = s.right - s.left;
      ctx.fillStyle = FILL;
      ctx.fillRect(s.left, area.top, width, area.bottom - area.top);
      if (pattern) {
        ctx.fillStyle = pattern;
        ctx.fillRect(s.left, area.top, width, area.bottom - area.top);
      }
      ctx.strokeStyle = EDGE;
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(s.left + 0.5, area.top);
      ctx.lineTo(s.left + 0.5, area.bottom);
      ctx.moveTo(s.right - 0.5, area.top);
      ctx.lineTo(s.right - 0.5, area.bottom);
      ctx.stroke();
      const text = ctx.measureText(s.label).width;
      if (text + 8 <= width) {
        ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
        ctx.fillRect(s.left + 3, area.top + 3, text + 4, 14);
        ctx.fillStyle = "#333333";
        ctx.fillText(s.label, s.left + 5, area.top + 5);
      }
    }
    ctx.restore();
  },
};
