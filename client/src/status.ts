// Station status for the overview, derived from the latest readings and the station's firing early
// warnings. Pure. Order of severity: offline > above a quality standard > early warning > sensor
// problem > ok. Only standards that apply at the station count (their scope covers it: no GB 3838
// limit on a Saxon station, no Swiss value outside Switzerland); a GB 3838 class-limits standard
// counts with the station's target class. A single value is never held against an annual standard,
// and neither is a short mean (a 24-hour mean "above the AA-EQS" is what issue #13 is about): means
// enter only as the alert engine's early warnings, which name their window and count.
import type { AlertInfo } from "../../common/alerts.ts";
import type { CatalogSnapshot } from "../../common/catalog-snapshot.ts";
import type { QualityStandard, StandardKind } from "../../common/catalog-model.ts";
import { QC, type QcFlag, type Reading } from "../../common/reading.ts";
import type { EffectiveStandard } from "../../common/standards.ts";

export type StationStatus = "ok" | "above" | "early-warning" | "sensor" | "offline";

export const OFFLINE_AFTER_MS = 60 * 60 * 1000;

export type StatusIssue =
  | { kind: "offline" }
  | { kind: "above"; parameter: string; value: number; standard: QualityStandard; limit: number }
  /** A firing AA early warning: the rolling mean (window, count) above the annual standard. */
  | { kind: "early-warning"; alert: AlertInfo }
  | { kind: "below"; parameter: string; value: number; standard: QualityStandard; limit: number }
  | { kind: "sensor"; parameter: string; qc: QcFlag };

export interface StatusResult {
  status: StationStatus;
  issues: StatusIssue[];
  lastReadingAt: number | undefined;
}

export interface StatusInput {
  station: string;
  latest: readonly Reading[];
  catalog: CatalogSnapshot;
  /** The station's firing alerts (others are ignored). */
  alerts?: readonly AlertInfo[];
  now: number;
}

/** Standards a single value is checked against (AA-EQS needs a mean; watch-list limits never alarm). */
const SINGLE_VALUE_KINDS: ReadonlySet<StandardKind> = new Set(["MAC-EQS", "max", "min", "range", "class-limits"]);

function applicable(catalog: CatalogSnapshot, station: string, parameter: string, time: number): EffectiveStandard[] {
  return catalog.standardsAt(station, parameter, time).filter((s) => s.applicable && s.limit !== null);
}

export function deriveStatus(input: StatusInput): StatusResult {
  const { latest, catalog, now, station } = input;
  const lastReadingAt = latest.length > 0 ? Math.max(...latest.map((r) => r.time)) : undefined;
  const issues: StatusIssue[] = [];
  if (lastReadingAt === undefined || now - lastReadingAt > OFFLINE_AFTER_MS) issues.push({ kind: "offline" });

  for (const r of latest) {
    // A reading taken in a maintenance window fails QC because of the visit, not a faulty sensor.
    if (!r.maintenance && (r.qc === QC.suspect || r.qc === QC.fail)) issues.push({ kind: "sensor", parameter: r.parameter, qc: r.qc });
    // Failed values are excluded from standards checks; censored values cannot exceed anything.
    if (r.qc === QC.fail || r.value === null) continue;
    for (const { standard, limit } of applicable(catalog, r.station, r.parameter, r.time)) {
      if (!SINGLE_VALUE_KINDS.has(standard.kind) || !limit) continue;
      const upper = limit.kind === "range" ? limit.max : limit.kind === "max" ? limit.value : undefined;
      const lower = limit.kind === "range" ? limit.min : limit.kind === "min" ? limit.value : undefined;
      if (upper !== undefined && r.value > upper) {
        issues.push({ kind: "above", parameter: r.parameter, value: r.value, standard, limit: upper });
      } else if (lower !== undefined && r.value < lower) {
        issues.push({ kind: "below", parameter: r.parameter, value: r.value, standard, limit: lower });
      }
    }
  }

  for (const alert of input.alerts ?? []) {
    if (alert.station === station && alert.state === "firing" && alert.kind === "aa") issues.push({ kind: "early-warning", alert });
  }

  const has = (kind: StatusIssue["kind"]) => issues.some((i) => i.kind === kind);
  const status: StationStatus = has("offline")
    ? "offline"
    : has("above") || has("below")
      ? "above"
      : has("early-warning")
        ? "early-warning"
        : has("sensor")
          ? "sensor"
          : "ok";
  return { status, issues, lastReadingAt };
}
