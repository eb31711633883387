// The pickers every assessment page has (status table, detail, report): the period (a calendar year,
// the last twelve months or a range of dates), the data basis, and the options of the method — MAC-EQS
// per value or by percentile, approved data only, the data as of an instant.
import { ASSESSMENT_BASES, MAC_MODES } from "../../../common/assessment-api.ts";
import type { MacMode } from "../../../common/assessment.ts";
import { dateField, dateTimeField, fieldDate, fieldMs } from "../components/date-time-field.ts";
import { formatDateTime } from "../format.ts";
import { h } from "../dom.ts";
import type { Language, MessageKey, Translate } from "../i18n/index.ts";
import { PERIOD_KINDS, validRange, yearOptions, type AssessmentChoice, type PeriodChoiceKind } from "./choice.ts";

export function selectField(label: string, name: string, value: string, options: ReadonlyArray<readonly [string, string]>, onChange: (v: string) => void): HTMLElement {
  return h(
    "label",
    { class: "field" },
    h("span", {}, label),
    h("select", { name, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) }, ...options.map(([v, text]) => h("option", { value: v, selected: v === value }, text))),
  );
}

/** The period as a heading says it: "2026", "last 12 months", "2026-01-01 – 2026-07-01". */
export function periodLabel(c: AssessmentChoice, t: Translate): string {
  if (c.period === "rolling") return t("assess.period.rollingLabel");
  if (c.period === "range") return t("assess.period.rangeLabel", { from: c.from, to: c.to });
  return String(c.year);
}

/** The options as one line (the status page's summary, the report's method). */
export function optionsText(c: Pick<AssessmentChoice, "approvedOnly" | "asOf" | "macMode">, t: Translate, lang: Language): string[] {
  return [
    `${t("assess.macMode")}: ${t(`assess.macMode.${c.macMode}` as MessageKey)}`,
    `${t("assess.approvedOnly")}: ${t(c.approvedOnly ? "assess.yes" : "assess.no")}`,
    `${t("assess.asOf")}: ${c.asOf === null ? t("assess.asOfNow") : formatDateTime(c.asOf, lang, "UTC")}`,
  ];
}

function rangeFields(choice: AssessmentChoice, t: Translate, lang: Language, onChange: (c: AssessmentChoice) => void): HTMLElement[] {
  const from = dateField("from", lang, t, choice.from || null, { "data-testid": "assess-from" });
  const to = dateField("to", lang, t, choice.to || null, { "data-testid": "assess-to" });
  const problem = h("p", { class: "field-error", role: "alert", hidden: true });
  const apply = () => {
    const a = fieldDate(from);
    const b = fieldDate(to);
    if (a === null || b === null) return;
    if (!validRange(a, b)) {
      problem.textContent = t("assess.rangeInvalid");
      problem.hidden = false;
      return;
    }
    problem.hidden = true;
    onChange({ ...choice, period: "range", from: a, to: b });
  };
  from.addEventListener("change", apply);
  to.addEventListener("change", apply);
  return [
    h("label", { class: "field" }, h("span", {}, t("assess.from")), from),
    h("label", { class: "field" }, h("span", {}, t("assess.to")), to),
    problem,
  ];
}

/** A range picked anew: the current year so far (up to today), a sensible start to edit. */
function startRange(choice: AssessmentChoice): Pick<AssessmentChoice, "from" | "to"> {
  const today = new Date().toISOString().slice(0, 10);
  const from = `${choice.year}-01-01`;
  return validRange(from, today) ? { from, to: today } : { from, to: `${choice.year + 1}-01-01` };
}

/** Period, basis and method options; `onChange` gets the new choice. */
export function choiceFields(choice: AssessmentChoice, ctx: { t: Translate; lang: Language }, onChange: (c: AssessmentChoice) => void): HTMLElement[] {
  const { t, lang } = ctx;
  const period = selectField(t("assess.period"), "period", choice.period, PERIOD_KINDS.map((k) => [k, t(`assess.period.${k}` as MessageKey)] as const), (v) => {
    const kind = v as PeriodChoiceKind;
    onChange(kind === "range" ? { ...choice, period: kind, ...startRange(choice) } : { ...choice, period: kind, from: "", to: "" });
  });
  const asOf = dateTimeField("asOf", lang, t, choice.asOf, { zone: "UTC", attrs: { "data-testid": "assess-asof", title: t("assess.asOfHint") } });
  asOf.addEventListener("change", () => {
    if (asOf.value.trim() === "") return onChange({ ...choice, asOf: null });
    const ms = fieldMs(asOf);
    if (!Number.isFinite(ms)) return;
    if (ms > Date.now()) {
      asOf.setCustomValidity(t("assess.asOfFuture"));
      asOf.reportValidity();
      return;
    }
    onChange({ ...choice, asOf: ms });
  });
  const approved = h("input", { type: "checkbox", name: "approvedOnly", checked: choice.approvedOnly, "data-testid": "assess-approved" });
  approved.addEventListener("change", () => onChange({ ...choice, approvedOnly: approved.checked }));
  return [
    period,
    ...(choice.period === "year"
      ? [selectField(t("assess.year"), "year", String(choice.year), yearOptions().map((y) => [String(y), String(y)] as const), (v) => onChange({ ...choice, year: Number(v) }))]
      : choice.period === "range"
        ? rangeFields(choice, t, lang, onChange)
        : []),
    selectField(t("assess.basis"), "basis", choice.basis, ASSESSMENT_BASES.map((b) => [b, t(`assess.basis.${b}` as MessageKey)] as const), (v) =>
      onChange({ ...choice, basis: v as AssessmentChoice["basis"] }),
    ),
    selectField(t("assess.macMode"), "macMode", choice.macMode, MAC_MODES.map((m) => [m, t(`assess.macMode.${m}` as MessageKey)] as const), (v) => onChange({ ...choice, macMode: v as MacMode })),
    h("label", { class: "field field-check" }, approved, h("span", {}, t("assess.approvedOnly"))),
    h("label", { class: "field" }, h("span", {}, t("assess.asOfUtc")), asOf),
  ];
}
