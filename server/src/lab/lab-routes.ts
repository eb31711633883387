// Lab results over HTTP.
//   POST   /api/v1/lab/imports                 researcher  body: the CSV/XLSX file itself; name in X-File-Name
//          ?dryRun&preset=|mapping=&encoding&format&onlyValid&previewToken&note → LabImportReport (200 dry run, 201 applied)
//   GET    /api/v1/lab/imports?limit&before    researcher  → LabImportsResponse (newest first)
//   GET    /api/v1/lab/imports/:id             researcher  → LabImportInfo
//   GET    /api/v1/lab/imports/:id/undo-preview researcher  → LabUndoPreview (what undo would retract and restore)
//   POST   /api/v1/lab/imports/:id/undo        importer or admin, { reason? } → LabUndoResponse
//   GET    /api/v1/lab/results?stations&parameters&from&to&limit   viewer → LabResultsResponse
//   GET    /api/v1/lab/samples/:id             viewer      → LabSampleResponse (with every revision)
//   GET    /api/v1/lab/template?delimiter=comma|semicolon  viewer → text/csv
//   GET    /api/v1/lab/mapping-presets         researcher  → { presets }
//   POST   /api/v1/lab/mapping-presets         researcher  { name, mapping } → 201 preset
//   GET|PATCH|DELETE /api/v1/lab/mapping-presets/:id  researcher ({ name?, mapping? } to change)
import express, { Router, type Request } from "express";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { LabImportsResponse, LabResultsResponse } from "../../../common/lab.ts";
import { labMappingSchema } from "../../../common/lab-mapping.ts";
import { principalOf, requireRole } from "../auth/access.ts";
import { ForbiddenError, UnsupportedMediaTypeError, ValidationError } from "../errors.ts";
import { idParam, parseOrThrow } from "../http/validation.ts";
import type { Clock } from "../util/clock.ts";
import type { LabImportService } from "./lab-import-service.ts";
import { parseImportQuery, parseImportsQuery, parseResultsQuery, presetBody, presetPatch, templateQuery, undoBody } from "./lab-params.ts";
import type { LabQueries } from "./lab-queries.ts";
import { labTemplate } from "./import/template.ts";
import type { MappingPresetRepository } from "./mapping-presets.ts";

export interface LabRouterDeps {
  imports: LabImportService;
  queries: LabQueries;
  presets: MappingPresetRepository;
  catalog: () => CatalogSnapshot;
  clock: Clock;
  /** Largest accepted upload (LAB_IMPORT_MAX_BYTES). */
  maxBytes: number;
}

export const LAB_IMPORTS_PATH = "/api/v1/lab/imports";

/** A lab file upload: its body is the file, not JSON, whatever Content-Type the client sent. */
export function isLabUpload(req: { method?: string; url?: string; originalUrl?: string }): boolean {
  // Express matches routes without regard to case or a trailing slash.
  return req.method === "POST" && (req.originalUrl ?? req.url ?? "").split("?")[0]!.replace(/\/$/, "").toLowerCase() === LAB_IMPORTS_PATH;
}

/** The upload's name: X-File-Name (percent-encoded UTF-8, as encodeURIComponent writes it) or ?fileName=. */
function fileNameOf(req: Request, fromQuery: string | undefined): string {
  const header = req.get("x-file-name");
  if (header === undefined) return fromQuery ?? "upload";
  try {
    const name = decodeURIComponent(header).trim();
    if (name === "" || name.length > 255) throw new Error("length");
    return name;
  } catch {
    throw new ValidationError("X-File-Name must be the file's name, percent-encoded (encodeURIComponent), at most 255 characters");
  }
}

