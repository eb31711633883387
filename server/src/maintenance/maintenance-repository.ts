// Maintenance windows in the metadata store (migration 12), and the alerts each held back.
import type { MaintenanceWindow } from "../../../common/maintenance.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import type { MaintenanceWindowsTable } from "../meta/tables.ts";
import type { Selectable } from "kysely";

export interface NewMaintenanceWindow {
  station: string;
  parameter: string | null;
  from: number;
  to: number;
  reason: string;
  createdBy: string;
  createdAt: number;
}

/** One rule × series a window held back, with the first and last breach held and how many. */
export interface HeldAlert {
  windowId: number;
  ruleId: number;
  seriesKey: string;
  firstAt: number;
  lastAt: number;
  count: number;
}

export interface MaintenanceRepository {
  in(trx: MetaTransaction): MaintenanceRepository;
  /** Windows that end after `after` (every window when undefined), earliest first. */
  list(after?: number): Promise<MaintenanceWindow[]>;
  /** Windows of a station overlapping [from, to), earliest first. */
  overlapping(station: string, from: number, to: number): Promise<MaintenanceWindow[]>;
  get(id: number): Promise<MaintenanceWindow | undefined>;
  create(w: NewMaintenanceWindow): Promise<MaintenanceWindow>;
  /** Ends a window at `at` (or cancels a planned one: its end becomes its start). */
  end(id: number, at: number, by: string): Promise<MaintenanceWindow>;
  /** Adds held breaches (count and time span merged into what is there). */
  addHeld(held: readonly HeldAlert[]): Promise<void>;
  held(windowId: number): Promise<HeldAlert[]>;
}

export class SqlMaintenanceRepository implements MaintenanceRepository {
  constructor(private readonly db: MetaExecutor) {}

  in(trx: MetaTransaction): MaintenanceRepository {
    return new SqlMaintenanceRepository(trx);
  }

  private select() {
    return this.db
      .selectFrom("maintenance_windows as w")
      .selectAll("w")
      .select((eb) =>
        eb
          .selectFrom("maintenance_held as h")
          .whereRef("h.window_id", "=", "w.id")
          .select((e) => e.fn.countAll<number>().as("n"))
          .as("held_alerts"),
      );
  }

  async list(after?: number): Promise<MaintenanceWindow[]> {
    let q = this.select();
    if (after !== undefined) q = q.where("w.to_ms", ">", after);
    return (await q.orderBy("w.from_ms").orderBy("w.id").execute()).map(toWindow);
  }

  async overlapping(station: string, from: number, to: number): Promise<MaintenanceWindow[]> {
    const rows = await this.select().where("w.station", "=", station).where("w.to_ms", ">", from).where("w.from_ms", "<", to).orderBy("w.from_ms").orderBy("w.id").execute();
    return rows.map(toWindow);
  }

  async get(id: number): Promise<MaintenanceWindow | undefined> {
    const row = await this.select().where("w.id", "=", id).executeTakeFirst();
    return row ? toWindow(row) : undefined;
  }

  async create(w: NewMaintenanceWindow): Promise<MaintenanceWindow> {
    const { id } = await this.db
      .insertInto("maintenance_windows")
      .values({ station: w.station, parameter: w.parameter, from_ms: w.from, to_ms: w.to, reason: w.reason, created_at: w.createdAt, created_by: w.createdBy })
      .returning("id")
      .executeTakeFirstOrThrow();
    return (await this.get(id))!;
  }

  async end(id: number, at: number, by: string): Promise<MaintenanceWindow> {
    const current = (await this.get(id))!;
    // A planned window ended before it began is cancelled: it shrinks to nothing at its start.
    const to = Math.max(current.from, Math.min(current.to, at));
    await this.db.updateTable("maintenance_windows").set({ to_ms: to, ended_at: at, ended_by: by }).where("id", "=", id).execute();
    return (await this.get(id))!;
  }

  async addHeld(held: readonly HeldAlert[]): Promise<void> {
    for (const h of held) {
      await this.db
        .insertInto("maintenance_held")
        .values({ window_id: h.windowId, rule_id: h.ruleId, series_key: h.seriesKey, first_at: h.firstAt, last_at: h.lastAt, count: h.count })
        .onConflict((oc) =>
          // CASE, not min()/max(): those are scalar on SQLite but aggregates on PostgreSQL (LEAST/GREATEST there).
          oc.columns(["window_id", "rule_id", "series_key"]).doUpdateSet((eb) => ({
            first_at: eb.case().when("maintenance_held.first_at", "<=", eb.ref("excluded.first_at")).then(eb.ref("maintenance_held.first_at")).else(eb.ref("excluded.first_at")).end(),
            last_at: eb.case().when("maintenance_held.last_at", ">=", eb.ref("excluded.last_at")).then(eb.ref("maintenance_held.last_at")).else(eb.ref("excluded.last_at")).end(),
            count: eb(eb.ref("maintenance_held.count"), "+", eb.ref("excluded.count")),
          })),
        )
        .execute();
    }
  }

  async held(windowId: number): Promise<HeldAlert[]> {
    const rows = await this.db.selectFrom("maintenance_held").selectAll().where("window_id", "=", windowId).orderBy("first_at").execute();
    return rows.map((r) => ({ windowId: r.window_id, ruleId: r.rule_id, seriesKey: r.series_key, firstAt: r.first_at, lastAt: r.last_at, count: r.count }));
  }
}

function toWindow(r: Selectable<MaintenanceWindowsTable> & { held_alerts: number | null }): MaintenanceWindow {
  return {
    id: r.id,
    station: r.station,
    parameter: r.parameter,
    from: r.from_ms,
    to: r.to_ms,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
    endedAt: r.ended_at,
    endedBy: r.ended_by,
    heldAlerts: Number(r.held_alerts ?? 0),
  };
}
