// The parts of a series' details: one card per standard assessed (verdict, margin, the numbers it
// rests on, reason, notes, GB 3838 class, the rules applied with their citations), the values used
// with "< LOQ" marked, and the year-over-year table.
import type { AssessmentResponse, SeriesResult, StandardResult, ValueUsed, YearsResponse } from "../../../common/assessment-api.ts";
import { QUALIFIER } from "../../../common/reading.ts";
import { h } from "../dom.ts";
import { formatCount, formatDateTime, formatMean, formatNumber, formatQuantity, formatReadingValue } from "../format.ts";
import { LOCALE, type MessageKey, type Translate } from "../i18n/index.ts";
import type { QualityStandard } from "../../../common/catalog-model.ts";
import { classText, marginText } from "./summary.ts";
import { limitText, reasonText, rulesList, standardName, verdictBadge, type AssessmentCtx } from "./view.ts";

/** "since 2026-01-01", "2020-01-01 – 2025-12-31", "no time limit". */
export function validityText(s: Pick<QualityStandard, "validFrom" | "validTo">, t: Translate): string {
  const from = s.validFrom?.slice(0, 10) ?? null;
  const to = s.validTo?.slice(0, 10) ?? null;
  if (from === null && to === null) return t("detail.validAlways");
  return `${from ?? "…"} – ${to ?? "…"}`;
}

function row(label: string, value: Node | string): HTMLElement {
  return h("div", { class: "kv" }, h("dt", {}, label), h("dd", {}, value));
}

export function dateText(ms: number, zone: string, ctx: AssessmentCtx): string {
  return new Intl.DateTimeFormat(LOCALE[ctx.lang], { dateStyle: "medium", timeZone: zone }).format(ms);
}

export function resultCard(r: StandardResult, series: SeriesResult, body: AssessmentResponse, zone: string, ctx: AssessmentCtx): HTMLElement {
  const { t, lang } = ctx;
  const std = body.standards[r.standard]!;
  const st = r.statistics;
  const unit = series.unit;
  const q = (v: number) => formatQuantity(v, unit, ctx.p.unit, lang);
  const gb = r.gb;
  const ex = gb?.exceedance?.[gb.classBasis === "period-mean" ? "periodMean" : "worstValue"] ?? null;
  const parts: Array<HTMLElement | null> = [
    row(t("detail.limit"), limitText(r, unit, ctx)),
    row(t("detail.validity"), `${validityText(std, t)}${r.notes.includes("partial-validity") ? ` (${t("detail.assessedSpan", { from: dateText(r.from, zone, ctx), to: dateText(r.to - 1, zone, ctx) })})` : ""}`),
    r.margin ? row(t("detail.margin"), marginText(r, body.standards, t, lang)) : null,
    row(t("detail.mean"), `${formatMean(st.mean, unit, ctx.p.unit, lang, t)} (${t("detail.meanOf", { n: formatCount(st.n, lang) })}${st.mean.substitution ? `, ${st.mean.substitution}` : ""})`),
    st.max ? row(t("detail.max"), `${q(st.max.value)} (${dateText(st.max.time, zone, ctx)})`) : null,
    st.p90 && st.p95 ? row(t("detail.percentiles"), `P90 ${st.p90.qualifier ?? ""}${q(st.p90.value)} · P95 ${st.p95.qualifier ?? ""}${q(st.p95.value)}`) : null,
    row(
      t("detail.coverage"),
      t("detail.coverageText", { days: st.coverage.days.withData, daysTotal: st.coverage.days.total, months: st.coverage.months.withData, monthsTotal: st.coverage.months.total }) +
        (st.coverage.months.missing.length > 0 ? ` — ${t("detail.missingMonths", { months: st.coverage.months.missing.join(", ") })}` : ""),
    ),
    r.exceedances !== null ? row(t("detail.exceedances"), `${formatCount(r.exceedances, lang)}${r.undecided ? ` (${t("detail.undecided", { n: r.undecided })})` : ""}`) : null,
    gb ? row(t("detail.gbClass"), t("detail.gbClassText", { mean: classText(gb.classOfMean, t), worst: classText(gb.classOfWorstValue, t), target: gb.targetClass ?? "–" })) : null,
    ex && ex.overClassIII !== null ? row(t("detail.exceedanceMultiple"), formatNumber(ex.overClassIII, lang, 3)) : null,
    r.reason ? row(t("detail.reason"), reasonText(r.reason, t)) : null,
    r.indicativeVerdict ? row(t("detail.indicative"), t(`verdict.${r.indicativeVerdict}` as MessageKey)) : null,
    r.notes.length > 0 ? row(t("detail.notes"), h("ul", { class: "notes" }, ...r.notes.map((n) => h("li", {}, t(`note.${n}` as MessageKey))))) : null,
  ];
  return h(
    "article",
    { class: "result-card", "data-standard": std.id, "data-verdict": r.verdict },
    h("header", {}, verdictBadge(r.verdict, t), " ", h("h3", {}, standardName(std, t))),
    h("dl", { class: "kvs" }, ...parts),
    h("h4", {}, t("detail.rules")),
    rulesList(r.rules, body, t),
  );
}

