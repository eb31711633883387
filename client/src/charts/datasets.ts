// Turns the series of one parameter at one station (one per sensor, the primary first) into Chart.js
// datasets: value or mean line, min/max envelope, censored (<LOD/<LOQ) markers — for aggregates, a
// mean the server reports below its limit (Directive 2009/90/EC Art. 5(2)) is such a marker, never a
// number —, suspect and failed markers, the rolling mean (which names its window and count), further
// sensors as lines of their own, plus the standard lines and y range. Pure (types only from
// chart.js), so it is unit-tested without a canvas.
import type { ChartDataset } from "chart.js";
import type { SeriesPoint, SeriesResponse } from "../../../common/api-types.ts";
import type { Parameter } from "../../../common/catalog-model.ts";
import { QC, type QcFlag, type Qualifier } from "../../../common/reading.ts";
import type { CensoredMean } from "../../../common/statistics/censored-mean.ts";
import type { EffectiveStandard } from "../../../common/standards.ts";
import { rollingMean } from "../stats.ts";
import type { LabMark } from "./lab-overlay.ts";
import { CHART_COLOURS, SERIES_COLOURS } from "./palette.ts";
import { splitByScale, standardLines, type StandardLine } from "./standard-lines.ts";

/** A plotted point; the extra fields feed the tooltip. */
export interface PlotPoint {
  x: number;
  y: number | null;
  qc?: QcFlag;
  /** Censored: "<LOD"/"<LOQ" and the limit (display units). */
  qualifier?: Qualifier;
  limit?: number;
  n?: number;
  min?: number | null;
  max?: number | null;
  /** Markers shared by several series (compare view): which series the point belongs to. */
  series?: string;
  /** A lab result (role "lab"; charts/lab-overlay.ts). */
  lab?: LabMark;
}

export type PointRole =
  | "value"
  | "mean"
  | "min"
  | "max"
  | "belowLod"
  | "suspect"
  | "failed"
  | "rollingMean"
  | "lab"
  | "estimated"
  | "previewRaw"
  | "previewCorrected";

export type LineDataset = ChartDataset<"line", PlotPoint[]> & { role: PointRole };

export interface ChartLabels {
  value: string;
  mean: string;
  min: string;
  max: string;
  belowLod: string;
  suspect: string;
  failed: string;
  /** Points made by an interpolation, not measured (data review). */
  estimated?: string;
  /** The rolling mean's legend, from its latest mean (window and count). */
  rollingMean: (latest: CensoredMean | undefined) => string;
}

/** A further sensor of the same parameter at the station, drawn as a line of its own. */
export interface OtherSensorSeries {
  series: SeriesResponse;
  /** Position among the station's sensors of the parameter (its line style, sensorLineStyle). */
  index: number;
  /** Legend text (make, model, id). */
  label: string;
}

export interface ModelOptions {
  /** Multiply stored values by this to get display units (ng/L → µg/L: 0.001). */
  factor: number;
  showFailed: boolean;
  /** Window of the rolling mean drawn against an applicable AA-EQS; 0 for none. */
  rollingWindowMs: number;
  labels: ChartLabels;
  /** Standards valid for the series (catalog.standardsAt), applicable or not. */
  standards?: readonly EffectiveStandard[];
  /** Keys of reference lines (standards from elsewhere) the reader switched on; off by default. */
  referencesShown?: ReadonlySet<string>;
  /** Legend text of the main sensor, when there are several. */
  sensorLabel?: string;
  /** Position of the main sensor among the station's sensors (default 0: its line is the primary's blue). */
  sensorIndex?: number;
  others?: readonly OtherSensorSeries[];
}

export interface ChartModel {
  datasets: LineDataset[];
  /** Lines drawn on the chart (applicable, and references switched on). */
  standards: StandardLine[];
  /** Drawn lines far above the data, listed instead. */
  offScale: StandardLine[];
  /** Every line of the series, drawn or not (the legend lists and toggles them). */
  lines: StandardLine[];
  suggestedMin: number | undefined;
  suggestedMax: number | undefined;
  /** Points in the main line (≤ the requested width when the server honours it). */
  pointCount: number;
  failedHidden: number;
  lastTime: number | undefined;
}

const MANY_POINTS = 60;

