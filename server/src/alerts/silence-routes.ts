// Silences over HTTP (issue #19; Alertmanager's model, common/silences.ts).
//   GET  /api/v1/silences                 viewer     → SilencesResponse (current ones, and those ended in the last 7 days)
//   POST /api/v1/silences                 researcher → Silence (201)
//   POST /api/v1/silences/:id/expire      researcher → Silence
// Researchers are the role that acknowledges alerts (alert-routes.ts): the people who operate the
// network. Both changes are written to the audit log in the transaction that makes them.
import { Router } from "express";
import { z } from "zod";
import { matchesAll, MAX_SILENCE_MS, silenceState, type SilencesResponse } from "../../../common/silences.ts";
import { principalOf, requireRole } from "../auth/access.ts";
import { SqlAuditLog } from "../auth/audit-log.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import { ValidationError } from "../errors.ts";
import { idParam, parseOrThrow } from "../http/validation.ts";
import type { MetaStore } from "../meta/store.ts";
import type { Clock } from "../util/clock.ts";
import type { AlertRuleRepository } from "./rule-repository.ts";
import type { SilenceRepository } from "./silence-repository.ts";

/** How long an ended silence stays in the list. */
const ENDED_SHOWN_MS = 7 * 86_400_000;

const instant = (what: string) =>
  z.union([z.number().int(`${what} must be whole epoch milliseconds`).min(0), z.iso.datetime({ offset: true, error: `${what} must be epoch milliseconds or an ISO 8601 date-time with an offset` })]);

const silenceBody = z
  .object({
    station: z.string().min(1).nullable().default(null),
    parameter: z.string().min(1).nullable().default(null),
    ruleId: z.number().int().positive().nullable().default(null),
    startsAt: instant("startsAt").optional(),
    endsAt: instant("endsAt").optional(),
    durationMs: z.number().int("durationMs must be whole milliseconds").positive("durationMs must be positive").optional(),
    comment: z.string().trim().min(1, "comment is required: say which known situation the silence is for").max(2_000),
    confirmMatchAll: z.boolean().default(false),
  })
  .strict();

const ms = (v: number | string): number => (typeof v === "number" ? v : Date.parse(v));
const days = (n: number) => `${Number((n / 86_400_000).toPrecision(4))} days`;

export interface SilenceRouterDeps {
  silences: SilenceRepository;
  rules: AlertRuleRepository;
  meta: Pick<MetaStore, "transaction">;
  catalog: CatalogSource;
  clock: Clock;
  /** A silence began or ended: the firing alerts' holds are looked at again. */
  changed(): void;
}

export function silenceRouter(deps: SilenceRouterDeps): Router {
  const router = Router();

  router.get("/api/v1/silences", requireRole("viewer"), async (_req, res) => {
    const now = deps.clock.now();
    const listed = await deps.silences.list(now, ENDED_SHOWN_MS);
    const body: SilencesResponse = { silences: listed.map((s) => ({ ...s, state: silenceState(s, now) })) };
    res.json(body);
  });

  router.post("/api/v1/silences", requireRole("researcher"), async (req, res) => {
    const b = parseOrThrow(silenceBody, req.body);
    const now = deps.clock.now();
    const catalog = deps.catalog.current();
    if (b.station !== null && !catalog.station(b.station)) throw new ValidationError(`unknown station ${JSON.stringify(b.station)} in the matcher: give a station id of the catalog`);
    if (b.parameter !== null && !catalog.parameter(b.parameter)) throw new ValidationError(`unknown parameter ${JSON.stringify(b.parameter)} in the matcher: give a parameter code of the catalog`);
    if (b.ruleId !== null && !(await deps.rules.list()).some((r) => r.id === b.ruleId)) throw new ValidationError(`unknown alert rule ${b.ruleId} in the matcher`);
    if (matchesAll(b) && !b.confirmMatchAll) {
      throw new ValidationError("a silence without a station, parameter or rule matcher would silence every alert: give a matcher, or confirmMatchAll: true if that is what you mean");
    }
    const startsAt = b.startsAt === undefined ? now : ms(b.startsAt);
    if (b.endsAt !== undefined && b.durationMs !== undefined) throw new ValidationError("give endsAt or durationMs, not both");
    if (b.endsAt === undefined && b.durationMs === undefined) throw new ValidationError("give when the silence ends: endsAt, or durationMs from its start");
    const endsAt = b.endsAt !== undefined ? ms(b.endsAt) : startsAt + b.durationMs!;
    if (endsAt <= startsAt) throw new ValidationError(`the silence must end after it starts: endsAt (${new Date(endsAt).toISOString()}) is not after startsAt (${new Date(startsAt).toISOString()})`);
    if (endsAt - startsAt > MAX_SILENCE_MS) throw new ValidationError(`a silence may last at most ${days(MAX_SILENCE_MS)}; this one would last ${days(endsAt - startsAt)}`);
    if (endsAt <= now) throw new ValidationError("the silence would already have ended: give an end in the future");
    const p = principalOf(res);
    const created = await deps.meta.transaction(async (trx) => {
      const s = await deps.silences.in(trx).create({ station: b.station, parameter: b.parameter, ruleId: b.ruleId, startsAt, endsAt, createdBy: p.username, comment: b.comment }, { id: p.userId, username: p.username }, now);
      await new SqlAuditLog(trx).record(p.username, "silence.create", `silence:${s.id}`, { station: s.station, parameter: s.parameter, ruleId: s.ruleId, startsAt, endsAt, comment: s.comment });
      return s;
    });
    deps.changed();
    res.status(201).json({ ...created, state: silenceState(created, now) });
  });

  router.post("/api/v1/silences/:id/expire", requireRole("researcher"), async (req, res) => {
    const id = idParam(req.params.id);
    const now = deps.clock.now();
    const p = principalOf(res);
    const expired = await deps.meta.transaction(async (trx) => {
      const s = await deps.silences.in(trx).expire(id, p.username, now);
      await new SqlAuditLog(trx).record(p.username, "silence.expire", `silence:${id}`, { endsAt: s.endsAt });
      return s;
    });
    deps.changed();
    res.json({ ...expired, state: silenceState(expired, now) });
  });

  return router;
}
