// Alert instances, their history of state changes and acknowledgements, and the persisted state of
// every rule × series machine (so a restart neither forgets a firing alert nor announces it again).
import type { AlertHistoryEntry, AlertInfo, AlertLabSample, AlertRule, AlertState } from "../../../common/alerts.ts";
import type { Qualifier } from "../../../common/reading.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { atomically, type MetaExecutor, type MetaTransaction } from "../meta/store.ts";
import { alertValueKind, categoryOf } from "./conditions.ts";
import type { SeriesState } from "./state-machine.ts";
import { breachesOf, toAlertInfo, type AlertRow } from "./alert-view.ts";
import { alertSeverity, clearBreach, withBreaches, type StoredBreach } from "./breach-grouping.ts";

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
  sensor?: string;
  state?: AlertState;
  limit?: number;
}

/** What a state change's value is beyond the number: a mean's window and count, and whether it lay below its limit. */
export interface ValueDetail {
  /** Mean rules: the window and how many values the mean had. */
  windowMs: number | null;
  count: number | null;
  /** "<LOQ"/"<LOD": the mean was below that limit (Directive 2009/90/EC Art. 5(2)); the value is the limit. */
  qualifier: Qualifier | null;
  /** Lab alerts: the sample judged (lab-alerts.ts); kept with the alert when it opens. */
  labSample?: AlertLabSample | null;
}

export const NO_DETAIL: ValueDetail = Object.freeze({ windowMs: null, count: null, qualifier: null });

export interface NewAlert {
  /** The rule of the strictest breach (the alert's kind, unit and lead standard come from it). */
  rule: AlertRule;
  /** The group it stands for (breach-grouping.ts groupKeyOf) and every standard breached, strictest first. */
  groupKey: string;
  breaches: StoredBreach[];
  /** Set when a hold (a silence) keeps its notices back from the start: the opening notice is owed. */
  heldBy: string | null;
  station: string;
  parameter: string | null;
  sensor: string | null;
  value: number | null;
  detail: ValueDetail;
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
  /**
   * Moves a series state stored under a key from before series named their sensor to its new key
   * (unless a state under the new key exists: then the old one is dropped), and names the sensor on
   * the alert it has open, if that alert names none.
   */
  rekeySeriesState(ruleId: number, oldKey: string, s: StoredSeriesState, sensor: string | null): Promise<void>;
  /** Opens a firing alert (with its first history entry); returns its id. */
  open(a: NewAlert): Promise<number>;
  resolve(id: number, at: number, value: number | null, detail: ValueDetail): Promise<void>;
  /** The firing alert of a group, if one is open. */
  firingInGroup(groupKey: string): Promise<AlertRow | undefined>;
  /** Lists breaches that began while the alert is open; its lead standard and severity follow the strictest. */
  addBreaches(id: number, breaches: StoredBreach[], at: number, value: number | null, detail: ValueDetail): Promise<void>;
  /** A rule's breach cleared: the alert resolves when it was the last; returns whether it did. */
  clearBreach(id: number, ruleId: number, at: number, value: number | null, detail: ValueDetail): Promise<boolean>;
  /** What holds the alert's notices now, and whether its opening notice is owed. */
  setHold(id: number, heldBy: string | null, noticeOwed: boolean): Promise<void>;
  /** Firing alerts, for the holds to be looked at again. */
  firing(): Promise<AlertRow[]>;
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

  rekeySeriesState(ruleId: number, oldKey: string, s: StoredSeriesState, sensor: string | null): Promise<void> {
    return atomically(this.db, async (trx) => {
      const existing = await trx.selectFrom("alert_series_state").select("rule_id").where("rule_id", "=", ruleId).where("series_key", "=", s.seriesKey).executeTakeFirst();
      await trx.deleteFrom("alert_series_state").where("rule_id", "=", ruleId).where("series_key", "=", oldKey).execute();
      if (existing) return;
      await this.in(trx).saveSeriesState(s);
      if (s.alertId !== null && sensor !== null) {
        await trx.updateTable("alerts").set({ sensor }).where("id", "=", s.alertId).where("sensor", "is", null).where("parameter", "is not", null).execute();
      }
    });
  }

