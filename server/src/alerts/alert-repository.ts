// Alert instances, their history of state changes and acknowledgements, and the persisted state of
// every rule × series machine (so a restart neither forgets a firing alert nor announces it again).
import type { AlertHistoryEntry, AlertInfo, AlertRule, AlertState } from "../../../common/alerts.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { atomically, type MetaExecutor, type MetaTransaction } from "../meta/store.ts";
import { categoryOf } from "./conditions.ts";
import type { SeriesState } from "./state-machine.ts";
import { toAlertInfo, type AlertRow } from "./alert-view.ts";

export interface StoredSeriesState {
  ruleId: number;
  seriesKey: string;
  machine: SeriesState;
  alertId: number | null;
  lastTime: number | null;
}

export interface AlertFilter {
  station?: string;
  parameter?: string;
  state?: AlertState;
  limit?: number;
}

export interface NewAlert {
  rule: AlertRule;
  station: string;
  parameter: string | null;
  value: number | null;
  startedAt: number;
  /** Reading time of the state change. */
  at: number;
  /** Engine clock when the alert opened: reminders count from here, not from (possibly old) reading times. */
  notifiedAt: number;
}

export interface AlertRepository {
  /** This repository inside the caller's transaction. */
  in(trx: MetaTransaction): AlertRepository;
  loadSeriesStates(): Promise<StoredSeriesState[]>;
  saveSeriesState(s: StoredSeriesState): Promise<void>;
  /** Opens a firing alert (with its first history entry); returns its id. */
  open(a: NewAlert): Promise<number>;
  resolve(id: number, at: number, value: number | null): Promise<void>;
  /** Acknowledges a firing alert; anything else is a ValidationError. */
  acknowledge(id: number, by: string, comment: string, at: number): Promise<AlertInfo>;
  markReminded(id: number, at: number): Promise<void>;
  /** Firing, unacknowledged alerts whose last notice (reminded_at: opening or reminder, engine clock) is older than `before`. */
  dueForReminder(before: number): Promise<AlertRow[]>;
  row(id: number): Promise<AlertRow>;
  get(id: number): Promise<AlertInfo>;
  list(filter?: AlertFilter): Promise<AlertInfo[]>;
  history(id: number): Promise<AlertHistoryEntry[]>;
}

export class SqlAlertRepository implements AlertRepository {
  constructor(
    private readonly db: MetaExecutor,
    private readonly baseUrl: () => string,
    /** For names and the cited standards in alert views. */
    private readonly catalog: CatalogSource,
  ) {}

  in(trx: MetaTransaction): AlertRepository {
    return new SqlAlertRepository(trx, this.baseUrl, this.catalog);
  }

  async loadSeriesStates(): Promise<StoredSeriesState[]> {
    const rows = await this.db.selectFrom("alert_series_state").selectAll().execute();
    return rows.map((r) => ({
      ruleId: r.rule_id,
      seriesKey: r.series_key,
      alertId: r.alert_id,
      lastTime: r.last_time,
      machine: {
        state: r.state,
        since: r.since,
        startedAt: r.started_at,
        clearSince: r.clear_since,
        recentStarts: JSON.parse(r.recent_starts) as number[],
        flapping: r.flapping === 1,
      },
    }));
  }

  async saveSeriesState(s: StoredSeriesState): Promise<void> {
    const state = {
      state: s.machine.state,
      since: s.machine.since,
      started_at: s.machine.startedAt,
      clear_since: s.machine.clearSince,
      recent_starts: JSON.stringify(s.machine.recentStarts),
      flapping: s.machine.flapping ? 1 : 0,
      alert_id: s.alertId,
      last_time: s.lastTime,
    };
    await this.db
      .insertInto("alert_series_state")
      .values({ rule_id: s.ruleId, series_key: s.seriesKey, ...state })
      .onConflict((oc) => oc.columns(["rule_id", "series_key"]).doUpdateSet(state))
      .execute();
  }

