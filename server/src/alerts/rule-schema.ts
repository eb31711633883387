// Validation of alert rules at the API edge: catalog station/parameter, the cited standard, units,
// thresholds and durations. Produces a complete draft, filling thresholds from the cited standard
// (the limit it sets at the rule's station: a GB 3838 class-limits standard gives the station's
// target-class limit).
import { z } from "zod";
import { ALERT_GROUPINGS, ALERT_RULE_KINDS, ALERT_SEVERITIES, type AlertRule, type AlertRuleKind } from "../../../common/alerts.ts";
import type { QualityStandard, StandardKind } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { effectiveLimit, validAt, type EffectiveLimit } from "../../../common/standards.ts";
import { ValidationError } from "../errors.ts";
import { parseOrThrow } from "../http/validation.ts";
import { DEFAULT_AA_WINDOW_MS, DEFAULT_MIN_COVERAGE, MIN_AA_WINDOW_MS } from "./aa-early-warning.ts";
import { defaultSeverity } from "./conditions.ts";

export type RuleDraft = Omit<AlertRule, "id" | "builtIn" | "createdBy" | "createdById" | "paused" | "createdAt" | "updatedAt">;

/** The engine evaluates a rule that is switched on and whose creator may have rules (owner-rights.ts). */
export function isEvaluated(rule: Pick<AlertRule, "enabled" | "paused">): boolean {
  return rule.enabled && !rule.paused;
}

const DAY_MS = 86_400_000;
const DEFAULT_WINDOW: Partial<Record<AlertRuleKind, number>> = { aa: DEFAULT_AA_WINDOW_MS, rate: 3_600_000, "no-data": 3_600_000 };
const MAX_WINDOW_MS = 400 * DAY_MS;

/**
 * Which catalog standard kinds a rule kind may cite. Class limits give a max, min or range limit
 * (by their direction). Watch-list MDLs are method requirements, never alarms.
 */
export const STANDARD_FOR_KIND: Partial<Record<AlertRuleKind, readonly StandardKind[]>> = {
  mac: ["MAC-EQS"],
  aa: ["AA-EQS"],
  range: ["range", "class-limits"],
  min: ["min", "class-limits"],
  max: ["max", "class-limits"],
};

/** The rule kind that checks a standard's limit at a station; undefined for standards that never alarm. */
export function ruleKindFor(kind: StandardKind, limit: EffectiveLimit): AlertRuleKind | undefined {
  switch (kind) {
    case "AA-EQS":
      return "aa";
    case "MAC-EQS":
      return "mac";
    case "watch-list-MDL":
      return undefined;
    default:
      return limit.kind;
  }
}

/** What a rule needs from the catalog: the snapshot, and the instant whose standard versions count. */
export interface RuleCatalog {
  catalog: CatalogSnapshot;
  now: number;
}

const duration = (what: string) =>
  z.number({ error: `${what} must be a number of milliseconds` }).int(`${what} must be whole milliseconds`).min(0, `${what} must not be negative`);

export const ruleInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    kind: z.enum(ALERT_RULE_KINDS),
    station: z.string().nullable(),
    parameter: z.string().nullable(),
    standard: z.object({ id: z.string().min(1).max(100) }).strict().nullable(),
    threshold: z.number().finite().nullable(),
    low: z.number().finite().nullable(),
    high: z.number().finite().nullable(),
    unit: z.string().nullable(),
    windowMs: duration("windowMs").nullable(),
    minCoverage: z.number().gt(0, "minCoverage must be above 0").max(1, "minCoverage must be at most 1 (all expected readings)").nullable(),
    forMs: duration("forMs"),
    clearRatio: z.number().gt(0, "clearRatio must be above 0").max(1, "clearRatio must be at most 1"),
    runLength: z.number().int().min(1, "runLength must be at least 1").max(1000).nullable(),
    severity: z.enum(ALERT_SEVERITIES),
    grouping: z.enum(ALERT_GROUPINGS, { error: `grouping must be one of ${ALERT_GROUPINGS.join(", ")}` }),
    enabled: z.boolean(),
  })
  .partial()
  .strict();

