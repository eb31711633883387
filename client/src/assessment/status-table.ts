// The status table: stations (rows, in river order, grouped by river) × compounds (columns), each
// cell a verdict as icon + word + margin, with the station's GB 3838 class against its target class
// where one applies. The status page links each cell to its details; the printable report does not.
import type { AssessmentResponse } from "../../../common/assessment-api.ts";
import type { Parameter, Station } from "../../../common/catalog-model.ts";
import { localName } from "../../../common/standards.ts";
import { riverName } from "../context.ts";
import { h } from "../dom.ts";
import { formatNumber } from "../format.ts";
import { assessmentDetailHref } from "../router.ts";
import { cellSummary, classText } from "./summary.ts";
import { stationLabel, statusCell, verdictBadge, type AssessmentCtx } from "./view.ts";

export interface StatusTableOptions {
  /** The period as the caption says it (periodLabel). */
  year: number | string;
  /** Query the detail links carry (year, basis); null: no links (the printed report). */
  linkQuery: URLSearchParams | null;
}

/** The station's class cell: "✗ fails · class IV (target III), ammonia 0.42× over class III". */
function classCell(body: AssessmentResponse, stationId: string, ctx: AssessmentCtx): HTMLElement {
  const { t } = ctx;
  const cls = body.stations.find((s) => s.station === stationId)?.class ?? null;
  if (!cls) return h("td", { class: "cell class-cell", "data-verdict": "no-standard" }, "–");
  const by = cls.determinedBy.map((p) => ctx.catalog.parameterName(p, ctx.lang)).join(", ");
  const series = body.stations.find((s) => s.station === stationId)?.series ?? [];
  const multiples = series
    .flatMap((s) => s.results.map((r) => ({ parameter: s.parameter, ex: r.gb?.exceedance?.[r.gb.classBasis === "period-mean" ? "periodMean" : "worstValue"]?.overTarget ?? null })))
    .filter((x) => x.ex !== null && cls.determinedBy.includes(x.parameter));
  return h(
    "td",
    { class: `cell class-cell cell-${cls.verdict}`, "data-verdict": cls.verdict },
    h(
      "span",
      {},
      verdictBadge(cls.verdict, t),
      h(
        "span",
        { class: "cell-margin" },
        t("assess.classTarget", { class: classText(cls.class, t), target: cls.targetClass ?? "–" }),
        by ? ` · ${by}` : "",
        ...multiples.map((m) => ` · ${t("assess.overTarget", { multiple: formatNumber(m.ex!, ctx.lang, 2) })}`),
      ),
    ),
  );
}

/** Compounds with a standard at one of the stations at least: a column of dashes says nothing. */
export function columnsOf(body: AssessmentResponse, compounds: readonly Parameter[]): Parameter[] {
  const used = new Set(body.stations.flatMap((s) => s.series.filter((x) => cellSummary(x, body.standards).state !== "no-standard").map((x) => x.parameter)));
  const columns = compounds.filter((p) => used.has(p.code));
  return columns.length > 0 ? columns : [...compounds];
}

export function statusTable(body: AssessmentResponse, shown: readonly Station[], allCompounds: readonly Parameter[], ctx: AssessmentCtx, opts: StatusTableOptions): HTMLTableElement {
  const { t } = ctx;
  const compounds = columnsOf(body, allCompounds);
  const classed = body.stations.some((s) => s.class !== null);
  const head = h(
    "tr",
    {},
    h("th", { scope: "col" }, t("assess.station")),
    ...compounds.map((p) => h("th", { scope: "col", "data-parameter": p.code }, localName(p.name, ctx.lang))),
    classed ? h("th", { scope: "col" }, t("assess.stationClass")) : null,
  );
  const rows: HTMLElement[] = [];
  let lastRiver: string | undefined;
  const byStation = new Map(body.stations.map((s) => [s.station, s]));
  for (const s of shown) {
    if (s.river !== lastRiver) {
      lastRiver = s.river;
      rows.push(h("tr", { class: "river-row" }, h("th", { scope: "colgroup", colspan: compounds.length + (classed ? 2 : 1) }, riverName(ctx, s.river))));
    }
    const bySeries = new Map(byStation.get(s.id)?.series.map((x) => [x.parameter, x]) ?? []);
    rows.push(
      h(
        "tr",
        { "data-station": s.id },
        h("th", { scope: "row", class: "station-cell" }, stationLabel(s.id, ctx, false)),
        ...compounds.map((p) => statusCell(bySeries.get(p.code), body, ctx, s.id, opts.linkQuery ? assessmentDetailHref(s.id, p.code, opts.linkQuery) : null)),
        classed ? classCell(body, s.id, ctx) : null,
      ),
    );
  }
  return h("table", { class: "data-table assess-table" }, h("caption", { class: "sr-only" }, t("assess.caption", { year: opts.year })), h("thead", {}, head), h("tbody", {}, ...rows));
}

/** True when every assessable cell is "no data": the year has no data at all (never shown as complying). */
export function allNoData(body: AssessmentResponse): boolean {
  const cells = body.stations.flatMap((s) => s.series.map((x) => cellSummary(x, body.standards).state)).filter((c) => c !== "no-standard");
  return cells.length > 0 && cells.every((c) => c === "no-data");
}
