// Sections of the printable report (pages/assessment-report.ts): title page, method, per-station
// details and the signature block. The method section states which rules, which standards (with
// legal status, source and validity), which data basis and how values below the LOQ were handled,
// so that a reader can check every verdict without the dashboard.
import type { AssessmentResponse, StationResult } from "../../../common/assessment-api.ts";
import type { QualityStandard } from "../../../common/catalog-model.ts";
import { h } from "../dom.ts";
import { formatCount, formatDateTime, formatMean, formatQuantity } from "../format.ts";
import type { MessageKey } from "../i18n/index.ts";
import type { AssessmentChoice } from "./choice.ts";
import { optionsText, periodLabel } from "./controls.ts";
import { loadSummary } from "./loads-text.ts";
import { validityText } from "./result-parts.ts";
import { cellSummary, classText, marginText } from "./summary.ts";
import { dataNotes, limitText, reasonText, rulesList, sourcesList, stationLabel, verdictBadge, type AssessmentCtx } from "./view.ts";

export interface ReportScope {
  /** Period, basis and method options as picked (the response's `request` says how the server understood them). */
  choice: AssessmentChoice;
  /** One station's report, or null for all. */
  station: string | null;
}

export function titlePage(body: AssessmentResponse, scope: ReportScope, ctx: AssessmentCtx): HTMLElement {
  const { t, lang } = ctx;
  return h(
    "section",
    { class: "report-title-page" },
    h("p", { class: "report-kicker" }, t("app.title")),
    h("h1", { id: "report-h" }, t("report.title", { year: periodLabel(scope.choice, t) })),
    h("p", { class: "report-scope" }, scope.station ? stationLabel(scope.station, ctx) : t("report.allStations", { n: formatCount(body.stations.length, lang) })),
    h(
      "dl",
      { class: "kvs" },
      h("div", { class: "kv" }, h("dt", {}, t("report.period")), h("dd", {}, periodText(scope.choice, t))),
      h("div", { class: "kv" }, h("dt", {}, t("assess.basis")), h("dd", {}, t(`assess.basis.${scope.choice.basis}` as MessageKey))),
      h("div", { class: "kv" }, h("dt", {}, t("report.generated")), h("dd", {}, formatDateTime(body.generatedAt, lang, "UTC"))),
      h("div", { class: "kv" }, h("dt", {}, t("report.catalogVersion")), h("dd", {}, String(body.catalogVersion))),
    ),
  );
}

function periodText(c: AssessmentChoice, t: AssessmentCtx["t"]): string {
  if (c.period === "rolling") return t("report.periodRolling");
  if (c.period === "range") return t("report.periodRange", { from: c.from, to: c.to });
  return t("report.periodText", { year: c.year });
}

const CLASS_NAMES = ["I", "II", "III", "IV", "V"] as const;

/** A standard's limit(s) in its own unit: "≤ 40 ng/L", "6 – 9", "I ≥ 7.5 · II ≥ 6 · …". */
function standardValue(s: QualityStandard, ctx: AssessmentCtx): string {
  const q = (v: number) => formatQuantity(v, s.unit, ctx.p.unit, ctx.lang);
  const c = s.classes;
  if (s.kind === "class-limits" && c) {
    if (c.direction === "range") return `I–V: ${q(c.range[0])} – ${q(c.range[1])}`;
    const sign = c.direction === "min" ? "≥" : "≤";
    return c.limits.map((v, i) => `${CLASS_NAMES[i]} ${sign} ${q(v)}`).join(" · ");
  }
  if (s.kind === "range") return `${q(s.min!)} – ${q(s.max!)}`;
  return `${s.kind === "min" ? "≥" : "≤"} ${q(s.value!)}`;
}

function periodLabelOf(body: AssessmentResponse, choice: AssessmentChoice, t: AssessmentCtx["t"]): string {
  const p = body.request.period;
  const shown: AssessmentChoice =
    p.kind === "rolling-12-months" ? { ...choice, period: "rolling" } : p.kind === "calendar-year" ? { ...choice, period: "year", year: p.year ?? choice.year } : { ...choice, period: "range", from: p.from ?? "", to: p.to ?? "" };
  return `${t("report.period")}: ${periodText(shown, t)}`;
}

