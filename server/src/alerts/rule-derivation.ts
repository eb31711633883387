// Keeps the built-in alert rules derived from quality standards in step with the catalog (issue #15):
// after every catalog change, and when a standard version's validity starts or ends, each station's
// derived rules are compared with what the catalog derives now (built-in-rules.ts). A rule nobody
// touched follows its standard (new limit, severity, name; switched off when the standard no longer
// applies there, on again when it does); a rule a person edited keeps what the person set; a rule a
// person deleted stays deleted. Every change, and every rule kept against a changed standard, is
// written to the audit log, naming the catalog version that caused it.
import type { AlertRule } from "../../../common/alerts.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { Logger } from "../../../common/logger.ts";
import type { AuditLog } from "../auth/audit-log.ts";
import { derivedRuleDrafts } from "./built-in-rules.ts";
import type { AlertRuleRepository, BuiltInRule, DerivedRule } from "./rule-repository.ts";
import type { RuleDraft } from "./rule-schema.ts";

/** What a derivation decides; the rest of a rule (hysteresis, hold time) is the person's to tune. */
const FOLLOWED = ["name", "kind", "station", "parameter", "standard", "threshold", "low", "high", "unit", "windowMs", "severity", "enabled"] as const;
type Followed = (typeof FOLLOWED)[number];

export interface FieldUpdate {
  field: Followed;
  before: unknown;
  after: unknown;
}

export interface DerivationPlan {
  create: Array<{ draft: RuleDraft; derivedFrom: string }>;
  update: Array<{ rule: AlertRule; draft: RuleDraft; fields: FieldUpdate[] }>;
  /** Edited by hand, so left as they are although the standard now says otherwise. */
  kept: Array<{ rule: AlertRule; fields: FieldUpdate[] }>;
  /** Each stored derived rule's derivation key, by rule id. */
  keys: Map<number, string>;
}

function ruleDraft(rule: AlertRule): RuleDraft {
  const { id: _i, builtIn: _b, createdBy: _c, createdById: _ci, paused: _p, createdAt: _ca, updatedAt: _u, ...draft } = rule;
  return draft;
}

function differences(current: RuleDraft, wanted: RuleDraft): FieldUpdate[] {
  return FOLLOWED.filter((f) => JSON.stringify(current[f]) !== JSON.stringify(wanted[f])).map((field) => ({ field, before: current[field], after: wanted[field] }));
}

/** "standard id|rule kind" of a rule that cites a standard at every station (built-in rules of 0.1.0). */
export const coverKey = (standardId: string, kind: string) => `${standardId}|${kind}`;

/**
 * Pure: what to create, update and leave, given what the catalog derives and what is stored. Nothing
 * is created where a person deleted the derived rule, nor where a built-in rule for every station
 * (`covered`, from installations older than per-station rules) checks the same standard already.
 */
export function planDerivation(
  desired: ReadonlyArray<BuiltInRule & { derivedFrom: string }>,
  existing: readonly DerivedRule[],
  deleted: ReadonlySet<string>,
  covered: ReadonlySet<string> = new Set(),
): DerivationPlan {
  const plan: DerivationPlan = { create: [], update: [], kept: [], keys: new Map() };
  const wanted = new Map(desired.map((d) => [d.derivedFrom, d.draft]));
  const stored = new Set<string>();
  for (const { rule, derivedFrom, editedByHand } of existing) {
    stored.add(derivedFrom);
    plan.keys.set(rule.id, derivedFrom);
    const current = ruleDraft(rule);
    const target = wanted.get(derivedFrom);
    // No longer derived (standard ended or removed, scope changed, station retired): switched off, kept for its alerts.
    const next: RuleDraft = target ? { ...current, ...pick(target) } : { ...current, enabled: false };
    const fields = differences(current, next);
    if (fields.length === 0) continue;
    if (editedByHand) plan.kept.push({ rule, fields });
    else plan.update.push({ rule, draft: next, fields });
  }
  for (const d of desired) {
    if (stored.has(d.derivedFrom) || deleted.has(d.derivedFrom)) continue;
    if (d.draft.standard && covered.has(coverKey(d.draft.standard.id, d.draft.kind))) continue;
    plan.create.push({ draft: d.draft, derivedFrom: d.derivedFrom });
  }
  return plan;
}

