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

const LINE_PX = 13;

/**
 * `text` in lines no wider than `maxWidth` (as `measure` gives widths), broken at spaces, and
 * between characters within a run wider than a line (Chinese has no spaces between words). A label
 * that fits stays one line.
 */
export function wrapLabel(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  if (measure(text) <= maxWidth) return [text];
  const lines: string[] = [];
  let line = "";
  const add = (piece: string, separator: string) => {
    const next = line ? `${line}${separator}${piece}` : piece;
    if (line && measure(next) > maxWidth) {
      lines.push(line);
      line = piece;
    } else line = next;
  };
  for (const word of text.split(" ")) {
    if (measure(word) <= maxWidth) add(word, " ");
    else [...word].forEach((char, i) => add(char, i === 0 ? " " : ""));
  }
  if (line) lines.push(line);
  return lines;
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
    /** Top of the label drawn last (for a label under its line, as if it were above: keeps the next clear of this line). */
    let lastTop = Number.POSITIVE_INFINITY;
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
      // A label wider than the plot (a phone, a long language) wraps rather than being cut at the left.
      const texts = wrapLabel(line.label, area.right - area.left - 8, (t) => ctx.measureText(t).width);
      const height = texts.length * LINE_PX;
      // Lines come bottom up; a label that would overlap the one below goes under its own line instead.
      const above = lastTop >= py; // its box ends 1 px above its line
      const bottom = above ? py - 2 : py + height;
      ctx.setLineDash([]);
      texts.forEach((text, i) => {
        const ty = bottom - (texts.length - 1 - i) * LINE_PX;
        const width = ctx.measureText(text).width;
        ctx.fillStyle = "rgba(255,255,255,0.85)";
        ctx.fillRect(area.right - width - 6, ty - 12, width + 4, LINE_PX);
        ctx.fillStyle = line.colour;
        ctx.fillText(text, area.right - 4, ty);
      });
      lastTop = above ? bottom + 1 - height : py - height;
    }
    ctx.restore();
  },
};
