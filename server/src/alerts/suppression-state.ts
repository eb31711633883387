// Which causes are active now, for suppression (suppression.ts): the series whose sensor-fault alert
// fires and the stations whose station-wide no-data alert fires. The alert engine keeps it in step
// with every transition to or from "firing" (and with undoing one when recording it failed).
import type { AlertRule } from "../../../common/alerts.ts";
import type { Transition } from "./state-machine.ts";
import { seriesParts, type ActiveConditions } from "./suppression.ts";

export class ActiveCauses implements ActiveConditions {
  readonly faultySeries = new Set<string>();
  readonly offlineStations = new Set<string>();

  /** `stillFiring(kind, key)`: whether another rule of that kind still fires on the series. */
  constructor(private readonly stillFiring: (kind: AlertRule["kind"], key: string) => boolean) {}

  /** Keeps the sets in step with a transition (or with undoing one). */
  transition(rule: AlertRule, key: string, transition: Transition | null, undo: boolean): void {
    if (transition?.to === "firing") this.mark(rule, key, !undo);
    if (transition?.from === "firing") this.mark(rule, key, undo);
  }

  mark(rule: AlertRule, key: string, active: boolean): void {
    const { station, parameter } = seriesParts(key);
    if (rule.kind === "sensor-fault") {
      if (active) this.faultySeries.add(key);
      else if (!this.stillFiring("sensor-fault", key)) this.faultySeries.delete(key);
    } else if (rule.kind === "no-data" && parameter === null) {
      if (active) this.offlineStations.add(station);
      else if (!this.stillFiring("no-data", key)) this.offlineStations.delete(station);
    }
  }

  /** A copy as it stands now (reminders judge suppression at the check, not when the queue gets to it). */
  snapshot(): ActiveConditions {
    return { faultySeries: new Set(this.faultySeries), offlineStations: new Set(this.offlineStations) };
  }

  clear(): void {
    this.faultySeries.clear();
    this.offlineStations.clear();
  }
}