export function methodSection(body: AssessmentResponse, scope: ReportScope, ctx: AssessmentCtx): HTMLElement {
  const { t, lang } = ctx;
  const standards = h(
    "table",
    { class: "data-table report-standards" },
    h(
      "thead",
      {},
      h("tr", {}, ...["report.col.parameter", "report.col.kind", "report.col.value", "report.col.legal", "report.col.source", "report.col.validity"].map((k) => h("th", { scope: "col" }, t(k as MessageKey)))),
    ),
    h(
      "tbody",
      {},
      ...body.standards.map((s) =>
        h(
          "tr",
          { "data-standard": s.id },
          h("td", {}, ctx.catalog.parameterName(s.parameter, lang)),
          h("td", {}, t(`std.${s.kind}` as MessageKey)),
          h("td", {}, standardValue(s, ctx)),
          h("td", {}, t(`legal.${s.legalStatus}` as MessageKey)),
          h("td", {}, s.source),
          h("td", {}, validityText(s, t)),
        ),
      ),
    ),
  );
  return h(
    "section",
    { class: "report-section report-method" },
    h("h2", {}, t("report.method")),
    h("h3", {}, t("report.basisHeading")),
    h("p", {}, t(`report.basis.${scope.choice.basis}` as MessageKey)),
    h("h3", {}, t("report.options")),
    // As the server understood the request, so the printed method is what was computed.
    h("ul", { class: "report-options", "data-testid": "report-options" }, ...[periodLabelOf(body, scope.choice, t), ...optionsText(body.request, t, lang)].map((line) => h("li", {}, line))),
    dataNotes(body.notes, t) ?? "",
    h("h3", {}, t("report.loqHeading")),
    h("p", {}, t("report.loqText")),
    h("h3", {}, t("report.rules")),
    rulesList(Object.keys(body.rules) as Array<keyof typeof body.rules>, body, t),
    h("h3", {}, t("report.standards")),
    h("div", { class: "table-wrap" }, standards),
    h("h3", {}, t("detail.sources")),
    sourcesList(body.sources),
  );
}

/** One station: each compound's verdicts with mean, maximum, values, coverage and margin; its class; its loads. */
export function stationDetails(st: StationResult, body: AssessmentResponse, ctx: AssessmentCtx): HTMLElement {
  const { t, lang } = ctx;
  const rows = st.series.flatMap((series) =>
    series.results
      .filter((r) => body.standards[r.standard]!.kind !== "watch-list-MDL")
      .map((r) => {
        const state = r.verdict === "not-assessable" && (r.reason === "no-data" || r.reason === "no-valid-data") ? "no-data" : r.verdict;
        const s = r.statistics;
        return h(
          "tr",
          { "data-parameter": series.parameter, "data-standard": body.standards[r.standard]!.id, "data-verdict": state },
          h("td", {}, ctx.catalog.parameterName(series.parameter, lang)),
          h("td", {}, `${t(`std.${body.standards[r.standard]!.kind}` as MessageKey)} ${limitText(r, series.unit, ctx)}`),
          h("td", {}, verdictBadge(state, t), r.reason && state !== "no-data" ? h("div", { class: "cell-margin" }, reasonText(r.reason, t)) : null),
          h("td", {}, formatMean(s.mean, series.unit, ctx.p.unit, lang, t)),
          h("td", {}, s.max ? formatQuantity(s.max.value, series.unit, ctx.p.unit, lang) : "–"),
          h("td", {}, formatCount(s.n, lang)),
          h("td", {}, `${s.coverage.months.withData}/${s.coverage.months.total}`),
          h("td", {}, marginText(r, body.standards, t, lang) || "–"),
        );
      }),
  );
  // Compounds with a load only: a list of "no day with both" says nothing a reader needs.
  const loads = st.series.filter((s) => s.loads?.periodLoad);
  const cls = st.class;
  return h(
    "section",
    { class: "report-section report-station", "data-station": st.station },
    h("h2", {}, stationLabel(st.station, ctx)),
    cls
      ? h("p", { class: "report-class" }, verdictBadge(cls.verdict, t), " ", t("assess.classTarget", { class: classText(cls.class, t), target: cls.targetClass ?? "–" }), cls.determinedBy.length ? ` · ${cls.determinedBy.map((p) => ctx.catalog.parameterName(p, lang)).join(", ")}` : "")
      : null,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "data-table report-details" },
        h(
          "thead",
          {},
          h("tr", {}, ...["report.col.parameter", "detail.standard", "report.col.verdict", "detail.mean", "detail.max", "report.col.n", "report.col.months", "detail.margin"].map((k) => h("th", { scope: "col" }, t(k as MessageKey)))),
        ),
        h("tbody", {}, ...rows),
      ),
    ),
    loads.length > 0
      ? h("div", { class: "report-loads" }, h("h3", {}, t("loads.heading")), ...loads.map((s) => h("div", {}, h("strong", {}, ctx.catalog.parameterName(s.parameter, lang)), " ", loadSummary(s.loads!, s.unit, ctx))))
      : null,
  );
}

/** How many cells of each state: the report's summary line. */
export function stateCounts(body: AssessmentResponse): Record<string, number> {
  const counts: Record<string, number> = { complies: 0, fails: 0, "not-assessable": 0, "no-data": 0 };
  for (const st of body.stations) for (const s of st.series) {
    const state = cellSummary(s, body.standards).state;
    if (state !== "no-standard") counts[state]!++;
  }
  return counts;
}

export function signatureBlock(ctx: AssessmentCtx): HTMLElement {
  const { t } = ctx;
  const role = (k: MessageKey) => h("div", { class: "signature" }, h("p", { class: "signature-role" }, t(k)), h("p", { class: "signature-line" }, t("report.sign.name")), h("p", { class: "signature-line" }, t("report.sign.date")), h("p", { class: "signature-line" }, t("report.sign.signature")));
  return h("section", { class: "report-section report-signatures" }, h("h2", {}, t("report.signatures")), h("div", { class: "signature-grid" }, role("report.sign.prepared"), role("report.sign.checked"), role("report.sign.approved")));
}
