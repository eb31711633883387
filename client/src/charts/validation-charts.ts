// The sensor validation's figures as Chart.js datasets, pure (unit-tested without a canvas):
// - sensor vs lab: the pairs in the statistics as filled points, the others where they can be placed
//   (a "< LOQ" lab result at its LOQ, a sensor mean below its limit at that limit) as open markers;
//   the 1:1 line, the Passing–Bablok line (the one the page names) and the Deming line;
// - Bland–Altman (Bland & Altman 1986): difference against the mean of the two, with the mean
//   difference and the 95 % limits of agreement, in the unit or in % of the lab value;
// - the relative difference over time with its Theil–Sen trend, so drift is visible.
import { MONTH_MS, type SensorValidation, type ValidationPair } from "../../../common/lab-validation.ts";
import { OKABE_ITO } from "./palette.ts";

export interface XYPoint {
  x: number;
  y: number;
  /** Index into the validation's pairs, for the tooltip. */
  pair?: number;
}

export interface XYDataset {
  type: "line";
  label: string;
  /** "pairs": points with a tooltip; "excluded": pairs outside the statistics; "line": a fitted or reference line. */
  kind: "pairs" | "excluded" | "line";
  data: XYPoint[];
  showLine: boolean;
  borderColor: string;
  backgroundColor: string;
  borderDash?: number[];
  borderWidth: number;
  pointRadius: number;
  pointHoverRadius: number;
  pointStyle?: "circle" | "triangle" | "crossRot" | "rectRot";
  fill: false;
}

export const VALIDATION_COLOURS = {
  pairs: OKABE_ITO.blue,
  excluded: "#8a8f98",
  identity: "#555555",
  passingBablok: OKABE_ITO.vermillion,
  deming: OKABE_ITO.bluishGreen,
  limits: OKABE_ITO.reddishPurple,
} as const;

export interface ValidationLabels {
  pairs: string;
  excluded: string;
  identity: string;
  passingBablok: string;
  deming: string;
  meanDifference: string;
  limitsOfAgreement: string;
  trend: string;
  zero: string;
}

function points(label: string, data: XYPoint[], kind: "pairs" | "excluded", style: XYDataset["pointStyle"], colour: string, open: boolean): XYDataset {
  return { type: "line", label, kind, data, showLine: false, borderColor: colour, backgroundColor: open ? "#ffffff" : colour, borderWidth: 1.5, pointRadius: 4, pointHoverRadius: 6, pointStyle: style, fill: false };
}

function line(label: string, from: XYPoint, to: XYPoint, colour: string, dash: number[] = []): XYDataset {
  return { type: "line", label, kind: "line", data: [from, to], showLine: true, borderColor: colour, backgroundColor: colour, borderDash: dash, borderWidth: 2, pointRadius: 0, pointHoverRadius: 0, fill: false };
}

/** Where an excluded pair can be placed: its numbers, or a censored side at its limit; null when one side has nothing. */
export function placedPair(p: ValidationPair): { x: number; y: number } | null {
  const x = p.labValue ?? p.lab.limit;
  const y = p.sensor.value ?? p.sensor.limit;
  return x === null || y === null ? null : { x, y };
}

/** The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ at or above `v` (an axis end that reads well); 1 for nothing. */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * p >= v * (1 - 1e-12)) ?? 10) * p;
}

export interface ScatterModel {
  datasets: XYDataset[];
  max: number;
}

