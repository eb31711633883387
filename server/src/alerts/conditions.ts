// Pure checks of one measured quantity against a rule: breach, hold (hysteresis band), or clear.
import type { AlertRule, AlertRuleKind, AlertCategory, AlertSeverity, AlertValueKind } from "../../../common/alerts.ts";
import { QC, type Reading } from "../../../common/reading.ts";
import type { Condition } from "./state-machine.ts";

export type RuleLimits = Pick<AlertRule, "kind" | "threshold" | "low" | "high" | "clearRatio">;

/**
 * Hysteresis margin: an upper limit of 130 with clearRatio 0.9 clears at ≤ 117; a lower limit of 5
 * clears at ≥ 5.5; a range 6–9 clears only inside 6.15–8.85.
 */
export function limitCondition(limits: RuleLimits, value: number): Condition {
  const slack = 1 - limits.clearRatio;
  switch (limits.kind) {
    case "mac":
    case "max":
    case "aa":
    case "rate":
    case "sensor-fault":
    case "lab-disagreement": {
      const t = limits.threshold!;
      if (value > t) return "breach";
      return value > t - slack * Math.abs(t) ? "hold" : "clear";
    }
    case "min": {
      const t = limits.threshold!;
      if (value < t) return "breach";
      return value < t + slack * Math.abs(t) ? "hold" : "clear";
    }
    case "range": {
      const low = limits.low!;
      const high = limits.high!;
      if (value < low || value > high) return "breach";
      const margin = (slack * (high - low)) / 2;
      return value < low + margin || value > high - margin ? "hold" : "clear";
    }
    case "no-data":
      return "unknown";
  }
}

/** QC flags that count for water-quality rules: pass, and not evaluated (e.g. below LOD, no history). */
export function countsForContamination(r: Pick<Reading, "qc">, includeSuspect = false): boolean {
  return r.qc === QC.pass || r.qc === QC.notEvaluated || (includeSuspect && r.qc === QC.suspect);
}

/**
 * A single reading against mac/max/min/range. A censored value (<LOD, <LOQ) is "low": it clears an
 * upper limit, says nothing about a lower one. So only quantified values can breach an upper limit,
 * which is what Directive 2009/90/EC Art. 4 asks of a method whose limit is above 30 % of the standard.
 */
export function singleValueCondition(limits: RuleLimits, r: Pick<Reading, "value">): Condition {
  if (r.value !== null) return limitCondition(limits, r.value);
  return limits.kind === "mac" || limits.kind === "max" ? "clear" : "unknown";
}

/** Absolute rate of change per hour between the oldest and newest value in the window. */
export function ratePerHour(points: ReadonlyArray<{ time: number; value: number }>): number | null {
  if (points.length < 2) return null;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (last.time <= first.time) return null;
  return (Math.abs(last.value - first.value) / (last.time - first.time)) * 3_600_000;
}

export function categoryOf(kind: AlertRuleKind): AlertCategory {
  if (kind === "sensor-fault" || kind === "lab-disagreement") return "sensor";
  if (kind === "no-data") return "availability";
  return "contamination";
}

/** What an alert of this rule kind takes as its value. */
export function valueKindOf(kind: AlertRuleKind): AlertValueKind | null {
  switch (kind) {
    case "aa":
      return "mean";
    case "rate":
      return "rate";
    case "lab-disagreement":
      return "difference";
    case "mac":
    case "max":
    case "min":
    case "range":
      return "single";
    case "no-data":
    case "sensor-fault":
      return null;
  }
}

/** What a recorded alert's value is: a lab result when a sample raised a contamination alert. */
export function alertValueKind(kind: AlertRuleKind, fromLab: boolean): AlertValueKind | null {
  return fromLab && categoryOf(kind) === "contamination" ? "lab" : valueKindOf(kind);
}

export function defaultSeverity(kind: AlertRuleKind): AlertSeverity {
  if (kind === "mac") return "critical";
  if (kind === "sensor-fault" || kind === "no-data") return "info";
  if (kind === "lab-disagreement") return "warning";
  return "warning";
}
