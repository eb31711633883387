// The maintenance section of the alerts page: windows going on and planned (status in words with an
// icon, station, parameter, period in the list's zone, reason, who, alerts held), and for reviewers
// and admins a form to start one from now or plan one, and a button to end or cancel each. Follows
// the server's `maintenance` live event; the status words follow the clock.
import { maintenanceStatus, type MaintenanceRequest, type MaintenanceStatus, type MaintenanceWindow } from "../../../common/maintenance.ts";
import { roleAtLeast } from "../auth-api.ts";
import { alertFormat, stationName, timeText, zoneColumn } from "../components/alert-format.ts";
import { confirmButton } from "../components/confirm-button.ts";
import { dataTable } from "../components/data-table.ts";
import { dateTimeField, fieldMs } from "../components/date-time-field.ts";
import { loadError, notice } from "../components/notice.ts";
import { parameterName, type AppContext } from "../context.ts";
import { h } from "../dom.ts";
import { MaintenanceApi } from "../maintenance-api.ts";
import { listZone } from "../state.ts";
import { stationHref } from "../router.ts";

const STATUS_ICON: Record<MaintenanceStatus, string> = { active: "⚒", planned: "◷", past: "✓" };
/** The status words move from planned to active to over with the clock. */
const REFRESH_MS = 60_000;

export interface MaintenanceSection {
  element: HTMLElement;
  destroy(): void;
}

export function maintenanceSection(ctx: AppContext): MaintenanceSection {
  const { t } = ctx;
  const f = alertFormat(ctx);
  const api = new MaintenanceApi(ctx.api);
  const operator = roleAtLeast(ctx.session.role, "reviewer");
  const status = notice(t);
  const list = h("div", { class: "maint-list", "data-testid": "maintenance-list", "aria-live": "polite" }, h("p", { class: "state-loading" }, t("state.loading")));
  let windows: MaintenanceWindow[] = [];
  let destroyed = false;

  function badge(s: MaintenanceStatus): HTMLElement {
    return h("span", { class: "maint-status", "data-status": s }, h("span", { "aria-hidden": "true" }, `${STATUS_ICON[s]} `), t(`maint.status.${s}`));
  }

  function render(): void {
    const now = Date.now();
    const rows = windows
      .filter((w) => maintenanceStatus(w, now) !== "past")
      .map((w) => {
        const s = maintenanceStatus(w, now);
        return {
          attrs: { "data-window": String(w.id), "data-status": s },
          cells: [
            badge(s),
            h("a", { href: stationHref(w.station, new URLSearchParams()) }, stationName(f, w.station)),
            w.parameter ? parameterName(ctx, w.parameter) : t("maint.wholeStation"),
            h("time", { datetime: new Date(w.from).toISOString() }, timeText(f, w.from)),
            h("time", { datetime: new Date(w.to).toISOString() }, timeText(f, w.to)),
            h("span", { class: "maint-reason" }, w.reason),
            w.createdBy,
            h("span", { class: "num" }, String(w.heldAlerts)),
            operator
              ? confirmButton(t(s === "planned" ? "maint.cancel" : "maint.end"), t, async () => {
                  try {
                    await api.end(w.id);
                    status.ok(t("maint.ended"));
                    await load();
                  } catch (err) {
                    status.failed(err);
                  }
                })
              : "",
          ],
        };
      });
    const headers = [
      t("maint.col.status"),
      t("maint.col.station"),
      t("maint.col.parameter"),
      zoneColumn(f, t("maint.col.from")),
      t("maint.col.to"),
      t("maint.col.reason"),
      t("maint.col.by"),
      t("maint.col.held"),
      ...(operator ? [t("maint.col.action")] : []),
    ];
    list.replaceChildren(h("p", { class: "muted alert-count" }, t("maint.count", { count: rows.length })), dataTable(t("maint.heading"), headers, rows, t("maint.none")));
  }

  async function load(): Promise<void> {
    try {
      const next = await api.current();
      if (destroyed) return;
      windows = next;
      render();
    } catch (err) {
      if (!destroyed) list.replaceChildren(loadError(t, err));
    }
  }

  const element = h(
    "section",
    { class: "maint-section", "aria-labelledby": "maint-h", "data-testid": "maintenance-section" },
    h("h2", { id: "maint-h" }, t("maint.heading")),
    h("p", { class: "muted maint-intro" }, t("maint.intro")),
    list,
    operator ? maintenanceForm(ctx, api, status, () => void load()) : h("p", { class: "muted" }, t("maint.reviewerOnly")),
    status.element,
  );
  const stopLive = ctx.live.listen({ maintenance: () => void load(), resync: () => void load() });
  const timer = setInterval(render, REFRESH_MS);
  void load();
  return {
    element,
    destroy: () => {
      destroyed = true;
      clearInterval(timer);
      stopLive();
    },
  };
}

