// Quality-standard lines for a parameter: one line per (kind, value), listing every source that sets
// it, e.g. diclofenac AA-EQS 50 ng/L (DE-UBA-proposal, CH-GSchV). Pure.
import type { Parameter, StandardKind } from "../../../common/catalog.ts";
import { CHART_COLOURS } from "./palette.ts";

export interface StandardLine {
  kind: StandardKind;
  /** "min" or "max" side of a range standard, else the kind's own meaning. */
  bound?: "min" | "max";
  /** In display units. */
  value: number;
  sources: string[];
  colour: string;
  dash: number[];
  /** Watch-list detection limits: a method requirement, shown for reference only. */
  reference: boolean;
}

const STYLE: Record<StandardKind, { colour: string; dash: number[] }> = {
  "AA-EQS": { colour: CHART_COLOURS.standard, dash: [8, 4] },
  "MAC-EQS": { colour: CHART_COLOURS.standard, dash: [] },
  range: { colour: CHART_COLOURS.range, dash: [10, 3, 2, 3] },
  min: { colour: CHART_COLOURS.range, dash: [10, 3, 2, 3] },
  max: { colour: CHART_COLOURS.range, dash: [10, 3, 2, 3] },
  "watch-list-MDL": { colour: CHART_COLOURS.reference, dash: [2, 3] },
};

export function standardLines(parameter: Parameter, factor: number): StandardLine[] {
  const byKey = new Map<string, StandardLine>();
  const add = (kind: StandardKind, value: number | undefined, source: string, bound?: "min" | "max") => {
    if (value === undefined) return;
    const key = `${kind}|${bound ?? ""}|${value}`;
    const existing = byKey.get(key);
    if (existing) {
      if (!existing.sources.includes(source)) existing.sources.push(source);
      return;
    }
    const style = STYLE[kind];
    byKey.set(key, {
      kind,
      bound,
      value: value * factor,
      sources: [source],
      colour: style.colour,
      dash: style.dash,
      reference: kind === "watch-list-MDL",
    });
  };
  for (const std of parameter.standards) {
    if (std.kind === "range") {
      add("range", std.min, std.source, "min");
      add("range", std.max, std.source, "max");
    } else {
      add(std.kind, std.value, std.source);
    }
  }
  return [...byKey.values()].sort((a, b) => a.value - b.value);
}

/**
 * Standards far above the data would flatten the series to a line on the floor: only those up to
 * `headroom` times the data maximum widen the axis; the rest are listed as off scale.
 */
export function splitByScale(
  lines: readonly StandardLine[],
  dataMin: number | undefined,
  dataMax: number | undefined,
  headroom = 3,
): { onScale: StandardLine[]; offScale: StandardLine[] } {
  if (dataMax === undefined || dataMin === undefined) return { onScale: [...lines], offScale: [] };
  const top = Math.max(dataMax, 0) * headroom || 1;
  const onScale: StandardLine[] = [];
  const offScale: StandardLine[] = [];
  for (const line of lines) (line.value <= top ? onScale : offScale).push(line);
  return { onScale, offScale };
}
