// A series' loads in words: the period load (kg, kg/a for a calendar year) with its bounds, the
// flow-weighted concentration, and how many days it rests on (OSPAR RID 2014-04 load formula).
import type { LoadsDto } from "../../../common/assessment-api.ts";
import { h } from "../dom.ts";
import { formatCount, formatNumber, formatQuantity } from "../format.ts";
import type { AssessmentCtx } from "./view.ts";

export function loadSummary(loads: LoadsDto, unit: string, ctx: AssessmentCtx): HTMLElement {
  const { t, lang } = ctx;
  const p = loads.periodLoad;
  const c = loads.coverage;
  const days = t("loads.days", { withLoad: formatCount(c.daysWithLoad, lang), total: formatCount(c.totalDays, lang) });
  if (p === null) return h("p", { class: "muted", "data-testid": "load-summary" }, t("loads.noPeriod"), " ", days);
  return h(
    "p",
    { class: "load-summary", "data-testid": "load-summary" },
    t("loads.period", {
      kg: formatNumber(p.kg, lang),
      lower: formatNumber(p.lowerKg, lang),
      upper: formatNumber(p.upperKg, lang),
      concentration: formatQuantity(p.flowWeightedConcentration, unit, ctx.p.unit, lang),
      discharge: formatNumber(p.meanDischarge, lang),
    }),
    " ",
    days,
    p.extrapolated ? ` ${t("loads.extrapolated")}` : "",
  );
}
