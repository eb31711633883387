// An alert engine for unit tests: SQLite in a temp dir (PostgreSQL with TEST_META=postgres), a hand-driven clock, no InfluxDB, the given
// rules stored as a researcher's. Events are announced once recorded, so tests wait for `idle()`.
import type { AlertEvent } from "../../common/alerts.ts";
import { AlertEngine, DEFAULT_ENGINE_OPTIONS } from "../../server/src/alerts/alert-engine.ts";
import { SqlAlertRepository } from "../../server/src/alerts/alert-repository.ts";
import { SqlAlertRuleRepository } from "../../server/src/alerts/rule-repository.ts";
import { completeRule, type RuleInput } from "../../server/src/alerts/rule-schema.ts";
import type { MetaStore } from "../../server/src/meta/store.ts";
import { ManualTime } from "../../server/src/util/clock.ts";
import type { MaintenanceHold } from "../../server/src/maintenance/maintenance-hold.ts";
import { catalogSource, seed } from "./catalog.ts";
import { openTestMetaStore, testSystemMetaDialect } from "./test-meta.ts";
import { testLogger } from "./test-system.ts";

export interface EngineFixture {
  time: ManualTime;
  engine: AlertEngine;
  events: AlertEvent[];
  alerts: SqlAlertRepository;
  meta: MetaStore;
  /** Stops the engine, closes the store and removes the temp dir. */
  close(): Promise<void>;
}

export interface EngineFixtureOptions {
  start: number;
  reminderMs?: number | null;
  checkIntervalMs?: number;
  /** Maintenance windows the engine follows, on the fixture's metadata store. */
  maintenance?: (meta: MetaStore) => MaintenanceHold;
}

export async function startTestEngine(rules: RuleInput[], options: EngineFixtureOptions): Promise<EngineFixture> {
  const store = await openTestMetaStore(testSystemMetaDialect());
  const meta = store.meta;
  const time = new ManualTime(options.start);
  const ruleRepo = new SqlAlertRuleRepository(meta.db, () => time.now());
  for (const r of rules) await ruleRepo.create(completeRule(r, { catalog: seed, now: options.start }), null);
  const alerts = new SqlAlertRepository(meta.db, () => "http://monitor.example", catalogSource());
  const engine = new AlertEngine(meta, ruleRepo, alerts, null, catalogSource(), testLogger, {
    ...DEFAULT_ENGINE_OPTIONS,
    reminderMs: options.reminderMs ?? null,
    checkIntervalMs: options.checkIntervalMs ?? 60_000,
    clock: time,
    scheduler: time,
    maintenance: options.maintenance?.(meta),
  });
  const events: AlertEvent[] = [];
  engine.onEvent((e) => events.push(e));
  return {
    time,
    engine,
    events,
    alerts,
    meta,
    close: async () => {
      await engine.stop();
      await store.close();
    },
  };
}
