// The metadata store's migrations on SQLite: a new data dir gets every table, a data dir written by an
// earlier release is migrated with everything in it kept and working (ownership by name becomes
// ownership by user id; rows of users gone before are switched off and belong to nobody), and a
// database from a newer release is refused untouched (a schema is never downgraded).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { NO_DETAIL, SqlAlertRepository } from "../../server/src/alerts/alert-repository.ts";
import { SqlOutboxRepository } from "../../server/src/alerts/outbox-repository.ts";
import { SqlAlertRuleRepository } from "../../server/src/alerts/rule-repository.ts";
import { SqlSubscriptionRepository } from "../../server/src/alerts/subscription-repository.ts";
import { SqlApiTokenRepository } from "../../server/src/auth/api-tokens.ts";
import { SqlAuditLog } from "../../server/src/auth/audit-log.ts";
import { SqlInboxRepository } from "../../server/src/alerts/inbox-repository.ts";
import { verifyPassword } from "../../server/src/auth/passwords.ts";
import { SqlSettingsRepository } from "../../server/src/auth/settings.ts";
import { SqlStationTokenRepository } from "../../server/src/auth/station-tokens.ts";
import { SqlUserRepository } from "../../server/src/auth/users.ts";
import { MIGRATIONS, SchemaTooNewError } from "../../server/src/meta/migrate.ts";
import { META_SQLITE_FILE, openMetaStore } from "../../server/src/meta/open.ts";
import type { MetaStore } from "../../server/src/meta/store.ts";
import type { MetaTables } from "../../server/src/meta/tables.ts";
import type { AlertEvent } from "../../common/alerts.ts";
import { AlertEngine, DEFAULT_ENGINE_OPTIONS } from "../../server/src/alerts/alert-engine.ts";
import { ManualTime } from "../../server/src/util/clock.ts";
import { catalogSource, testReading } from "../helpers/catalog.ts";
import { tempDirsPerTest, testLogger } from "../helpers/test-system.ts";

const tempDir = tempDirsPerTest();
const stores: MetaStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function open(dir: string): Promise<MetaStore> {
  const store = await openMetaStore(dir);
  stores.push(store);
  return store;
}

async function userVersion(store: MetaStore): Promise<number> {
  const { rows } = await sql<{ user_version: number }>`PRAGMA user_version`.execute(store.db);
  return rows[0]!.user_version;
}

const TABLES: Array<keyof MetaTables> = [
  "station_tokens", "users", "login_throttle", "sessions", "api_tokens", "settings", "audit_log", "alert_meta", "alert_rules", "alerts",
  "alert_history", "alert_series_state", "subscriptions", "notification_outbox", "notification_deliveries", "inapp_notifications",
  "lab_imports", "lab_samples", "lab_sample_revisions", "lab_results", "lab_result_revisions", "lab_mapping_presets",
];

/**
 * A data dir's meta.sqlite as Water Monitor 0.1.0 left it (schema version 3, WAL mode), made with that
 * release's own repositories on 2026-06-01 08:00 UTC: users admin (1) and ana (2, researcher, password
 * below), a station token for Zehren and an API token of ana's (both below), publicDashboard off, one
 * audit entry, the 25 built-in rules and ana's pH range rule (26), one firing alert (1) on Zehren pH
 * 9.5 with its series state, ana's webhook subscription (1) and one pending outbox row for the alert.
 */
const FIXTURE_V3 = new URL("../fixtures/meta-v3.sqlite.gz", import.meta.url);
const FIXTURE = {
  at: Date.UTC(2026, 5, 1, 8),
  anaPassword: "fixture-ana-password",
  stationToken: "wmst_d41bd6be_FuzO8jfMz_2kHL_H5uAucEmpRJn8BwHk",
  apiToken: "wmpt_48718dd4_MmgAGEZNNJuGOoYMaxiqmS1K-YpfGsOx",
};

