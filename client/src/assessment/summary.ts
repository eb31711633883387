// What a status-table cell says about one compound at one station: a single state from the results
// of every standard that applies there, and the result its margin and reason come from. Pure.
// - fails: any standard fails (the cell shows the largest exceedance);
// - complies: every standard complies (the cell shows the one closest to its limit);
// - no data: nothing to assess against any standard (never shown as "complies");
// - not assessable: otherwise (too few values, method not sensitive enough, not approved …);
// - no standard: none applies at the station (watch-list detection limits are method requirements,
//   not standards for the water, and do not count).
import type { SeriesResult, StandardResult } from "../../../common/assessment-api.ts";
import type { QualityStandard, StandardKind } from "../../../common/catalog-model.ts";
import type { GbClass } from "../../../common/assessment.ts";
import { LEGAL_STATUS_ORDER } from "../../../common/standards.ts";
import { formatNumber } from "../format.ts";
import type { Language, MessageKey, Translate } from "../i18n/index.ts";

export type CellState = "complies" | "fails" | "not-assessable" | "no-data" | "no-standard";

export interface CellSummary {
  state: CellState;
  /** The result the cell's margin and reason come from. */
  headline: StandardResult | null;
  /** The results the state rests on, most binding first. */
  results: StandardResult[];
}

const KIND_ORDER: Record<StandardKind, number> = { "AA-EQS": 0, "MAC-EQS": 1, "class-limits": 2, max: 3, min: 4, range: 5, "watch-list-MDL": 6 };
const NO_DATA = new Set(["no-data", "no-valid-data"]);

const ratio = (r: StandardResult): number => r.margin?.ratio ?? Number.NEGATIVE_INFINITY;
const highest = (list: readonly StandardResult[]): StandardResult => list.reduce((a, b) => (ratio(b) > ratio(a) ? b : a));

export function cellSummary(series: SeriesResult | undefined, standards: readonly QualityStandard[]): CellSummary {
  const std = (r: StandardResult) => standards[r.standard]!;
  const results = (series?.results ?? [])
    .filter((r) => std(r).kind !== "watch-list-MDL")
    .sort((a, b) => LEGAL_STATUS_ORDER[std(a).legalStatus] - LEGAL_STATUS_ORDER[std(b).legalStatus] || KIND_ORDER[std(a).kind] - KIND_ORDER[std(b).kind]);
  if (results.length === 0) return { state: "no-standard", headline: null, results };
  const failing = results.filter((r) => r.verdict === "fails");
  if (failing.length > 0) return { state: "fails", headline: highest(failing), results };
  if (results.every((r) => r.verdict === "complies")) return { state: "complies", headline: highest(results), results };
  const open = results.filter((r) => r.verdict === "not-assessable");
  if (open.length === results.length && open.every((r) => r.reason !== null && NO_DATA.has(r.reason))) return { state: "no-data", headline: open[0]!, results };
  return { state: "not-assessable", headline: open.find((r) => r.reason === null || !NO_DATA.has(r.reason)) ?? open[0]!, results };
}

/**
 * The margin as text: "0.81 × AA-EQS", "< 0.25 × AA-EQS" (a mean below its limit), "> 1.4 × AA-EQS"
 * (a lower bound), "0.62 × class III" (GB 3838 target class); "" without a margin.
 */
export function marginText(r: StandardResult, standards: readonly QualityStandard[], t: Translate, lang: Language): string {
  if (r.margin === null) return "";
  const std = standards[r.standard]!;
  const kind = std.kind === "class-limits" && r.gb?.targetClass ? t("std.class", { class: r.gb.targetClass }) : t(`std.${std.kind}` as MessageKey);
  return t("assess.margin", { qualifier: r.margin.qualifier ? `${r.margin.qualifier} ` : "", ratio: formatNumber(r.margin.ratio, lang, 2), kind });
}

/** A GB 3838 class for people: "III", "worse than V" (劣Ⅴ类). */
export function classText(c: GbClass | null, t: Translate): string {
  if (c === null) return "–";
  return c === "worse-than-V" ? t("assess.worseThanV") : c;
}
