// Live connection indicator: shape + text + colour (never colour alone), announced politely.
import { h } from "../dom.ts";
import type { MessageKey, Translate } from "../i18n/index.ts";
import type { ConnectionState, LiveClient } from "../live.ts";

const VIEW: Record<ConnectionState, { icon: string; key: MessageKey }> = {
  connecting: { icon: "◌", key: "conn.connecting" },
  connected: { icon: "●", key: "conn.connected" },
  reconnecting: { icon: "◐", key: "conn.reconnecting" },
  offline: { icon: "✕", key: "conn.offline" },
};

export function connectionIndicator(live: LiveClient, t: Translate): { element: HTMLElement; destroy: () => void } {
  const icon = h("span", { class: "conn-icon", "aria-hidden": "true" });
  const text = h("span", { class: "conn-text" });
  const element = h("div", { class: "conn", role: "status", "aria-live": "polite", "data-testid": "connection" }, icon, text);
  const stop = live.listen({
    state: (state) => {
      element.dataset.state = state;
      icon.textContent = VIEW[state].icon;
      text.textContent = t(VIEW[state].key);
    },
  });
  return { element, destroy: stop };
}
