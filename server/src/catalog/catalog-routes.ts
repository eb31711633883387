// The catalog as a whole: reading it (now or as it was), its history, export and import.
//   GET  /api/v1/catalog[?asOf=ISO]                 viewer → CatalogResponse (+ asOf, at)
//   GET  /api/v1/catalog/export[?asOf=ISO]          viewer → the catalog file (catalogSchema), as a download
//   GET  /api/v1/catalog/history[?before&limit&entity&key]  admin → { versions }
//   GET  /api/v1/catalog/history/:id                admin → one version with field-level changes
//   POST /api/v1/catalog/import[?apply=true&baseVersion=N]  admin; body: a catalog file
//        → the diff per entity list (dry run unless apply=true; apply only if still at baseVersion)
import express, { Router, type Request } from "express";
import { z } from "zod";
import type { CatalogImportResponse, CatalogHistoryResponse, CatalogResponse, CatalogVersionResponse } from "../../../common/api-types.ts";
import { CATALOG_FORMAT, catalogSchema } from "../../../common/catalog-model.ts";
import { CATALOG_ENTITIES, diffCounts, fieldChanges, type CatalogDiff } from "../../../common/catalog-diff.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { requireRole } from "../auth/access.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { idParam, parseOrThrow } from "../http/validation.ts";
import type { ManagedCatalog } from "./catalog-store.ts";
import { CatalogBodyCache, catalogResponse } from "./catalog-body.ts";
import { actorOf } from "./route-kit.ts";

export interface CatalogRouterDeps {
  catalog: ManagedCatalog;
  /** Largest catalog file an import takes (CATALOG_IMPORT_MAX_BYTES). */
  importMaxBytes: number;
}

const instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}(T.+)?$/.test(s) && Number.isFinite(Date.parse(s)), "asOf must be a date (YYYY-MM-DD) or an ISO 8601 instant such as 2026-06-01T12:00:00Z");
const asOfQuery = z.object({ asOf: instant.optional() }).strict();
const historyQuery = z
  .object({
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    entity: z.enum(CATALOG_ENTITIES).optional(),
    key: z.string().min(1).max(200).optional(),
  })
  .strict();
const importQuery = z
  .object({
    apply: z.enum(["true", "false"]).optional(),
    baseVersion: z.coerce.number().int().min(0).optional(),
  })
  .strict();

/** The path the big-body parser serves; the API's general JSON parser leaves it alone. */
export const CATALOG_IMPORT_PATH = "/api/v1/catalog/import";

export function catalogRouter(deps: CatalogRouterDeps): Router {
  const router = Router();
  const admin = requireRole("admin");

  async function snapshotFor(req: Request): Promise<{ snapshot: CatalogSnapshot; at: string | null }> {
    const { asOf } = parseOrThrow(asOfQuery, req.query, "query");
    if (asOf === undefined) return { snapshot: deps.catalog.current(), at: null };
    const snapshot = await deps.catalog.asOf(Date.parse(asOf));
    if (!snapshot) throw new NotFoundError(`there was no catalog yet at ${asOf}`);
    return { snapshot, at: asOf };
  }

  const bodies = new CatalogBodyCache();
  router.get("/api/v1/catalog", async (req, res) => {
    const { snapshot, at } = await snapshotFor(req);
    if (at) {
      const body: CatalogResponse = { ...catalogResponse(snapshot), asOf: at };
      res.json(body);
      return;
    }
    // The current catalog: made once per version (catalog-body.ts); unchanged since the client's copy → 304.
    const body = await bodies.get(snapshot);
    res.setHeader("ETag", body.etag);
    res.vary("Accept-Encoding");
    if (req.acceptsEncodings("gzip") !== "gzip") {
      res.json(catalogResponse(snapshot));
      return;
    }
    res.type("json").setHeader("Content-Encoding", "gzip");
    res.send(body.gzipped);
  });

  router.get("/api/v1/catalog/export", async (req, res) => {
    const { snapshot } = await snapshotFor(req);
    res.setHeader("content-disposition", `attachment; filename="water-monitor-catalog-v${snapshot.version}.json"`);
    res.type("application/json").send(`${JSON.stringify(snapshot.data, null, 1)}\n`);
  });

  router.get("/api/v1/catalog/history", admin, async (req, res) => {
    const q = parseOrThrow(historyQuery, req.query, "query");
    const body: CatalogHistoryResponse = { versions: await deps.catalog.history({ before: q.before, limit: q.limit, kind: q.entity, key: q.key }) };
    res.json(body);
  });

  router.get("/api/v1/catalog/history/:id", admin, async (req, res) => {
    parseOrThrow(z.object({}).strict(), req.query, "query");
    const { record, changes } = await deps.catalog.version(idParam(req.params.id));
    const body: CatalogVersionResponse = {
      ...record,
      changes: changes.map((c) => ({
        entity: c.kind,
        key: c.key,
        change: c.before === null ? "added" : c.after === null ? "removed" : "changed",
        before: c.before,
        after: c.after,
        fields: c.before !== null && c.after !== null ? fieldChanges(c.before, c.after) : [],
      })),
    };
    res.json(body);
  });

  router.post(CATALOG_IMPORT_PATH, admin, express.json({ limit: deps.importMaxBytes }), async (req, res) => {
    const q = parseOrThrow(importQuery, req.query, "query");
    const data = parseCatalogFile(req.body);
    const apply = q.apply === "true";
    const result = await deps.catalog.replace({ actor: actorOf(res), action: "import", dryRun: !apply, baseVersion: apply ? q.baseVersion : undefined }, data);
    const body: CatalogImportResponse = {
      applied: apply && result.changed,
      baseVersion: result.baseVersion,
      version: result.version,
      changed: result.changed,
      entities: describeDiff(result.diff),
    };
    res.json(body);
  });

  return router;
}

/** A catalog file, or a 400 that says it is not one (or which fields are wrong). */
export function parseCatalogFile(body: unknown): z.infer<typeof catalogSchema> {
  const format = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>).format : undefined;
  if (format !== CATALOG_FORMAT) {
    const message = `This is not a Water Monitor catalog file: its "format" must be "${CATALOG_FORMAT}" (export one with GET /api/v1/catalog/export)`;
    throw new ValidationError(message, [{ path: "format", message }]);
  }
  return parseOrThrow(catalogSchema, body);
}

/** Per entity list: counts, and each added, removed or changed entity (changed ones field by field). */
export function describeDiff(diff: CatalogDiff): CatalogImportResponse["entities"] {
  return Object.fromEntries(
    CATALOG_ENTITIES.map((kind) => [
      kind,
      {
        ...diffCounts(diff[kind]),
        items: diff[kind].map((c) =>
          c.change === "added"
            ? { change: c.change, key: c.key, after: c.after }
            : c.change === "removed"
              ? { change: c.change, key: c.key, before: c.before }
              : { change: c.change, key: c.key, fields: c.fields },
        ),
      },
    ]),
  ) as CatalogImportResponse["entities"];
}