export function buildChartModel(series: SeriesResponse, parameter: Parameter, opts: ModelOptions): ChartModel {
  const f = opts.factor;
  const aggregate = series.resolution === "aggregate";
  const main: PlotPoint[] = [];
  const lows: PlotPoint[] = [];
  const highs: PlotPoint[] = [];
  const belowLod: PlotPoint[] = [];
  const suspect: PlotPoint[] = [];
  const failed: PlotPoint[] = [];
  const estimated: PlotPoint[] = [];
  let failedHidden = 0;

  for (const p of series.points) {
    const qc = p.qc;
    const isFailed = qc === QC.fail;
    if (aggregate) {
      const extra = { qc, n: p.n, min: scale(p.min, f), max: scale(p.max, f) };
      if (p.reportedBelow !== undefined && p.limit !== undefined) {
        // "< LOQ": a mark at the limit, with the mean's count for the tooltip; no number to compare.
        main.push({ x: p.t, y: null });
        belowLod.push({ x: p.t, y: p.limit * f, limit: p.limit * f, qualifier: p.reportedBelow, ...extra });
      } else {
        main.push({ x: p.t, y: scale(p.v, f), ...extra });
      }
      // A mean below its limit has no envelope worth drawing: its min and max are substitutes (LOD/2, LOQ/2).
      const envelope = p.reportedBelow === undefined;
      lows.push({ x: p.t, y: envelope ? scale(p.min ?? p.v, f) : null });
      highs.push({ x: p.t, y: envelope ? scale(p.max ?? p.v, f) : null, min: extra.min, max: extra.max, n: p.n });
      if (qc === QC.suspect && p.v !== null) suspect.push({ x: p.t, y: p.v * f, qc, n: p.n });
      if (isFailed && opts.showFailed && p.v !== null) failed.push({ x: p.t, y: p.v * f, qc, n: p.n });
      continue;
    }
    if (isFailed && !opts.showFailed) {
      failedHidden++;
      continue;
    }
    if (p.v === null) {
      main.push({ x: p.t, y: null });
      if (p.limit !== undefined) belowLod.push({ x: p.t, y: p.limit * f, limit: p.limit * f, qualifier: p.qualifier, qc });
      continue;
    }
    main.push({ x: p.t, y: p.v * f, qc });
    if (p.estimated) estimated.push({ x: p.t, y: p.v * f, qc });
    if (qc === QC.suspect) suspect.push({ x: p.t, y: p.v * f, qc });
    if (isFailed) failed.push({ x: p.t, y: p.v * f, qc });
  }

  const datasets: LineDataset[] = [];
  const L = opts.labels;
  const named = (text: string) => (opts.sensorLabel ? `${text} · ${opts.sensorLabel}` : text);
  if (aggregate) {
    datasets.push(
      band(L.min, lows, "min", false),
      band(L.max, highs, "max", "-1"),
      styled(line(named(L.mean), main, "mean", CHART_COLOURS.value, main.length <= MANY_POINTS ? 1.5 : 0), opts.sensorIndex ?? 0),
    );
  } else {
    datasets.push(styled(line(named(L.value), main, "value", CHART_COLOURS.value, main.length <= MANY_POINTS ? 2 : 0), opts.sensorIndex ?? 0));
  }
  const otherLines = (opts.others ?? []).map((o) => otherSensorDataset(o, f, opts.showFailed, L));
  datasets.push(...otherLines);
  datasets.push(
    markers(L.belowLod, belowLod, "belowLod", CHART_COLOURS.belowLod, "triangle", 180, false),
    markers(L.suspect, suspect, "suspect", CHART_COLOURS.suspect, "rectRot", 0, true),
  );
  // In aggregates a marker flags a whole interval; keep them small so the mean stays readable.
  if (aggregate) for (const ds of datasets) if (ds.role === "suspect" || ds.role === "belowLod") ds.pointRadius = 3;
  if (opts.showFailed) datasets.push(markers(L.failed, failed, "failed", CHART_COLOURS.failed, "crossRot", 0, true));
  // Estimated points: hollow circles on a dashed line, so they never pass for measurements.
  if (estimated.length > 0) {
    const ds = markers(L.estimated ?? "estimated", estimated, "estimated", CHART_COLOURS.estimated, "circle", 0, false);
    ds.showLine = true;
    ds.borderDash = [2, 3];
    datasets.push(ds);
  }

  const hasAaEqs = (opts.standards ?? []).some((s) => s.applicable && s.standard.kind === "AA-EQS");
  if (hasAaEqs && opts.rollingWindowMs > 0) {
    // Failed values never enter a mean (rollingMean leaves them out whether they are shown or not).
    const means = rollingMean(series.points, opts.rollingWindowMs);
    // A mean below its limit is a gap, not a number (Art. 5(2)).
    const data: PlotPoint[] = means.map((m) => ({ x: m.t, y: m.mean.reportedBelow === null && m.mean.mean !== null ? m.mean.mean * f : null, n: m.mean.n }));
    const ds = line(L.rollingMean(means.at(-1)?.mean), data, "rollingMean", CHART_COLOURS.rollingMean, 0);
    ds.borderDash = [3, 3];
    ds.borderWidth = 2;
    datasets.push(ds);
  }

  const { min: dataMin, max: dataMax } = extent([main, lows, highs, belowLod, suspect, failed, ...otherLines.map((d) => d.data)]);
  const lines = standardLines(opts.standards ?? [], f);
  const drawn = lines.filter((l) => l.applicable || opts.referencesShown?.has(l.key));
  const { onScale, offScale } = splitByScale(drawn, dataMin, dataMax);
  const bounds = extent([onScale.map((s) => ({ x: 0, y: s.value }))]);
  const suggestedMin = minOf(dataMin, bounds.min);
  const suggestedMax = maxOf(dataMax, bounds.max);
  return {
    datasets,
    standards: onScale,
    offScale,
    lines,
    // Concentrations start at zero so the eye reads magnitudes honestly; pH and the like do not.
    suggestedMin: parameter.unit.endsWith("/L") && suggestedMin !== undefined ? Math.min(0, suggestedMin) : suggestedMin,
    suggestedMax: suggestedMax === undefined ? undefined : suggestedMax * 1.05,
    pointCount: main.length,
    failedHidden,
    lastTime: series.points.at(-1)?.t,
  };
}

