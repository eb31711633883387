// One alert in detail: what, where, the cited standard, the state-change history, and the
// acknowledgement (who, when, comment) or, for researchers and admins, a form to acknowledge.
// Comments are user text: shown with text nodes only.
import type { AlertHistoryEntry, AlertInfo } from "../../../common/alerts.ts";
import type { AlertDetail, AlertsApi } from "../alerts-api.ts";
import { roleAtLeast } from "../auth-api.ts";
import {
  alertFormat,
  alertStationHref,
  historyValueText,
  parameterName,
  sensorText,
  severityBadge,
  sourceText,
  standardCitation,
  stateBadge,
  stationName,
  timeText,
  valueText,
  zoneColumn,
} from "../components/alert-format.ts";
import { breachDetails, silencedBadge } from "../components/alert-breaches.ts";
import { dataTable } from "../components/data-table.ts";
import { loadError, notice } from "../components/notice.ts";
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { loginHref } from "../router.ts";

export interface AlertDetailView {
  id: number;
  element: HTMLElement;
  /** Fetch again (a live event for this alert arrived). */
  refresh(): void;
  destroy(): void;
}

export interface AlertDetailEvents {
  close(): void;
  /** The alert changed here (acknowledged): the list should show it too. */
  changed(alert: AlertInfo): void;
}

const ACK_MAX = 2_000;

