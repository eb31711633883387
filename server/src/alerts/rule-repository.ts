// Alert rules in the metadata store. On first start the built-in rules (built-in-rules.ts: from the
// standards that apply at each station) are stored once; admins may edit or delete them afterwards.
// A user's own rules belong to their user id (deleted with the user) and are paused while the user
// may not have rules (owner-rights.ts). Rules derived from a standard remember which (derived_from)
// and whether a person changed them since (edited_by_hand): rule-derivation.ts keeps the untouched
// ones in step with the catalog, and a derived rule a person deleted is remembered (alert_meta) so
// that it is not made again.
import type { Selectable, Updateable } from "kysely";
import type { AlertRule } from "../../../common/alerts.ts";
import type { StandardKind } from "../../../common/catalog-model.ts";
import type { Role } from "../auth/roles.ts";
import { LimitReachedError, NotFoundError } from "../errors.ts";
import { atomically, type MetaExecutor } from "../meta/store.ts";
import type { AlertRulesTable } from "../meta/tables.ts";
import { ownerPaused, type Owner } from "./owner-rights.ts";
import type { RuleDraft } from "./rule-schema.ts";

/** A rule's row with its creator's account as a LEFT JOIN finds it. */
type RuleRow = Selectable<AlertRulesTable> & { creator_disabled: number | null; creator_role: Role | null };