function pick(draft: RuleDraft): Pick<RuleDraft, Followed> {
  return Object.fromEntries(FOLLOWED.map((f) => [f, draft[f]])) as Pick<RuleDraft, Followed>;
}

export interface DerivationDeps {
  rules: AlertRuleRepository;
  audit: AuditLog;
  logger: Logger;
}

/** Who caused the derivation: the catalog change's author and version, or the clock (a validity boundary). */
export interface DerivationCause {
  actor: string;
  catalogVersion: number;
  reason: string;
}

/** What the catalog derives, by derivation key (as JSON, to tell whether a standard's demand changed). */
export type DerivedDemand = ReadonlyMap<string, string>;

/**
 * Brings the derived rules in step with `catalog` at `now`. Rules kept because a person edited them
 * are reported (audit) only when what the catalog demands of them changed since `previous` (the
 * demand at the last derivation), not again at every later catalog change.
 */
export async function deriveRules(
  deps: DerivationDeps,
  catalog: CatalogSnapshot,
  now: number,
  cause: DerivationCause,
  previous?: DerivedDemand,
): Promise<{ plan: DerivationPlan; demand: DerivedDemand }> {
  const desired = derivedRuleDrafts(catalog, now);
  const demand = new Map(desired.map((d) => [d.derivedFrom, JSON.stringify(pick(d.draft))]));
  const everywhere = (await deps.rules.list()).filter((r) => r.builtIn && r.station === null && r.standard !== null);
  const covered = new Set(everywhere.map((r) => coverKey(r.standard!.id, r.kind)));
  const found = planDerivation(desired, await deps.rules.listDerived(), await deps.rules.deletedDerivations(), covered);
  const demandChanged = (key: string | undefined) => previous !== undefined && key !== undefined && previous.get(key) !== demand.get(key);
  const plan = { ...found, kept: found.kept.filter((k) => demandChanged(found.keys.get(k.rule.id))) };
  const applied = await deps.rules.applyDerivation({ create: plan.create, update: plan.update.map((u) => ({ id: u.rule.id, draft: u.draft })) });
  const context = { catalogVersion: cause.catalogVersion, reason: cause.reason };
  for (const [i, created] of applied.slice(0, plan.create.length).entries()) {
    await deps.audit.record(cause.actor, "alert-rule.derive", `alert-rule:${created.id}`, { ...context, derivedFrom: plan.create[i]!.derivedFrom, name: created.name });
  }
  for (const u of plan.update) {
    await deps.audit.record(cause.actor, "alert-rule.follow-standard", `alert-rule:${u.rule.id}`, { ...context, name: u.draft.name, changes: u.fields });
  }
  for (const k of plan.kept) {
    await deps.audit.record(cause.actor, "alert-rule.keep-edited", `alert-rule:${k.rule.id}`, {
      ...context,
      name: k.rule.name,
      note: "edited by hand, so not changed; the standard now says otherwise",
      differences: k.fields,
    });
  }
  if (plan.create.length + plan.update.length + plan.kept.length > 0) {
    deps.logger.info({ created: plan.create.length, updated: plan.update.length, keptEdited: plan.kept.length, catalogVersion: cause.catalogVersion }, "built-in alert rules follow the catalog");
  }
  return { plan, demand };
}

/** The standard versions in force at `now`: when this changes, the derived rules may have to. */
export function validityKey(catalog: CatalogSnapshot, now: number): string {
  return catalog.data.standards
    .filter((s) => (s.validFrom === null || Date.parse(s.validFrom) <= now) && (s.validTo === null || Date.parse(s.validTo) > now))
    .map((s) => `${s.id}@${s.validFrom ?? ""}`)
    .join("\n");
}