  open(a: NewAlert): Promise<number> {
    const r = a.rule;
    const lead = a.breaches[0];
    return atomically(this.db, async (trx) => {
      const { id } = await trx
        .insertInto("alerts")
        .values({
          rule_id: r.id,
          rule_name: r.name,
          kind: r.kind,
          category: categoryOf(r.kind),
          severity: a.breaches.length > 0 ? alertSeverity(a.breaches) : r.severity,
          station: a.station,
          parameter: a.parameter,
          sensor: a.sensor,
          value: a.value,
          value_kind: alertValueKind(r.kind, a.detail.labSample != null),
          mean_window_ms: a.detail.windowMs,
          mean_count: a.detail.count,
          lab_sample: a.detail.labSample ? JSON.stringify(a.detail.labSample) : null,
          unit: r.kind === "no-data" || r.kind === "sensor-fault" ? null : r.unit,
          threshold: r.kind === "range" ? null : r.threshold,
          standard_kind: r.standard?.kind ?? null,
          standard_source: r.standard?.source ?? null,
          state: "firing",
          started_at: a.startedAt,
          updated_at: a.at,
          reminded_at: a.notifiedAt,
          group_key: a.groupKey,
          breaches: lead ? JSON.stringify(a.breaches) : null,
          held_by: a.heldBy,
          notice_owed: a.heldBy === null ? 0 : 1,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await addHistory(trx, id, { state: "firing", at: a.at, value: a.value, detail: a.detail });
      return id;
    });
  }

  resolve(id: number, at: number, value: number | null, detail: ValueDetail): Promise<void> {
    return atomically(this.db, async (trx) => {
      await trx.updateTable("alerts").set({ state: "resolved", resolved_at: at, updated_at: at }).where("id", "=", id).execute();
      await addHistory(trx, id, { state: "resolved", at, value, detail });
    });
  }

  async firingInGroup(groupKey: string): Promise<AlertRow | undefined> {
    return this.db.selectFrom("alerts").selectAll().where("group_key", "=", groupKey).where("state", "=", "firing").orderBy("id", "desc").executeTakeFirst();
  }

  addBreaches(id: number, added: StoredBreach[], at: number, value: number | null, detail: ValueDetail): Promise<void> {
    return atomically(this.db, async (trx) => {
      const row = await this.in(trx).row(id);
      const breaches = withBreaches(breachesOf(row), added);
      const lead = breaches[0]!;
      await trx
        .updateTable("alerts")
        .set({
          breaches: JSON.stringify(breaches),
          severity: alertSeverity(breaches),
          rule_id: lead.ruleId,
          rule_name: lead.ruleName,
          threshold: lead.kind === "range" ? null : lead.threshold,
          standard_kind: lead.standardKind,
          standard_source: lead.standardSource,
          updated_at: at,
        })
        .where("id", "=", id)
        .execute();
      const names = added.map((b) => (b.standardKind ? `${b.standardKind} (${b.standardSource})` : b.ruleName));
      await addHistory(trx, id, { state: "firing", at, value, detail, note: `also breached: ${names.join(", ")}` });
    });
  }

  clearBreach(id: number, ruleId: number, at: number, value: number | null, detail: ValueDetail): Promise<boolean> {
    return atomically(this.db, async (trx) => {
      const row = await this.in(trx).row(id);
      if (row.state !== "firing") return false;
      // Alerts recorded before grouping stand for their one rule.
      const { breaches, open } = row.breaches === null ? { breaches: [], open: false } : clearBreach(breachesOf(row), ruleId, at);
      if (open) {
        await trx.updateTable("alerts").set({ breaches: JSON.stringify(breaches), updated_at: at }).where("id", "=", id).execute();
        return false;
      }
      await this.in(trx).resolve(id, at, value, detail);
      return true;
    });
  }

  async setHold(id: number, heldBy: string | null, noticeOwed: boolean): Promise<void> {
    await this.db.updateTable("alerts").set({ held_by: heldBy, notice_owed: noticeOwed ? 1 : 0 }).where("id", "=", id).execute();
  }

  firing(): Promise<AlertRow[]> {
    return this.db.selectFrom("alerts").selectAll().where("state", "=", "firing").orderBy("id").execute();
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
        throw new ValidationError(`alert ${id} is ${row.state}; only active alerts can be acknowledged`);
      }
      await addHistory(trx, id, { state: "acknowledged", at, actor: by, note: comment });
      return alerts.get(id);
    });
  }

  markReminded(id: number, at: number): Promise<void> {
    return atomically(this.db, async (trx) => {
      await trx.updateTable("alerts").set({ reminded_at: at }).where("id", "=", id).execute();
      await addHistory(trx, id, { state: "reminder", at });
    });
  }

  dueForReminder(before: number): Promise<AlertRow[]> {
    return this.db
      .selectFrom("alerts")
      .selectAll()
      .where("state", "=", "firing")
      .where("acked_at", "is", null)
      // A held alert is silent: no reminders either.
      .where("held_by", "is", null)
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
    if (filter.sensor) query = query.where("sensor", "=", filter.sensor);
    if (filter.state) query = query.where("state", "=", filter.state);
    const rows = await query.orderBy("started_at", "desc").orderBy("id", "desc").limit(filter.limit ?? 500).execute();
    const base = this.baseUrl();
    const catalog = this.catalog.current();
    return rows.map((r) => toAlertInfo(r, base, catalog));
  }

  async history(id: number): Promise<AlertHistoryEntry[]> {
    await this.row(id);
    const rows = await this.db
      .selectFrom("alert_history")
      .select(["state", "at", "value", "mean_count", "qualifier", "actor", "note"])
      .where("alert_id", "=", id)
      .orderBy("id")
      .execute();
    // An acknowledgement reads "who: comment"; other entries carry their note alone.
    return rows.map((r) => ({
      state: r.state,
      at: r.at,
      value: r.value,
      count: r.mean_count,
      qualifier: r.qualifier,
      note: r.actor === null ? r.note : `${r.actor}${r.note === null ? "" : `: ${r.note}`}`,
    }));
  }
}

interface HistoryEntry {
  state: AlertHistoryEntry["state"];
  at: number;
  value?: number | null;
  detail?: ValueDetail;
  actor?: string;
  note?: string;
}

function addHistory(db: MetaExecutor, id: number, e: HistoryEntry): Promise<unknown> {
  return db
    .insertInto("alert_history")
    .values({
      alert_id: id,
      state: e.state,
      at: e.at,
      value: e.value ?? null,
      mean_count: e.detail?.count ?? null,
      qualifier: e.detail?.qualifier ?? null,
      actor: e.actor ?? null,
      note: e.note ?? null,
    })
    .execute();
}
