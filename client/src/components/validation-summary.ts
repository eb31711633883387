// The sensor validation's numbers in words: how many pairs and why some are left out, mean bias
// (absolute and relative), RMSE, the Passing–Bablok line (the one the page names) with Deming as a
// second opinion and its error ratio, Bland–Altman limits of agreement, and the drift trend. Each
// statistic that cannot be computed says why instead of showing a number.
import type { LabValidationResponse, NotComputable, Outcome, SensorValidation } from "../../../common/lab-validation.ts";
import { h } from "../dom.ts";
import { displayUnit, formatNumber, type ConcentrationUnit } from "../format.ts";
import type { Language, MessageKey, Translate } from "../i18n/index.ts";

export interface SummaryContext {
  t: Translate;
  lang: Language;
  unit: ConcentrationUnit;
}

function notComputed(o: NotComputable, t: Translate): string {
  return o.reason === "not-enough-pairs" ? t("validation.notEnough", { n: o.n, required: o.required ?? 0 }) : t(`validation.reason.${o.reason}` as MessageKey);
}

function card(key: string, title: string, ...lines: Array<string | HTMLElement | null>): HTMLElement {
  return h("div", { class: "validation-card", "data-stat": key }, h("h3", {}, title), ...lines.map((l) => (typeof l === "string" ? h("p", {}, l) : l)));
}

/** Floating-point noise (an intercept of −1.4e-14 from a perfect fit) reads as 0. */
function tidy(v: number): number {
  return Math.abs(v) < 1e-9 ? 0 : v;
}

/** "1.08 [1.02, 1.15]" */
function withCI(value: number, ci: { lower: number; upper: number } | null, lang: Language, signed = false): string {
  const n = (v: number) => (signed && tidy(v) > 0 ? "+" : "") + formatNumber(tidy(v), lang);
  return ci ? `${n(value)} [${n(ci.lower)}; ${n(ci.upper)}]` : n(value);
}

function outcome<T>(o: Outcome<T>, t: Translate, ok: (v: { status: "ok" } & T) => Array<string | HTMLElement | null>): Array<string | HTMLElement | null> {
  return o.status === "ok" ? ok(o) : [h("p", { class: "muted" }, notComputed(o, t))];
}

export function pairsSummary(body: LabValidationResponse, t: Translate): HTMLElement {
  const { counts } = body.validation;
  const reasons = Object.entries(counts.excludedBy)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => t(`validation.excluded.${reason}` as MessageKey, { n }));
  const fromRollups = body.validation.pairs.filter((p) => p.sensor.nFromAggregates > 0).length;
  return h(
    "div",
    { class: "validation-pairs-summary", "data-testid": "validation-counts", "data-used": String(counts.used), "data-total": String(counts.total) },
    h("p", {}, t("validation.pairsCount", { total: counts.total, used: counts.used })),
    reasons.length > 0 ? h("p", {}, t("validation.excludedBecause", { n: counts.excluded, reasons: reasons.join("; ") })) : null,
    fromRollups > 0 ? h("p", { class: "muted" }, t("validation.fromRollups", { n: fromRollups })) : null,
  );
}

export function validationSummary(body: LabValidationResponse, c: SummaryContext): HTMLElement {
  const { t, lang } = c;
  const v: SensorValidation = body.validation;
  const du = displayUnit(body.unit, c.unit);
  const q = (x: number, signed = false) => `${signed && tidy(x) > 0 ? "+" : ""}${formatNumber(tidy(x * du.factor), lang)} ${du.unit}`;
  const pct = (x: number) => `${tidy(x) > 0 ? "+" : ""}${formatNumber(tidy(x), lang)} %`;
  const a = v.agreement;
  const pb = v.regression.passingBablok;
  const dm = v.regression.deming;
  const drift = v.drift;
  return h(
    "div",
    { class: "validation-cards", "data-testid": "validation-summary" },
    card(
      "bias",
      t("validation.bias"),
      ...outcome(a, t, (x) => [
        h("p", { class: "validation-number", "data-value": String(x.meanBias) }, q(x.meanBias, true)),
        x.meanRelativeBiasPercent === null ? null : h("p", { "data-value": String(x.meanRelativeBiasPercent) }, t("validation.relativeBias", { value: pct(x.meanRelativeBiasPercent) })),
        h("p", { class: "muted" }, t("validation.biasHint")),
      ]),
    ),
    card("rmse", t("validation.rmse"), ...outcome(a, t, (x) => [h("p", { class: "validation-number", "data-value": String(x.rmse) }, q(x.rmse)), h("p", { class: "muted" }, t("validation.rmseHint"))])),
    card(
      "passing-bablok",
      t("validation.passingBablok"),
      ...outcome(pb, t, (x) => [
        h("p", { class: "validation-number", "data-value": String(x.slope) }, t("validation.slope", { value: withCI(x.slope, x.slopeCI, lang) })),
        t("validation.intercept", { value: `${withCI(x.intercept * du.factor, x.interceptCI && { lower: x.interceptCI.lower * du.factor, upper: x.interceptCI.upper * du.factor }, lang)} ${du.unit}` }),
        h("p", { class: "muted" }, x.slopeCI && x.slopeCI.lower <= 1 && x.slopeCI.upper >= 1 ? t("validation.slopeIncludesOne") : t("validation.slopeExcludesOne")),
      ]),
      h("p", { class: "muted" }, t("validation.passingBablokWhy")),
    ),
    card(
      "deming",
      t("validation.deming"),
      ...outcome(dm, t, (x) => [
        t("validation.slope", { value: withCI(x.slope, x.slopeCI, lang) }),
        t("validation.intercept", { value: q(x.intercept) }),
        h("p", { class: "muted" }, t("validation.errorRatio", { lambda: formatNumber(x.errorRatio, lang) })),
      ]),
    ),
    card(
      "bland-altman",
      t("validation.blandAltman"),
      ...outcome(a, t, (x) => [
        ...outcome(x.blandAltman, t, (ba) => [
          t("validation.meanDifference", { value: q(ba.meanDifference, true) }),
          t("validation.limits", { lower: q(ba.lowerLimit, true), upper: q(ba.upperLimit, true) }),
        ]),
        ...outcome(x.relativeBlandAltman, t, (ba) => [t("validation.limitsRelative", { lower: pct(ba.lowerLimit), upper: pct(ba.upperLimit) })]),
      ]),
    ),
    card(
      "drift",
      t("validation.drift"),
      ...outcome(drift, t, (x) => [
        h("p", { class: "validation-number", "data-value": String(x.slopePercentPerMonth) }, t("validation.driftValue", { value: withCI(x.slopePercentPerMonth, x.slopeCI, lang, true) })),
        t("validation.mannKendall", { p: formatNumber(x.mannKendall.pValue, lang, 2) }),
        h("p", { class: "muted" }, x.mannKendall.pValue < 0.05 ? t("validation.driftSignificant") : t("validation.driftNotSignificant")),
      ]),
    ),
  );
}
