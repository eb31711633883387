// 24 h sparklines for the overview cards as inline SVG: cheaper than a canvas chart per card.
import type { SeriesPoint } from "../../../common/api-types.ts";
import { QC } from "../../../common/reading.ts";

const SVG_NS = "http://www.w3.org/2000/svg";

/** SVG path ("M x y L …", breaks at gaps) for points scaled into width × height. Pure. */
export function sparklinePath(
  points: readonly SeriesPoint[],
  from: number,
  to: number,
  width: number,
  height: number,
  pad = 2,
): string {
  const values = points.map((p) => (p.qc === QC.fail && p.n === undefined ? null : p.v));
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0 || to <= from) return "";
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = hi - lo || Math.abs(hi) || 1;
  const x = (t: number) => pad + ((t - from) / (to - from)) * (width - 2 * pad);
  const y = (v: number) => height - pad - ((v - lo) / span) * (height - 2 * pad);
  let d = "";
  let pen = false;
  points.forEach((p, i) => {
    const v = values[i];
    if (v === null || v === undefined) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${x(p.t).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

export function sparkline(points: readonly SeriesPoint[], from: number, to: number, label: string): SVGSVGElement {
  const width = 120;
  const height = 28;
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("class", "sparkline");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", sparklinePath(points, from, to, width, height));
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "1.5");
  path.setAttribute("vector-effect", "non-scaling-stroke");
  svg.appendChild(path);
  return svg;
}
