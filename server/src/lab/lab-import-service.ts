// Lab imports from upload to database: read and check the file (read-lab-file.ts), compare it with
// what is stored (plan.ts), and either report (dry run) or apply it in one transaction, then tell
// live clients. An apply must present the dry run's preview token and is refused when anything the
// preview depended on has changed. Imports and undos are carried out one at a time.
import { createHash } from "node:crypto";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { LabImportReport, LabMapping, LabResultsChanged, LabUndoPreview, LabUndoResponse } from "../../../common/lab.ts";
import type { Logger } from "../../../common/logger.ts";
import { ConflictError, UnprocessableError, ValidationError } from "../errors.ts";
import type { MetaStore } from "../meta/store.ts";
import type { Clock } from "../util/clock.ts";
import type { LabFileFormat } from "./import/decode.ts";
import { planImport, previewToken, resultChanges, sampleChanges, type ImportPlan } from "./import/plan.ts";
import { readLabFile } from "./import/read-lab-file.ts";
import { sampleKey } from "./import/plan.ts";
import type { LabStore } from "./lab-store.ts";

export interface LabImportRequest {
  fileName: string;
  bytes: Uint8Array;
  format?: LabFileFormat;
  mapping: LabMapping;
  preset: string | null;
  dryRun: boolean;
  /** Apply the valid rows although some were rejected. */
  onlyValid: boolean;
  /** From the dry run; required to apply. */
  previewToken?: string;
  note: string | null;
  by: string;
  /** The importer's user id: only they (or an admin) may undo the import. */
  byId: number | null;
}

export interface LabImportServiceDeps {
  meta: MetaStore;
  store: LabStore;
  catalog: () => CatalogSnapshot;
  clock: Clock;
  logger: Logger;
  maxUnpackedBytes: number;
  /** Rejected rows and changes listed in a report, each (counts are always complete). */
  listLimit: number;
  onChange: (change: LabResultsChanged) => void;
}

/** Stations, parameters and sampling period an applied plan changed. */
function changedBy(plan: ImportPlan, importId: number): LabResultsChanged | null {
  const samples = new Map(plan.samples.map((s) => [s.key, s]));
  const stations = new Set<string>();
  const parameters = new Set<string>();
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  const touch = (station: string, start: number, end: number) => {
    stations.add(station);
    from = Math.min(from, start);
    to = Math.max(to, end);
  };
  for (const s of plan.samples) {
    if (s.action === "unchanged") continue;
    touch(s.draft.station, s.draft.start, s.draft.end);
    if (s.stored) touch(s.stored.draft.station, s.stored.draft.start, s.stored.draft.end);
    for (const p of s.stored?.results.keys() ?? []) parameters.add(p);
  }
  for (const r of plan.results) {
    if (r.action === "unchanged") continue;
    const s = samples.get(r.sampleKey)!;
    touch(s.draft.station, s.draft.start, s.draft.end);
    parameters.add(r.draft.parameter);
  }
  if (stations.size === 0) return null;
  return { importId, action: "applied", stations: [...stations].sort(), parameters: [...parameters].sort(), from, to };
}

export class LabImportService {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: LabImportServiceDeps) {}

  async run(req: LabImportRequest): Promise<LabImportReport> {
    const { deps } = this;
    const sha256 = createHash("sha256").update(req.bytes).digest("hex");
    const content = await readLabFile(
      { name: req.fileName, bytes: req.bytes, format: req.format },
      { catalog: deps.catalog(), mapping: req.mapping, now: deps.clock.now(), maxUnpackedBytes: deps.maxUnpackedBytes },
    );
    if (!req.dryRun && !req.previewToken) {
      throw new ValidationError("applying an import needs the previewToken of its dry run: send the file with dryRun=true first, then again with previewToken=<token>");
    }
    return this.exclusive(async () => {
      const version = await deps.store.version();
      const stored = await deps.store.storedSamples(new Set(content.accepted.map((r) => sampleKey(r.sample.laboratory, r.sample.sampleId))));
      const plan = planImport(content.accepted, content.rejected, stored);
      const token = previewToken(sha256, req.mapping, plan);
      const report: LabImportReport = {
        dryRun: req.dryRun,
        file: { name: req.fileName, sha256, bytes: req.bytes.length, format: content.format, encoding: content.encoding, delimiter: content.delimiter, rows: content.rows },
        columns: content.columns,
        ignoredColumns: content.ignoredColumns,
        mapping: req.mapping,
        preset: req.preset,
        counts: plan.counts,
        rejected: plan.rejected.slice(0, deps.listLimit),
        sampleChanges: sampleChanges(plan, deps.listLimit),
        resultChanges: resultChanges(plan, deps.listLimit),
        listLimit: deps.listLimit,
        previewToken: token,
        needsOnlyValid: plan.rejected.length > 0,
      };
      if (req.dryRun) return report;

      if (req.previewToken !== token) {
        throw new ConflictError(
          "this is not what the dry run showed: the file, the mapping or the stored lab results have changed since. Run the dry run again and apply with its new previewToken",
        );
      }
      if (plan.rejected.length > 0 && !req.onlyValid) {
        throw new UnprocessableError(
          "rows_rejected",
          `${plan.rejected.length} row(s) were rejected, so nothing was imported: fix them and import again, or apply only the valid rows with onlyValid=true`,
          plan.rejected.slice(0, deps.listLimit).map((r) => ({ line: r.line, message: r.reason })),
        );
      }
      if (plan.results.length === 0) throw new UnprocessableError("nothing_to_import", "no row of the file was accepted: nothing to import");
      const info = await deps.meta.transaction(async (trx) => {
        // Another server instance may have written between the plan and now.
        if ((await deps.store.in(trx).version()) !== version) throw new ConflictError("lab results were changed by someone else during this import: run the dry run again");
        return deps.store.in(trx).apply(plan, {
          fileName: req.fileName,
          sha256,
          bytes: req.bytes.length,
          format: content.format,
          encoding: content.encoding,
          mapping: req.mapping,
          preset: req.preset,
          onlyValid: req.onlyValid,
          note: req.note,
          importedBy: req.by,
          importedById: req.byId,
          importedAt: deps.clock.now(),
        });
      });
      deps.logger.info({ importId: info.id, file: req.fileName, by: req.by, counts: info.counts }, "lab import applied");
      const change = changedBy(plan, info.id);
      if (change) deps.onChange(change);
      return { ...report, import: info };
    });
  }

  undo(importId: number, by: string, reason: string): Promise<LabUndoResponse> {
    return this.exclusive(async () => {
      const outcome = await this.deps.store.undo(importId, by, reason, this.deps.clock.now());
      this.deps.logger.info({ importId, by, retracted: outcome.retracted, restored: outcome.restored }, "lab import undone");
      const { affected, ...response } = outcome;
      if (affected) this.deps.onChange({ importId, action: "undone", ...affected });
      return response;
    });
  }

  previewUndo(importId: number): Promise<LabUndoPreview> {
    return this.deps.store.previewUndo(importId, this.deps.listLimit);
  }

  /** Runs `work` after every import and undo started before it. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
