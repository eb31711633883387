// One alert per breach (issue #19): the built-in rules are one per standard (rule derivation), so a
// diclofenac rolling mean above the EU proposal, the UBA proposal and the Swiss ordinance's AA-EQS
// moved three machines at once. Their state changes are grouped here, purely: rules of the same
// condition (same kind and window) at the same series form one alert that lists every breached
// standard; the alert's severity is the highest of its rules' (derived rules rate by legal status,
// common/standards.ts ruleSeverity: a binding MAC-EQS is critical), and the strictest breached
// standard leads (binding before proposals, then the most demanding limit). A rule set to
// `per-standard` keeps alerts of its own.
import { ALERT_SEVERITIES, type AlertBreach, type AlertRule, type AlertSeverity } from "../../../common/alerts.ts";
import type { LegalStatus } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { LEGAL_STATUS_ORDER } from "../../../common/standards.ts";

/** Rule kinds whose rules check a standard's limit: several standards may be breached by one condition. */
const GROUPED_KINDS: ReadonlySet<AlertRule["kind"]> = new Set(["mac", "aa", "range", "min", "max"]);

/**
 * Which alert a rule's change at a series belongs to: rules of one kind and window at one series
 * (their value is the same reading, or the same mean) share it; others have their own.
 */
export function groupKeyOf(rule: Pick<AlertRule, "id" | "kind" | "windowMs" | "grouping">, seriesKey: string): string {
  if (rule.grouping === "per-standard" || !GROUPED_KINDS.has(rule.kind)) return `rule:${rule.id}|${seriesKey}`;
  return `${rule.kind}:${rule.windowMs ?? ""}|${seriesKey}`;
}

/**
 * One breached standard as an alert keeps it (JSON in alerts.breaches): the rule and limit as the
 * API shows them (AlertBreach), with the standard by id, kind and source (the view looks its text up).
 */
export interface StoredBreach extends Omit<AlertBreach, "standard"> {
  kind: AlertRule["kind"];
  standardId: string | null;
  standardKind: string | null;
  standardSource: string | null;
  /** The standard's legal status when the breach began; null without a standard (or unknown). */
  legalStatus: LegalStatus | null;
}

/** The legal status of the standard a rule cites, as the catalog has it now; null without one. */
export function legalStatusOf(catalog: CatalogSnapshot, rule: Pick<AlertRule, "standard" | "parameter">): LegalStatus | null {
  if (!rule.standard || !rule.parameter) return null;
  return catalog.standardsOf(rule.parameter).find((s) => s.id === rule.standard!.id)?.legalStatus ?? null;
}

export function breachOf(rule: AlertRule, since: number, legalStatus: LegalStatus | null): StoredBreach {
  return {
    ruleId: rule.id,
    ruleName: rule.name,
    kind: rule.kind,
    standardId: rule.standard?.id ?? null,
    standardKind: rule.standard?.kind ?? null,
    standardSource: rule.standard?.source ?? null,
    legalStatus,
    threshold: rule.threshold,
    low: rule.low,
    high: rule.high,
    severity: rule.severity,
    since,
    clearedAt: null,
  };
}

const rank = (s: AlertSeverity) => ALERT_SEVERITIES.indexOf(s);
/** Without a standard (a rule's own threshold) after every legal status. */
const statusRank = (s: LegalStatus | null) => (s === null ? Object.keys(LEGAL_STATUS_ORDER).length : LEGAL_STATUS_ORDER[s]);

/** How demanding a limit is: a lower upper limit, a higher lower limit, a narrower range come first. */
function demand(b: StoredBreach): number {
  if (b.kind === "min") return -(b.threshold ?? -Infinity);
  if (b.kind === "range") return (b.high ?? Infinity) - (b.low ?? -Infinity);
  return b.threshold ?? Infinity;
}

/** Strictest first: highest severity, then binding before proposals and guidance, then the most demanding limit. */
export function strictestFirst(breaches: readonly StoredBreach[]): StoredBreach[] {
  return [...breaches].sort(
    (a, b) => rank(b.severity) - rank(a.severity) || statusRank(a.legalStatus) - statusRank(b.legalStatus) || demand(a) - demand(b) || a.ruleId - b.ruleId,
  );
}

/** The alert's severity: the highest of its breaches' (info when it has none). */
export function alertSeverity(breaches: readonly Pick<StoredBreach, "severity">[]): AlertSeverity {
  return breaches.reduce<AlertSeverity>((max, b) => (rank(b.severity) > rank(max) ? b.severity : max), "info");
}

/**
 * Adds breaches that began to those an open alert lists (a rule already listed is breached again:
 * its entry is renewed), strictest first.
 */
export function withBreaches(current: readonly StoredBreach[], added: readonly StoredBreach[]): StoredBreach[] {
  const addedIds = new Set(added.map((b) => b.ruleId));
  return strictestFirst([...current.filter((b) => !addedIds.has(b.ruleId)), ...added]);
}

/** Marks a rule's breach as cleared; `open` says whether any breach is left (else the alert resolves). */
export function clearBreach(current: readonly StoredBreach[], ruleId: number, at: number): { breaches: StoredBreach[]; open: boolean } {
  const open = current.some((b) => b.clearedAt === null && b.ruleId !== ruleId);
  // The last breach to clear ends the alert: it stays "breached until the end" (clearedAt null).
  const breaches = open ? current.map((b) => (b.ruleId === ruleId && b.clearedAt === null ? { ...b, clearedAt: at } : b)) : [...current];
  return { breaches, open };
}

/** Changes that happened together (one reading judged by every rule), by the alert they belong to, in first-seen order. */
export function groupChanges<C extends { rule: Pick<AlertRule, "id" | "kind" | "windowMs" | "grouping">; seriesKey: string }>(
  changes: readonly C[],
): Array<{ key: string; changes: C[] }> {
  const groups = new Map<string, C[]>();
  for (const c of changes) {
    const key = groupKeyOf(c.rule, c.seriesKey);
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  return [...groups].map(([key, list]) => ({ key, changes: list }));
}