  open(a: NewAlert): Promise<number> {
    const r = a.rule;
    return atomically(this.db, async (trx) => {
      const { id } = await trx
        .insertInto("alerts")
        .values({
          rule_id: r.id,
          rule_name: r.name,
          kind: r.kind,
          category: categoryOf(r.kind),
          severity: r.severity,
          station: a.station,
          parameter: a.parameter,
          value: a.value,
          unit: r.kind === "no-data" || r.kind === "sensor-fault" ? null : r.unit,
          threshold: r.kind === "range" ? null : r.threshold,
          standard_kind: r.standard?.kind ?? null,
          standard_source: r.standard?.source ?? null,
          state: "firing",
          started_at: a.startedAt,
          updated_at: a.at,
          reminded_at: a.notifiedAt,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await addHistory(trx, id, "firing", a.at, a.value, null, null);
      return id;
    });
  }

  resolve(id: number, at: number, value: number | null): Promise<void> {
    return atomically(this.db, async (trx) => {
      await trx.updateTable("alerts").set({ state: "resolved", resolved_at: at, updated_at: at }).where("id", "=", id).execute();
      await addHistory(trx, id, "resolved", at, value, null, null);
    });
  }

  acknowledge(id: number, by: string, comment: string, at: number): Promise<AlertInfo> {
    return atomically(this.db, async (trx) => {
      const result = await trx
        .updateTable("alerts")
        .set({ acked_by: by, acked_at: at, ack_comment: comment, updated_at: at })
        .where("id", "=", id)
        .where("state", "=", "firing")
        .executeTakeFirst();
      const alerts = this.in(trx);
      if (result.numUpdatedRows === 0n) {
        const row = await alerts.row(id);
        throw new ValidationError(`alert ${id} is ${row.state}; only firing alerts can be acknowledged`);
      }
      await addHistory(trx, id, "acknowledged", at, null, by, comment);
      return alerts.get(id);
    });
  }

  markReminded(id: number, at: number): Promise<void> {
    return atomically(this.db, async (trx) => {
      await trx.updateTable("alerts").set({ reminded_at: at }).where("id", "=", id).execute();
      await addHistory(trx, id, "reminder", at, null, null, null);
    });
  }

  dueForReminder(before: number): Promise<AlertRow[]> {
    return this.db
      .selectFrom("alerts")
      .selectAll()
      .where("state", "=", "firing")
      .where("acked_at", "is", null)
      .where("reminded_at", "<=", before)
      .orderBy("id")
      .execute();
  }

  async row(id: number): Promise<AlertRow> {
    const row = await this.db.selectFrom("alerts").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no alert ${id}`);
    return row;
  }

  async get(id: number): Promise<AlertInfo> {
    return toAlertInfo(await this.row(id), this.baseUrl(), this.catalog.current());
  }

  async list(filter: AlertFilter = {}): Promise<AlertInfo[]> {
    let query = this.db.selectFrom("alerts").selectAll();
    if (filter.station) query = query.where("station", "=", filter.station);
    if (filter.parameter) query = query.where("parameter", "=", filter.parameter);
    if (filter.state) query = query.where("state", "=", filter.state);
    const rows = await query.orderBy("started_at", "desc").orderBy("id", "desc").limit(filter.limit ?? 500).execute();
    const base = this.baseUrl();
    const catalog = this.catalog.current();
    return rows.map((r) => toAlertInfo(r, base, catalog));
  }

  async history(id: number): Promise<AlertHistoryEntry[]> {
    await this.row(id);
    const rows = await this.db.selectFrom("alert_history").select(["state", "at", "value", "actor", "note"]).where("alert_id", "=", id).orderBy("id").execute();
    // An acknowledgement reads "who: comment"; other entries carry their note alone.
    return rows.map((r) => ({ state: r.state, at: r.at, value: r.value, note: r.actor === null ? r.note : `${r.actor}${r.note === null ? "" : `: ${r.note}`}` }));
  }
}

function addHistory(
  db: MetaExecutor,
  id: number,
  state: AlertHistoryEntry["state"],
  at: number,
  value: number | null,
  actor: string | null,
  note: string | null,
): Promise<unknown> {
  return db.insertInto("alert_history").values({ alert_id: id, state, at, value, actor, note }).execute();
}
