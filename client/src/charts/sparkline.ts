// 24 h sparklines for the overview cards as inline SVG: cheaper than a canvas chart per card. QC
// marks as far as the size allows: a suspect value (QC 3) as an open diamond, a failed one (QC 4,
// never part of the line) as a cross at the edge it lies beyond — so a suspect spike does not read as
// a spill. Means below their limit ("< LOQ") are gaps, not numbers.
import type { SeriesPoint } from "../../../common/api-types.ts";
import { QC } from "../../../common/reading.ts";
import { CHART_COLOURS } from "./palette.ts";
import { svg as svgEl } from "../dom.ts";

const WIDTH = 120;
const HEIGHT = 28;

/** The value a point draws at in the line, or null (failed raw value, censored value, mean below its limit). */
function lineValue(p: SeriesPoint): number | null {
  if (p.qc === QC.fail && p.n === undefined) return null;
  if (p.reportedBelow !== undefined) return null;
  return p.v;
}

interface Scale {
  x(t: number): number;
  y(v: number): number;
}

function scaleFor(points: readonly SeriesPoint[], from: number, to: number, width: number, height: number, pad: number): Scale | undefined {
  const finite = points.map(lineValue).filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0 || to <= from) return undefined;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || Math.abs(hi) || 1;
  const clamp = (y: number) => Math.min(height - pad, Math.max(pad, y));
  return {
    x: (t) => pad + ((t - from) / (to - from)) * (width - 2 * pad),
    y: (v) => clamp(height - pad - ((v - lo) / span) * (height - 2 * pad)),
  };
}

/** SVG path ("M x y L …", breaks at gaps) for points scaled into width × height. Pure. */
export function sparklinePath(points: readonly SeriesPoint[], from: number, to: number, width: number, height: number, pad = 2): string {
  const scale = scaleFor(points, from, to, width, height, pad);
  if (!scale) return "";
  let d = "";
  let pen = false;
  for (const p of points) {
    const v = lineValue(p);
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${scale.x(p.t).toFixed(1)} ${scale.y(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

export interface SparkMark {
  x: number;
  y: number;
  qc: typeof QC.suspect | typeof QC.fail;
}

/** Where the suspect and failed points go (a failed value beyond the scale sits at the edge). Pure. */
export function sparklineMarks(points: readonly SeriesPoint[], from: number, to: number, width: number, height: number, pad = 2): SparkMark[] {
  const scale = scaleFor(points, from, to, width, height, pad);
  if (!scale) return [];
  const marks: SparkMark[] = [];
  for (const p of points) {
    if (p.qc !== QC.suspect && p.qc !== QC.fail) continue;
    const v = p.v ?? p.max ?? null;
    if (v === null) continue;
    marks.push({ x: scale.x(p.t), y: scale.y(v), qc: p.qc });
  }
  return marks;
}

/** The sparkline; `label` is its accessible name and tooltip (what it shows, and its mean). */
export function sparkline(points: readonly SeriesPoint[], from: number, to: number, label: string): SVGSVGElement {
  const svg = svgEl("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: "none", class: "sparkline", role: "img", "aria-label": label });
  svg.appendChild(svgEl("title", {})).textContent = label;
  svg.appendChild(
    svgEl("path", { d: sparklinePath(points, from, to, WIDTH, HEIGHT), fill: "none", stroke: "currentColor", "stroke-width": "1.5", "vector-effect": "non-scaling-stroke" }),
  );
  const marks = sparklineMarks(points, from, to, WIDTH, HEIGHT);
  for (const m of marks) {
    const s = 2.2;
    const d = m.qc === QC.suspect ? `M${m.x} ${m.y - s}L${m.x + s} ${m.y}L${m.x} ${m.y + s}L${m.x - s} ${m.y}Z` : `M${m.x - s} ${m.y - s}L${m.x + s} ${m.y + s}M${m.x - s} ${m.y + s}L${m.x + s} ${m.y - s}`;
    const colour = m.qc === QC.suspect ? CHART_COLOURS.suspect : CHART_COLOURS.failed;
    svg.appendChild(
      svgEl("path", {
        d,
        class: `spark-qc spark-qc-${m.qc}`,
        "data-qc": String(m.qc),
        fill: m.qc === QC.suspect ? "#ffffff" : "none",
        stroke: colour,
        "stroke-width": "1.2",
        "vector-effect": "non-scaling-stroke",
      }),
    );
  }
  svg.dataset.qcMarks = String(marks.length);
  return svg;
}