function fromRow(r: RuleRow): AlertRule {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    station: r.station,
    parameter: r.parameter,
    standard:
      r.standard_id && r.standard_kind && r.standard_source ? { id: r.standard_id, kind: r.standard_kind as StandardKind, source: r.standard_source } : null,
    threshold: r.threshold,
    low: r.low,
    high: r.high,
    unit: r.unit,
    windowMs: r.window_ms,
    minCoverage: r.min_coverage,
    forMs: r.for_ms,
    clearRatio: r.clear_ratio,
    runLength: r.run_length,
    severity: r.severity,
    grouping: r.grouping,
    enabled: r.enabled === 1,
    builtIn: r.built_in === 1,
    createdBy: r.created_by,
    createdById: r.created_by_id,
    // Built-in and ownerless rules have no creator whose rights could lapse.
    paused: r.created_by_id !== null && ownerPaused({ disabled: r.creator_disabled, role: r.creator_role }),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function columns(d: RuleDraft) {
  return {
    name: d.name,
    kind: d.kind,
    station: d.station,
    parameter: d.parameter,
    standard_id: d.standard?.id ?? null,
    standard_kind: d.standard?.kind ?? null,
    standard_source: d.standard?.source ?? null,
    threshold: d.threshold,
    low: d.low,
    high: d.high,
    unit: d.unit,
    window_ms: d.windowMs,
    min_coverage: d.minCoverage,
    for_ms: d.forMs,
    clear_ratio: d.clearRatio,
    run_length: d.runLength,
    severity: d.severity,
    grouping: d.grouping,
    enabled: d.enabled ? 1 : 0,
  } satisfies Updateable<AlertRulesTable>;
}

/** A built-in rule: its draft, and the standard derivation it comes from (null: not from a standard). */
export interface BuiltInRule {
  draft: RuleDraft;
  derivedFrom: string | null;
}

/** A rule derived from a standard, as rule-derivation.ts sees it. */
export interface DerivedRule {
  rule: AlertRule;
  derivedFrom: string;
  editedByHand: boolean;
}

/** What keeping derived rules in step with the catalog does, applied in one transaction. */
export interface DerivationChanges {
  create: Array<{ draft: RuleDraft; derivedFrom: string }>;
  update: Array<{ id: number; draft: RuleDraft }>;
}

/** Called after a change is stored; the change's caller waits for it (the engine re-reads the rules). */
export type RuleChangeListener = () => void | Promise<void>;

export interface AlertRuleRepository {
  onChange(listener: RuleChangeListener): () => void;
  list(): Promise<AlertRule[]>;
  get(id: number): Promise<AlertRule>;
  /**
   * Creates a rule. A user's own rule (`creator` set) is refused when they have `maxPerCreator`
   * already: counted and inserted in one transaction, so parallel requests cannot pass the cap.
   */
  create(draft: RuleDraft, creator: Owner | null, options?: { builtIn?: boolean; maxPerCreator?: number }): Promise<AlertRule>;
  /** A person's change: a derived rule changed this way no longer follows its standard. */
  update(id: number, draft: RuleDraft): Promise<AlertRule>;
  /** A person's deletion: a derived rule deleted this way is not derived again. */
  delete(id: number): Promise<void>;
  /** Creates the built-in rules (made by `drafts`) once per database; returns how many (0 when done before). */
  seedDefaults(drafts: () => BuiltInRule[]): Promise<number>;
  /** A user's rights changed or the user was deleted (with their rules): the engine reads the rules again. */
  ownersChanged(): Promise<void>;
  /** Rules derived from standards, with whether a person edited them. */
  listDerived(): Promise<DerivedRule[]>;
  /** Derivations whose rule a person deleted. */
  deletedDerivations(): Promise<Set<string>>;
  /**
   * Once per database from before derivations were tracked: derivations in `expected` without a rule
   * were deleted by a person then, and are remembered as such. Returns false when done before.
   */
  adoptDerivations(expected: readonly string[]): Promise<boolean>;
  /** Creates and updates derived rules in one transaction (not marked as edited by hand). */
  applyDerivation(changes: DerivationChanges): Promise<AlertRule[]>;
}

const DELETED_DERIVATION = "deleted-derivation:";
const DERIVATIONS_TRACKED = "derivations_tracked";

export class SqlAlertRuleRepository implements AlertRuleRepository {
  private readonly listeners = new Set<RuleChangeListener>();

  constructor(
    private readonly db: MetaExecutor,
    private readonly now: () => number,
  ) {}

  /** The engine re-reads rules when they change. */
  onChange(listener: RuleChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<AlertRule[]> {
    return (await this.select().orderBy("alert_rules.id").execute()).map(fromRow);
  }

  async get(id: number): Promise<AlertRule> {
    const row = await this.select().where("alert_rules.id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no alert rule ${id}`);
    return fromRow(row);
  }

  async create(draft: RuleDraft, creator: Owner | null, options: { builtIn?: boolean; maxPerCreator?: number } = {}): Promise<AlertRule> {
    const { builtIn = false, maxPerCreator = Infinity } = options;
    const id = await atomically(this.db, async (trx) => {
      if (creator) {
        const { n } = await trx.selectFrom("alert_rules").select((eb) => eb.fn.countAll<number>().as("n")).where("created_by_id", "=", creator.id).executeTakeFirstOrThrow();
        const own = Number(n);
        if (own >= maxPerCreator) {
          throw new LimitReachedError(
            `You have created ${own} alert rules, the most one user may have (${maxPerCreator}): ` +
              "delete one you no longer need, or change an existing one, then try again",
          );
        }
      }
      return this.insert(trx, draft, creator, builtIn);
    });
    await this.changed();
    return this.get(id);
  }

  async update(id: number, draft: RuleDraft): Promise<AlertRule> {
    const before = columns(await this.get(id));
    const after = columns(draft);
    // How alerts are counted is no part of what a standard demands (rule-derivation.ts): choosing it
    // leaves a derived rule following its standard.
    const followedChanged = (Object.keys(after) as Array<keyof typeof after>).some((k) => k !== "grouping" && before[k] !== after[k]);
    const result = await this.db
      .updateTable("alert_rules")
      .set({ ...after, ...(followedChanged ? { edited_by_hand: 1 } : {}), updated_at: new Date(this.now()).toISOString() })
      .where("id", "=", id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError(`no alert rule ${id}`);
    await this.changed();
    return this.get(id);
  }

  async delete(id: number): Promise<void> {
    await atomically(this.db, async (trx) => {
      const row = await trx.selectFrom("alert_rules").select("derived_from").where("id", "=", id).executeTakeFirst();
      if (!row) throw new NotFoundError(`no alert rule ${id}`);
      await trx.deleteFrom("alert_rules").where("id", "=", id).execute();
      if (row.derived_from !== null) await this.remember(trx, DELETED_DERIVATION + row.derived_from);
    });
    await this.changed();
  }

  /** Creates the built-in rules once per database; an admin may edit or delete them afterwards. */
  async seedDefaults(makeDrafts: () => BuiltInRule[]): Promise<number> {
    const count = await atomically(this.db, async (trx) => {
      const seeded = await trx.selectFrom("alert_meta").select("value").where("key", "=", "defaults_seeded").executeTakeFirst();
      if (seeded) return 0;
      const drafts = makeDrafts();
      for (const { draft, derivedFrom } of drafts) await this.insert(trx, draft, null, true, derivedFrom);
      await trx.insertInto("alert_meta").values({ key: "defaults_seeded", value: new Date(this.now()).toISOString() }).execute();
      await this.remember(trx, DERIVATIONS_TRACKED);
      return drafts.length;
    });
    if (count > 0) await this.changed();
    return count;
  }

  async ownersChanged(): Promise<void> {
    await this.changed();
  }

  async listDerived(): Promise<DerivedRule[]> {
    const rows = await this.select().where("alert_rules.derived_from", "is not", null).orderBy("alert_rules.id").execute();
    return rows.map((r) => ({ rule: fromRow(r), derivedFrom: r.derived_from!, editedByHand: r.edited_by_hand === 1 }));
  }

  async deletedDerivations(): Promise<Set<string>> {
    const rows = await this.db.selectFrom("alert_meta").select("key").where("key", "like", `${DELETED_DERIVATION}%`).execute();
    return new Set(rows.map((r) => r.key.slice(DELETED_DERIVATION.length)));
  }

  async adoptDerivations(expected: readonly string[]): Promise<boolean> {
    return atomically(this.db, async (trx) => {
      const done = await trx.selectFrom("alert_meta").select("key").where("key", "=", DERIVATIONS_TRACKED).executeTakeFirst();
      if (done) return false;
      const rows = await trx.selectFrom("alert_rules").select("derived_from").where("derived_from", "is not", null).execute();
      const existing = new Set(rows.map((r) => r.derived_from));
      for (const key of expected) if (!existing.has(key)) await this.remember(trx, DELETED_DERIVATION + key);
      await this.remember(trx, DERIVATIONS_TRACKED);
      return true;
    });
  }

  async applyDerivation(changes: DerivationChanges): Promise<AlertRule[]> {
    if (changes.create.length === 0 && changes.update.length === 0) return [];
    const ids = await atomically(this.db, async (trx) => {
      const out: number[] = [];
      for (const { draft, derivedFrom } of changes.create) out.push(await this.insert(trx, draft, null, true, derivedFrom));
      const at = new Date(this.now()).toISOString();
      for (const { id, draft } of changes.update) {
        await trx.updateTable("alert_rules").set({ ...columns(draft), updated_at: at }).where("id", "=", id).execute();
        out.push(id);
      }
      return out;
    });
    await this.changed();
    const byId = new Map((await this.list()).map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)!);
  }

  private async remember(db: MetaExecutor, key: string): Promise<void> {
    await db
      .insertInto("alert_meta")
      .values({ key, value: new Date(this.now()).toISOString() })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: new Date(this.now()).toISOString() }))
      .execute();
  }

  private select() {
    return this.db
      .selectFrom("alert_rules")
      .leftJoin("users", "users.id", "alert_rules.created_by_id")
      .selectAll("alert_rules")
      .select(["users.disabled as creator_disabled", "users.role as creator_role"]);
  }

  private async insert(db: MetaExecutor, draft: RuleDraft, creator: Owner | null, builtIn: boolean, derivedFrom: string | null = null): Promise<number> {
    const at = new Date(this.now()).toISOString();
    const { id } = await db
      .insertInto("alert_rules")
      .values({ ...columns(draft), built_in: builtIn ? 1 : 0, created_by: creator?.username ?? null, created_by_id: creator?.id ?? null, created_at: at, updated_at: at, derived_from: derivedFrom })
      .returning("id")
      .executeTakeFirstOrThrow();
    return id;
  }

  private async changed(): Promise<void> {
    for (const listener of this.listeners) await listener();
  }
}
