// The metadata tables as Kysely sees them: one interface per table, column names as in the
// migrations. Types are kept portable between SQLite and PostgreSQL: flags are integers 0/1, times
// are ISO-8601 text (accounts, tokens, rules) or epoch milliseconds (alerts, outbox), JSON lists are
// text. `Generated` marks columns the database fills (ids, defaults) so inserts may leave them out.
import type { Generated } from "kysely";
import type { AlertCategory, AlertGrouping, AlertHistoryEntry, AlertRuleKind, AlertSeverity, AlertState, AlertValueKind, NotifyChannel, Subscription } from "../../../common/alerts.ts";
import type { Qualifier } from "../../../common/reading.ts";
import type { Role } from "../../../common/auth-types.ts";
import type { LabQualifier, SampleKind } from "../../../common/lab.ts";
import type { ApprovalLevel, CorrectionKind } from "../../../common/review.ts";

export interface StationTokensTable {
  id: Generated<number>;
  prefix: string;
  token_hash: string;
  label: string;
  /** JSON array of station ids, or ["*"] for every station. */
  stations: string;
  created_at: string;
  revoked_at: string | null;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  role: Role;
  created_at: string;
  disabled: Generated<number>;
}

/** Failed logins per (name as typed, client address): see auth/login-throttle.ts. */
export interface LoginThrottleTable {
  username: string;
  address: string;
  failures: number;
  /** Epoch milliseconds. */
  last_failure_at: number;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  prefix: string;
  token_hash: string;
  label: string;
  role: Role;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface SettingsTable {
  key: string;
  /** JSON. */
  value: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  /** JSON. */
  details: string | null;
}

export interface AlertMetaTable {
  key: string;
  value: string;
}

export interface AlertRulesTable {
  id: Generated<number>;
  name: string;
  kind: AlertRuleKind;
  station: string | null;
  parameter: string | null;
  /** The cited catalog standard's id (migration 4); kind and source as shown when the rule was made. */
  standard_id: string | null;
  standard_kind: string | null;
  standard_source: string | null;
  threshold: number | null;
  low: number | null;
  high: number | null;
  unit: string | null;
  window_ms: number | null;
  /** aa rules: minimum coverage of expected readings (migration 5). */
  min_coverage: number | null;
  for_ms: Generated<number>;
  clear_ratio: Generated<number>;
  run_length: number | null;
  severity: AlertSeverity;
  enabled: Generated<number>;
  built_in: Generated<number>;
  /** The creator's name when created (a record); ownership is `created_by_id`. */
  created_by: string | null;
  /** The creator; null for built-in rules and for rules whose creator was gone before migration 7. */
  created_by_id: number | null;
  created_at: string;
  updated_at: string;
  /** Built-in rules made from a standard: "station|parameter|standard id|rule kind" (migration 9). */
  derived_from: string | null;
  /** A person changed the rule since it was derived: a changed standard no longer updates it. */
  edited_by_hand: Generated<number>;
  /** per-breach (default) or per-standard (migration 13). */
  grouping: Generated<AlertGrouping>;
}

export interface AlertsTable {
  id: Generated<number>;
  rule_id: number;
  rule_name: string;
  kind: AlertRuleKind;
  category: AlertCategory;
  severity: AlertSeverity;
  station: string;
  parameter: string | null;
  /** The sensor whose series raised it (migration 5); null: whole station, or recorded before. */
  sensor: string | null;
  value: number | null;
  /** single, mean or rate (migration 8), lab or difference (10); null for no-data and sensor-fault alerts. */
  value_kind: AlertValueKind | null;
  mean_window_ms: number | null;
  mean_count: number | null;
  /** Lab alerts (migration 10): the sample, as JSON AlertLabSample. */
  lab_sample: string | null;
  unit: string | null;
  threshold: number | null;
  standard_kind: string | null;
  standard_source: string | null;
  state: AlertState;
  started_at: number;
  resolved_at: number | null;
  acked_by: string | null;
  acked_at: number | null;
  ack_comment: string | null;
  reminded_at: number | null;
  updated_at: number;
  /** The alert a rule's breach joins while it fires (breach-grouping.ts groupKeyOf; migration 13); null before. */
  group_key: Generated<string | null>;
  /** JSON StoredBreach[]: every standard breached; null for alerts recorded before migration 13. */
  breaches: Generated<string | null>;
  /** What holds its notices now ("silence:<id>"); null: nothing. */
  held_by: Generated<string | null>;
  /** 1: it opened while held, and its opening notice goes out once the hold ends while it still fires. */
  notice_owed: Generated<number>;
}

export interface AlertSilencesTable {
  id: Generated<number>;
  station: string | null;
  parameter: string | null;
  rule_id: number | null;
  starts_at: number;
  ends_at: number;
  comment: string;
  created_at: number;
  created_by: string;
  created_by_id: number | null;
  expired_by: string | null;
}

export interface AlertHistoryTable {
  id: Generated<number>;
  alert_id: number;
  state: AlertHistoryEntry["state"];
  at: number;
  value: number | null;
  /** Mean alerts: the mean's count then; "<LOQ"/"<LOD" when the mean was below that limit (migration 5). */
  mean_count: number | null;
  qualifier: Qualifier | null;
  actor: string | null;
  note: string | null;
}

export interface AlertSeriesStateTable {
  rule_id: number;
  series_key: string;
  state: AlertState;
  since: number;
  started_at: number | null;
  clear_since: number | null;
  /** JSON array of epoch milliseconds. */
  recent_starts: Generated<string>;
  flapping: Generated<number>;
  alert_id: number | null;
  last_time: number | null;
}

export interface SubscriptionsTable {
  id: Generated<number>;
  /** The owner's name when created (a record); ownership is `owner_id`. */
  owner: string;
  /** null only for rows whose owner was gone before migration 7 (they are inactive). */
  owner_id: number | null;
  /** JSON arrays. */
  stations: string;
  parameters: string;
  severities: string;
  channel: NotifyChannel;
  webhook_url: string | null;
  secret: string;
  email: string | null;
  confirmed: Generated<number>;
  confirm_token_hash: string | null;
  digest: Subscription["digest"];
  quiet_start: string | null;
  quiet_end: string | null;
  timezone: Generated<string>;
  active: Generated<number>;
  created_at: string;
}

export type OutboxStatus = "pending" | "sent" | "dead" | "cancelled";

export interface NotificationOutboxTable {
  id: Generated<number>;
  subscription_id: number;
  kind: "alert" | "confirm";
  alert_id: number | null;
  /** JSON. */
  payload: string;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  /** When a sender claimed the row for delivery (null: unclaimed); a claim older than the timeout has lapsed. */
  claimed_at: number | null;
  /** Which sender (instance) claimed it. */
  claimed_by: string | null;
}

/** The leader's term (cluster/leadership.ts): one row. */
export interface ClusterLeaderTable {
  id: number;
  term: number;
  holder: string;
  since: number;
}

/** The shared ingest spool (ingest/sql-spool.ts): batches waiting for InfluxDB, any instance replays them. */
export interface IngestSpoolTable {
  id: Generated<number>;
  /** JSON array of stored readings (ingest/stored-reading.ts). */
  readings: string;
  points: number;
  bytes: number;
  created_at: number;
  /** The instance that spooled the batch. */
  created_by: string;
  /** When an instance claimed the row to replay it (null: unclaimed); a claim older than the timeout has lapsed. */
  claimed_at: number | null;
  claimed_by: string | null;
}

export interface NotificationDeliveriesTable {
  id: Generated<number>;
  outbox_id: number;
  attempt: number;
  at: number;
  ok: number;
  status: number | null;
  error: string | null;
  duration_ms: number | null;
}

export interface InappNotificationsTable {
  id: Generated<number>;
  /** The owner's name when created (a record); ownership is `owner_id`. */
  owner: string;
  owner_id: number | null;
  alert_id: number | null;
  /** JSON. */
  payload: string;
  created_at: number;
  read_at: number | null;
}

export interface LabImportsTable {
  id: Generated<number>;
  file_name: string;
  sha256: string;
  bytes: number;
  format: "csv" | "xlsx";
  encoding: string | null;
  /** JSON: the mapping used. */
  mapping: string;
  preset: string | null;
  only_valid: number;
  note: string | null;
  imported_by: string;
  /** null: imported before migration 12 by an account that no longer exists. */
  imported_by_id: number | null;
  imported_at: number;
  samples_added: number;
  samples_changed: number;
  samples_unchanged: number;
  results_added: number;
  results_changed: number;
  results_unchanged: number;
  rows_rejected: number;
  undone_at: number | null;
  undone_by: string | null;
  undo_reason: string | null;
}

/** A sample's fields, as kept in its current row and in each revision. */
export interface LabSampleColumns {
  station: string;
  kind: SampleKind;
  start_at: number;
  end_at: number;
  method: string | null;
  remarks: string | null;
}

export interface LabSamplesTable extends LabSampleColumns {
  id: Generated<number>;
  laboratory: string;
  lab_sample_id: string;
  revision: number;
  retracted: number;
  source_import_id: number | null;
}

/** Who recorded a revision, when, and why. */
export interface LabRevisionColumns {
  revision: number;
  retracted: number;
  action: "import" | "undo";
  import_id: number;
  source_import_id: number | null;
  recorded_at: number;
  recorded_by: string;
  reason: string;
}

export interface LabSampleRevisionsTable extends LabSampleColumns, LabRevisionColumns {
  id: Generated<number>;
  sample_id: number;
}

/** A result's fields, as kept in its current row and in each revision. */
export interface LabResultColumns {
  value: number | null;
  qualifier: LabQualifier | null;
  loq: number | null;
  unit: string;
  uncertainty: number | null;
  uncertainty_kind: "relative" | "absolute" | null;
  reported_value: number | null;
  reported_loq: number | null;
  reported_unit: string;
  analysed_at: number | null;
  lab_flag: string | null;
}

export interface LabResultsTable extends LabResultColumns {
  id: Generated<number>;
  sample_id: number;
  parameter: string;
  revision: number;
  retracted: number;
  recorded_at: number;
  recorded_by: string;
  source_import_id: number | null;
}

export interface LabResultRevisionsTable extends LabResultColumns, LabRevisionColumns {
  id: Generated<number>;
  result_id: number;
}

export interface LabMappingPresetsTable {
  id: Generated<number>;
  name: string;
  /** JSON. */
  mapping: string;
  created_by: string;
  created_at: number;
  updated_by: string;
  updated_at: number;
}

export interface CatalogVersionsTable {
  version: number;
  /** ISO 8601, UTC. */
  at: string;
  actor: string;
  action: string;
  summary: string;
}

export interface CatalogChangesTable {
  id: Generated<number>;
  version: number;
  /** The entity list: stations, parameters, sensors, standards, … */
  entity: string;
  key: string;
  position: number;
  /** JSON of the entity before and after the change; null when it was added or removed. */
  before: string | null;
  after: string | null;
}

/** A user's membership of a catalog organisation (migration 11). */
export interface OrganisationMembersTable {
  user_id: number;
  organisation: string;
  /** Epoch milliseconds. */
  added_at: number;
  added_by: string;
}

/** Columns naming a station × parameter × sensor series and a half-open range [from_ms, to_ms). */
interface ReviewSeriesColumns {
  station: string;
  parameter: string;
  sensor: string;
  from_ms: number;
  to_ms: number;
}

/** Review records (migration 11) are only ever inserted: triggers refuse UPDATE and DELETE. */
export interface ReviewCorrectionsTable extends ReviewSeriesColumns {
  id: Generated<number>;
  kind: CorrectionKind;
  /** JSON: the CorrectionAction. */
  params: string;
  reason: string;
  reference_kind: "field-visit" | "lab-result" | null;
  reference_id: string | null;
  created_at: number;
  created_by: string;
  created_by_id: number | null;
}

export interface ReviewUndosTable {
  correction_id: number;
  at: number;
  by: string;
  by_id: number | null;
  reason: string;
}

export interface ReviewApprovalsTable extends ReviewSeriesColumns {
  id: Generated<number>;
  level: ApprovalLevel;
  action: "approval" | "unapproval";
  reason: string;
  at: number;
  by: string;
  by_id: number | null;
}

export interface ReviewGradesTable extends ReviewSeriesColumns {
  id: Generated<number>;
  grade: string;
  reason: string;
  at: number;
  by: string;
  by_id: number | null;
}

export interface ReviewEmbargoesTable {
  id: Generated<number>;
  organisation: string;
  target_kind: "sensor" | "station";
  target_id: string;
  /** Epoch ms; null: lifted. */
  until_ms: number | null;
  reason: string;
  at: number;
  by: string;
  by_id: number | null;
}

/** An alert whose reading a deletion removed, and that correction (migration 11). */
export interface AlertCorrectionsTable {
  alert_id: number;
  correction_id: number;
  at: number;
}

/** Maintenance windows (migration 13, common/maintenance.ts); times in epoch ms. */
export interface MaintenanceWindowsTable {
  id: Generated<number>;
  station: string;
  parameter: string | null;
  from_ms: number;
  to_ms: number;
  reason: string;
  created_at: number;
  created_by: string;
  ended_at: number | null;
  ended_by: string | null;
}

/** Alerts a maintenance window held back: one row per rule × series. */
export interface MaintenanceHeldTable {
  window_id: number;
  rule_id: number;
  series_key: string;
  first_at: number;
  last_at: number;
  count: number;
}

/** The rollup tracker's watch: since when, with which continuous queries (migration 15). */
export interface RollupWatchTable {
  id: number;
  anchor_ms: number;
  cq_signature: string;
  coarse_signature: Generated<string>;
}

/** Hours rebuilt from raw, as merged spans (migration 15). */
export interface RollupRebuiltTable {
  from_ms: number;
  to_ms: number;
}

/** 6-hour rollup blocks built after their hours were complete at the 1-hour level, as merged spans (migration 18). */
export interface RollupCoarseBuiltTable {
  from_ms: number;
  to_ms: number;
}

/** Dirty rollup hours per series key, or '*' for all series (migration 15). */
export interface RollupDirtyTable {
  hour_ms: number;
  series_key: string;
}

export interface MetaTables {
  station_tokens: StationTokensTable;
  users: UsersTable;
  login_throttle: LoginThrottleTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  alert_meta: AlertMetaTable;
  alert_rules: AlertRulesTable;
  alerts: AlertsTable;
  alert_silences: AlertSilencesTable;
  alert_history: AlertHistoryTable;
  alert_series_state: AlertSeriesStateTable;
  subscriptions: SubscriptionsTable;
  notification_outbox: NotificationOutboxTable;
  notification_deliveries: NotificationDeliveriesTable;
  inapp_notifications: InappNotificationsTable;
  lab_imports: LabImportsTable;
  lab_samples: LabSamplesTable;
  lab_sample_revisions: LabSampleRevisionsTable;
  lab_results: LabResultsTable;
  lab_result_revisions: LabResultRevisionsTable;
  lab_mapping_presets: LabMappingPresetsTable;
  catalog_versions: CatalogVersionsTable;
  catalog_changes: CatalogChangesTable;
  organisation_members: OrganisationMembersTable;
  review_corrections: ReviewCorrectionsTable;
  review_undos: ReviewUndosTable;
  review_approvals: ReviewApprovalsTable;
  review_grades: ReviewGradesTable;
  review_embargoes: ReviewEmbargoesTable;
  alert_corrections: AlertCorrectionsTable;
  maintenance_windows: MaintenanceWindowsTable;
  maintenance_held: MaintenanceHeldTable;
  rollup_watch: RollupWatchTable;
  rollup_rebuilt: RollupRebuiltTable;
  rollup_dirty: RollupDirtyTable;
  rollup_coarse_built: RollupCoarseBuiltTable;
  cluster_leader: ClusterLeaderTable;
  ingest_spool: IngestSpoolTable;
}
