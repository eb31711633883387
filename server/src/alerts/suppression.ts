// Which alerts an active condition silences. A failing sensor's values say nothing about the river,
// so a sensor-fault alert holds the contamination rules of its series; an offline station cannot be
// judged at all, so its station-wide no-data alert holds everything else about that station
// (per-parameter no-data, sensor faults, reminders of its open alerts).
import type { AlertRuleKind } from "../../../common/alerts.ts";
import { PairCache } from "../util/pair-cache.ts";
import { categoryOf } from "./conditions.ts";

export interface ActiveConditions {
  /** `seriesKey(station, parameter)` of series with a firing sensor-fault alert. */
  faultySeries: ReadonlySet<string>;
  /** Stations with a firing station-wide no-data alert. */
  offlineStations: ReadonlySet<string>;
}

export type SuppressionReason = "sensor-fault" | "station-offline";

const seriesKeys = new PairCache((station: string, parameter: string) => `${station}\t${parameter}`);

/**
 * `station<TAB>parameter` ("" for station-wide). Interned: the engine looks keys up several times
 * per reading, and a string it has seen before hashes for free.
 */
export function seriesKey(station: string, parameter: string | null): string {
  return seriesKeys.get(station, parameter ?? "");
}

export function suppressedBy(
  kind: AlertRuleKind,
  station: string,
  parameter: string | null,
  active: ActiveConditions,
): SuppressionReason | null {
  // The station-wide no-data alert is the root cause; nothing silences it.
  if (kind === "no-data" && parameter === null) return null;
  if (active.offlineStations.has(station)) return "station-offline";
  if (categoryOf(kind) === "contamination" && parameter !== null && active.faultySeries.has(seriesKey(station, parameter))) {
    return "sensor-fault";
  }
  return null;
}
