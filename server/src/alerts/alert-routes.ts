// Alert rules and alerts over HTTP.
//   GET    /api/v1/alert-rules                         viewer     → AlertRulesResponse
//   POST   /api/v1/alert-rules                         researcher → AlertRule (201), owned by the user's id
//   PATCH  /api/v1/alert-rules/:id                     researcher (own rule) / admin (any, built-in)
//   DELETE /api/v1/alert-rules/:id                     same
//   GET    /api/v1/alerts?station=&parameter=&sensor=&state=  viewer → AlertsResponse
//   GET    /api/v1/alerts/:id                          viewer     → AlertInfo + history + corrections (deletions of its readings)
//   POST   /api/v1/alerts/:id/ack { comment }          researcher → AlertInfo
import { Router, type Response } from "express";
import { z } from "zod";
import { ALERT_STATES, type AlertCorrectionLink, type AlertInfo, type AlertRulesResponse, type AlertsResponse } from "../../../common/alerts.ts";
import { principalOf, requireRole } from "../auth/access.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { idParam, parseOrThrow } from "../http/validation.ts";
import type { AlertRepository } from "./alert-repository.ts";
import type { Clock } from "../util/clock.ts";
import { OWNER_ROLE } from "./owner-rights.ts";
import type { AlertRuleRepository } from "./rule-repository.ts";
import { completeRule, parseRuleInput, type RuleDraft } from "./rule-schema.ts";

/**
 * The alerts a request's reader may see (data review: alerts from data they may not read are left
 * out; provisional ones labelled).
 */
export type AlertReadFilter = (res: Response, alerts: AlertInfo[]) => Promise<AlertInfo[]>;

export interface AlertRouterDeps {
  rules: AlertRuleRepository;
  alerts: AlertRepository;
  catalog: CatalogSource;
  clock: Clock;
  /** Rules one user may create (MAX_ALERT_RULES_PER_USER). */
  maxRulesPerUser: number;
  /** An alert was acknowledged (its state is unchanged): live clients refresh it. */
  onAcknowledged?: (alert: AlertInfo) => void;
  visibility?: AlertReadFilter;
  /** Corrections that removed the readings behind an alert. */
  linkedCorrections?: (alertId: number) => Promise<AlertCorrectionLink[]>;
}

function mayChangeRule(res: Response, rule: { builtIn: boolean; createdBy: string | null; createdById: number | null }): void {
  const p = principalOf(res);
  if (p.role === "admin") return;
  if (rule.builtIn) throw new ForbiddenError("built-in rules can only be changed by an admin");
  // By id: a later account that took a deleted creator's name owns nothing of theirs.
  if (rule.createdById === null || rule.createdById !== p.userId) {
    throw new ForbiddenError(`this rule belongs to ${rule.createdById === null ? "nobody" : (rule.createdBy ?? "someone else")}; only its owner or an admin may change it`);
  }
}

const alertQuery = z
  .object({
    station: z.string().optional(),
    parameter: z.string().optional(),
    sensor: z.string().optional(),
    state: z.enum(ALERT_STATES).optional(),
    limit: z.coerce.number().int().min(1).max(5_000).optional(),
  })
  .strict();

const ackBody = z.object({ comment: z.string().trim().max(2_000).default("") }).strict();

export function alertRouter(deps: AlertRouterDeps): Router {
  const router = Router();
  // An alert the reader may not see is answered as if it did not exist.
  const visible = async (res: Response, alert: AlertInfo): Promise<AlertInfo> => {
    const [shown] = deps.visibility ? await deps.visibility(res, [alert]) : [alert];
    if (!shown) throw new NotFoundError(`no alert ${alert.id}`);
    return shown;
  };

  router.get("/api/v1/alert-rules", requireRole("viewer"), async (_req, res) => {
    const body: AlertRulesResponse = { rules: await deps.rules.list() };
    res.json(body);
  });

  router.post("/api/v1/alert-rules", requireRole(OWNER_ROLE), async (req, res) => {
    const draft = completeRule(parseRuleInput(req.body), { catalog: deps.catalog.current(), now: deps.clock.now() });
    const p = principalOf(res);
    res.status(201).json(await deps.rules.create(draft, { id: p.userId!, username: p.username }, { maxPerCreator: deps.maxRulesPerUser }));
  });

  router.patch("/api/v1/alert-rules/:id", requireRole(OWNER_ROLE), async (req, res) => {
    const existing = await deps.rules.get(idParam(req.params.id));
    mayChangeRule(res, existing);
    const { id: _id, builtIn: _b, createdBy: _c, createdById: _ci, paused: _p, createdAt: _ca, updatedAt: _u, ...previous } = existing;
    const draft = completeRule(parseRuleInput(req.body), { catalog: deps.catalog.current(), now: deps.clock.now() }, previous satisfies RuleDraft);
    res.json(await deps.rules.update(existing.id, draft));
  });

  router.delete("/api/v1/alert-rules/:id", requireRole(OWNER_ROLE), async (req, res) => {
    const existing = await deps.rules.get(idParam(req.params.id));
    mayChangeRule(res, existing);
    await deps.rules.delete(existing.id);
    res.status(204).end();
  });

  router.get("/api/v1/alerts", requireRole("viewer"), async (req, res) => {
    const q = parseOrThrow(alertQuery, req.query, "query");
    const catalog = deps.catalog.current();
    if (q.station && !catalog.station(q.station)) throw new ValidationError(`unknown station ${JSON.stringify(q.station)}`);
    if (q.parameter && !catalog.parameter(q.parameter)) throw new ValidationError(`unknown parameter ${JSON.stringify(q.parameter)}`);
    if (q.sensor && !catalog.sensor(q.sensor)) throw new ValidationError(`unknown sensor ${JSON.stringify(q.sensor)}`);
    const listed = await deps.alerts.list(q);
    const body: AlertsResponse = { alerts: deps.visibility ? await deps.visibility(res, listed) : listed };
    res.json(body);
  });

  router.get("/api/v1/alerts/:id", requireRole("viewer"), async (req, res) => {
    const id = idParam(req.params.id);
    const alert = await visible(res, await deps.alerts.get(id));
    res.json({ ...alert, history: await deps.alerts.history(id), corrections: (await deps.linkedCorrections?.(id)) ?? [] });
  });

  router.post("/api/v1/alerts/:id/ack", requireRole("researcher"), async (req, res) => {
    const id = idParam(req.params.id);
    await visible(res, await deps.alerts.get(id));
    const { comment } = parseOrThrow(ackBody, req.body ?? {});
    const alert = await deps.alerts.acknowledge(id, principalOf(res).username, comment, deps.clock.now());
    deps.onAcknowledged?.(alert);
    res.json(alert);
  });

  return router;
}
