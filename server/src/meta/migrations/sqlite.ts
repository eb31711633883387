// Versioned schema of the metadata database in SQLite. Append new migrations; never edit a released
// one (existing data dirs have run them). Migration n brings a database to PRAGMA user_version n.
// migrations/postgres.ts describes the same tables for PostgreSQL: a migration added here needs its
// counterpart there (tests/unit/meta-schema-parity.test.ts compares the two schemas).
export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: station write tokens, stored as SHA-256 of the (high-entropy) token; only the prefix is shown.
  `CREATE TABLE station_tokens (
     id INTEGER PRIMARY KEY,
     prefix TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     label TEXT NOT NULL,
     stations TEXT NOT NULL, -- JSON array of station ids, or ["*"] for every station
     created_at TEXT NOT NULL,
     revoked_at TEXT
   );`,
  // 2: users, sessions, personal API tokens, settings and the audit log of admin actions.
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'researcher', 'admin')),
     created_at TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0,
     failed_logins INTEGER NOT NULL DEFAULT 0,
     locked_until TEXT
   );
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     csrf_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX sessions_user ON sessions(user_id);
   CREATE TABLE api_tokens (
     id INTEGER PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     prefix TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     label TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'researcher', 'admin')),
     created_at TEXT NOT NULL,
     expires_at TEXT,
     revoked_at TEXT
   );
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     target TEXT,
     details TEXT
   );`,
  // 3: alerts: rules (built-in ones seeded from the catalog), per rule × series machine state, alert
  // instances with their history and acknowledgements, subscriptions, and the notification outbox
  // (persistent, so no notice is lost on restart) with its delivery log and the in-app inbox.
  `CREATE TABLE alert_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE alert_rules (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL,
     kind TEXT NOT NULL,
     station TEXT,
     parameter TEXT,
     standard_kind TEXT,
     standard_source TEXT,
     threshold REAL,
     low REAL,
     high REAL,
     unit TEXT,
     window_ms INTEGER,
     for_ms INTEGER NOT NULL DEFAULT 0,
     clear_ratio REAL NOT NULL DEFAULT 0.9,
     run_length INTEGER,
     severity TEXT NOT NULL,
     enabled INTEGER NOT NULL DEFAULT 1,
     built_in INTEGER NOT NULL DEFAULT 0,
     created_by TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE alerts (
     id INTEGER PRIMARY KEY,
     rule_id INTEGER NOT NULL, -- no foreign key: an alert outlives a deleted rule
     rule_name TEXT NOT NULL,
     kind TEXT NOT NULL,
     category TEXT NOT NULL,
     severity TEXT NOT NULL,
     station TEXT NOT NULL,
     parameter TEXT,
     value REAL,
     unit TEXT,
     threshold REAL,
     standard_kind TEXT,
     standard_source TEXT,
     state TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     resolved_at INTEGER,
     acked_by TEXT,
     acked_at INTEGER,
     ack_comment TEXT,
     reminded_at INTEGER,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX alerts_lookup ON alerts(station, parameter, state);
   CREATE TABLE alert_history (
     id INTEGER PRIMARY KEY,
     alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
     state TEXT NOT NULL,
     at INTEGER NOT NULL,
     value REAL,
     actor TEXT,
     note TEXT
   );
   CREATE INDEX alert_history_alert ON alert_history(alert_id);
   CREATE TABLE alert_series_state (
     rule_id INTEGER NOT NULL REFERENCES alert_rules(id) ON DELETE CASCADE,
     series_key TEXT NOT NULL,
     state TEXT NOT NULL,
     since INTEGER NOT NULL,
     started_at INTEGER,
     clear_since INTEGER,
     recent_starts TEXT NOT NULL DEFAULT '[]',
     flapping INTEGER NOT NULL DEFAULT 0,
     alert_id INTEGER,
     last_time INTEGER,
     PRIMARY KEY (rule_id, series_key)
   );
   CREATE TABLE subscriptions (
     id INTEGER PRIMARY KEY,
     owner TEXT NOT NULL,
     stations TEXT NOT NULL,
     parameters TEXT NOT NULL,
     severities TEXT NOT NULL,
     channel TEXT NOT NULL CHECK (channel IN ('in-app', 'webhook', 'email')),
     webhook_url TEXT,
     secret TEXT NOT NULL, -- signs webhook bodies and unsubscribe links
     email TEXT,
     confirmed INTEGER NOT NULL DEFAULT 0,
     confirm_token_hash TEXT UNIQUE,
     digest TEXT,
     quiet_start TEXT,
     quiet_end TEXT,
     timezone TEXT NOT NULL DEFAULT 'UTC',
     active INTEGER NOT NULL DEFAULT 1,
     created_at TEXT NOT NULL
   );
   CREATE TABLE notification_outbox (
     id INTEGER PRIMARY KEY,
     subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
     kind TEXT NOT NULL, -- alert | confirm
     alert_id INTEGER,
     payload TEXT NOT NULL,
     status TEXT NOT NULL DEFAULT 'pending', -- pending | sent | dead | cancelled
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL,
     last_error TEXT,
     created_at INTEGER NOT NULL,
     sent_at INTEGER
   );
   CREATE INDEX outbox_due ON notification_outbox(status, next_attempt_at);
   CREATE TABLE notification_deliveries (
     id INTEGER PRIMARY KEY,
     outbox_id INTEGER NOT NULL REFERENCES notification_outbox(id) ON DELETE CASCADE,
     attempt INTEGER NOT NULL,
     at INTEGER NOT NULL,
     ok INTEGER NOT NULL,
     status INTEGER,
     error TEXT,
     duration_ms INTEGER
   );
   CREATE TABLE inapp_notifications (
     id INTEGER PRIMARY KEY,
     owner TEXT NOT NULL,
     alert_id INTEGER,
     payload TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     read_at INTEGER
   );
   CREATE INDEX inapp_owner ON inapp_notifications(owner, id);`,
  // 4: alert rules cite a catalog standard by its id (stable across the standard's versions). Rules
  // made before cite kind and source; the shipped catalog's ids are "<parameter>.<kind>.<source>".
  `ALTER TABLE alert_rules ADD COLUMN standard_id TEXT;
   UPDATE alert_rules SET standard_id = parameter || '.' || standard_kind || '.' || standard_source
     WHERE standard_kind IS NOT NULL AND standard_source IS NOT NULL AND parameter IS NOT NULL;`,
  // 5: laboratory reference results (issue #16). Samples and results hold their current state;
  // every state they ever had is a row of *_revisions (never updated or deleted), recorded by an
  // import or by undoing one. Times are epoch milliseconds. Mapping presets are per installation.
  `CREATE TABLE lab_imports (
     id INTEGER PRIMARY KEY,
     file_name TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     format TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
     encoding TEXT,
     mapping TEXT NOT NULL, -- JSON: the mapping used
     preset TEXT,
     only_valid INTEGER NOT NULL DEFAULT 0,
     note TEXT,
     imported_by TEXT NOT NULL,
     imported_at INTEGER NOT NULL,
     samples_added INTEGER NOT NULL,
     samples_changed INTEGER NOT NULL,
     samples_unchanged INTEGER NOT NULL,
     results_added INTEGER NOT NULL,
     results_changed INTEGER NOT NULL,
     results_unchanged INTEGER NOT NULL,
     rows_rejected INTEGER NOT NULL,
     undone_at INTEGER,
     undone_by TEXT,
     undo_reason TEXT
   );
   CREATE TABLE lab_samples (
     id INTEGER PRIMARY KEY,
     laboratory TEXT NOT NULL,
     lab_sample_id TEXT NOT NULL,
     station TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('grab', 'time-proportional composite', 'flow-proportional composite')),
     start_at INTEGER NOT NULL,
     end_at INTEGER NOT NULL,
     method TEXT,
     remarks TEXT,
     revision INTEGER NOT NULL,
     retracted INTEGER NOT NULL DEFAULT 0,
     source_import_id INTEGER REFERENCES lab_imports(id), -- whose data the current revision holds
     CHECK (end_at >= start_at),
     UNIQUE (laboratory, lab_sample_id)
   );
   CREATE INDEX lab_samples_station_time ON lab_samples(station, start_at);
   CREATE TABLE lab_sample_revisions (
     id INTEGER PRIMARY KEY,
     sample_id INTEGER NOT NULL REFERENCES lab_samples(id),
     revision INTEGER NOT NULL,
     station TEXT NOT NULL,
     kind TEXT NOT NULL,
     start_at INTEGER NOT NULL,
     end_at INTEGER NOT NULL,
     method TEXT,
     remarks TEXT,
     retracted INTEGER NOT NULL,
     action TEXT NOT NULL CHECK (action IN ('import', 'undo')),
     import_id INTEGER NOT NULL REFERENCES lab_imports(id),
     source_import_id INTEGER REFERENCES lab_imports(id), -- whose data this revision holds; null when retracted
     recorded_at INTEGER NOT NULL,
     recorded_by TEXT NOT NULL,
     reason TEXT NOT NULL,
     UNIQUE (sample_id, revision)
   );
   CREATE INDEX lab_sample_revisions_import ON lab_sample_revisions(import_id);
   CREATE TABLE lab_results (
     id INTEGER PRIMARY KEY,
     sample_id INTEGER NOT NULL REFERENCES lab_samples(id),
     parameter TEXT NOT NULL,
     value REAL,
     qualifier TEXT CHECK (qualifier IN ('<LOQ')),
     loq REAL CHECK (loq > 0),
     unit TEXT NOT NULL,
     uncertainty REAL CHECK (uncertainty > 0),
     uncertainty_kind TEXT CHECK (uncertainty_kind IN ('relative', 'absolute')),
     reported_value REAL,
     reported_loq REAL,
     reported_unit TEXT NOT NULL,
     analysed_at INTEGER,
     lab_flag TEXT,
     revision INTEGER NOT NULL,
     retracted INTEGER NOT NULL DEFAULT 0,
     recorded_at INTEGER NOT NULL,
     recorded_by TEXT NOT NULL,
     source_import_id INTEGER REFERENCES lab_imports(id), -- whose data the current revision holds
     CHECK ((value IS NULL) = (qualifier IS NOT NULL)),
     CHECK (qualifier IS NULL OR loq IS NOT NULL),
     UNIQUE (sample_id, parameter)
   );
   CREATE INDEX lab_results_parameter ON lab_results(parameter);
   CREATE TABLE lab_result_revisions (
     id INTEGER PRIMARY KEY,
     result_id INTEGER NOT NULL REFERENCES lab_results(id),
     revision INTEGER NOT NULL,
     value REAL,
     qualifier TEXT,
     loq REAL,
     unit TEXT NOT NULL,
     uncertainty REAL,
     uncertainty_kind TEXT,
     reported_value REAL,
     reported_loq REAL,
     reported_unit TEXT NOT NULL,
     analysed_at INTEGER,
     lab_flag TEXT,
     retracted INTEGER NOT NULL,
     action TEXT NOT NULL CHECK (action IN ('import', 'undo')),
     import_id INTEGER NOT NULL REFERENCES lab_imports(id),
     source_import_id INTEGER REFERENCES lab_imports(id),
     recorded_at INTEGER NOT NULL,
     recorded_by TEXT NOT NULL,
     reason TEXT NOT NULL,
     UNIQUE (result_id, revision)
   );
   CREATE INDEX lab_result_revisions_import ON lab_result_revisions(import_id);
   CREATE TABLE lab_mapping_presets (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL UNIQUE COLLATE NOCASE,
     mapping TEXT NOT NULL, -- JSON
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
  // 6: user ids are never reused (AUTOINCREMENT): what is keyed by a user's id must never pass to a
  // later account. Without it SQLite hands a deleted last user's id to the next one. The account-wide
  // lock-out columns go; failed logins are counted per (name as typed, client address) instead, so a
  // stranger's guesses slow down only that stranger (auth/login-throttle.ts). The table is rebuilt
  // with foreign keys off (the runner's doing), which keeps sessions and API tokens pointing at it.
  `CREATE TABLE users_v6 (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'researcher', 'admin')),
     created_at TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0
   );
   INSERT INTO users_v6 (id, username, password_hash, role, created_at, disabled)
     SELECT id, username, password_hash, role, created_at, disabled FROM users;
   DROP TABLE users;
   ALTER TABLE users_v6 RENAME TO users;
   CREATE TABLE login_throttle (
     username TEXT NOT NULL COLLATE NOCASE, -- as typed: unknown names are throttled like real ones
     address TEXT NOT NULL,                 -- client address (IPv6: its /56)
     failures INTEGER NOT NULL,
     last_failure_at INTEGER NOT NULL,      -- epoch ms
     PRIMARY KEY (username, address)
   );
   CREATE INDEX login_throttle_age ON login_throttle(last_failure_at);`,
  // 7: subscriptions, alert rules and in-app notices belong to a user by id (deleted with the user),
  // not by name (which a later account may take). Existing rows are matched by name; rows whose user
  // no longer exists are switched off and belong to nobody (an admin may delete them). The name
  // columns stay as a record of who created a row.
  `ALTER TABLE subscriptions ADD COLUMN owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE;
   UPDATE subscriptions SET owner_id = (SELECT users.id FROM users WHERE users.username = subscriptions.owner);
   UPDATE subscriptions SET active = 0 WHERE owner_id IS NULL;
   CREATE INDEX subscriptions_owner ON subscriptions(owner_id);
   ALTER TABLE alert_rules ADD COLUMN created_by_id INTEGER REFERENCES users(id) ON DELETE CASCADE;
   UPDATE alert_rules SET created_by_id = (SELECT users.id FROM users WHERE users.username = alert_rules.created_by)
     WHERE created_by IS NOT NULL;
   UPDATE alert_rules SET enabled = 0 WHERE created_by IS NOT NULL AND created_by_id IS NULL;
   CREATE INDEX alert_rules_creator ON alert_rules(created_by_id);
   ALTER TABLE inapp_notifications ADD COLUMN owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE;
   UPDATE inapp_notifications SET owner_id = (SELECT users.id FROM users WHERE users.username = inapp_notifications.owner);
   DROP INDEX inapp_owner;
   CREATE INDEX inapp_owner ON inapp_notifications(owner_id, id);`,
  // 8: alerts per sensor, and AA rules as early warnings (issue #13). An alert names the sensor whose
  // series raised it (alerts recorded before judged the station's primary sensor: NULL), what its value
  // is (a single value, a rolling mean over a window of so many values, a rate), and each history
  // entry the mean's count and whether the mean was below its limit ("<LOQ"/"<LOD", Directive
  // 2009/90/EC Art. 5(2)). AA rules get a minimum coverage (default 80 % of the readings expected in
  // the window), and a window of at least 30 days: a shorter mean says nothing about an annual
  // average (Directive 2008/105/EC Annex I Part B), so shorter windows are raised to 30 days.
  `ALTER TABLE alert_rules ADD COLUMN min_coverage REAL;
   UPDATE alert_rules SET min_coverage = 0.8 WHERE kind = 'aa';
   UPDATE alert_rules SET window_ms = 2592000000 WHERE kind = 'aa' AND (window_ms IS NULL OR window_ms < 2592000000);
   ALTER TABLE alerts ADD COLUMN sensor TEXT;
   ALTER TABLE alerts ADD COLUMN value_kind TEXT;
   ALTER TABLE alerts ADD COLUMN mean_window_ms INTEGER;
   ALTER TABLE alerts ADD COLUMN mean_count INTEGER;
   UPDATE alerts SET value_kind = CASE kind WHEN 'aa' THEN 'mean' WHEN 'rate' THEN 'rate'
     WHEN 'mac' THEN 'single' WHEN 'max' THEN 'single' WHEN 'min' THEN 'single' WHEN 'range' THEN 'single' ELSE NULL END;
   ALTER TABLE alert_history ADD COLUMN mean_count INTEGER;
   ALTER TABLE alert_history ADD COLUMN qualifier TEXT;`,
  // 9: the managed catalog (issue #15). Every committed change is a version (who, when, what) with
  // one row per touched entity holding its before and after (JSON; NULL when added or removed), so
  // the catalog as of any version is the latest row per entity up to it. Append-only: the triggers
  // refuse UPDATE and DELETE, so no route (and no bug) can rewrite the history. Built-in alert rules
  // remember the standard they were derived from (station|parameter|standard id|rule kind) and
  // whether a person edited them since (then a changed standard no longer overwrites them); built-in
  // rules edited before this migration (updated after they were created) count as edited.
  `CREATE TABLE catalog_versions (
     version INTEGER PRIMARY KEY,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     summary TEXT NOT NULL
   );
   CREATE INDEX catalog_versions_at ON catalog_versions(at);
   CREATE TABLE catalog_changes (
     id INTEGER PRIMARY KEY,
     version INTEGER NOT NULL REFERENCES catalog_versions(version),
     entity TEXT NOT NULL,
     key TEXT NOT NULL,
     position INTEGER NOT NULL, -- the entity's place in its list (creation order)
     before TEXT,
     after TEXT
   );
   CREATE INDEX catalog_changes_entity ON catalog_changes(entity, key, version);
   CREATE INDEX catalog_changes_version ON catalog_changes(version);
   CREATE TRIGGER catalog_versions_no_update BEFORE UPDATE ON catalog_versions BEGIN SELECT RAISE(ABORT, 'the catalog history is append-only'); END;
   CREATE TRIGGER catalog_versions_no_delete BEFORE DELETE ON catalog_versions BEGIN SELECT RAISE(ABORT, 'the catalog history is append-only'); END;
   CREATE TRIGGER catalog_changes_no_update BEFORE UPDATE ON catalog_changes BEGIN SELECT RAISE(ABORT, 'the catalog history is append-only'); END;
   CREATE TRIGGER catalog_changes_no_delete BEFORE DELETE ON catalog_changes BEGIN SELECT RAISE(ABORT, 'the catalog history is append-only'); END;
   ALTER TABLE alert_rules ADD COLUMN derived_from TEXT;
   ALTER TABLE alert_rules ADD COLUMN edited_by_hand INTEGER NOT NULL DEFAULT 0;
   UPDATE alert_rules
     SET derived_from = station || '|' || parameter || '|' || standard_id || '|' || kind,
         edited_by_hand = CASE WHEN updated_at <> created_at THEN 1 ELSE 0 END
     WHERE built_in = 1 AND standard_id IS NOT NULL AND station IS NOT NULL AND parameter IS NOT NULL;
   CREATE INDEX alert_rules_derived ON alert_rules(derived_from);`,
  // 10: alerts from laboratory results (issue #16): the sample that raised a contamination alert, or
  // the latest sensor–lab pair's sample of a lab-disagreement alert (JSON: laboratory, sample id,
  // kind, sampling start and end, method).
  `ALTER TABLE alerts ADD COLUMN lab_sample TEXT;`,

  // 11: data review (issue #17). The role "reviewer" (between researcher and admin) joins the CHECK of
  // users and API tokens: SQLite cannot change a CHECK in place, so both tables are rebuilt (foreign
  // keys off, the runner's doing) and users keep their AUTOINCREMENT high-water mark, so no id is ever
  // handed out twice. Users belong to organisations (the catalog's ids). Corrections, their undos,
  // approvals and un-approvals, grades and embargoes are records that are only ever added: triggers
  // refuse every UPDATE and DELETE, so no route and no bug can rewrite the audit trail, and "as of"
  // reads rebuild any past state from them. A deletion that removed the reading behind an alert
  // links the alert to the correction.
  `CREATE TABLE users_v11 (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     password_hash TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'researcher', 'reviewer', 'admin')),
     created_at TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0
   );
   INSERT INTO users_v11 (id, username, password_hash, role, created_at, disabled)
     SELECT id, username, password_hash, role, created_at, disabled FROM users;
   UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'users'))
     WHERE name = 'users_v11' AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users');
   INSERT INTO sqlite_sequence (name, seq)
     SELECT 'users_v11', seq FROM sqlite_sequence WHERE name = 'users'
       AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'users_v11');
   DROP TABLE users;
   ALTER TABLE users_v11 RENAME TO users;
   CREATE TABLE api_tokens_v11 (
     id INTEGER PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     prefix TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     label TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('viewer', 'researcher', 'reviewer', 'admin')),
     created_at TEXT NOT NULL,
     expires_at TEXT,
     revoked_at TEXT
   );
   INSERT INTO api_tokens_v11 SELECT id, user_id, prefix, token_hash, label, role, created_at, expires_at, revoked_at FROM api_tokens;
   DROP TABLE api_tokens;
   ALTER TABLE api_tokens_v11 RENAME TO api_tokens;
   CREATE TABLE organisation_members (
     user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     organisation TEXT NOT NULL,           -- catalog organisation id
     added_at INTEGER NOT NULL,            -- epoch ms
     added_by TEXT NOT NULL,
     PRIMARY KEY (user_id, organisation)
   );
   CREATE INDEX organisation_members_org ON organisation_members(organisation);
   CREATE TABLE review_corrections (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     station TEXT NOT NULL,
     parameter TEXT NOT NULL,
     sensor TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('recalibrate', 'multiply', 'offset', 'drift', 'delete', 'interpolate', 'qc')),
     from_ms INTEGER NOT NULL,
     to_ms INTEGER NOT NULL CHECK (to_ms > from_ms),
     params TEXT NOT NULL,                 -- JSON: the action (common/review.ts CorrectionAction)
     reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
     reference_kind TEXT CHECK (reference_kind IN ('field-visit', 'lab-result')),
     reference_id TEXT,
     created_at INTEGER NOT NULL,          -- epoch ms
     created_by TEXT NOT NULL,
     created_by_id INTEGER                 -- a record, not a key: deleting the user keeps the trail
   );
   CREATE INDEX review_corrections_series ON review_corrections(station, parameter, sensor, from_ms);
   CREATE TABLE review_undos (
     correction_id INTEGER PRIMARY KEY REFERENCES review_corrections(id),
     at INTEGER NOT NULL,
     by TEXT NOT NULL,
     by_id INTEGER,
     reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
   );
   CREATE TABLE review_approvals (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     station TEXT NOT NULL,
     parameter TEXT NOT NULL,
     sensor TEXT NOT NULL,
     from_ms INTEGER NOT NULL,
     to_ms INTEGER NOT NULL CHECK (to_ms > from_ms),
     level TEXT NOT NULL CHECK (level IN ('raw', 'checked', 'approved')),
     action TEXT NOT NULL CHECK (action IN ('approval', 'unapproval')),
     reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
     at INTEGER NOT NULL,
     by TEXT NOT NULL,
     by_id INTEGER
   );
   CREATE INDEX review_approvals_series ON review_approvals(station, parameter, sensor, from_ms);
   CREATE TABLE review_grades (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     station TEXT NOT NULL,
     parameter TEXT NOT NULL,
     sensor TEXT NOT NULL,
     from_ms INTEGER NOT NULL,
     to_ms INTEGER NOT NULL CHECK (to_ms > from_ms),
     grade TEXT NOT NULL,
     reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
     at INTEGER NOT NULL,
     by TEXT NOT NULL,
     by_id INTEGER
   );
   CREATE INDEX review_grades_series ON review_grades(station, parameter, sensor, from_ms);
   CREATE TABLE review_embargoes (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     organisation TEXT NOT NULL,
     target_kind TEXT NOT NULL CHECK (target_kind IN ('sensor', 'station')),
     target_id TEXT NOT NULL,
     until_ms INTEGER,                     -- null: lifted
     reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
     at INTEGER NOT NULL,
     by TEXT NOT NULL,
     by_id INTEGER
   );
   CREATE INDEX review_embargoes_target ON review_embargoes(target_kind, target_id);
   CREATE TABLE alert_corrections (
     alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
     correction_id INTEGER NOT NULL REFERENCES review_corrections(id),
     at INTEGER NOT NULL,
     PRIMARY KEY (alert_id, correction_id)
   );
   CREATE TRIGGER review_corrections_append_only_u BEFORE UPDATE ON review_corrections BEGIN SELECT RAISE(ABORT, 'review records are never changed or deleted'); END;
   CREATE TRIGGER review_corrections_append_only_d BEFORE DELETE ON review_corrections BEGIN SELECT RAISE(ABORT, 'review records are never changed or deleted'); END;
   CREATE TRIGGER review_undos_append_only_u BEFORE UPDATE ON review_undos BEGIN SELECT RAISE(ABORT, 'review records are never changed or deleted'); END;
   CREATE TRIGGER review_undos_append_only_d BEFORE DELETE ON review_undos BEGIN SELECT RAISE(ABORT, 'review records are never changed or deleted'); END;
   CREATE TRIGGER review_approvals_append_only_u BEFORE UPDATE ON review_approvals BEGIN SELECT RAISE(ABORT, 'review records are never changed or deleted'); END;
   CREATE TRIGGER review_approvals_append_only_d BEFORE DELETE ON review_approvals BEGIN SELECT RAISE(ABORT, 'review records are never changed or deleted'); END;
   CREATE TRIGGER review_grades_append_only_u BEFORE UPDATE ON review_grades BEGIN SELECT RAISE(ABORT, 'review records are never changed or deleted'); END;
   CREATE TRIGGER review_grades_append_only_d BEFORE DELETE ON review_grades BEGIN SELECT RAISE(ABORT, 'review records are never changed or deleted'); END;
   CREATE TRIGGER review_embargoes_append_only_u BEFORE UPDATE ON review_embargoes BEGIN SELECT RAISE(ABORT, 'review records are never changed or deleted'); END;
   CREATE TRIGGER review_embargoes_append_only_d BEFORE DELETE ON review_embargoes BEGIN SELECT RAISE(ABORT, 'review records are never changed or deleted'); END;`,

  // 12: a lab import remembers its importer's user id, not only the name: a deleted account whose
  // name is later given to someone else must not let the newcomer undo the old imports. Existing
  // rows take the id of the account with that name only if it already existed at the import (user
  // ids are AUTOINCREMENT, never reused); the rest stay null and only an admin may undo them.
  `ALTER TABLE lab_imports ADD COLUMN imported_by_id INTEGER;
   UPDATE lab_imports SET imported_by_id = (
     SELECT u.id FROM users u
      WHERE u.username = lab_imports.imported_by
        AND CAST(strftime('%s', u.created_at) AS INTEGER) * 1000 <= lab_imports.imported_at
   );`,

  // 13: maintenance windows (issue #19): a station, or one parameter at it, in maintenance over
  // [from_ms, to_ms). Ending one early moves to_ms to that moment (cancelling a planned one: to its
  // start) and records who ended it; the row stays as the record of the visit. maintenance_held
  // keeps the alerts a window held back (one row per rule × series, with the first and last breach
  // held and how many).
  `CREATE TABLE maintenance_windows (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     station TEXT NOT NULL,                -- catalog station id
     parameter TEXT,                       -- catalog parameter code; NULL: the whole station
     from_ms INTEGER NOT NULL,
     to_ms INTEGER NOT NULL,
     reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     ended_at INTEGER,
     ended_by TEXT,
     -- empty only when cancelled before it began
     CHECK (to_ms > from_ms OR (ended_at IS NOT NULL AND to_ms = from_ms))
   );
   CREATE INDEX maintenance_windows_station ON maintenance_windows(station, to_ms);
   CREATE INDEX maintenance_windows_to ON maintenance_windows(to_ms);
   CREATE TABLE maintenance_held (
     window_id INTEGER NOT NULL REFERENCES maintenance_windows(id) ON DELETE CASCADE,
     rule_id INTEGER NOT NULL,             -- a record, not a key: a deleted rule keeps the trail
     series_key TEXT NOT NULL,
     first_at INTEGER NOT NULL,
     last_at INTEGER NOT NULL,
     count INTEGER NOT NULL,
     PRIMARY KEY (window_id, rule_id, series_key)
   );`,

  // 14: one alert per breach, and silences (issue #19). Rules say whether their alerts group with
  // other standards' breached by the same condition (default) or stand apart. An alert keeps the
  // group it stands for (kind, window and series: the open one takes later breaches), every standard
  // it found breached (JSON; NULL for alerts recorded before, whose one standard is in
  // standard_kind/standard_source), what holds its notices now ("silence:<id>"), and whether its
  // opening notice is owed (held while it opened: sent once when the hold ends and it still fires).
  // Silences (Alertmanager's model): equality matchers on station, parameter and rule (NULL: any),
  // a start and an end (epoch ms; set to the moment of expiry when ended early), creator and comment.
  `ALTER TABLE alert_rules ADD COLUMN grouping TEXT NOT NULL DEFAULT 'per-breach' CHECK (grouping IN ('per-breach', 'per-standard'));
   ALTER TABLE alerts ADD COLUMN group_key TEXT;
   ALTER TABLE alerts ADD COLUMN breaches TEXT;
   ALTER TABLE alerts ADD COLUMN held_by TEXT;
   ALTER TABLE alerts ADD COLUMN notice_owed INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX alerts_firing_group ON alerts(group_key) WHERE state = 'firing';
   CREATE TABLE alert_silences (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     station TEXT,
     parameter TEXT,
     rule_id INTEGER,
     starts_at INTEGER NOT NULL,
     ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
     comment TEXT NOT NULL CHECK (length(trim(comment)) > 0),
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     created_by_id INTEGER,
     expired_by TEXT
   );
   CREATE INDEX alert_silences_end ON alert_silences(ends_at);`,

  // 15: what the rollup tracker (query/rollup-scheduler.ts) knows about the 1-minute and 1-hour
  // rollups, so that a restart does not trust a rollup hour that late data made stale: the hour it
  // started watching with the current continuous queries (and their text, to notice a change), the
  // hours rebuilt from raw since, and the hours that are dirty — for one series, or for all ('*').
  `CREATE TABLE rollup_watch (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     anchor_ms INTEGER NOT NULL,
     cq_signature TEXT NOT NULL
   );
   CREATE TABLE rollup_rebuilt (
     from_ms INTEGER PRIMARY KEY,
     to_ms INTEGER NOT NULL CHECK (to_ms > from_ms)
   );
   CREATE TABLE rollup_dirty (
     hour_ms INTEGER NOT NULL,
     series_key TEXT NOT NULL,             -- station TAB parameter TAB sensor ('' untagged), or '*'
     PRIMARY KEY (hour_ms, series_key)
   ) WITHOUT ROWID;`,

  // 16: several instances on one database (issue #21). The leader's term (cluster/leadership.ts):
  // one row, incremented by each instance that becomes leader, so a leader's writes can be fenced
  // against a successor's. The outbox's claim (alerts/outbox-repository.ts): a sender marks the rows
  // it is delivering with its name and the time, so another sender leaves them alone until the claim
  // is finished or, if its sender died mid-delivery, has timed out.
  `CREATE TABLE cluster_leader (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     term INTEGER NOT NULL,
     holder TEXT NOT NULL,
     since INTEGER NOT NULL
   );
   ALTER TABLE notification_outbox ADD COLUMN claimed_at INTEGER;
   ALTER TABLE notification_outbox ADD COLUMN claimed_by TEXT;`,

  // 17: the shared ingest spool (issue #21, INGEST_ACK=stored; ingest/sql-spool.ts). Batches that
  // could not be written to InfluxDB wait here instead of on one instance's disk, so a reading is
  // acknowledged only once it is durable outside the instance; any instance replays them. A replaying
  // instance claims a row (claimed_by, claimed_at) and deletes it once InfluxDB took it; the claim of
  // an instance that died mid-replay lapses.
  `CREATE TABLE ingest_spool (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     readings TEXT NOT NULL,               -- JSON array of stored readings (ingest/stored-reading.ts)
     points INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     claimed_at INTEGER,
     claimed_by TEXT
   );
   CREATE INDEX ingest_spool_claim ON ingest_spool(claimed_at);`,

  // 18: the 6-hour rollup blocks (rp_6h, built from the 1-hour rows by query/rollup-scheduler.ts)
  // built after all their hours had become complete at the 1-hour level, as merged spans: a restart
  // neither rebuilds a year of blocks nor trusts one built before its hours settled.
  `CREATE TABLE rollup_coarse_built (
     from_ms INTEGER PRIMARY KEY,
     to_ms INTEGER NOT NULL CHECK (to_ms > from_ms)
   );`,

  // 19: which 6-hour SELECT built the blocks in rollup_coarse_built (rollup-repair.ts
  // coarseRollupSignature): a release that changes it forgets the built blocks, which are rebuilt,
  // while the 1-hour rollups stay trusted. Blocks built before this migration came from the SELECT
  // whose signature is the default.
  `ALTER TABLE rollup_watch ADD COLUMN coarse_signature TEXT NOT NULL DEFAULT 'ebc44e2fe36bc84f';`,
];
