// What a station's status needs besides its latest readings, kept current for the overview's list
// and map: the firing alerts (early warnings among them; fetched again when live alert events come,
// at most every 300 ms as they come in bursts), and time passing (a station goes offline when nothing
// arrives, so statuses are derived again every 30 s).
import type { AlertInfo } from "../../common/alerts.ts";
import { AlertsApi } from "./alerts-api.ts";
import type { AppContext } from "./context.ts";
import { alertsByStation } from "./latest-readings.ts";

const ALERTS_DEBOUNCE_MS = 300;
const REDERIVE_MS = 30_000;

export interface StatusFeed {
  /** The station's firing alerts, for deriveStatus. */
  alertsOf(station: string): AlertInfo[];
  /** Fetches the firing alerts again, then redraws. */
  loadAlerts(): Promise<void>;
  stop(): void;
}

/** `redraw` is called when the alerts changed or time passed; it decides whether there is anything to draw yet. */
export function statusFeed(ctx: Pick<AppContext, "api" | "live">, redraw: () => void): StatusFeed {
  const api = new AlertsApi(ctx.api);
  let firing = new Map<string, AlertInfo[]>();
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  async function loadAlerts(): Promise<void> {
    try {
      firing = alertsByStation(await api.alerts({ state: "firing" }));
      if (!stopped) redraw();
    } catch {
      // Statuses still follow the latest values; the next alert event or load tries again.
    }
  }

  const timer = setInterval(redraw, REDERIVE_MS);
  const stopLive = ctx.live.listen({
    alert: () => {
      clearTimeout(debounce);
      debounce = setTimeout(() => void loadAlerts(), ALERTS_DEBOUNCE_MS);
    },
  });
  return {
    alertsOf: (station) => firing.get(station) ?? [],
    loadAlerts,
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(debounce);
      stopLive();
    },
  };
}