export type RuleInput = z.infer<typeof ruleInputSchema>;

export function parseRuleInput(body: unknown): RuleInput {
  return parseOrThrow(ruleInputSchema, body);
}

/** Checks a complete rule (a create, or an existing rule with a patch applied) and fills defaults. */
export function completeRule(input: RuleInput, { catalog, now }: RuleCatalog, previous?: RuleDraft): RuleDraft {
  const merged = { ...previous, ...input };
  const kind = merged.kind;
  if (!kind) throw new ValidationError(`kind is required: one of ${ALERT_RULE_KINDS.join(", ")}`);
  const station = merged.station ?? null;
  const stationInfo = station === null ? undefined : catalog.station(station);
  if (station !== null && !stationInfo) throw new ValidationError(`unknown station ${JSON.stringify(station)}`);
  const parameterCode = merged.parameter ?? null;
  const parameter = parameterCode === null ? undefined : catalog.parameter(parameterCode);
  if (parameterCode !== null && !parameter) throw new ValidationError(`unknown parameter ${JSON.stringify(parameterCode)}`);
  if (!parameter && kind !== "no-data" && kind !== "sensor-fault") {
    throw new ValidationError(`a ${kind} rule needs a parameter`);
  }

  // A lab-disagreement rule's threshold is a relative difference, in % of the lab value.
  const expectedUnit = parameter ? (kind === "rate" ? `${parameter.unit}/h` : kind === "lab-disagreement" ? "%" : parameter.unit) : null;
  if (merged.unit != null && merged.unit !== expectedUnit) {
    throw new ValidationError(
      expectedUnit === null
        ? `a ${kind} rule without a parameter has no unit`
        : `unit ${JSON.stringify(merged.unit)} does not match ${parameter!.code}'s unit ${JSON.stringify(expectedUnit)}: thresholds are stored in the catalog unit`,
    );
  }

  let threshold = merged.threshold ?? null;
  let low = merged.low ?? null;
  let high = merged.high ?? null;
  const standardId = merged.standard?.id ?? null;
  let standard: QualityStandard | undefined;
  if (standardId !== null) {
    const wanted = STANDARD_FOR_KIND[kind];
    if (!wanted) throw new ValidationError(`a ${kind} rule cannot cite a quality standard`);
    const versions = catalog.standardsOf(parameter!.code).filter((s) => s.id === standardId);
    if (versions.length === 0) {
      const ids = catalog.standardsOf(parameter!.code).map((s) => s.id);
      throw new ValidationError(`${parameter!.code} has no standard ${JSON.stringify(standardId)}${ids.length ? ` (its standards: ${[...new Set(ids)].join(", ")})` : ""}`);
    }
    // A rule for every station checks validity in UTC; one station's rule in that station's zone.
    standard = versions.find((s) => validAt(s, now, stationInfo?.timezone ?? "UTC"));
    if (!standard) throw new ValidationError(`standard ${standardId} is not valid now (see its validFrom and validTo)`);
    if (!wanted.includes(standard.kind)) throw new ValidationError(`a ${kind} rule must cite a ${wanted.join(" or ")} standard, not ${standard.kind}`);
    const limit = effectiveLimit(standard, parameter!.unit, stationInfo?.targetClass ?? null);
    if (!limit) throw new ValidationError(`${standardId} sets its limit by the station's target class: give a station that has one (Chinese water-function class)`);
    if (ruleKindFor(standard.kind, limit) !== kind) {
      throw new ValidationError(`${standardId} sets a ${limit.kind} limit${standard.kind === "class-limits" ? " for every class" : ""}: cite it from a ${limit.kind} rule`);
    }
    // A rule citing a standard checks that standard's limit unless it deliberately sets its own.
    const value = limit.kind === "range" ? undefined : limit.value;
    if (input.standard !== undefined || threshold === null) threshold = input.threshold ?? value ?? threshold;
    if (input.standard !== undefined || low === null) low = input.low ?? (limit.kind === "range" ? limit.min : undefined) ?? low;
    if (input.standard !== undefined || high === null) high = input.high ?? (limit.kind === "range" ? limit.max : undefined) ?? high;
  }

  if (kind === "range") {
    if (low === null || high === null) throw new ValidationError("a range rule needs low and high (or a range standard)");
    if (!(low < high)) throw new ValidationError(`low (${low}) must be below high (${high})`);
    threshold = null;
  } else if (kind === "mac" || kind === "aa" || kind === "min" || kind === "max" || kind === "rate") {
    if (threshold === null) throw new ValidationError(`a ${kind} rule needs a threshold (or a standard to take it from)`);
    if (kind !== "min" && kind !== "max" && threshold <= 0) throw new ValidationError(`threshold must be positive for a ${kind} rule`);
    low = null;
    high = null;
  } else if (kind === "lab-disagreement") {
    if (threshold === null) throw new ValidationError("a lab-disagreement rule needs a threshold: the relative difference to the lab value, in %, above which a pair disagrees (e.g. 30)");
    if (threshold <= 0 || threshold > 1000) throw new ValidationError(`threshold ${threshold} % is outside 0–1000 %: give the relative difference to the lab value above which a pair disagrees`);
    low = null;
    high = null;
  } else {
    threshold = null;
    low = null;
    high = null;
  }

  const needsWindow = kind === "aa" || kind === "rate" || kind === "no-data";
  const windowMs = needsWindow ? (merged.windowMs ?? DEFAULT_WINDOW[kind]!) : null;
  if (windowMs !== null && windowMs <= 0) throw new ValidationError("windowMs must be positive");
  if (windowMs !== null && windowMs > MAX_WINDOW_MS) throw new ValidationError("windowMs must be at most 400 days (the raw retention)");
  if (kind === "aa" && windowMs !== null && windowMs < MIN_AA_WINDOW_MS) {
    throw new ValidationError(
      `windowMs ${windowMs} (${Number((windowMs / DAY_MS).toPrecision(3))} days) is too short for an aa rule: it compares a rolling mean with an annual standard ` +
        "(an AA-EQS is the mean over a year, Directive 2008/105/EC Annex I Part B), and a mean over less than " +
        `${MIN_AA_WINDOW_MS / DAY_MS} days says nothing about it. Give windowMs of at least ${MIN_AA_WINDOW_MS} (${MIN_AA_WINDOW_MS / DAY_MS} days); ` +
        "to watch single values, use a mac or max rule",
    );
  }
  if (kind !== "aa" && input.minCoverage != null) throw new ValidationError(`minCoverage applies to aa rules only, not to a ${kind} rule`);
  const minCoverage = kind === "aa" ? (merged.minCoverage ?? DEFAULT_MIN_COVERAGE) : null;

  // sensor-fault: readings in a run (one odd reading is no fault); lab-disagreement: pairs in a row.
  const runLength = kind === "sensor-fault" ? (merged.runLength ?? 6) : kind === "lab-disagreement" ? (merged.runLength ?? 3) : null;
  if (kind === "sensor-fault" && runLength !== null && runLength < 2) throw new ValidationError("runLength must be at least 2 for a sensor-fault rule: a single reading is no run");
  const name = merged.name ?? defaultName(kind, parameterCode, station, standard?.source ?? null);
  return {
    name,
    kind,
    station,
    parameter: parameterCode,
    standard: standard ? { id: standard.id, kind: standard.kind, source: standard.source } : null,
    threshold,
    low,
    high,
    unit: expectedUnit,
    windowMs,
    minCoverage,
    forMs: merged.forMs ?? 0,
    clearRatio: merged.clearRatio ?? 0.9,
    runLength,
    severity: merged.severity ?? defaultSeverity(kind),
    grouping: merged.grouping ?? "per-breach",
    enabled: merged.enabled ?? true,
  };
}

function defaultName(kind: AlertRuleKind, parameter: string | null, station: string | null, source: string | null): string {
  const what = parameter ?? "all parameters";
  const where = station ?? "all stations";
  // An aa rule is an early warning against an annual standard, and is named so.
  const checks = kind === "aa" ? "rolling mean above the annual standard" : kind === "lab-disagreement" ? "sensor disagrees with the lab" : kind;
  return `${checks}${source ? ` ${source}` : ""}: ${what} at ${where}`;
}
