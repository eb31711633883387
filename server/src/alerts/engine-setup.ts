// What the alert engine sets up from the metadata store: the index of its rules (evaluation order,
// and the rules a reading must be judged by, per parameter and station: built-in rules are one per
// station and standard, so with hundreds of stations a reading must not walk every station's rules),
// stored series states under today's keys, and the series a no-data rule watches.
import type { AlertRule } from "../../../common/alerts.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { Logger } from "../../../common/logger.ts";
import type { AlertRepository, StoredSeriesState } from "./alert-repository.ts";
import { isEvaluated } from "./rule-schema.ts";
import { seriesKey, seriesParts } from "./suppression.ts";
import type { Clock, Scheduler } from "../util/clock.ts";
import type { MaintenanceHold } from "../maintenance/maintenance-hold.ts";
import type { MeanHistory } from "./history-loader.ts";
import { DEFAULT_MACHINE_OPTIONS, type MachineOptions } from "./state-machine.ts";

const KIND_ORDER: Record<AlertRule["kind"], number> = { "no-data": 0, "sensor-fault": 1, "lab-disagreement": 1, mac: 2, aa: 2, range: 2, min: 2, max: 2, rate: 2 };

/** Rules in evaluation order: silence and faults first (they suppress), then contamination. */
export function inEvaluationOrder(rules: AlertRule[]): AlertRule[] {
  return rules.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.id - b.id);
}

/** Kinds judged on something other than readings (lab results and sensor–lab pairs, lab-alerts.ts). */
const NOT_ON_READINGS: ReadonlySet<AlertRule["kind"]> = new Set(["lab-disagreement"]);

/**
 * Evaluated rules that judge readings, per parameter code ("" for a parameter no rule names) and
 * station ("" for a station no rule names), in evaluation order.
 */
export function rulesByParameter(rules: readonly AlertRule[]): Map<string, Map<string, AlertRule[]>> {
  const index = new Map<string, Map<string, AlertRule[]>>();
  const onReadings = rules.filter((r) => isEvaluated(r) && !NOT_ON_READINGS.has(r.kind));
  for (const code of new Set(rules.map((r) => r.parameter ?? ""))) {
    const forParameter = onReadings.filter((r) => r.parameter === null || r.parameter === code);
    const byStation = new Map<string, AlertRule[]>();
    for (const station of new Set(forParameter.map((r) => r.station ?? ""))) {
      byStation.set(station, forParameter.filter((r) => r.station === null || r.station === station));
    }
    index.set(code, byStation);
  }
  return index;
}

/**
 * A series state stored before series named their sensor (key station × parameter) belongs to the
 * station's primary sensor, as untagged data does: stored again under the new key. Undefined when
 * the catalog no longer has a sensor for it.
 */
export async function withSensorKey(
  s: StoredSeriesState,
  { catalog, alerts, logger, now }: { catalog: CatalogSnapshot; alerts: Pick<AlertRepository, "rekeySeriesState">; logger: Logger; now: number },
): Promise<StoredSeriesState | undefined> {
  const parts = seriesParts(s.seriesKey);
  if (parts.sensor !== undefined) return s;
  const sensor = parts.parameter === null ? null : (catalog.defaultSensor(parts.station, parts.parameter, now)?.id ?? null);
  if (parts.parameter !== null && sensor === null) {
    logger.warn({ rule: s.ruleId, series: s.seriesKey }, "alert state of a series whose station no longer has a sensor for the parameter: not restored");
    return undefined;
  }
  const moved = { ...s, seriesKey: seriesKey(parts.station, parts.parameter, sensor) };
  await alerts.rekeySeriesState(s.ruleId, s.seriesKey, moved, sensor);
  return moved;
}

/**
 * The series a no-data rule watches, with when each last delivered: every sensor's series for a rule
 * on a parameter (a sensor removed from the station is silent by design and not watched), the station
 * as a whole for a rule on every parameter.
 */
export function silenceCandidates(lastSeen: ReadonlyMap<string, number>, rule: AlertRule, catalog: CatalogSnapshot, now: number): Map<string, number> {
  const out = new Map<string, number>();
  // Runs over every series each check (20,000 in a national network): a rule on every parameter
  // needs only the station, the key's first part, so most keys are not split into parts at all.
  for (const [key, seen] of lastSeen) {
    const tab = key.indexOf("\t");
    const station = tab < 0 ? key : key.slice(0, tab);
    if (rule.station !== null && rule.station !== station) continue;
    if (rule.parameter === null) {
      const target = seriesKey(station, null, null);
      out.set(target, Math.max(out.get(target) ?? -Infinity, seen));
      continue;
    }
    const { parameter, sensor } = seriesParts(key);
    if (rule.parameter !== parameter) continue;
    if (sensor && !catalog.installedSensor(station, rule.parameter, sensor, now)) continue;
    out.set(key, Math.max(out.get(key) ?? -Infinity, seen));
  }
  return out;
}

export interface AlertEngineOptions {
  clock: Clock;
  scheduler: Scheduler;
  /** How often no-data and reminders are checked. */
  checkIntervalMs: number;
  /** Remind subscribers of a firing, unacknowledged alert after this long; null: never. */
  reminderMs: number | null;
  /** Older readings (backfill, long-buffered uplinks) feed AA means but start no alerts. */
  staleAfterMs: number;
  /** Count QARTOD "suspect" (3) values for contamination rules too; by default only 1 and 2 count. */
  includeSuspect: boolean;
  machine: Omit<MachineOptions, "forMs">;
  /** Where AA windows are filled from after a start: the corrected data (data review); default the stored data. */
  meanHistory?: MeanHistory;
  /** Maintenance windows: they hold contamination and no-data alerts of the series they cover. */
  maintenance?: MaintenanceHold;
}

export const DEFAULT_ENGINE_OPTIONS: Omit<AlertEngineOptions, "clock" | "scheduler"> = {
  checkIntervalMs: 30_000,
  reminderMs: 3_600_000,
  staleAfterMs: 6 * 3_600_000,
  includeSuspect: false,
  machine: DEFAULT_MACHINE_OPTIONS,
};