export function alertDetail(ctx: AppContext, alertsApi: AlertsApi, id: number, events: AlertDetailEvents): AlertDetailView {
  const { t } = ctx;
  const f = alertFormat(ctx);
  let destroyed = false;
  let seq = 0;
  const body = h("div", { class: "alert-detail-body" }, h("p", { class: "state-loading" }, t("state.loading")));
  const heading = h("h2", { id: `alert-${id}-h`, tabindex: -1 }, t("alert.detail", { id }));
  const element = h(
    "section",
    { class: "alert-detail admin-card", "aria-labelledby": `alert-${id}-h`, "data-testid": "alert-detail", "data-alert-id": String(id) },
    h("div", { class: "section-bar" }, heading, h("button", { type: "button", class: "quiet", onclick: () => events.close(), "aria-label": t("alert.close") }, "×")),
    body,
  );

  function historyTable(history: AlertHistoryEntry[], a: AlertInfo): HTMLElement {
    const rows = [...history]
      .sort((x, y) => y.at - x.at)
      .map((e) => ({
        attrs: { "data-history-state": e.state },
        cells: [
          h("time", { datetime: new Date(e.at).toISOString() }, timeText(f, e.at)),
          stateBadge(e.state, t),
          historyValueText(f, e, a),
          e.note ?? "",
        ],
      }));
    const headers = [zoneColumn(f, t("alert.hist.time")), t("alert.hist.state"), t("alert.hist.value"), t("alert.hist.note")];
    return dataTable(t("alert.history"), headers, rows, t("alert.hist.none"));
  }

  function ackSection(a: AlertInfo): HTMLElement {
    const section = h("section", { class: "alert-ack", "aria-labelledby": `alert-${id}-ack-h` }, h("h3", { id: `alert-${id}-ack-h` }, t("ack.heading")));
    if (a.ack) {
      section.append(h("p", { "data-testid": "ack-info" }, t("ack.by", { by: a.ack.by, time: timeText(f, a.ack.at, true) })));
      if (a.ack.comment) section.append(h("blockquote", { class: "ack-comment", "data-testid": "ack-comment" }, a.ack.comment));
      return section;
    }
    section.append(h("p", { class: "muted" }, t("ack.none")));
    if (!roleAtLeast(ctx.session.role, "researcher")) {
      section.append(
        h("p", { class: "muted" }, t("ack.researcherOnly"), " ", ctx.session.user ? null : h("a", { href: loginHref(location.hash) }, t("session.login"))),
      );
      return section;
    }
    const comment = h("textarea", { name: "comment", rows: 3, maxlength: ACK_MAX, "data-testid": "ack-comment-input" });
    const status = notice(t);
    const submit = h("button", { type: "submit", class: "primary", "data-testid": "ack-submit" }, t("ack.submit"));
    const form = h(
      "form",
      {
        class: "stack-form",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          status.clear();
          submit.disabled = true;
          try {
            const updated = await alertsApi.acknowledge(id, comment.value);
            if (destroyed) return;
            events.changed(updated);
            await load();
            element.querySelector<HTMLElement>("[data-testid='ack-info']")?.setAttribute("tabindex", "-1");
            element.querySelector<HTMLElement>("[data-testid='ack-info']")?.focus();
          } catch (err) {
            submit.disabled = false;
            status.failed(err);
          }
        },
      },
      h("label", { class: "field" }, h("span", {}, t("ack.comment")), comment),
      submit,
      status.element,
    );
    section.append(form);
    return section;
  }

  function render(a: AlertDetail): void {
    body.replaceChildren(
      h("div", { class: "alert-detail-badges" }, stateBadge(a.state, t), a.silencedBy !== null ? silencedBadge(t, a.silencedBy) : null, severityBadge(a.severity, t)),
      a.silencedBy !== null ? h("p", { class: "alert-silenced-note", "data-testid": "silenced-note" }, t("alert.silencedBy", { id: a.silencedBy })) : "",
      h(
        "dl",
        { class: "facts" },
        h("dt", {}, t("alerts.col.station")),
        h("dd", {}, h("a", { href: alertStationHref(a, a.startedAt) }, stationName(f, a.station))),
        h("dt", {}, t("alerts.col.parameter")),
        h("dd", {}, parameterName(f, a.parameter)),
        h("dt", {}, t("alert.sensor")),
        h("dd", { "data-testid": "alert-sensor" }, sensorText(f, a)),
        h("dt", {}, t("alert.value")),
        h("dd", { "data-testid": "alert-value", "data-value-kind": a.valueKind ?? "" }, valueText(f, a)),
        h("dt", {}, a.breaches.length > 1 ? t("alert.breaches", { count: a.breaches.length }) : t("alert.standardLabel")),
        a.breaches.length > 1
          ? h("dd", {}, breachDetails(f, a))
          : h("dd", {}, standardCitation(f, a.standard, a.unit, a.threshold), a.standard && h("p", { class: "alert-source-text muted" }, sourceText(f, a.standard))),
        h("dt", {}, t("alert.rule")),
        h("dd", {}, a.ruleName),
        h("dt", {}, zoneColumn(f, t("alerts.col.started"))),
        h("dd", {}, timeText(f, a.startedAt)),
        a.resolvedAt !== null && h("dt", {}, zoneColumn(f, t("alert.resolvedAt"))),
        a.resolvedAt !== null && h("dd", {}, timeText(f, a.resolvedAt)),
      ),
      a.kind === "aa" ? h("p", { class: "alert-early-warning muted", "data-testid": "early-warning-note" }, t("alert.earlyWarning")) : "",
      h("p", {}, h("a", { href: alertStationHref(a, a.startedAt) }, t("alert.openStation"))),
      ackSection(a),
      h("h3", {}, t("alert.history")),
      historyTable(a.history, a),
    );
  }

  async function load(): Promise<void> {
    const mine = ++seq;
    try {
      const a = await alertsApi.alert(id);
      if (!destroyed && mine === seq) render(a);
    } catch (err) {
      if (!destroyed && mine === seq) body.replaceChildren(loadError(t, err));
    }
  }

  void load();
  return {
    id,
    element,
    refresh: () => {
      // Keep a half-written comment: only refresh when nobody is typing one.
      const typing = element.querySelector<HTMLTextAreaElement>("textarea")?.value;
      if (!typing) void load();
    },
    destroy: () => {
      destroyed = true;
    },
  };
}
