// Grouped alerts and silences as they read in the alert list and details (issue #19): an alert for
// several standards breached together lists each with its source and legal status; a silenced alert
// says so with an icon and words (never colour alone). Text only: no HTML from data.
import type { AlertInfo } from "../../../common/alerts.ts";
import { h } from "../dom.ts";
import type { Translate } from "../i18n/index.ts";
import { sourceText, standardCitation, timeText, type AlertFormat } from "./alert-format.ts";

/** "⊘ Silenced": the alert is recorded, its notices are held. */
export function silencedBadge(t: Translate, silence: number): HTMLElement {
  return h(
    "span",
    { class: "alert-state alert-silenced", "data-state": "silenced", "data-silence": String(silence), title: t("alert.silencedBy", { id: silence }) },
    h("span", { class: "alert-icon", "aria-hidden": "true" }, "⊘"),
    t("alert.silenced"),
  );
}

/** The list's standard cell: the one cited, or every breached standard of a grouped alert, strictest first. */
export function standardsCell(f: AlertFormat, a: AlertInfo): HTMLElement {
  if (a.breaches.length <= 1) return standardCitation(f, a.standard, a.unit, a.threshold);
  return h(
    "ul",
    { class: "alert-breaches", "data-testid": "alert-breaches", "aria-label": f.t("alert.breachCount", { count: a.breaches.length }) },
    ...a.breaches.map((b) =>
      h("li", { "data-rule-id": String(b.ruleId), "data-cleared": String(b.clearedAt !== null) }, standardCitation(f, b.standard, a.unit, b.threshold)),
    ),
  );
}

/** The details' list: each breached standard with its full source text, and when it stopped being breached. */
export function breachDetails(f: AlertFormat, a: AlertInfo): HTMLElement {
  return h(
    "ul",
    { class: "alert-breaches alert-breach-details", "data-testid": "alert-breach-details" },
    ...a.breaches.map((b) =>
      h(
        "li",
        { "data-rule-id": String(b.ruleId) },
        standardCitation(f, b.standard, a.unit, b.threshold),
        b.clearedAt !== null ? h("span", { class: "muted" }, ` – ${f.t("alert.breachCleared", { time: timeText(f, b.clearedAt) })}`) : null,
        b.standard ? h("p", { class: "alert-source-text muted" }, sourceText(f, b.standard)) : null,
      ),
    ),
  );
}