/** Start from now for a number of minutes, or plan a period; the server checks it (and says what is wrong). */
function maintenanceForm(ctx: AppContext, api: MaintenanceApi, status: ReturnType<typeof notice>, saved: () => void): HTMLElement {
  const { t } = ctx;
  const f = alertFormat(ctx);
  const zone = listZone(ctx.p.zone);
  const station = h("select", { name: "station", required: true }, ...ctx.catalog.stations.map((s) => h("option", { value: s.id }, stationName(f, s.id))));
  const parameter = h("select", { name: "parameter" });
  const fillParameters = () =>
    parameter.replaceChildren(
      h("option", { value: "" }, t("maint.wholeStation")),
      ...ctx.catalog.parametersOf(station.value).map((p) => h("option", { value: p.code }, parameterName(ctx, p.code))),
    );
  station.addEventListener("change", fillParameters);
  fillParameters();
  const duration = h("input", { type: "number", name: "durationMinutes", min: "1", step: "1", value: "60", size: "6" });
  const from = dateTimeField("from", ctx.lang, t, null, { zone });
  const to = dateTimeField("to", ctx.lang, t, null, { zone });
  const when = h("select", { name: "when" }, h("option", { value: "now" }, t("maint.when.now")), h("option", { value: "planned" }, t("maint.when.planned")));
  const durationField = h("label", { class: "field" }, h("span", {}, t("maint.field.duration")), duration);
  const fromField = h("label", { class: "field" }, h("span", {}, t("maint.field.from")), from);
  const toField = h("label", { class: "field" }, h("span", {}, t("maint.field.to")), to);
  const showWhen = () => {
    const planned = when.value === "planned";
    durationField.hidden = planned;
    fromField.hidden = !planned;
    toField.hidden = !planned;
    from.required = planned;
    to.required = planned;
  };
  when.addEventListener("change", showWhen);
  showWhen();
  const reason = h("input", { type: "text", name: "reason", required: true, maxlength: "500", placeholder: t("maint.reasonHint"), size: "32" });
  const field = (label: string, control: HTMLElement) => h("label", { class: "field" }, h("span", {}, label), control);
  return h(
    "form",
    {
      class: "stack-form maint-form",
      "data-testid": "maintenance-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        status.clear();
        const request: MaintenanceRequest = { station: station.value, parameter: parameter.value || null, reason: reason.value.trim() };
        if (when.value === "planned") Object.assign(request, { from: new Date(fieldMs(from)).toISOString(), to: new Date(fieldMs(to)).toISOString() });
        else request.durationMinutes = Number(duration.value);
        try {
          const w = await api.create(request);
          status.ok(t("maint.saved", { station: stationName(f, w.station), to: timeText(f, w.to, true) }));
          reason.value = "";
          saved();
        } catch (err) {
          status.failed(err);
        }
      },
    },
    h("h3", {}, t("maint.new")),
    h("div", { class: "inline-form" }, field(t("maint.field.station"), station), field(t("maint.field.parameter"), parameter), field(t("maint.field.when"), when), durationField, fromField, toField),
    h("div", { class: "inline-form" }, field(t("maint.field.reason"), reason), h("button", { type: "submit", class: "primary", "data-testid": "maintenance-submit" }, t("maint.submit"))),
  );
}
