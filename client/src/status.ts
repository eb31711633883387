// Station status for the overview, derived from the latest readings and recent means. Pure.
// Order of severity: offline > above a quality standard > sensor problem > ok.
import type { Parameter, QualityStandard, StandardKind } from "../../common/catalog.ts";
import { QC, type QcFlag, type Reading } from "../../common/reading.ts";

export type StationStatus = "ok" | "above" | "sensor" | "offline";

export const OFFLINE_AFTER_MS = 60 * 60 * 1000;

export type StatusIssue =
  | { kind: "offline" }
  | { kind: "above"; parameter: string; value: number; standard: QualityStandard; limit: number; basis: "value" | "mean" }
  | { kind: "below"; parameter: string; value: number; standard: QualityStandard; limit: number }
  | { kind: "sensor"; parameter: string; qc: QcFlag };

export interface StatusResult {
  status: StationStatus;
  issues: StatusIssue[];
  lastReadingAt: number | undefined;
}

export interface StatusInput {
  latest: readonly Reading[];
  parameters: ReadonlyMap<string, Parameter>;
  /** Recent (e.g. 24 h) means per parameter, compared with AA-EQS; a single value never is. */
  recentMeans?: ReadonlyMap<string, number>;
  now: number;
}

/** Standards a single value is checked against (AA-EQS needs a mean; watch-list limits never alarm). */
const SINGLE_VALUE_KINDS: ReadonlySet<StandardKind> = new Set(["MAC-EQS", "max", "min", "range"]);

export function deriveStatus(input: StatusInput): StatusResult {
  const { latest, parameters, now } = input;
  const lastReadingAt = latest.length > 0 ? Math.max(...latest.map((r) => r.time)) : undefined;
  const issues: StatusIssue[] = [];
  if (lastReadingAt === undefined || now - lastReadingAt > OFFLINE_AFTER_MS) issues.push({ kind: "offline" });

  for (const r of latest) {
    if (r.qc === QC.suspect || r.qc === QC.fail) issues.push({ kind: "sensor", parameter: r.parameter, qc: r.qc });
    // Failed values are excluded from standards checks; below-LOD values cannot exceed anything.
    if (r.qc === QC.fail || r.value === null) continue;
    const parameter = parameters.get(r.parameter);
    for (const std of parameter?.standards ?? []) {
      if (!SINGLE_VALUE_KINDS.has(std.kind)) continue;
      const upper = std.kind === "range" ? std.max : std.kind === "min" ? undefined : std.value;
      const lower = std.kind === "range" ? std.min : std.kind === "min" ? std.value : undefined;
      if (upper !== undefined && r.value > upper) {
        issues.push({ kind: "above", parameter: r.parameter, value: r.value, standard: std, limit: upper, basis: "value" });
      } else if (lower !== undefined && r.value < lower) {
        issues.push({ kind: "below", parameter: r.parameter, value: r.value, standard: std, limit: lower });
      }
    }
  }

  for (const [code, mean] of input.recentMeans ?? []) {
    for (const std of parameters.get(code)?.standards ?? []) {
      if (std.kind === "AA-EQS" && std.value !== undefined && mean > std.value) {
        issues.push({ kind: "above", parameter: code, value: mean, standard: std, limit: std.value, basis: "mean" });
      }
    }
  }

  const has = (kind: StatusIssue["kind"]) => issues.some((i) => i.kind === kind);
  const status: StationStatus = has("offline")
    ? "offline"
    : has("above") || has("below")
      ? "above"
      : has("sensor")
        ? "sensor"
        : "ok";
  return { status, issues, lastReadingAt };
}
