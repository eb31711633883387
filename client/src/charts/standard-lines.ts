// Quality-standard lines for one series at one station: one line per limit value, listing every
// standard (source and legal status) that sets it, e.g. diclofenac AA-EQS 50 ng/L (DE-UBA-proposal).
// Standards that apply at the station are drawn; those whose scope does not cover it (Swiss values
// on a Saxon station) become reference lines the reader may switch on. Pure.
import type { LegalStatus, Sensor, StandardKind } from "../../../common/catalog-model.ts";
import { LEGAL_STATUS_ORDER, sensitiveEnough, type EffectiveStandard } from "../../../common/standards.ts";
import { CHART_COLOURS } from "./palette.ts";

export interface StandardEntry {
  id: string;
  source: string;
  legalStatus: LegalStatus;
}

export interface StandardLine {
  /** Stable within a page: what a reference-line toggle remembers. */
  key: string;
  kind: StandardKind;
  /** "min" or "max" side of a range, or of a class limit that is a minimum/maximum. */
  bound?: "min" | "max";
  /** In display units. */
  value: number;
  /** Every standard setting this limit, most binding first. */
  entries: StandardEntry[];
  /** Its scope covers the station; false: a standard from elsewhere, a reference line only. */
  applicable: boolean;
  /** GB 3838: the station's target class the limit was taken from. */
  targetClass: string | null;
  colour: string;
  dash: number[];
  /** Watch-list detection limits: a method requirement, shown for reference, never a limit. */
  reference: boolean;
}

const STYLE: Record<StandardKind, { colour: string; dash: number[] }> = {
  "AA-EQS": { colour: CHART_COLOURS.standard, dash: [8, 4] },
  "MAC-EQS": { colour: CHART_COLOURS.standard, dash: [] },
  range: { colour: CHART_COLOURS.range, dash: [10, 3, 2, 3] },
  min: { colour: CHART_COLOURS.range, dash: [10, 3, 2, 3] },
  max: { colour: CHART_COLOURS.range, dash: [10, 3, 2, 3] },
  "class-limits": { colour: CHART_COLOURS.range, dash: [10, 3, 2, 3] },
  "watch-list-MDL": { colour: CHART_COLOURS.reference, dash: [2, 3] },
};
/** Standards from elsewhere: grey and dotted, so they never read as this station's limits. */
const ELSEWHERE = { colour: CHART_COLOURS.reference, dash: [1, 4] };

export function standardLines(standards: readonly EffectiveStandard[], factor: number): StandardLine[] {
  const byKey = new Map<string, StandardLine>();
  const add = (s: EffectiveStandard, value: number, bound?: "min" | "max") => {
    const { kind } = s.standard;
    const key = `${kind}|${bound ?? ""}|${value}|${s.applicable ? "here" : "elsewhere"}|${s.targetClass ?? ""}`;
    const entry = { id: s.standard.id, source: s.standard.source, legalStatus: s.standard.legalStatus };
    const existing = byKey.get(key);
    if (existing) {
      if (!existing.entries.some((e) => e.id === entry.id)) existing.entries.push(entry);
      return;
    }
    const style = s.applicable ? STYLE[kind] : ELSEWHERE;
    byKey.set(key, {
      key,
      kind,
      bound,
      value: value * factor,
      entries: [entry],
      applicable: s.applicable,
      targetClass: s.targetClass,
      colour: style.colour,
      dash: style.dash,
      reference: kind === "watch-list-MDL",
    });
  };
  for (const s of standards) {
    const limit = s.limit;
    if (!limit) continue;
    if (limit.kind === "range") {
      add(s, limit.min, "min");
      add(s, limit.max, "max");
    } else {
      add(s, limit.value, s.standard.kind === "class-limits" ? limit.kind : undefined);
    }
  }
  const lines = [...byKey.values()];
  for (const line of lines) line.entries.sort((a, b) => LEGAL_STATUS_ORDER[a.legalStatus] - LEGAL_STATUS_ORDER[b.legalStatus]);
  return lines.sort((a, b) => a.value - b.value);
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

/**
 * The sensors whose method is not sensitive enough for a line's upper concentration limit: their
 * LOQ (else LOD) above 30 % of it (Directive 2009/90/EC Art. 4(1), common/standards.ts). Lower limits
 * and watch-list detection limits (a method requirement themselves) are not judged. `factor` turns
 * stored units into the line's display units.
 */
export function insensitiveSensors<S extends Pick<Sensor, "lod" | "loq">>(line: Pick<StandardLine, "kind" | "bound" | "value">, sensors: readonly S[], factor: number): S[] {
  if (line.kind === "watch-list-MDL" || line.kind === "min" || line.bound === "min") return [];
  const stored = line.value / factor;
  return sensors.filter((s) => !sensitiveEnough(s.loq ?? s.lod, stored));
}
