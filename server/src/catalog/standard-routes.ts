// Quality standards in the managed catalog (admin). A standard never rewrites history: a changed
// value, legal status, scope or source is a new version with its own validity, and the version before
// it ends where the new one starts; both stay in the catalog (and in charts, alerts and exports for
// their own period). Versions that have not started yet may still be replaced.
//   POST /api/v1/catalog/standards                 a new standard (its first version) → 201
//   POST /api/v1/catalog/standards/:id/versions    { validFrom, value|min|max|classes, unit?, legalStatus?, scope?, source?, validTo? } → 201
//   POST /api/v1/catalog/standards/:id/end         { validTo } the standard stops applying (repealed, superseded)
import { Router } from "express";
import { z } from "zod";
import { classLimitsSchema, LEGAL_STATUSES, standardSchema, standardScopeSchema, type QualityStandard } from "../../../common/catalog-model.ts";
import { standardVersionKey } from "../../../common/catalog-diff.ts";
import { requireRole } from "../auth/access.ts";
import { NotFoundError } from "../errors.ts";
import { parseOrThrow } from "../http/validation.ts";
import type { ManagedCatalog } from "./catalog-store.ts";
import { actorOf, answer, focus, refused } from "./route-kit.ts";

export interface StandardRouterDeps {
  catalog: ManagedCatalog;
  now: () => number;
}

const instant = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}(T.+)?$/.test(s) && Number.isFinite(Date.parse(s)), "must be a date (YYYY-MM-DD) or an ISO 8601 instant");

const versionBody = z
  .object({
    validFrom: instant,
    validTo: instant.nullable().optional(),
    value: z.number().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    classes: classLimitsSchema.optional(),
    unit: z.string().optional(),
    legalStatus: z.enum(LEGAL_STATUSES).optional(),
    scope: standardScopeSchema.optional(),
    source: z.string().optional(),
  })
  .strict();
const endBody = z.object({ validTo: instant }).strict();

const start = (s: QualityStandard) => (s.validFrom === null ? Number.NEGATIVE_INFINITY : Date.parse(s.validFrom));

/** The standard's versions, earliest first; 404 when it has none. */
function versionsOf(list: readonly QualityStandard[], id: string): QualityStandard[] {
  const versions = list.filter((s) => s.id === id).sort((a, b) => start(a) - start(b));
  if (versions.length === 0) throw new NotFoundError(`no quality standard ${JSON.stringify(id)} in the catalog`);
  return versions;
}

export function standardRouter(deps: StandardRouterDeps): Router {
  const router = Router();
  router.use("/api/v1/catalog/standards", requireRole("admin"));

  router.post("/api/v1/catalog/standards", async (req, res) => {
    const standard = parseOrThrow(standardSchema, req.body);
    const key = standardVersionKey(standard.id, standard.validFrom);
    const result = await deps.catalog.change({ actor: actorOf(res), action: "standard.create", focus: focus("standards", key) }, (draft) => {
      if (draft.standards.some((s) => s.id === standard.id)) {
        throw refused("id", `a standard "${standard.id}" exists already; a changed value is a new version (POST /api/v1/catalog/standards/${standard.id}/versions)`);
      }
      draft.standards.push(standard);
    });
    answer(res, result, 201, { standard });
  });

  router.post("/api/v1/catalog/standards/:id/versions", async (req, res) => {
    const id = req.params.id;
    const body = parseOrThrow(versionBody, req.body);
    versionsOf(deps.catalog.current().data.standards, id);
    const now = deps.now();
    let created: QualityStandard | undefined;
    const result = await deps.catalog.change({ actor: actorOf(res), action: "standard.version", focus: focus("standards", standardVersionKey(id, body.validFrom)) }, (draft) => {
      const latest = versionsOf(draft.standards, id).at(-1)!;
      const from = Date.parse(body.validFrom);
      if (from <= start(latest)) {
        throw refused("validFrom", `must be after the start of the current version (${latest.validFrom})`);
      }
      const overlaps = latest.validTo === null || Date.parse(latest.validTo) > from;
      if (overlaps && from < now && start(latest) <= now) {
        throw refused("validFrom", `${body.validFrom} is before now (${new Date(now).toISOString()}); the current version applied until now and stays as it was, so a new version starts now or later`);
      }
      const { validFrom, validTo, ...values } = body;
      // A new version states its own values: a value of one kind does not carry over to the next.
      const base = { ...latest, ...(values.value !== undefined || values.min !== undefined || values.max !== undefined || values.classes !== undefined ? { value: undefined, min: undefined, max: undefined, classes: undefined } : {}) };
      const next = Object.fromEntries(Object.entries({ ...base, ...values, validFrom, validTo: validTo ?? null }).filter(([, v]) => v !== undefined));
      created = parseOrThrow(standardSchema, next);
      draft.standards = draft.standards.map((s) => (s === latest && overlaps ? { ...s, validTo: validFrom } : s));
      draft.standards.push(created);
    });
    answer(res, result, 201, { standard: created, versions: versionsOf(deps.catalog.current().data.standards, id) });
  });

  router.post("/api/v1/catalog/standards/:id/end", async (req, res) => {
    const id = req.params.id;
    const { validTo } = parseOrThrow(endBody, req.body);
    versionsOf(deps.catalog.current().data.standards, id);
    const result = await deps.catalog.change({ actor: actorOf(res), action: "standard.end", focus: focus("standards", id) }, (draft) => {
      const latest = versionsOf(draft.standards, id).at(-1)!;
      if (latest.validTo !== null && Date.parse(latest.validTo) <= Date.parse(validTo)) {
        throw refused("validTo", `${id} ends at ${latest.validTo} already`);
      }
      draft.standards = draft.standards.map((s) => (s === latest ? { ...s, validTo } : s));
    });
    answer(res, result, 200, { versions: versionsOf(deps.catalog.current().data.standards, id) });
  });

  return router;
}
