// Lab results as a series of their own on the station and compare charts. Pure (types only from
// chart.js), unit-tested without a canvas; charts/lab-plugin.ts draws what a point alone cannot:
// - a composite sample: a horizontal bar over its sampling period at its value (the point sits at the
//   period's middle, so the tooltip finds it);
// - a grab sample: a point;
// - error bars from the expanded uncertainty (k = 2), ± U;
// - "< LOQ": an open marker at the LOQ with a downward tick (the value lies somewhere below).
import type { LabResultInfo } from "../../../common/lab.ts";
import type { LineDataset, PlotPoint } from "./datasets.ts";
import { OKABE_ITO } from "./palette.ts";

/** What a lab point carries for the plugin and the tooltip; values in display units. */
export interface LabMark {
  sampleId: string;
  laboratory: string;
  method: string | null;
  kind: LabResultInfo["sample"]["kind"];
  station: string;
  start: number;
  end: number;
  /** The result, or null when below the LOQ. */
  value: number | null;
  loq: number | null;
  /** Expanded uncertainty as an absolute amount (display units), and as reported. */
  uncertainty: number | null;
  uncertaintyText: string | null;
  revision: number;
}

/** Black: the sensors' lines take the blue and vermillion of the palette, and the lab is the reference. */
export const LAB_COLOUR = OKABE_ITO.black;

export interface LabDatasetOptions {
  /** Stored units → display units (ng/L → µg/L: 0.001). */
  factor: number;
  label: string;
  colour?: string;
  /** Hidden until the reader switches it on in the legend. */
  hidden?: boolean;
  /** How an uncertainty reads ("15 %", "2 ng/L"). */
  uncertaintyText: (r: LabResultInfo) => string | null;
}

/** The absolute expanded uncertainty of a result in its unit, or null. */
export function absoluteUncertainty(r: Pick<LabResultInfo, "value" | "uncertainty">): number | null {
  if (r.uncertainty === null || r.value === null) return null;
  return r.uncertainty.kind === "absolute" ? r.uncertainty.value : (r.uncertainty.value / 100) * r.value;
}

export function labMark(r: LabResultInfo, factor: number, uncertaintyText: string | null): LabMark {
  const u = absoluteUncertainty(r);
  return {
    sampleId: r.sample.sampleId,
    laboratory: r.sample.laboratory,
    method: r.sample.method,
    kind: r.sample.kind,
    station: r.sample.station,
    start: r.sample.start,
    end: r.sample.end,
    value: r.value === null ? null : r.value * factor,
    loq: r.loq === null ? null : r.loq * factor,
    uncertainty: u === null ? null : u * factor,
    uncertaintyText,
    revision: r.revision,
  };
}

/** The lab results of one station and parameter as one dataset (role "lab"). */
export function labDataset(results: readonly LabResultInfo[], opts: LabDatasetOptions): LineDataset {
  const colour = opts.colour ?? LAB_COLOUR;
  const data: PlotPoint[] = [];
  const styles: string[] = [];
  const fills: string[] = [];
  for (const r of results) {
    const mark = labMark(r, opts.factor, opts.uncertaintyText(r));
    const y = mark.value ?? mark.loq;
    if (y === null) continue;
    const grab = mark.kind === "grab";
    data.push({ x: grab ? mark.start : (mark.start + mark.end) / 2, y, lab: mark });
    styles.push(grab ? "circle" : "rect");
    // "< LOQ": an open marker (white inside), never a filled one that reads as a measured value.
    fills.push(mark.value === null ? "#ffffff" : colour);
  }
  return {
    type: "line",
    label: opts.label,
    role: "lab",
    data,
    showLine: false,
    hidden: opts.hidden ?? false,
    borderColor: colour,
    backgroundColor: colour,
    pointBackgroundColor: fills,
    pointStyle: styles as LineDataset["pointStyle"],
    pointRadius: 5,
    pointHoverRadius: 7,
    pointBorderWidth: 2,
    fill: false,
  };
}

/** Lowest and highest y the lab marks reach, error bars included (for the y axis). */
export function labExtent(ds: LineDataset | undefined): { min: number | undefined; max: number | undefined } {
  let min: number | undefined;
  let max: number | undefined;
  for (const p of ds?.data ?? []) {
    const mark = p.lab;
    if (!mark || p.y === null) continue;
    const lo = p.y - (mark.uncertainty ?? 0);
    const hi = p.y + (mark.uncertainty ?? 0);
    min = min === undefined ? lo : Math.min(min, lo);
    max = max === undefined ? hi : Math.max(max, hi);
  }
  return { min, max };
}