describe("metadata migrations (SQLite)", () => {
  it("bring a new data dir to the last version, with every table", async () => {
    const store = await open(tempDir("wm-meta-new-"));
    expect(await userVersion(store)).toBe(MIGRATIONS.sqlite.length);
    for (const table of TABLES) {
      const row = await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      expect([table, Number(row.n)]).toEqual([table, 0]);
    }
  });

  it("migrate a data dir written by 0.1.0 (schema version 3) to the last version, and everything in it works", async () => {
    const dir = tempDir("wm-meta-v3-");
    writeFileSync(path.join(dir, META_SQLITE_FILE), gunzipSync(readFileSync(FIXTURE_V3)));
    const store = await open(dir);
    // Migrated on to the current version, with the later tables empty.
    expect(await userVersion(store)).toBe(MIGRATIONS.sqlite.length);
    expect(Number((await store.db.selectFrom("lab_results").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n)).toBe(0);
    const now = () => new Date(FIXTURE.at + 60_000);
    const db = store.db;

    const users = new SqlUserRepository(db, now);
    const ana = (await users.credentials("ANA"))!;
    expect(ana.user).toMatchObject({ id: 2, username: "ana", role: "researcher", disabled: false });
    expect(await verifyPassword(FIXTURE.anaPassword, ana.passwordHash)).toBe(true);
    expect((await users.list()).map((u) => u.username)).toEqual(["admin", "ana"]);
    expect(await new SqlApiTokenRepository(db, now).verify(FIXTURE.apiToken)).toMatchObject({ userId: 2, label: "nightly export", role: "researcher" });
    const grant = (await new SqlStationTokenRepository(db, now).verify(FIXTURE.stationToken))!;
    expect([grant.canWrite("DE-ELBE-ZEHREN"), grant.canWrite("DE-ELBE-SCHMILKA")]).toEqual([true, false]);
    const defaults = { publicDashboard: true, releaseLevel: "approved", publicProvisional: true } as const;
    expect(await new SqlSettingsRepository(db, defaults).get()).toEqual({ ...defaults, publicDashboard: false });
    expect((await new SqlAuditLog(db, now).recent()).map((e) => [e.actor, e.action, e.details])).toEqual([["admin", "user.create", { role: "researcher" }]]);

    const rules = new SqlAlertRuleRepository(db, () => FIXTURE.at);
    expect(await rules.seedDefaults(() => [])).toBe(0);
    expect(await rules.list()).toHaveLength(26);
    // Migration 4: rules that cited a standard by kind and source now cite it by the catalog's id.
    const cited = (await rules.list()).filter((r) => r.standard);
    expect(cited.length).toBeGreaterThan(0);
    for (const r of cited) expect(r.standard!.id).toBe(`${r.parameter}.${r.standard!.kind}.${r.standard!.source}`);
    expect(cited.map((r) => r.standard!.id)).toContain("clarithromycin.MAC-EQS.EU-EQS-2022");
    expect(await rules.get(26)).toMatchObject({ kind: "range", parameter: "ph", low: 6, high: 9, createdBy: "ana", createdById: 2, paused: false, enabled: true, builtIn: false });
    const alerts = new SqlAlertRepository(db, () => "http://monitor.example", catalogSource());
    expect(await alerts.list()).toMatchObject([{ id: 1, ruleId: 26, station: "DE-ELBE-ZEHREN", state: "firing", value: 9.5 }]);
    // An alert from before one alert per breach (migration 14) lists its one rule, and nothing holds it.
    expect(await alerts.list()).toMatchObject([{ breaches: [{ ruleId: 26, clearedAt: null }], silencedBy: null }]);
    expect((await rules.get(26)).grouping).toBe("per-breach");
    expect(await alerts.loadSeriesStates()).toEqual([
      { ruleId: 26, seriesKey: "DE-ELBE-ZEHREN\tph", alertId: 1, lastTime: FIXTURE.at, machine: { state: "firing", since: FIXTURE.at, startedAt: FIXTURE.at, clearSince: null, recentStarts: [FIXTURE.at], flapping: false } },
    ]);
    expect((await new SqlSubscriptionRepository(db, () => FIXTURE.at).list(2)).map((s) => [s.id, s.ownerId, s.active, s.paused, s.channel, s.webhookUrl])).toEqual([
      [1, 2, true, false, "webhook", "https://hooks.example.org/wm"],
    ]);
    expect((await new SqlOutboxRepository(db, () => FIXTURE.at).pending()).map((r) => [r.subscription_id, r.alert_id, r.kind])).toEqual([[1, 1, "alert"]]);

    // And it takes new writes: an acknowledgement, a new alert after it, a new account.
    expect(await alerts.acknowledge(1, "ana", "checked the probe", FIXTURE.at + 1)).toMatchObject({ ack: { by: "ana", comment: "checked the probe" } });
    expect((await alerts.history(1)).map((h) => h.state)).toEqual(["firing", "acknowledged"]);
    const rule = await rules.get(26);
    expect(await alerts.open({ rule, groupKey: `rule:${rule.id}|DE-ELBE-SCHMILKA`, breaches: [], heldBy: null, station: "DE-ELBE-SCHMILKA", parameter: "ph", sensor: "SIM-DE-ELBE-SCHMILKA-PH", value: 9.2, detail: NO_DETAIL, startedAt: FIXTURE.at + 2, at: FIXTURE.at + 2, notifiedAt: FIXTURE.at + 2 })).toBe(2);
    expect((await users.create("ben", "scrypt$x", "viewer")).id).toBe(3);
  });

  it("switch off what belonged to users gone before the migration, give it to nobody, and never reuse an id", async () => {
    const dir = tempDir("wm-meta-v3-orphans-");
    writeFileSync(path.join(dir, META_SQLITE_FILE), gunzipSync(readFileSync(FIXTURE_V3)));
    // Rows 0.1.0 may have left behind: "gone" was deleted, but owned by name, its rows stayed.
    const v3 = await openMetaStore(dir, { upToVersion: 3 });
    await sql`INSERT INTO subscriptions (owner, stations, parameters, severities, channel, webhook_url, secret, created_at)
              VALUES ('gone', '[]', '[]', '[]', 'webhook', 'https://hooks.example.org/gone', 'x', '2026-06-01T08:00:00.000Z')`.execute(v3.db);
    await sql`INSERT INTO alert_rules (name, kind, parameter, threshold, severity, created_by, created_at, updated_at)
              VALUES ('gone''s pH', 'max', 'ph', 9, 'warning', 'gone', '2026-06-01T08:00:00.000Z', '2026-06-01T08:00:00.000Z')`.execute(v3.db);
    await sql`INSERT INTO inapp_notifications (owner, alert_id, payload, created_at) VALUES ('gone', 1, '{}', 1), ('ANA', 1, '{}', 2)`.execute(v3.db);
    expect(await userVersion(v3)).toBe(3);
    await v3.close();
    const store = await open(dir);
    const db = store.db;

    const subscriptions = new SqlSubscriptionRepository(db, () => FIXTURE.at);
    expect((await subscriptions.list()).map((s) => [s.owner, s.ownerId, s.active, s.paused])).toEqual([
      ["ana", 2, true, false],
      ["gone", null, false, true],
    ]);
    expect((await subscriptions.matching({ station: "DE-ELBE-ZEHREN", parameter: "ph", severity: "critical" } as never)).map((s) => s.id)).toEqual([1]);
    const rules = new SqlAlertRuleRepository(db, () => FIXTURE.at);
    expect((await rules.list()).filter((r) => !r.builtIn).map((r) => [r.createdBy, r.createdById, r.enabled])).toEqual([
      ["ana", 2, true],
      ["gone", null, false],
    ]);
    // The inbox went by name, case-insensitively as usernames compare.
    const inbox = new SqlInboxRepository(db);
    expect((await inbox.list(2)).map((e) => e.createdAt)).toEqual([2]);

    // A new user called "gone" gets none of it; and ids are never reused, even the last one's.
    const users = new SqlUserRepository(db, () => new Date(FIXTURE.at));
    const gone = await users.create("gone", "scrypt$x", "researcher");
    expect(await subscriptions.list(gone.id)).toEqual([]);
    expect(await inbox.list(gone.id)).toEqual([]);
    expect(await users.delete(gone.id)).toBe(true);
    expect((await users.create("again", "scrypt$x", "viewer")).id).toBe(gone.id + 1);
  });

  it("keep alerts from before sensors were part of a series readable, and move their series to the primary sensor (migration 8)", async () => {
    const dir = tempDir("wm-meta-v3-sensors-");
    writeFileSync(path.join(dir, META_SQLITE_FILE), gunzipSync(readFileSync(FIXTURE_V3)));
    const store = await open(dir);
    const rules = new SqlAlertRuleRepository(store.db, () => FIXTURE.at);
    // AA rules become early warnings: a window of at least 30 days (0.1.0 used a year), 80 % coverage.
    const aa = (await rules.list()).filter((r) => r.kind === "aa");
    expect(aa.length).toBeGreaterThan(0);
    for (const r of aa) expect(r.windowMs! >= 30 * 86_400_000 && r.minCoverage === 0.8).toBe(true);
    expect((await rules.list()).filter((r) => r.kind !== "aa").every((r) => r.minCoverage === null)).toBe(true);
    // The old alert reads as before, with its value a single value and no sensor recorded.
    const alerts = new SqlAlertRepository(store.db, () => "http://monitor.example", catalogSource());
    expect(await alerts.get(1)).toMatchObject({ station: "DE-ELBE-ZEHREN", parameter: "ph", sensor: null, value: 9.5, valueKind: "single", meanWindowMs: null, meanCount: null });
    expect((await alerts.history(1))[0]).toMatchObject({ state: "firing", value: 9.5, count: null, qualifier: null });

    // An engine on it: the series state moves to the station's primary pH sensor, which the alert now names.
    const time = new ManualTime(FIXTURE.at + 60_000);
    const engine = new AlertEngine(store, rules, alerts, null, catalogSource(), testLogger, { ...DEFAULT_ENGINE_OPTIONS, reminderMs: null, clock: time, scheduler: time });
    await engine.start();
    expect((await alerts.loadSeriesStates()).map((s) => [s.ruleId, s.seriesKey, s.alertId, s.machine.state])).toEqual([
      [26, "DE-ELBE-ZEHREN\tph\tSIM-DE-ELBE-ZEHREN-PH", 1, "firing"],
    ]);
    expect((await alerts.get(1)).sensor).toBe("SIM-DE-ELBE-ZEHREN-PH");
    // …and it is that series: the sensor's next value back in range resolves the old alert.
    const events: AlertEvent[] = [];
    engine.onEvent((e) => events.push(e));
    engine.ingest([testReading({ station: "DE-ELBE-ZEHREN", parameter: "ph", time: time.now(), value: 7.5 })]);
    await engine.stop();
    expect(events.map((e) => [e.id, e.state, e.sensor])).toEqual([[1, "resolved", "SIM-DE-ELBE-ZEHREN-PH"]]);
  });

  it("give lab imports their importer's user id only where that account existed at the import (migration 12)", async () => {
    const dir = tempDir("wm-meta-v11-lab-");
    const v11 = await openMetaStore(dir, { upToVersion: 11 });
    const june = Date.parse("2026-06-01T08:00:00.000Z");
    await sql`INSERT INTO users (id, username, password_hash, role, created_at) VALUES
              (10, 'ana', 'x', 'researcher', '2026-05-01T00:00:00.000Z'), (11, 'late', 'x', 'researcher', '2026-07-01T00:00:00.000Z')`.execute(v11.db);
    // ana's own import; one by "gone" (deleted since); one by an earlier "late" whose name a newer account took.
    for (const by of ["ana", "gone", "late"]) {
      await sql`INSERT INTO lab_imports (file_name, sha256, bytes, format, mapping, only_valid, imported_by, imported_at,
                  samples_added, samples_changed, samples_unchanged, results_added, results_changed, results_unchanged, rows_rejected)
                VALUES (${by + ".csv"}, 'h', 1, 'csv', '{}', 0, ${by}, ${june}, 0, 0, 0, 0, 0, 0, 0)`.execute(v11.db);
    }
    await v11.close();
    const store = await open(dir);
    const rows = await store.db.selectFrom("lab_imports").select(["imported_by", "imported_by_id"]).orderBy("id").execute();
    expect(rows.map((r) => [r.imported_by, r.imported_by_id])).toEqual([["ana", 10], ["gone", null], ["late", null]]);
  });

  it("refuse a database from a newer release, with a message saying so, and leave it untouched", async () => {
    const dir = tempDir("wm-meta-newer-");
    const newer = await open(dir);
    await sql`PRAGMA user_version = ${sql.lit(MIGRATIONS.sqlite.length + 1)}`.execute(newer.db);
    await newer.close();
    stores.splice(0);
    const file = path.join(dir, META_SQLITE_FILE);
    const digest = () => createHash("sha256").update(readFileSync(file)).digest("hex");
    const before = digest();

    const refused = await openMetaStore(dir).then(
      (store) => (stores.push(store), undefined),
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(SchemaTooNewError);
    expect((refused as Error).message).toContain(`has schema version ${MIGRATIONS.sqlite.length + 1}, but this Water Monitor knows versions up to ${MIGRATIONS.sqlite.length}`);
    expect((refused as Error).message).toMatch(/never downgraded/);
    expect(digest()).toBe(before);
  });
});