export function scatterDatasets(v: SensorValidation, factor: number, labels: ValidationLabels): ScatterModel {
  const used: XYPoint[] = [];
  const excluded: XYPoint[] = [];
  v.pairs.forEach((p, i) => {
    const at = placedPair(p);
    if (!at) return;
    (p.excluded === null ? used : excluded).push({ x: at.x * factor, y: at.y * factor, pair: i });
  });
  const highest = Math.max(0, ...used.map((p) => Math.max(p.x, p.y)), ...excluded.map((p) => Math.max(p.x, p.y)));
  const max = niceCeil(highest * 1.05);
  const datasets = [points(labels.pairs, used, "pairs", "circle", VALIDATION_COLOURS.pairs, false), points(labels.excluded, excluded, "excluded", "triangle", VALIDATION_COLOURS.excluded, true)];
  datasets.push(line(labels.identity, { x: 0, y: 0 }, { x: max, y: max }, VALIDATION_COLOURS.identity, [4, 4]));
  const pb = v.regression.passingBablok;
  // Intercepts are in the parameter's unit: scaled like the axes.
  if (pb.status === "ok") datasets.push(line(labels.passingBablok, { x: 0, y: pb.intercept * factor }, { x: max, y: pb.intercept * factor + pb.slope * max }, VALIDATION_COLOURS.passingBablok));
  const dm = v.regression.deming;
  if (dm.status === "ok") datasets.push(line(labels.deming, { x: 0, y: dm.intercept * factor }, { x: max, y: dm.intercept * factor + dm.slope * max }, VALIDATION_COLOURS.deming, [2, 3]));
  return { datasets, max };
}

export function blandAltmanDatasets(v: SensorValidation, scale: "absolute" | "relative", factor: number, labels: ValidationLabels): XYDataset[] {
  const f = scale === "absolute" ? factor : 1;
  const used: XYPoint[] = [];
  v.pairs.forEach((p, i) => {
    if (p.excluded !== null || p.average === null) return;
    const d = scale === "absolute" ? p.difference : p.relativeDifferencePercent;
    if (d !== null) used.push({ x: p.average * factor, y: d * f, pair: i });
  });
  const datasets = [points(labels.pairs, used, "pairs", "circle", VALIDATION_COLOURS.pairs, false)];
  const a = v.agreement;
  if (a.status !== "ok" || used.length === 0) return datasets;
  const ba = scale === "absolute" ? a.blandAltman : a.relativeBlandAltman;
  if (ba.status !== "ok") return datasets;
  const x0 = Math.min(...used.map((p) => p.x));
  const x1 = Math.max(...used.map((p) => p.x));
  const across = (label: string, y: number, colour: string, dash: number[] = []) => line(label, { x: x0, y: y * f }, { x: x1, y: y * f }, colour, dash);
  datasets.push(
    across(labels.meanDifference, ba.meanDifference, VALIDATION_COLOURS.passingBablok),
    across(labels.limitsOfAgreement, ba.upperLimit, VALIDATION_COLOURS.limits, [6, 4]),
    across(labels.limitsOfAgreement, ba.lowerLimit, VALIDATION_COLOURS.limits, [6, 4]),
  );
  return datasets;
}

export function driftDatasets(v: SensorValidation, labels: ValidationLabels): XYDataset[] {
  const used: XYPoint[] = [];
  v.pairs.forEach((p, i) => {
    if (p.excluded === null && p.relativeDifferencePercent !== null) used.push({ x: p.time, y: p.relativeDifferencePercent, pair: i });
  });
  const datasets = [points(labels.pairs, used, "pairs", "circle", VALIDATION_COLOURS.pairs, false)];
  if (used.length === 0) return datasets;
  const t0 = Math.min(...used.map((p) => p.x));
  const t1 = Math.max(...used.map((p) => p.x));
  datasets.push(line(labels.zero, { x: t0, y: 0 }, { x: t1, y: 0 }, VALIDATION_COLOURS.identity, [4, 4]));
  const d = v.drift;
  if (d.status === "ok") {
    const at = (t: number) => d.interceptPercent + d.slopePercentPerMonth * ((t - d.origin) / MONTH_MS);
    datasets.push(line(labels.trend, { x: t0, y: at(t0) }, { x: t1, y: at(t1) }, VALIDATION_COLOURS.passingBablok));
  }
  return datasets;
}