/** Line colour and dash of the i-th sensor of a chart (0: the primary, drawn like a single series). */
export function sensorLineStyle(i: number): { colour: string; dash: number[] } {
  if (i === 0) return { colour: CHART_COLOURS.value, dash: [] };
  // The primary sensor has SERIES_COLOURS[0]'s blue; others take the next colours, dashed.
  return { colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!, dash: [6, 3] };
}

/** A further sensor: its value (or mean) line in a colour and dash of its own; failed raw values stay out. */
/** A sensor's line in its colour and dash. */
function styled(ds: LineDataset, sensorIndex: number): LineDataset {
  const style = sensorLineStyle(sensorIndex);
  ds.borderColor = style.colour;
  ds.backgroundColor = style.colour;
  ds.borderDash = style.dash;
  return ds;
}

function otherSensorDataset(o: OtherSensorSeries, f: number, showFailed: boolean, L: ChartLabels): LineDataset {
  const aggregate = o.series.resolution === "aggregate";
  const data: PlotPoint[] = [];
  for (const p of o.series.points) {
    if (!aggregate && p.qc === QC.fail && !showFailed) continue;
    const censored = aggregate ? p.reportedBelow !== undefined : p.v === null && p.limit !== undefined;
    data.push({ x: p.t, y: censored ? null : scale(p.v, f), qc: p.qc, n: p.n, min: scale(p.min, f), max: scale(p.max, f) });
  }
  const ds = styled(line(`${aggregate ? L.mean : L.value} · ${o.label}`, data, aggregate ? "mean" : "value", CHART_COLOURS.value, data.length <= MANY_POINTS ? 2 : 0), o.index);
  ds.pointStyle = "rect";
  return ds;
}

function scale(v: number | null | undefined, f: number): number | null {
  return v === null || v === undefined ? null : v * f;
}

export function line(label: string, data: PlotPoint[], role: PointRole, colour: string, pointRadius: number): LineDataset {
  return {
    type: "line",
    label,
    role,
    data,
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 1.5,
    pointRadius,
    pointHoverRadius: 4,
    spanGaps: false,
    fill: false,
    tension: 0,
  };
}

function band(label: string, data: PlotPoint[], role: PointRole, fill: false | "-1"): LineDataset {
  return {
    type: "line",
    label,
    role,
    data,
    borderColor: CHART_COLOURS.envelopeBorder,
    backgroundColor: CHART_COLOURS.envelope,
    borderWidth: 0.5,
    pointRadius: 0,
    pointHoverRadius: 0,
    spanGaps: false,
    fill,
    tension: 0,
  };
}

export function markers(
  label: string,
  data: PlotPoint[],
  role: PointRole,
  colour: string,
  pointStyle: "triangle" | "rectRot" | "crossRot" | "circle",
  rotation: number,
  filled: boolean,
): LineDataset {
  return {
    type: "line",
    label,
    role,
    data,
    showLine: false,
    borderColor: colour,
    backgroundColor: filled ? colour : "#ffffff",
    borderWidth: 2,
    pointStyle,
    pointRotation: rotation,
    pointRadius: 5,
    pointHoverRadius: 7,
    fill: false,
  };
}

function extent(groups: ReadonlyArray<ReadonlyArray<{ y: number | null }>>): { min: number | undefined; max: number | undefined } {
  let min: number | undefined;
  let max: number | undefined;
  for (const g of groups) {
    for (const p of g) {
      if (p.y === null || !Number.isFinite(p.y)) continue;
      min = min === undefined ? p.y : Math.min(min, p.y);
      max = max === undefined ? p.y : Math.max(max, p.y);
    }
  }
  return { min, max };
}

function minOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function maxOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/**
 * The preview of a correction before it is saved: the range's readings as stored (grey, dashed) and
 * as they would be corrected (vermillion, with points), drawn over the chart.
 */
export function previewDatasets(preview: { raw: readonly SeriesPoint[]; corrected: readonly SeriesPoint[] }, factor: number, labels: { raw: string; corrected: string }): LineDataset[] {
  const points = (list: readonly SeriesPoint[]) => list.map((p) => ({ x: p.t, y: scale(p.v, factor), qc: p.qc }));
  const raw = line(labels.raw, points(preview.raw), "previewRaw", CHART_COLOURS.previewRaw, 0);
  raw.borderDash = [4, 3];
  const corrected = line(labels.corrected, points(preview.corrected), "previewCorrected", CHART_COLOURS.previewCorrected, 2);
  corrected.borderWidth = 2;
  corrected.pointStyle = "rectRot";
  return [raw, corrected];
}
