// Alert rules in SQLite. On first start the catalog's standards become built-in rules (all stations),
// except watch-list detection limits, which are method requirements and not alarm thresholds.
import type { AlertRule } from "../../../common/alerts.ts";
import { catalog, type StandardKind } from "../../../common/catalog.ts";
import { NotFoundError } from "../errors.ts";
import type { MetaDb } from "../meta/database.ts";
import { completeRule, STANDARD_FOR_KIND, type RuleDraft } from "./rule-schema.ts";

interface RuleRow {
  id: number;
  name: string;
  kind: AlertRule["kind"];
  station: string | null;
  parameter: string | null;
  standard_kind: string | null;
  standard_source: string | null;
  threshold: number | null;
  low: number | null;
  high: number | null;
  unit: string | null;
  window_ms: number | null;
  for_ms: number;
  clear_ratio: number;
  run_length: number | null;
  severity: AlertRule["severity"];
  enabled: number;
  built_in: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

function fromRow(r: RuleRow): AlertRule {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    station: r.station,
    parameter: r.parameter,
    standard: r.standard_kind && r.standard_source ? { kind: r.standard_kind as StandardKind, source: r.standard_source } : null,
    threshold: r.threshold,
    low: r.low,
    high: r.high,
    unit: r.unit,
    windowMs: r.window_ms,
    forMs: r.for_ms,
    clearRatio: r.clear_ratio,
    runLength: r.run_length,
    severity: r.severity,
    enabled: r.enabled === 1,
    builtIn: r.built_in === 1,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function params(d: RuleDraft): Record<string, unknown> {
  return {
    name: d.name,
    kind: d.kind,
    station: d.station,
    parameter: d.parameter,
    standard_kind: d.standard?.kind ?? null,
    standard_source: d.standard?.source ?? null,
    threshold: d.threshold,
    low: d.low,
    high: d.high,
    unit: d.unit,
    window_ms: d.windowMs,
    for_ms: d.forMs,
    clear_ratio: d.clearRatio,
    run_length: d.runLength,
    severity: d.severity,
    enabled: d.enabled ? 1 : 0,
  };
}

export type RuleChangeListener = () => void;

export class AlertRuleRepository {
  private readonly listeners = new Set<RuleChangeListener>();

  constructor(
    private readonly db: MetaDb,
    private readonly now: () => number,
  ) {}

  /** The engine re-reads rules when they change. */
  onChange(listener: RuleChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): AlertRule[] {
    return (this.db.prepare("SELECT * FROM alert_rules ORDER BY id").all() as RuleRow[]).map(fromRow);
  }

  get(id: number): AlertRule {
    const row = this.db.prepare("SELECT * FROM alert_rules WHERE id = ?").get(id) as RuleRow | undefined;
    if (!row) throw new NotFoundError(`no alert rule ${id}`);
    return fromRow(row);
  }

  create(draft: RuleDraft, createdBy: string | null, builtIn = false): AlertRule {
    const at = new Date(this.now()).toISOString();
    const result = this.db
      .prepare(
        `INSERT INTO alert_rules (name, kind, station, parameter, standard_kind, standard_source, threshold, low, high, unit,
           window_ms, for_ms, clear_ratio, run_length, severity, enabled, built_in, created_by, created_at, updated_at)
         VALUES (@name, @kind, @station, @parameter, @standard_kind, @standard_source, @threshold, @low, @high, @unit,
           @window_ms, @for_ms, @clear_ratio, @run_length, @severity, @enabled, @built_in, @created_by, @at, @at)`,
      )
      .run({ ...params(draft), built_in: builtIn ? 1 : 0, created_by: createdBy, at });
    this.changed();
    return this.get(Number(result.lastInsertRowid));
  }

  update(id: number, draft: RuleDraft): AlertRule {
    this.get(id);
    this.db
      .prepare(
        `UPDATE alert_rules SET name=@name, kind=@kind, station=@station, parameter=@parameter, standard_kind=@standard_kind,
           standard_source=@standard_source, threshold=@threshold, low=@low, high=@high, unit=@unit, window_ms=@window_ms,
           for_ms=@for_ms, clear_ratio=@clear_ratio, run_length=@run_length, severity=@severity, enabled=@enabled, updated_at=@at
         WHERE id=@id`,
      )
      .run({ ...params(draft), id, at: new Date(this.now()).toISOString() });
    this.changed();
    return this.get(id);
  }

  delete(id: number): void {
    this.get(id);
    this.db.prepare("DELETE FROM alert_rules WHERE id = ?").run(id);
    this.changed();
  }

  /** Creates the built-in rules once per database; an admin may edit or delete them afterwards. */
  seedDefaults(): number {
    const seeded = this.db.prepare("SELECT value FROM alert_meta WHERE key = 'defaults_seeded'").get();
    if (seeded) return 0;
    let count = 0;
    this.db.transaction(() => {
      for (const draft of defaultRuleDrafts()) {
        this.create(draft, null, true);
        count++;
      }
      this.db.prepare("INSERT INTO alert_meta (key, value) VALUES ('defaults_seeded', ?)").run(new Date(this.now()).toISOString());
    })();
    return count;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** One rule per catalog standard that is a threshold, plus station-wide sensor-fault and no-data rules. */
export function defaultRuleDrafts(): RuleDraft[] {
  const drafts: RuleDraft[] = [];
  for (const parameter of catalog.parameters) {
    for (const standard of parameter.standards) {
      const kind = (Object.keys(STANDARD_FOR_KIND) as Array<keyof typeof STANDARD_FOR_KIND>).find((k) => STANDARD_FOR_KIND[k] === standard.kind);
      if (!kind) continue; // watch-list-MDL
      drafts.push(
        completeRule({
          kind,
          parameter: parameter.code,
          standard: { kind: standard.kind, source: standard.source },
          name: `${parameter.name} ${standard.kind} (${standard.source})`,
        }),
      );
    }
  }
  drafts.push(completeRule({ kind: "sensor-fault", name: "Sensor fault (failed QC or flat line)" }));
  drafts.push(completeRule({ kind: "no-data", name: "Station offline (no readings for 1 h)" }));
  return drafts;
}
