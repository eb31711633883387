// Data export for researchers:
//   GET /api/v1/export?stations=&parameters=[&sensors=]&from=&to=&format=&resolution=&layout=&tz=&qc=&metadata=&bom=&include=
//       → the file, streamed (or with metadata=1 a zip with the file and datapackage.json; include=lab
//         adds the lab results as a second file, lab-results.<format>, described there too)
//   GET /api/v1/export/estimate?…same…  → { rows, bytes }
// Both need the researcher role; each user runs at most a few exports at a time (429 beyond).
// The response is written as InfluxDB delivers and the client accepts it (res.write → 'drain');
// when the client goes away the InfluxDB request is aborted.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Router, type Response } from "express";
import yazl from "yazl";
import { principalOf, requireRole } from "../auth/access.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { LabQueries } from "../lab/lab-queries.ts";
import type { LabResultInfo } from "../../../common/lab.ts";
import { UnprocessableError } from "../errors.ts";
import type { Logger } from "../../../common/logger.ts";
import { VERSION } from "../version.ts";
import { dataPackage, type LabTableInfo } from "./datapackage.ts";
import { encoderFor } from "./export-encoders.ts";
import { EXPORT_LAB_MAX_RESULTS, LAB_COLUMNS, labRows } from "./lab-table.ts";
import { estimateExport } from "./export-estimate.ts";
import { contentDisposition, exportFileName } from "./export-file-name.ts";
import { DEFAULT_MAX_EXPORTS_PER_USER, ExportLimiter } from "./export-limiter.ts";
import { describeRequest, parseExportQuery, type ExportRequest } from "./export-params.ts";
import { planExport, type ExportPlan, type ExportProgress } from "./export-stream.ts";
import type { CorrectedReader } from "../review/corrected-reader.ts";
import type { AccessSource } from "../review/viewer-access.ts";
import { ExportReview, visibleRequest } from "./export-review.ts";

export interface ExportRouterDeps {
  store: ReadingStore;
  catalog: CatalogSource;
  /** Corrected readings (review/corrected-reader.ts) and who may see what. */
  reader: CorrectedReader;
  access: AccessSource;
  /** The agency's grades, best first. */
  grades: readonly string[];
  logger: Logger;
  now?: () => number;
  maxExportsPerUser?: number;
  /** Rows per InfluxDB chunk (default DEFAULT_CHUNK_ROWS). */
  chunkSize?: number;
  /** Lab results, for include=lab. */
  lab: LabQueries;
}

/** Resolves when the response can take more, rejects (AbortError) when the export was aborted. */
async function drained(res: Response, signal: AbortSignal): Promise<void> {
  await once(res, "drain", { signal });
}

async function writeDirect(res: Response, pieces: AsyncGenerator<string>, signal: AbortSignal): Promise<void> {
  for await (const piece of pieces) {
    if (!res.write(piece)) await drained(res, signal);
  }
  res.end();
}

async function writeZip(
  res: Response,
  first: string,
  rest: AsyncGenerator<string>,
  dataName: string,
  describe: () => Record<string, unknown>,
  extra: ReadonlyArray<{ name: string; content: Buffer }> = [],
): Promise<void> {
  const mtime = new Date();
  const zip = new yazl.ZipFile();
  const data = Readable.from(
    (async function* () {
      yield first;
      yield* rest;
    })(),
    { objectMode: false },
  );
  zip.addReadStream(data, dataName, { mtime });
  for (const file of extra) zip.addBuffer(file.content, file.name, { mtime });
  // Added after the data so it can state the data's size, row count and hash.
  data.once("end", () => {
    zip.addBuffer(Buffer.from(`${JSON.stringify(describe(), null, 2)}\n`), "datapackage.json", { mtime });
    zip.end();
  });
  const failed = new Promise<never>((_, reject) => data.once("error", reject));
  await Promise.race([pipeline(zip.outputStream, res), failed]);
}

