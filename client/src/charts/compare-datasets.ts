// Datasets for the compare view: one line per series (mean for aggregates), each with its own
// colour AND dash pattern, optionally normalised to 0–1 so different magnitudes share an axis, and
// QC-suspect values (or intervals holding one) marked as on the station page — so a suspect spike
// does not read as a spill. Failed values never enter; censored values and means below their limit
// are gaps (never 0, never a number). Pure.
import type { SeriesPoint } from "../../../common/api-types.ts";
import type { LineDataset, PlotPoint } from "./datasets.ts";
import { CHART_COLOURS, SERIES_COLOURS } from "./palette.ts";
import { QC } from "../../../common/reading.ts";

const DASHES: number[][] = [[], [8, 4], [2, 3], [12, 3, 2, 3], [4, 4], [1, 2]];

export interface CompareSeries {
  label: string;
  points: readonly SeriesPoint[];
  /** Display factor (ng/L → µg/L). */
  factor: number;
}

/** Min–max scaling to 0..1 (a constant series maps to 0.5). Pure. */
export function normalise(values: ReadonlyArray<number | null>): Array<number | null> {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return values.map(() => null);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return values.map((v) => (v === null ? null : hi === lo ? 0.5 : (v - lo) / (hi - lo)));
}

export interface CompareLabels {
  /** Legend text of the suspect markers (one entry for every series). */
  suspect: string;
}

export function buildCompareDatasets(series: readonly CompareSeries[], normalised: boolean, labels: CompareLabels): LineDataset[] {
  const suspect: PlotPoint[] = [];
  const lines = series.map((s, i): LineDataset => {
    // Failed raw values never enter compare lines; below-LOD values and means below the limit are gaps.
    const kept = s.points.filter((p) => p.n !== undefined || p.qc !== QC.fail);
    const values = kept.map((p) => (p.v === null || p.reportedBelow !== undefined ? null : p.v * s.factor));
    const ys = normalised ? normalise(values) : values;
    const data: PlotPoint[] = kept.map((p, j) => ({ x: p.t, y: ys[j] ?? null, qc: p.qc, n: p.n }));
    for (const p of data) if (p.qc === QC.suspect && p.y !== null) suspect.push({ ...p, series: s.label });
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length]!;
    return {
      type: "line",
      label: s.label,
      role: "value",
      data,
      borderColor: colour,
      backgroundColor: colour,
      borderDash: DASHES[i % DASHES.length],
      borderWidth: 2,
      pointRadius: data.length <= 40 ? 2 : 0,
      pointStyle: (["circle", "rect", "triangle", "rectRot", "star", "cross"] as const)[i % 6],
      pointHoverRadius: 4,
      spanGaps: false,
      fill: false,
      tension: 0,
    };
  });
  const markers: LineDataset = {
    type: "line",
    label: labels.suspect,
    role: "suspect",
    data: suspect.sort((a, b) => a.x - b.x),
    showLine: false,
    borderColor: CHART_COLOURS.suspect,
    backgroundColor: CHART_COLOURS.suspect,
    borderWidth: 2,
    pointStyle: "rectRot",
    pointRadius: 4,
    pointHoverRadius: 6,
    fill: false,
  };
  return [...lines, markers];
}
