// Maintenance windows (issue #19): an operator marks a station, or one parameter at it, as in
// maintenance — from now for a while, or for a planned period — with a reason, and may end it early.
// Readings taken inside are marked and QC-failed (ingest), the alerts of the series are held (alert
// engine), and the dashboard shows the window. Every change is in the audit log.
//   GET  /api/v1/maintenance?station=&from=&to=   viewer   → MaintenanceResponse (default: active and planned)
//   POST /api/v1/maintenance                      reviewer → MaintenanceWindow (201)
//   POST /api/v1/maintenance/:id/end              reviewer → MaintenanceWindow
// Reviewers (who correct and approve data, and record field visits) and admins run the stations'
// maintenance; there is no role of its own for it (common/auth-types.ts).
import { Router } from "express";
import type { MaintenanceResponse, MaintenanceWindow } from "../../../common/maintenance.ts";
import type { Logger } from "../../../common/logger.ts";
import { principalOf, requireRole } from "../auth/access.ts";
import { SqlAuditLog } from "../auth/audit-log.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { idParam } from "../http/validation.ts";
import type { MetaStore, MetaTransaction } from "../meta/store.ts";
import type { Clock } from "../util/clock.ts";
import { MaintenanceCalendar } from "./maintenance-calendar.ts";
import { parseMaintenanceQuery, parseMaintenanceRequest, type MaintenancePlan } from "./maintenance-params.ts";
import { SqlMaintenanceRepository, type MaintenanceRepository } from "./maintenance-repository.ts";

export const MAINTENANCE_ROLE = "reviewer" as const;

export interface MaintenanceDeps {
  meta: MetaStore;
  catalog: CatalogSource;
  clock: Clock;
  logger: Logger;
}

export interface Maintenance {
  calendar: MaintenanceCalendar;
  repo: MaintenanceRepository;
  router: Router;
  /** Starts or plans a window (checked as the API checks it), audited under `actor`. */
  create(plan: MaintenancePlan, actor: string): Promise<MaintenanceWindow>;
  end(id: number, actor: string): Promise<MaintenanceWindow>;
  /** Hears of every window created or ended, once the calendar follows it. */
  onChange(listener: (window: MaintenanceWindow) => void): () => void;
}

const target = (w: Pick<MaintenanceWindow, "station" | "parameter">) => `station:${w.station}${w.parameter ? `/${w.parameter}` : ""}`;

/** Resolves once the windows are loaded: the first reading is marked by them. */
export async function createMaintenance(deps: MaintenanceDeps): Promise<Maintenance> {
  const logger = deps.logger.child({ module: "maintenance" });
  const repo = new SqlMaintenanceRepository(deps.meta.db);
  const calendar = new MaintenanceCalendar(repo, logger);
  const listeners = new Set<(window: MaintenanceWindow) => void>();
  // The audit entry is written in the change's own transaction: both or neither.
  const auditIn = (trx: MetaTransaction) => new SqlAuditLog(trx, () => new Date(deps.clock.now()));
  const changed = async (w: MaintenanceWindow): Promise<MaintenanceWindow> => {
    await calendar.reload();
    for (const l of listeners) l(w);
    return w;
  };

  const create = async (plan: MaintenancePlan, actor: string): Promise<MaintenanceWindow> => {
    const now = deps.clock.now();
    const w = await deps.meta.transaction(async (trx) => {
      const created = await repo.in(trx).create({ ...plan, createdBy: actor, createdAt: now });
      await auditIn(trx).record(actor, plan.from <= now ? "maintenance.start" : "maintenance.plan", target(plan), {
        id: created.id,
        from: new Date(plan.from).toISOString(),
        to: new Date(plan.to).toISOString(),
        reason: plan.reason,
      });
      return created;
    });
    logger.info({ window: w.id, station: w.station, parameter: w.parameter, from: w.from, to: w.to, by: actor }, "maintenance window recorded");
    return changed(w);
  };

  const end = async (id: number, actor: string): Promise<MaintenanceWindow> => {
    const now = deps.clock.now();
    const w = await deps.meta.transaction(async (trx) => {
      const current = await repo.in(trx).get(id);
      if (!current) throw new NotFoundError(`no maintenance window ${id}`);
      if (current.to <= now) throw new ConflictError(`maintenance window ${id} is already over (it ended ${new Date(current.to).toISOString()})`);
      const ended = await repo.in(trx).end(id, now, actor);
      await auditIn(trx).record(actor, current.from > now ? "maintenance.cancel" : "maintenance.end", target(current), {
        id,
        plannedTo: new Date(current.to).toISOString(),
        endedAt: new Date(now).toISOString(),
      });
      return ended;
    });
    logger.info({ window: id, station: w.station, parameter: w.parameter, by: actor }, "maintenance window ended");
    return changed(w);
  };

  const router = Router();
  router.get("/api/v1/maintenance", requireRole("viewer"), async (req, res) => {
    const q = parseMaintenanceQuery(req.query, deps.catalog.current());
    const now = deps.clock.now();
    const windows =
      q.station !== undefined && q.from !== undefined && q.to !== undefined
        ? await repo.overlapping(q.station, q.from, q.to)
        : (await repo.list(now)).filter((w) => q.station === undefined || w.station === q.station);
    const body: MaintenanceResponse = { windows: windows.filter((w) => w.to > w.from) };
    res.json(body);
  });
  router.post("/api/v1/maintenance", requireRole(MAINTENANCE_ROLE), async (req, res) => {
    const plan = parseMaintenanceRequest(req.body, deps.catalog.current(), deps.clock.now());
    res.status(201).json(await create(plan, principalOf(res).username));
  });
  router.post("/api/v1/maintenance/:id/end", requireRole(MAINTENANCE_ROLE), async (req, res) => {
    res.json(await end(idParam(req.params.id), principalOf(res).username));
  });

  await calendar.reload();
  return {
    calendar,
    repo,
    router,
    create,
    end,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