export function exportRouter(deps: ExportRouterDeps): Router {
  const now = deps.now ?? Date.now;
  const logger = deps.logger.child({ module: "export" });
  const limiter = new ExportLimiter(deps.maxExportsPerUser ?? DEFAULT_MAX_EXPORTS_PER_USER);
  const router = Router();

  router.get("/api/v1/export/estimate", requireRole("researcher"), async (req, res) => {
    const policy = await deps.access.forPrincipal(principalOf(res));
    const request = visibleRequest(parseExportQuery(req.query, deps.catalog.current(), now()), policy);
    res.json(await estimateExport(deps.store, request));
  });

  router.get("/api/v1/export", requireRole("researcher"), async (req, res) => {
    const principal = principalOf(res);
    const policy = await deps.access.forPrincipal(principal);
    const request = visibleRequest(parseExportQuery(req.query, deps.catalog.current(), now()), policy);
    // Read before the first byte, so a refusal is still a JSON error.
    const lab = request.include.includes("lab") ? await labResultsFor(request) : null;
    // Exports stream from InfluxDB (chunked), so make sure the database exists first (503 if not).
    await deps.store.ensureSchema();
    const review = await ExportReview.prepare(request, { reader: deps.reader, policy, grades: deps.grades });
    const release = limiter.acquire(principal.userId !== null ? `user:${principal.userId}` : principal.username);
    const controller = new AbortController();
    res.once("close", () => {
      release();
      if (!res.writableFinished) controller.abort();
    });
    const startedAt = performance.now();
    const progress: ExportProgress = { rows: 0, bytes: 0 };
    const log = logger.child({ user: principal.username, query: describeRequest(request) });
    try {
      await streamExport(res, request, review, planExport({ store: deps.store, reader: deps.reader, review }, request), progress, controller.signal, lab);
      log.info({ rows: progress.rows, bytes: progress.bytes, ms: Math.round(performance.now() - startedAt) }, "export finished");
    } catch (err) {
      if (controller.signal.aborted) {
        log.info({ rows: progress.rows, bytes: progress.bytes }, "export aborted: the client disconnected, InfluxDB query stopped");
        return;
      }
      if (!res.headersSent) throw err;
      // Mid-stream the status is already 200: end the connection without the final chunk so the
      // client sees a broken download rather than a complete-looking, truncated file.
      log.error({ err, rows: progress.rows }, "export failed mid-stream");
      res.destroy(err as Error);
    }
  });

  async function labResultsFor(request: ExportRequest): Promise<LabResultInfo[]> {
    const { results, truncated } = await deps.lab.results({
      stations: request.stations.map((s) => s.id),
      parameters: request.parameters.map((p) => p.code),
      from: request.from,
      to: request.to,
      limit: EXPORT_LAB_MAX_RESULTS,
    });
    if (truncated) {
      throw new UnprocessableError("too_many_lab_results", `more than ${EXPORT_LAB_MAX_RESULTS.toLocaleString("en-US")} lab results in this export: choose fewer stations or a shorter range`);
    }
    return results;
  }

  /** The lab results table as a file of the export's format, and what datapackage.json says of it. */
  function labFile(request: ExportRequest, results: readonly LabResultInfo[], dataName: string): { file: { name: string; content: Buffer }; info: LabTableInfo } {
    const encoder = encoderFor(request.format, { bom: request.bom });
    const text = encoder.header(LAB_COLUMNS) + encoder.rows(labRows(request, results)) + encoder.footer();
    const content = Buffer.from(text);
    const name = `${dataName.replace(/\.[a-z]+$/, "")}_lab-results.${encoder.extension}`;
    return {
      file: { name, content },
      info: { path: name, mediaType: encoder.mediaType, bytes: content.length, rows: results.length, hash: `sha256:${createHash("sha256").update(content).digest("hex")}`, results },
    };
  }

  async function streamExport(
    res: Response,
    request: ExportRequest,
    review: ExportReview,
    plan: ExportPlan,
    progress: ExportProgress,
    signal: AbortSignal,
    lab: LabResultInfo[] | null,
  ): Promise<void> {
    const pieces = plan.pieces(signal, progress, { hash: request.metadata, chunkSize: deps.chunkSize });
    // The first piece comes after InfluxDB's first answer; errors before it still get a JSON body.
    const first = await pieces.next();
    const dataName = exportFileName(request, plan.encoder.extension);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("X-Content-Type-Options", "nosniff");
    if (!request.metadata) {
      res.setHeader("Content-Type", plan.encoder.mediaType);
      res.setHeader("Content-Disposition", contentDisposition(dataName));
      if (!first.done && !res.write(first.value)) await drained(res, signal);
      await writeDirect(res, pieces, signal);
      return;
    }
    const exportedAt = new Date(now());
    res.setHeader("Content-Type", "application/zip");
    res.setHeader("Content-Disposition", contentDisposition(dataName.replace(/\.[a-z]+$/, ".zip")));
    const labTable = lab === null ? null : labFile(request, lab, dataName);
    const describe = () =>
      dataPackage({ req: request, review, columns: plan.columns, path: dataName, mediaType: plan.encoder.mediaType, exportedAt, progress, version: VERSION, lab: labTable?.info ?? null });
    await writeZip(res, first.done ? "" : first.value, pieces, dataName, describe, labTable ? [labTable.file] : []);
  }

  return router;
}
