// Which alerts a maintenance window holds: a pure predicate beside the alert engine's other reasons
// for holding still (suppression.ts: a faulty sensor, an offline station). A series in maintenance
// tells nothing about the river (contamination) and is expected to fall silent (no-data), so those
// rules neither start nor end an alert while the window lasts; once it is over, a breach still
// there fires once. Sensor-fault rules are not held by it: maintenance readings never count towards
// a fault (the engine skips them), and a sensor that fails after the visit is a finding.
import type { AlertRuleKind } from "../../../common/alerts.ts";
import { categoryOf } from "../alerts/conditions.ts";

/** The window (if any) covering a station's parameter (null: station-wide) at a time. */
export type MaintenanceLookup<W> = (station: string, parameter: string | null, at: number) => W | undefined;

/** The kinds of rule a maintenance window holds. */
export function heldKind(kind: AlertRuleKind): boolean {
  const category = categoryOf(kind);
  return category === "contamination" || category === "availability";
}

/**
 * The window holding a rule's series at `at`, or undefined. A station-wide series (a station's
 * no-data rule) is held only by a station-wide window; a parameter's series by a window of its
 * parameter or of the whole station.
 */
export function heldByMaintenance<W>(kind: AlertRuleKind, series: { station: string; parameter: string | null }, at: number, lookup: MaintenanceLookup<W>): W | undefined {
  if (!heldKind(kind)) return undefined;
  return lookup(series.station, series.parameter, at);
}

/** What the alert engine is given of the maintenance calendar (maintenance-calendar.ts). */
export interface MaintenanceHold<W = unknown> {
  windowAt: MaintenanceLookup<W>;
  /** A breach the window kept from being sent, recorded as held. */
  noteHeld(window: W, ruleId: number, seriesKey: string, at: number): void;
}

/**
 * The condition a rule's series moves its state machine with: "unknown" (hold still) while a window
 * holds it, and a breach held that way is recorded as held.
 */
export function conditionUnderMaintenance<C extends string>(
  hold: MaintenanceHold | undefined,
  rule: { id: number; kind: AlertRuleKind },
  series: { station: string; parameter: string | null },
  seriesKey: string,
  condition: C | "unknown",
  at: number,
): C | "unknown" {
  if (!hold || condition === "unknown") return condition;
  const window = heldByMaintenance(rule.kind, series, at, hold.windowAt);
  if (window === undefined) return condition;
  if (condition === "breach") hold.noteHeld(window, rule.id, seriesKey, at);
  return "unknown";
}

/** Is a rule's series held by a window at `at` (e.g. a reminder of its open alert)? */
export function heldNow(hold: MaintenanceHold | undefined, row: { kind: AlertRuleKind; station: string; parameter: string | null }, at: number): boolean {
  return hold !== undefined && heldByMaintenance(row.kind, row, at, hold.windowAt) !== undefined;
}
