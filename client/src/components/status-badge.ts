// Station status as icon + text + colour (Okabe–Ito), so it reads without colour vision.
import { h } from "../dom.ts";
import type { MessageKey, Translate } from "../i18n/index.ts";
import type { StationStatus } from "../status.ts";

const VIEW: Record<StationStatus, { icon: string; key: MessageKey }> = {
  ok: { icon: "✓", key: "status.ok" },
  above: { icon: "▲", key: "status.above" },
  "early-warning": { icon: "△", key: "status.earlyWarning" },
  sensor: { icon: "!", key: "status.sensor" },
  offline: { icon: "○", key: "status.offline" },
};

/** The status in words (the badge's text). */
export function statusText(status: StationStatus, t: Translate): string {
  return t(VIEW[status].key);
}

export function statusBadge(status: StationStatus, t: Translate): HTMLElement {
  const view = VIEW[status];
  return h(
    "span",
    { class: `badge badge-${status}`, "data-status": status },
    h("span", { class: "badge-icon", "aria-hidden": "true" }, view.icon),
    t(view.key),
  );
}
