// Alert instances, their history of state changes and acknowledgements, and the persisted state of
// every rule × series machine (so a restart neither forgets a firing alert nor announces it again).
import type { AlertHistoryEntry, AlertInfo, AlertRule, AlertState } from "../../../common/alerts.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { MetaDb } from "../meta/database.ts";
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

interface SeriesStateRow {
  rule_id: number;
  series_key: string;
  state: AlertState;
  since: number;
  started_at: number | null;
  clear_since: number | null;
  recent_starts: string;
  flapping: number;
  alert_id: number | null;
  last_time: number | null;
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

export class AlertRepository {
  constructor(
    private readonly db: MetaDb,
    private readonly baseUrl: () => string,
  ) {}

  loadSeriesStates(): StoredSeriesState[] {
    const rows = this.db.prepare("SELECT * FROM alert_series_state").all() as SeriesStateRow[];
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

  saveSeriesState(s: StoredSeriesState): void {
    this.db
      .prepare(
        `INSERT INTO alert_series_state (rule_id, series_key, state, since, started_at, clear_since, recent_starts, flapping, alert_id, last_time)
         VALUES (@rule_id, @series_key, @state, @since, @started_at, @clear_since, @recent_starts, @flapping, @alert_id, @last_time)
         ON CONFLICT (rule_id, series_key) DO UPDATE SET state=excluded.state, since=excluded.since, started_at=excluded.started_at,
           clear_since=excluded.clear_since, recent_starts=excluded.recent_starts, flapping=excluded.flapping,
           alert_id=excluded.alert_id, last_time=excluded.last_time`,
      )
      .run({
        rule_id: s.ruleId,
        series_key: s.seriesKey,
        state: s.machine.state,
        since: s.machine.since,
        started_at: s.machine.startedAt,
        clear_since: s.machine.clearSince,
        recent_starts: JSON.stringify(s.machine.recentStarts),
        flapping: s.machine.flapping ? 1 : 0,
        alert_id: s.alertId,
        last_time: s.lastTime,
      });
  }

  open(a: NewAlert): number {
    const r = a.rule;
    const result = this.db
      .prepare(
        `INSERT INTO alerts (rule_id, rule_name, kind, category, severity, station, parameter, value, unit, threshold,
           standard_kind, standard_source, state, started_at, updated_at, reminded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'firing', ?, ?, ?)`,
      )
      .run(r.id, r.name, r.kind, categoryOf(r.kind), r.severity, a.station, a.parameter, a.value, r.kind === "no-data" || r.kind === "sensor-fault" ? null : r.unit,
        r.kind === "range" ? null : r.threshold, r.standard?.kind ?? null, r.standard?.source ?? null, a.startedAt, a.at, a.notifiedAt);
    const id = Number(result.lastInsertRowid);
    this.addHistory(id, "firing", a.at, a.value, null, null);
    return id;
  }

  resolve(id: number, at: number, value: number | null): void {
    this.db.prepare("UPDATE alerts SET state = 'resolved', resolved_at = ?, updated_at = ? WHERE id = ?").run(at, at, id);
    this.addHistory(id, "resolved", at, value, null, null);
  }

  acknowledge(id: number, by: string, comment: string, at: number): AlertInfo {
    const row = this.row(id);
    if (row.state !== "firing") throw new ValidationError(`alert ${id} is ${row.state}; only firing alerts can be acknowledged`);
    this.db.transaction(() => {
      this.db.prepare("UPDATE alerts SET acked_by = ?, acked_at = ?, ack_comment = ?, updated_at = ? WHERE id = ?").run(by, at, comment, at, id);
      this.addHistory(id, "acknowledged", at, null, by, comment);
    })();
    return this.get(id);
  }

  markReminded(id: number, at: number): void {
    this.db.prepare("UPDATE alerts SET reminded_at = ? WHERE id = ?").run(at, id);
    this.addHistory(id, "reminder", at, null, null, null);
  }

  /** Firing, unacknowledged alerts whose last notice (reminded_at: opening or reminder, engine clock) is older than `before`. */
  dueForReminder(before: number): AlertRow[] {
    return this.db
      .prepare(
        `SELECT * FROM alerts WHERE state = 'firing' AND acked_at IS NULL AND reminded_at <= ? ORDER BY id`,
      )
      .all(before) as AlertRow[];
  }

  row(id: number): AlertRow {
    const row = this.db.prepare("SELECT * FROM alerts WHERE id = ?").get(id) as AlertRow | undefined;
    if (!row) throw new NotFoundError(`no alert ${id}`);
    return row;
  }

  get(id: number): AlertInfo {
    return toAlertInfo(this.row(id), this.baseUrl());
  }

  list(filter: AlertFilter = {}): AlertInfo[] {
    const where: string[] = [];
    const args: unknown[] = [];
    for (const column of ["station", "parameter", "state"] as const) {
      const value = filter[column];
      if (!value) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY started_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, filter.limit ?? 500) as AlertRow[];
    const base = this.baseUrl();
    return rows.map((r) => toAlertInfo(r, base));
  }

  history(id: number): AlertHistoryEntry[] {
    this.row(id);
    return this.db
      .prepare("SELECT state, at, value, CASE WHEN actor IS NULL THEN note ELSE actor || COALESCE(': ' || note, '') END AS note FROM alert_history WHERE alert_id = ? ORDER BY id")
      .all(id) as AlertHistoryEntry[];
  }

  private addHistory(id: number, state: AlertHistoryEntry["state"], at: number, value: number | null, actor: string | null, note: string | null): void {
    this.db.prepare("INSERT INTO alert_history (alert_id, state, at, value, actor, note) VALUES (?, ?, ?, ?, ?, ?)").run(id, state, at, value, actor, note);
  }
}
