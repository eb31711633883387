// Pieces the status table, the detail page and the printable report share: a verdict as icon + word
// (+ colour, never colour alone), a status-table cell, the rules and sources a result cites.
import type { AssessmentResponse, DataNoteCode, SeriesResult, StandardResult } from "../../../common/assessment-api.ts";
import type { AssessmentRuleId } from "../../../common/assessment-rules.ts";
import type { QualityStandard } from "../../../common/catalog-model.ts";
import { localName } from "../../../common/standards.ts";
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { formatQuantity } from "../format.ts";
import type { MessageKey, Translate } from "../i18n/index.ts";
import { cellSummary, classText, marginText, type CellState } from "./summary.ts";

const ICON: Record<CellState, string> = { complies: "✓", fails: "✗", "not-assessable": "?", "no-data": "∅", "no-standard": "–" };

export function verdictBadge(state: CellState, t: Translate): HTMLElement {
  return h(
    "span",
    { class: `verdict verdict-${state}`, "data-verdict": state },
    h("span", { class: "verdict-icon", "aria-hidden": "true" }, ICON[state]),
    t(`verdict.${state}` as MessageKey),
  );
}

export function reasonText(reason: string | null, t: Translate): string {
  return reason === null ? "" : t(`reason.${reason}` as MessageKey);
}

export type AssessmentCtx = Pick<AppContext, "t" | "lang" | "catalog" | "p">;

/** The limit a standard sets, in the parameter's unit: "40 ng/L", "6–9", "≥ 5 mg/L". */
export function limitText(r: Pick<StandardResult, "limit">, unit: string, ctx: AssessmentCtx): string {
  const q = (v: number) => formatQuantity(v, unit, ctx.p.unit, ctx.lang);
  if (r.limit === null) return "–";
  if (r.limit.kind === "range") return `${q(r.limit.min)} – ${q(r.limit.max)}`;
  return `${r.limit.kind === "min" ? "≥" : "≤"} ${q(r.limit.value)}`;
}

/** "AA-EQS · EU-EQS-2022 (proposal)". */
export function standardName(s: QualityStandard, t: Translate): string {
  return `${t(`std.${s.kind}` as MessageKey)} · ${s.source} (${t(`legal.${s.legalStatus}` as MessageKey)})`;
}

/** One cell of the status table (and of the report's): verdict, margin, and a title saying all. */
export function statusCell(series: SeriesResult | undefined, body: Pick<AssessmentResponse, "standards">, ctx: AssessmentCtx, station: string, href: string | null): HTMLElement {
  const { t } = ctx;
  const summary = cellSummary(series, body.standards);
  const r = summary.headline;
  const margin = r && summary.state !== "no-data" ? marginText(r, body.standards, t, ctx.lang) : "";
  const gb = r?.gb ? classText(r.gb.classBasis === "period-mean" ? r.gb.classOfMean : r.gb.classOfWorstValue, t) : null;
  const why = summary.state === "not-assessable" ? reasonText(r?.reason ?? null, t) : "";
  const detail = [gb && t("assess.classOf", { class: gb }), margin, why].filter(Boolean).join(" · ");
  const title = t("assess.cellTitle", {
    parameter: series ? ctx.catalog.parameterName(series.parameter, ctx.lang) : "",
    station: ctx.catalog.stationName(station, ctx.lang),
    verdict: t(`verdict.${summary.state}` as MessageKey),
    detail,
  });
  // No standard: a quiet dash (with its words for screen readers), so the verdicts stand out.
  const content =
    summary.state === "no-standard"
      ? [h("span", { "aria-hidden": "true", class: "muted" }, "–"), h("span", { class: "sr-only" }, t("verdict.no-standard"))]
      : [verdictBadge(summary.state, t), detail ? h("span", { class: "cell-margin" }, detail) : null];
  const inner = href && summary.state !== "no-standard" ? h("a", { href, class: "cell-link", title }, ...content) : h("span", { title }, ...content);
  return h("td", { class: `cell cell-${summary.state}`, "data-verdict": summary.state, "data-parameter": series?.parameter ?? "" }, inner);
}

/** The rules a set of results applied, each with its summary in the UI language, its citation and its catalog sources. */
export function rulesList(ids: readonly AssessmentRuleId[], body: Pick<AssessmentResponse, "rules">, t: Translate): HTMLElement {
  return h(
    "ul",
    { class: "rules-list" },
    ...ids.map((id) => {
      const rule = body.rules[id];
      return h(
        "li",
        { "data-rule": id },
        h("span", { class: "rule-summary" }, t(`rule.${id}` as MessageKey)),
        rule ? h("span", { class: "rule-citation" }, ` — ${rule.citation}`) : null,
        rule && rule.sources.length > 0 ? h("span", { class: "rule-source" }, ` [${rule.sources.join(", ")}]`) : null,
      );
    }),
  );
}

/** Station name with river and kilometre: "Zehren · Elbe km 89.6"; without the river where rows are grouped by it. */
export function stationLabel(id: string, ctx: AssessmentCtx, withRiver = true): string {
  const s = ctx.catalog.station(id);
  if (!s) return id;
  const river = ctx.catalog.river(s.river);
  const where = [withRiver ? (river ? localName(river.name, ctx.lang) : s.river) : null, s.riverKm === null ? null : `km ${s.riverKm}`].filter(Boolean).join(" ");
  return where ? `${localName(s.name, ctx.lang)} · ${where}` : localName(s.name, ctx.lang);
}

/** The catalog sources, each with its full citation (and link). */
export function sourcesList(sources: AssessmentResponse["sources"]): HTMLElement {
  return h(
    "ul",
    { class: "sources-list" },
    ...sources.map((s) => h("li", { "data-source": s.id }, h("strong", {}, s.id), ": ", s.citation, s.url ? h("span", {}, " ", h("a", { href: s.url, rel: "noopener" }, s.url)) : null)),
  );
}

/** What the reader must know about how the data was read (daily means, rollups, approval levels). */
export function dataNotes(notes: readonly DataNoteCode[], t: Translate): HTMLElement | null {
  if (notes.length === 0) return null;
  return h("ul", { class: "data-notes" }, ...notes.map((n) => h("li", { "data-note": n }, t(`datanote.${n}` as MessageKey))));
}
