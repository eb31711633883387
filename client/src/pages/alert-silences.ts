// The silences section of the alerts page (issue #19): current silences and those ended in the last
// week, and for researchers and administrators a form to make one (matchers on station, parameter
// and rule; start and end in the UI language's date format; a comment) and a button to end one.
// The server refuses what makes no sense (no matcher without confirmation, an end before the start,
// longer than a year) and its message is shown as it is. Comments are user text: text nodes only.
import type { AlertRule } from "../../../common/alerts.ts";
import type { Silence, SilenceState } from "../../../common/silences.ts";
import type { AlertsApi } from "../alerts-api.ts";
import { roleAtLeast } from "../auth-api.ts";
import { alertFormat, parameterName, stationName, timeText, zoneColumn } from "../components/alert-format.ts";
import { dataTable } from "../components/data-table.ts";
import { dateTimeField, fieldMs } from "../components/date-time-field.ts";
import { loadError, notice } from "../components/notice.ts";
import type { AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { listZone } from "../state.ts";

const DEFAULT_MS = 4 * 3_600_000;
const STATE_ICON: Record<SilenceState, string> = { pending: "◔", active: "⊘", expired: "✓" };
/** Rules offered as a matcher at once: a station's or a parameter's (all rules would be thousands). */
const MAX_RULE_OPTIONS = 300;

export interface SilencesSection {
  element: HTMLElement;
  destroy(): void;
}

export function silencesSection(ctx: AppContext, alertsApi: AlertsApi, events: { changed(): void }): SilencesSection {
  const { t } = ctx;
  const f = alertFormat(ctx);
  const mayEdit = roleAtLeast(ctx.session.role, "researcher");
  let destroyed = false;
  let rules: AlertRule[] = [];
  const status = notice(t);
  const listEl = h("div", { "data-testid": "silence-list", "aria-live": "polite" }, h("p", { class: "state-loading" }, t("state.loading")));

  function matchers(s: Silence): string {
    const parts = [
      s.station ? stationName(f, s.station) : null,
      s.parameter ? parameterName(f, s.parameter) : null,
      s.ruleId !== null ? t("silence.ruleMatcher", { id: s.ruleId }) : null,
    ].filter((p): p is string => p !== null);
    return parts.length > 0 ? parts.join(" · ") : t("silence.everything");
  }

  function render(silences: Array<Silence & { state: SilenceState }>): void {
    const rows = silences.map((s) => ({
      attrs: { "data-silence-id": String(s.id), "data-state": s.state },
      cells: [
        h("span", { class: "silence-state", "data-state": s.state }, h("span", { class: "alert-icon", "aria-hidden": "true" }, STATE_ICON[s.state]), t(`silence.state.${s.state}`)),
        matchers(s),
        h("span", { class: "silence-period" }, timeText(f, s.startsAt), " – ", timeText(f, s.endsAt)),
        h("span", {}, s.createdBy, s.expiredBy ? h("span", { class: "muted" }, ` (${t("silence.endedBy", { by: s.expiredBy })})`) : null),
        h("span", { class: "silence-comment" }, s.comment),
        mayEdit && s.state !== "expired" ? h("button", { type: "button", "data-testid": "silence-expire", onclick: () => void expire(s.id) }, t("silence.expire")) : "",
      ],
    }));
    const headers = [t("silence.col.state"), t("silence.col.matchers"), zoneColumn(f, t("silence.col.period")), t("silence.col.by"), t("silence.col.comment"), mayEdit ? t("silence.col.action") : ""];
    listEl.replaceChildren(dataTable(t("silence.heading"), headers, rows, t("silence.none")));
  }

  async function load(): Promise<void> {
    try {
      const silences = await alertsApi.silences();
      if (!destroyed) render(silences);
    } catch (err) {
      if (!destroyed) listEl.replaceChildren(loadError(t, err));
    }
  }

  async function expire(id: number): Promise<void> {
    status.clear();
    try {
      await alertsApi.expireSilence(id);
      if (destroyed) return;
      status.ok(t("silence.expired", { id }));
      events.changed();
      await load();
    } catch (err) {
      if (!destroyed) status.failed(err);
    }
  }

  const select = (name: string, label: string, options: Array<[string, string]>, onchange?: () => void) => {
    const el = h("select", { name, "data-testid": `silence-${name}`, onchange }, h("option", { value: "" }, t("silence.any")), ...options.map(([v, text]) => h("option", { value: v }, text)));
    return { el, field: h("label", { class: "field" }, h("span", {}, label), el) };
  };

  function form(): HTMLElement {
    const station = select("station", t("silence.station"), ctx.catalog.stations.map((s) => [s.id, stationName(f, s.id)]), () => fillRules());
    const parameter = select("parameter", t("silence.parameter"), ctx.catalog.parameters.map((p) => [p.code, parameterName(f, p.code)]), () => fillRules());
    const rule = select("rule", t("silence.rule"), []);
    const now = Date.now();
    // Read and shown in the list's zone, so the times typed are the times the list shows.
    const zone = listZone(f.zone);
    const starts = dateTimeField("startsAt", ctx.lang, t, now, { zone, attrs: { "data-testid": "silence-starts" } });
    const ends = dateTimeField("endsAt", ctx.lang, t, now + DEFAULT_MS, { zone, attrs: { "data-testid": "silence-ends" } });
    const comment = h("input", { type: "text", name: "comment", required: true, maxlength: 2000, "data-testid": "silence-comment" });
    const matchAll = h("input", { type: "checkbox", name: "confirmMatchAll", "data-testid": "silence-match-all" });
    const submit = h("button", { type: "submit", class: "primary", "data-testid": "silence-submit" }, t("silence.create"));

    // A rule matcher is offered among the rules of the chosen station or parameter.
    function fillRules(): void {
      const s = station.el.value;
      const p = parameter.el.value;
      const offered = s || p ? rules.filter((r) => (!s || r.station === null || r.station === s) && (!p || r.parameter === null || r.parameter === p)).slice(0, MAX_RULE_OPTIONS) : [];
      rule.el.replaceChildren(h("option", { value: "" }, t("silence.any")), ...offered.map((r) => h("option", { value: String(r.id) }, `#${r.id} ${r.name}`)));
    }

    return h(
      "form",
      {
        class: "silence-form",
        "aria-labelledby": "silence-new-h",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          status.clear();
          submit.disabled = true;
          try {
            const created = await alertsApi.createSilence({
              station: station.el.value || null,
              parameter: parameter.el.value || null,
              ruleId: rule.el.value ? Number(rule.el.value) : null,
              startsAt: fieldMs(starts),
              endsAt: fieldMs(ends),
              comment: comment.value,
              confirmMatchAll: matchAll.checked,
            });
            if (destroyed) return;
            status.ok(t("silence.created", { id: created.id }));
            comment.value = "";
            matchAll.checked = false;
            events.changed();
            await load();
          } catch (err) {
            if (!destroyed) status.failed(err);
          } finally {
            submit.disabled = false;
          }
        },
      },
      h("h3", { id: "silence-new-h" }, t("silence.newHeading")),
      h(
        "div",
        { class: "silence-fields" },
        station.field,
        parameter.field,
        rule.field,
        h("label", { class: "field" }, h("span", {}, zoneColumn(f, t("silence.starts"))), starts),
        h("label", { class: "field" }, h("span", {}, zoneColumn(f, t("silence.ends"))), ends),
        h("label", { class: "field silence-comment-field" }, h("span", {}, t("silence.comment")), comment),
      ),
      h("label", { class: "check" }, matchAll, t("silence.matchAll")),
      h("div", { class: "silence-actions" }, submit, status.element),
    );
  }

  const element = h(
    "section",
    { class: "silences admin-card", "aria-labelledby": "silences-h", "data-testid": "silences" },
    h("h2", { id: "silences-h" }, t("silence.heading")),
    h("p", { class: "muted" }, t("silence.intro")),
    listEl,
    mayEdit ? form() : h("p", { class: "muted" }, t("silence.researcherOnly")),
    mayEdit ? "" : status.element,
  );
  if (mayEdit) {
    void alertsApi.rules().then(
      (all) => (rules = all),
      () => undefined, // the rule matcher stays "any"; the rest of the form works
    );
  }
  void load();
  return {
    element,
    destroy: () => {
      destroyed = true;
    },
  };
}
