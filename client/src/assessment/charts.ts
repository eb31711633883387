// Chart models for the assessment detail and the station page: monthly means with the lines of the
// standards assessed, and daily loads. A monthly mean below its limit is a mark at the limit ("< LOQ",
// Directive 2009/90/EC Art. 5(2)), never a number. Pure (types only from chart.js).
import type { LoadsDto, SeriesResult, StandardResult } from "../../../common/assessment-api.ts";
import type { QualityStandard } from "../../../common/catalog-model.ts";
import type { EffectiveStandard } from "../../../common/standards.ts";
import { line, markers, type LineDataset, type PlotPoint } from "../charts/datasets.ts";
import { CHART_COLOURS } from "../charts/palette.ts";
import { standardLines } from "../charts/standard-lines.ts";
import type { StandardsPluginLine } from "../charts/standards-plugin.ts";

export interface AssessmentChartModel {
  datasets: LineDataset[];
  lines: StandardsPluginLine[];
  suggestedMin: number | undefined;
  suggestedMax: number | undefined;
}

/** The limits the results were held against, as the station page draws standards. */
export function resultStandards(results: readonly StandardResult[], standards: readonly QualityStandard[]): EffectiveStandard[] {
  return results
    .filter((r) => r.limit !== null && standards[r.standard]!.kind !== "watch-list-MDL")
    .map((r) => ({ standard: standards[r.standard]!, limit: r.limit, targetClass: r.gb?.targetClass ?? null, applicable: true }));
}

function top(values: ReadonlyArray<number | null>): number | undefined {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return finite.length === 0 ? undefined : Math.max(...finite);
}

export function monthlyModel(
  series: SeriesResult,
  standards: readonly QualityStandard[],
  factor: number,
  labels: { mean: string; belowLimit: string; line: (kind: string, value: number, targetClass: string | null) => string },
): AssessmentChartModel {
  const means: PlotPoint[] = [];
  const below: PlotPoint[] = [];
  for (const m of series.monthly ?? []) {
    const x = m.from + (m.to - m.from) / 2;
    const mean = m.mean;
    if (mean.reportedBelow !== null && mean.limit !== null) {
      means.push({ x, y: null });
      below.push({ x, y: mean.limit * factor, limit: mean.limit * factor, qualifier: mean.reportedBelow, n: mean.n });
    } else {
      means.push({ x, y: mean.mean === null ? null : mean.mean * factor, n: mean.n });
    }
  }
  const lines = standardLines(resultStandards(series.results, standards), factor).map((l) => ({
    value: l.value,
    colour: l.colour,
    dash: l.dash,
    label: labels.line(l.kind, l.value, l.targetClass),
  }));
  const dataTop = top([...means.map((p) => p.y), ...below.map((p) => p.y)]);
  const lineTop = top(lines.map((l) => l.value));
  return {
    datasets: [line(labels.mean, means, "mean", CHART_COLOURS.value, 3), markers(labels.belowLimit, below, "belowLod", CHART_COLOURS.belowLod, "triangle", 180, false)],
    lines,
    suggestedMin: series.unit.endsWith("/L") ? 0 : undefined,
    suggestedMax: Math.max(dataTop ?? 0, lineTop ?? 0) * 1.1 || undefined,
  };
}

/** Daily loads (g/d) with their bounds (censored values at 0 and at their limit) as a band. */
export function loadsModel(loads: LoadsDto, labels: { load: string; bounds: string }): AssessmentChartModel {
  const load: PlotPoint[] = loads.daily.map((d) => ({ x: d.from + 43_200_000, y: d.load }));
  const upper: PlotPoint[] = loads.daily.filter((d) => d.substituted).map((d) => ({ x: d.from + 43_200_000, y: d.upper, min: d.lower, max: d.upper }));
  const ds = line(labels.load, load, "value", CHART_COLOURS.value, loads.daily.length <= 60 ? 2 : 0);
  return {
    datasets: [ds, markers(labels.bounds, upper, "max", CHART_COLOURS.belowLod, "triangle", 0, false)],
    lines: [],
    suggestedMin: 0,
    suggestedMax: undefined,
  };
}
