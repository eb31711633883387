// What the station page's chart panel says in words: a standard line's label, and a point's tooltip
// (every mean says over what and of how many values).
import { QUALIFIER } from "../../../common/reading.ts";
import type { PlotPoint, PointRole } from "../charts/datasets.ts";
import type { StandardLine } from "../charts/standard-lines.ts";
import type { AppContext } from "../context.ts";
import { meanDescription } from "../format.ts";
import type { MessageKey } from "../i18n/index.ts";

/** "AA-EQS 40 ng/L · EU-EQS-2022 (proposal)"; "GB 3838 class III minimum 5 mg/L · CN-GB3838-2002 (binding)". */
export function standardLabel(ctx: Pick<AppContext, "t">, s: StandardLine, fmt: (v: number) => string, short = false): string {
  const { t } = ctx;
  const kind = t(`std.${s.kind}` as MessageKey);
  const cls = s.targetClass ? ` ${t("std.class", { class: s.targetClass })}` : "";
  const bound = s.bound ? ` ${t(`std.bound.${s.bound}`)}` : "";
  const cited = s.entries.map((e) => `${e.source} (${t(`legal.${e.legalStatus}` as MessageKey)})`).join(", ");
  const where = s.applicable ? "" : ` — ${t("chart.notBindingHere")}`;
  if (short) return `${kind}${cls}${bound} ${fmt(s.value)}${where}`;
  return `${kind}${cls}${bound} ${fmt(s.value)} · ${cited}${where}`;
}

/** Tooltips: every mean says over what and of how many values (an interval's, or the rolling window's). */
export function describePoint(ctx: Pick<AppContext, "t" | "lang">, p: PlotPoint, role: PointRole, label: string, fmt: (v: number) => string, intervalMs: number | null, rollingWindowMs: number): string {
  const { t, lang } = ctx;
  if (p.y === null) return label;
  const qc = p.qc !== undefined ? ` · QC ${p.qc} ${t(`qc.${p.qc}` as MessageKey)}` : "";
  const intervalMean = p.n !== undefined && intervalMs !== null ? meanDescription(intervalMs, p.n, t, lang) : null;
  if (role === "belowLod") {
    // The limit is in display units already, like the axis.
    const key = p.qualifier === QUALIFIER.belowLoq ? "value.belowLoq" : "value.belowLod";
    const below = t(key, { limit: fmt(p.limit ?? p.y) });
    return `${intervalMean ? t("mean.belowLimit", { value: below, mean: intervalMean }) : below}${qc}`;
  }
  if (role === "max") return `${label}: ${p.min != null ? fmt(p.min) : "–"} – ${p.max != null ? fmt(p.max) : "–"}`;
  if (role === "rollingMean") return t("chart.meanPoint", { mean: meanDescription(rollingWindowMs, p.n ?? 0, t, lang), value: fmt(p.y) });
  if (intervalMean) return `${label}: ${t("chart.meanPoint", { mean: intervalMean, value: fmt(p.y) })}${qc}`;
  return `${label}: ${fmt(p.y)}${qc}`;
}
