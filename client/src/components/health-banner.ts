// Banner for a degraded backend: InfluxDB down (health 503 with influx.error) or the server
// unreachable. Polls /api/health and listens to the live `storage` event.
import type { ApiClient } from "../api.ts";
import { h } from "../dom.ts";
import type { Translate } from "../i18n/index.ts";
import type { LiveClient } from "../live.ts";

const POLL_MS = 15_000;

export function healthBanner(api: ApiClient, live: LiveClient, t: Translate): { element: HTMLElement; destroy: () => void } {
  const element = h("div", { class: "banner", role: "alert", hidden: true, "data-testid": "health-banner" });
  const show = (text: string | undefined) => {
    element.hidden = text === undefined;
    element.textContent = text ?? "";
  };
  let stopped = false;
  const check = async () => {
    try {
      const health = await api.health();
      if (!stopped) show(health.influx.reachable ? undefined : t("health.influxDown", { error: health.influx.error ?? "" }));
    } catch {
      if (!stopped) show(t("health.unreachable"));
    }
  };
  void check();
  const timer = setInterval(() => void check(), POLL_MS);
  const stopLive = live.listen({
    storage: (s) => show(s.reachable ? undefined : t("health.influxDown", { error: s.error ?? "" })),
    state: (state) => {
      if (state === "connected") void check();
    },
  });
  return {
    element,
    destroy: () => {
      stopped = true;
      clearInterval(timer);
      stopLive();
    },
  };
}