export function labRouter(deps: LabRouterDeps): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: deps.maxBytes });

  router.post(LAB_IMPORTS_PATH, requireRole("researcher"), raw, async (req, res) => {
    if (req.is("multipart/form-data")) {
      throw new UnsupportedMediaTypeError("send the file itself as the request body (fetch(url, { body: file }) or curl --data-binary @file), not as a form");
    }
    const params = parseImportQuery(req.query);
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const fileName = fileNameOf(req, params.fileName);
    if (bytes.length === 0) throw new ValidationError(`no file: send ${JSON.stringify(fileName)} as the request body`);
    const preset = params.preset === undefined ? undefined : await deps.presets.byName(params.preset);
    const base = preset?.mapping ?? params.mapping ?? labMappingSchema.parse({});
    const mapping = params.encoding ? { ...base, encoding: params.encoding } : base;
    const report = await deps.imports.run({
      fileName,
      bytes,
      format: params.format,
      mapping,
      preset: preset?.name ?? null,
      dryRun: params.dryRun,
      onlyValid: params.onlyValid,
      previewToken: params.previewToken,
      note: params.note,
      by: principalOf(res).username,
      byId: principalOf(res).userId,
    });
    res.status(report.import ? 201 : 200).json(report);
  });

  router.get("/api/v1/lab/imports", requireRole("researcher"), async (req, res) => {
    const { limit, before } = parseImportsQuery(req.query);
    const body: LabImportsResponse = { imports: await deps.queries.imports(limit, before) };
    res.json(body);
  });

  router.get("/api/v1/lab/imports/:id", requireRole("researcher"), async (req, res) => {
    res.json(await deps.queries.importById(idParam(req.params.id)));
  });

  router.get("/api/v1/lab/imports/:id/undo-preview", requireRole("researcher"), async (req, res) => {
    res.json(await deps.imports.previewUndo(idParam(req.params.id)));
  });

  router.post("/api/v1/lab/imports/:id/undo", requireRole("researcher"), async (req, res) => {
    const id = idParam(req.params.id);
    const { reason } = parseOrThrow(undoBody, req.body ?? {});
    const importer = await deps.queries.importer(id);
    const p = principalOf(res);
    // By user id, not name: an account deleted and re-created under the same name is someone else.
    const own = importer.userId !== null && importer.userId === p.userId;
    if (!own && p.role !== "admin") throw new ForbiddenError(`import #${id} was made by ${importer.name}; only that account or an admin may undo it`);
    res.json(await deps.imports.undo(id, p.username, reason));
  });

  router.get("/api/v1/lab/results", requireRole("viewer"), async (req, res) => {
    const body: LabResultsResponse = await deps.queries.results(parseResultsQuery(req.query, deps.catalog(), deps.clock.now()));
    res.json(body);
  });

  router.get("/api/v1/lab/samples/:id", requireRole("viewer"), async (req, res) => {
    res.json(await deps.queries.sample(idParam(req.params.id)));
  });

  router.get("/api/v1/lab/template", requireRole("viewer"), (req, res) => {
    const { delimiter } = parseOrThrow(templateQuery, req.query, "query");
    res
      .type("text/csv; charset=utf-8")
      .attachment(delimiter === "semicolon" ? "water-monitor-lab-template-de.csv" : "water-monitor-lab-template.csv")
      .send(labTemplate(deps.catalog(), delimiter === "semicolon" ? ";" : ","));
  });

  router.get("/api/v1/lab/mapping-presets", requireRole("researcher"), async (_req, res) => {
    res.json({ presets: await deps.presets.list() });
  });

  router.post("/api/v1/lab/mapping-presets", requireRole("researcher"), async (req, res) => {
    const { name, mapping } = parseOrThrow(presetBody, req.body);
    res.status(201).json(await deps.presets.create(name, mapping, principalOf(res).username));
  });

  router.get("/api/v1/lab/mapping-presets/:id", requireRole("researcher"), async (req, res) => {
    res.json(await deps.presets.get(idParam(req.params.id)));
  });

  router.patch("/api/v1/lab/mapping-presets/:id", requireRole("researcher"), async (req, res) => {
    const changes = parseOrThrow(presetPatch, req.body);
    res.json(await deps.presets.update(idParam(req.params.id), changes, principalOf(res).username));
  });

  router.delete("/api/v1/lab/mapping-presets/:id", requireRole("researcher"), async (req, res) => {
    await deps.presets.delete(idParam(req.params.id));
    res.status(204).end();
  });

  return router;
}
