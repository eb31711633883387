// Toasts for live alert events: one per event, newest on top, each a polite status message with
// state and severity in words, the value, the cited standard and its source, and links to the
// station page around that time and to the alert. They stay until dismissed (a firing alert should
// not vanish while someone looks away); Escape dismisses the focused toast.
import "../alerts.css";
import type { AlertEvent } from "../../../common/alerts.ts";
import { h } from "../dom.ts";
import type { LiveClient } from "../live.ts";
import { alertsHref } from "../router.ts";
import { standardsCell } from "./alert-breaches.ts";
import { alertStationHref, parameterName, sensorText, severityBadge, stateBadge, stationName, timeText, valueText, type AlertFormat } from "./alert-format.ts";

/** More than this and the oldest go: a spill can raise many alerts at once. */
const MAX_TOASTS = 4;

export interface AlertToasts {
  element: HTMLElement;
  destroy(): void;
}

export function alertToasts(live: LiveClient, format: () => AlertFormat): AlertToasts {
  const list = h("div", { class: "toast-list" });
  const element = h("div", { class: "toasts", role: "region", "aria-label": format().t("toast.region"), "data-testid": "toasts" }, list);

  function dismiss(toast: HTMLElement): void {
    const next = (toast.nextElementSibling ?? toast.previousElementSibling) as HTMLElement | null;
    const hadFocus = toast.contains(document.activeElement);
    toast.remove();
    if (hadFocus) next?.querySelector<HTMLElement>(".toast-close")?.focus();
  }

  function show(event: AlertEvent): void {
    const f = format();
    const { t } = f;
    element.setAttribute("aria-label", t("toast.region"));
    const where = `${parameterName(f, event.parameter)} · ${stationName(f, event.station)}`;
    const state = event.reminder ? "reminder" : event.state;
    const close = h("button", { type: "button", class: "toast-close", "aria-label": t("toast.dismiss", { alert: where }), title: t("toast.dismissShort") }, "×");
    const toast = h(
      "div",
      {
        class: "toast",
        role: "status",
        "data-state": event.state,
        "data-severity": event.severity,
        "data-alert-id": String(event.id),
        "data-testid": "toast",
        onkeydown: (e: Event) => (e as KeyboardEvent).key === "Escape" && dismiss(toast),
      },
      h("div", { class: "toast-head" }, stateBadge(state, t), severityBadge(event.severity, t), close),
      h(
        "p",
        { class: "toast-title" },
        h("strong", {}, parameterName(f, event.parameter)),
        " · ",
        stationName(f, event.station),
        event.sensor ? h("span", { class: "muted" }, ` · ${sensorText(f, event)}`) : null,
      ),
      event.value !== null ? h("p", { class: "toast-value", "data-testid": "toast-value", "data-value-kind": event.valueKind ?? "" }, valueText(f, event)) : null,
      h("div", { class: "toast-standard" }, standardsCell(f, event)),
      event.kind === "aa" ? h("p", { class: "toast-note muted" }, t("alert.earlyWarningShort")) : null,
      // A single item: its time with the zone's abbreviation.
      h("p", { class: "toast-time muted" }, h("time", { datetime: new Date(event.at).toISOString() }, timeText(f, event.at, true))),
      h(
        "p",
        { class: "toast-links" },
        h("a", { href: alertStationHref(event, event.at), "data-testid": "toast-station-link" }, t("alert.openStation")),
        h("a", { href: alertsHref(new URLSearchParams({ id: String(event.id) })) }, t("toast.details")),
      ),
    );
    close.addEventListener("click", () => dismiss(toast));
    list.prepend(toast);
    while (list.children.length > MAX_TOASTS) list.lastElementChild?.remove();
  }

  // A silenced alert is recorded and listed, but held from every notice: no toast either (issue #19).
  const stop = live.listen({ alert: (event) => event.silencedBy === null && show(event) });
  return {
    element,
    destroy: () => {
      stop();
      element.remove();
    },
  };
}