function originText(v: ValueUsed): string {
  if (v.basis === "lab") return `${v.laboratory ?? ""} ${v.labSampleId ?? ""}`.trim();
  return `${v.sensor ?? ""}${v.n !== undefined ? ` (n = ${v.n})` : ""}${v.source === "rollup-1h" ? " · 1 h" : ""}`;
}

/** Every value of the period with what became of it; "< LOQ"/"< LOD" marked, never a number. */
export function valuesTable(series: SeriesResult, zone: string, ctx: AssessmentCtx): HTMLElement {
  const { t, lang } = ctx;
  const values = series.values ?? [];
  if (values.length === 0) return h("p", { class: "muted" }, t("detail.noValues"));
  const rows = values.map((v) =>
    h(
      "tr",
      { "data-censored": v.qualifier ?? "", "data-counted": String(v.counted) },
      h("td", {}, v.basis === "lab" ? formatDateTime(v.time, lang, zone, false) : dateText(v.time, zone, ctx)),
      h("td", { class: v.qualifier ? "censored" : "" }, formatReadingValue(v, series.unit, ctx.p.unit, lang, t), v.qualifier === QUALIFIER.belowLoq ? h("span", { class: "sr-only" }, t("detail.belowLoq")) : null),
      h("td", {}, t(`basis.${v.basis}` as MessageKey)),
      h("td", {}, originText(v)),
      h("td", {}, v.counted ? t("detail.counted") : t(`excluded.${v.excludedBy}` as MessageKey)),
    ),
  );
  return h(
    "div",
    { class: "table-wrap values-wrap" },
    h(
      "table",
      { class: "data-table values-table" },
      h("caption", { class: "sr-only" }, t("detail.valuesUsed")),
      h("thead", {}, h("tr", {}, ...["detail.col.time", "detail.col.value", "detail.col.basis", "detail.col.origin", "detail.col.counted"].map((k) => h("th", { scope: "col" }, t(k as MessageKey))))),
      h("tbody", {}, ...rows),
    ),
  );
}

/** Standards down, years across: each year's verdict, mean and change against the year before. */
export function yearsTable(years: YearsResponse, ctx: AssessmentCtx): HTMLElement {
  const { t, lang } = ctx;
  if (years.rows.length === 0) return h("p", { class: "muted" }, t("detail.noYears"));
  const span: number[] = [];
  for (let y = years.fromYear; y <= years.toYear; y++) span.push(y);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "data-table years-table" },
      h("caption", { class: "sr-only" }, t("detail.years")),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("detail.standard")), ...span.map((y) => h("th", { scope: "col" }, String(y))))),
      h(
        "tbody",
        {},
        ...years.rows.map((r) => {
          const byYear = new Map(r.years.map((c) => [c.year, c]));
          const first = r.years[0]?.results[0];
          const name = first ? standardName(years.standards[first.standard]!, t) : r.standardId;
          return h(
            "tr",
            { "data-standard": r.standardId },
            h("th", { scope: "row" }, name),
            ...span.map((y) => {
              const cell = byYear.get(y);
              if (!cell) return h("td", { class: "muted" }, "–");
              const res = cell.results[0]!;
              const change = cell.meanChange === null ? "" : ` (${cell.meanChange >= 0 ? "+" : ""}${formatNumber(cell.meanChange * 100, lang, 2)} %)`;
              return h(
                "td",
                { "data-year": String(y), "data-verdict": res.verdict },
                verdictBadge(res.verdict === "not-assessable" && res.reason === "no-data" ? "no-data" : res.verdict, t),
                h("div", { class: "cell-margin" }, `${formatMean(res.mean, r.unit, ctx.p.unit, lang, t)}${change}`),
              );
            }),
          );
        }),
      ),
    ),
  );
}
