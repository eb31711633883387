// Undoing an import: every sample and result revision it recorded is answered by a new revision
// that restores the state before it (the previous revision's content, or "retracted" for what the
// import added). History is never deleted. Refused (409) when something the import wrote has been
// revised since by another import that is still in force, or when a sample it added has gained
// results from another import: undo that one first.
import type { Selectable } from "kysely";
import { BELOW_LOQ, type LabUndoPreview, type LabUndoPreviewValue, type LabUndoResponse } from "../../../common/lab.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import type { LabImportsTable, LabResultRevisionsTable, LabResultsTable, LabSampleRevisionsTable, LabSamplesTable } from "../meta/tables.ts";
import { chunked } from "../meta/chunked.ts";
import { importInfo, pickResultColumns, pickSampleColumns } from "./lab-rows.ts";

export interface LabUndoOutcome extends LabUndoResponse {
  /** What changed, for live clients. */
  affected: { stations: string[]; parameters: string[]; from: number; to: number } | null;
}

type ResultRevision = Selectable<LabResultRevisionsTable>;
type SampleRevision = Selectable<LabSampleRevisionsTable>;

async function inChunks<T>(ids: readonly number[], query: (chunk: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunked(ids)) out.push(...(await query(chunk)));
  return out;
}

/** The revision before each of `revisions` (same entity, revision − 1), by entity id. */
function previousOf<R extends { revision: number }>(all: readonly R[], entity: (r: R) => number, revisions: ReadonlyMap<number, number>): Map<number, R> {
  const out = new Map<number, R>();
  for (const r of all) if (revisions.get(entity(r)) === r.revision + 1) out.set(entity(r), r);
  return out;
}

interface UndoPlan {
  imp: Selectable<LabImportsTable>;
  samples: Array<Selectable<LabSamplesTable>>;
  results: Array<Selectable<LabResultsTable>>;
  prevSamples: Map<number, SampleRevision>;
  prevResults: Map<number, ResultRevision>;
  /** Samples the import added (new, or back after a retraction): they go away with it. */
  retractSamples: Set<number>;
}

/** What undoing `importId` would write, or a 404/409 saying why it cannot be undone. */
async function planUndo(trx: MetaExecutor, importId: number): Promise<UndoPlan> {
  const imp = await trx.selectFrom("lab_imports").selectAll().where("id", "=", importId).executeTakeFirst();
  if (!imp) throw new NotFoundError(`no lab import ${importId}`);
  if (imp.undone_at !== null) throw new ConflictError(`import #${importId} was already undone by ${imp.undone_by} at ${new Date(imp.undone_at).toISOString()}`);

  const sampleRevs = await trx.selectFrom("lab_sample_revisions").selectAll().where("import_id", "=", importId).where("action", "=", "import").execute();
  const resultRevs = await trx.selectFrom("lab_result_revisions").selectAll().where("import_id", "=", importId).where("action", "=", "import").execute();
  const samples = await inChunks(sampleRevs.map((r) => r.sample_id), (c) => trx.selectFrom("lab_samples").selectAll().where("id", "in", c).execute());
  const results = await inChunks(resultRevs.map((r) => r.result_id), (c) => trx.selectFrom("lab_results").selectAll().where("id", "in", c).execute());

  // Everything this import wrote must still hold this import's data.
  const blockers = new Set<number>();
  for (const s of samples) if (s.source_import_id !== importId) blockers.add(s.source_import_id ?? -1);
  for (const r of results) if (r.source_import_id !== importId) blockers.add(r.source_import_id ?? -1);
  // A sample this import added (new, or back after a retraction) goes away with it, so no other
  // import's result may hang on it.
  const prevSamples = previousOf(
    await inChunks(sampleRevs.map((r) => r.sample_id), (c) => trx.selectFrom("lab_sample_revisions").selectAll().where("sample_id", "in", c).execute()),
    (r) => r.sample_id,
    new Map(sampleRevs.map((r) => [r.sample_id, r.revision])),
  );
  const retractSamples = new Set(sampleRevs.map((r) => r.sample_id).filter((id) => prevSamples.get(id)?.retracted !== 0));
  const undoneResults = new Set(resultRevs.map((r) => r.result_id));
  const hanging = await inChunks([...retractSamples], (c) =>
    trx.selectFrom("lab_results").select(["id", "source_import_id"]).where("sample_id", "in", c).where("retracted", "=", 0).execute(),
  );
  for (const r of hanging) if (!undoneResults.has(r.id)) blockers.add(r.source_import_id ?? -1);
  if (blockers.size > 0) {
    const later = [...blockers].filter((id) => id > 0).sort((a, b) => b - a);
    throw new ConflictError(
      `import #${importId} cannot be undone: results or samples it wrote were revised since by ${later.map((id) => `import #${id}`).join(", ") || "other imports"}; ` +
        `undo ${later.length === 1 ? "that import" : "those imports"} first (newest first)`,
    );
  }

  const prevResults = previousOf<ResultRevision>(
    await inChunks(resultRevs.map((r) => r.result_id), (c) => trx.selectFrom("lab_result_revisions").selectAll().where("result_id", "in", c).execute()),
    (r) => r.result_id,
    new Map(resultRevs.map((r) => [r.result_id, r.revision])),
  );
  return { imp, samples, results, prevSamples, prevResults, retractSamples };
}

export async function undoImport(trx: MetaTransaction, importId: number, by: string, reason: string, at: number): Promise<LabUndoOutcome> {
  const { samples, results, prevSamples, prevResults, retractSamples } = await planUndo(trx, importId);
  const who = { action: "undo" as const, import_id: importId, recorded_at: at, recorded_by: by, reason: `undo of import #${importId}${reason ? `: ${reason}` : ""}` };
  const outcome = { retracted: { samples: 0, results: 0 }, restored: { samples: 0, results: 0 } };

  const resultRevisions: Array<Omit<ResultRevision, "id">> = [];
  for (const r of results) {
    const prev = prevResults.get(r.id);
    const revision = r.revision + 1;
    // Retracting keeps the content (history shows what was withdrawn); restoring takes the previous.
    const columns = prev && prev.retracted === 0 ? pickResultColumns(prev) : pickResultColumns(r);
    const retracted = prev && prev.retracted === 0 ? 0 : 1;
    const source = retracted ? null : prev!.source_import_id;
    await trx
      .updateTable("lab_results")
      .set({ ...columns, revision, retracted, source_import_id: source, recorded_at: at, recorded_by: by })
      .where("id", "=", r.id)
      .execute();
    resultRevisions.push({ result_id: r.id, revision, ...columns, retracted, source_import_id: source, ...who });
    if (retracted) outcome.retracted.results++;
    else outcome.restored.results++;
  }
  for (const chunk of chunked(resultRevisions)) await trx.insertInto("lab_result_revisions").values(chunk).execute();

  const sampleRevisions: Array<Omit<SampleRevision, "id">> = [];
  for (const s of samples) {
    const prev = prevSamples.get(s.id);
    const revision = s.revision + 1;
    const retracted = retractSamples.has(s.id) ? 1 : 0;
    const columns = retracted ? pickSampleColumns(s) : pickSampleColumns(prev!);
    const source = retracted ? null : prev!.source_import_id;
    await trx.updateTable("lab_samples").set({ ...columns, revision, retracted, source_import_id: source }).where("id", "=", s.id).execute();
    sampleRevisions.push({ sample_id: s.id, revision, ...columns, retracted, source_import_id: source, ...who });
    if (retracted) outcome.retracted.samples++;
    else outcome.restored.samples++;
  }
  for (const chunk of chunked(sampleRevisions)) await trx.insertInto("lab_sample_revisions").values(chunk).execute();

  const undone = await trx
    .updateTable("lab_imports")
    .set({ undone_at: at, undone_by: by, undo_reason: reason || null })
    .where("id", "=", importId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { import: importInfo(undone), ...outcome, affected: await affectedBy(trx, results.map((r) => r.sample_id), results.map((r) => r.parameter)) };
}

/** Stations, parameters and sampling period of the samples an import touched. */
export async function affectedBy(trx: MetaExecutor, sampleIds: readonly number[], parameters: readonly string[]): Promise<LabUndoOutcome["affected"]> {
  const ids = [...new Set(sampleIds)];
  if (ids.length === 0) return null;
  const stations = new Set<string>();
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const chunk of chunked(ids)) {
    const rows = await trx.selectFrom("lab_samples").select(["station", "start_at", "end_at"]).where("id", "in", chunk).execute();
    for (const r of rows) {
      stations.add(r.station);
      from = Math.min(from, r.start_at);
      to = Math.max(to, r.end_at);
    }
  }
  return { stations: [...stations].sort(), parameters: [...new Set(parameters)].sort(), from, to };
}

/**
 * What undoing the import would do, without doing it: the same plan (and the same refusals) as
 * `undoImport`, with each result it touches as it stands now and as it would stand after (null:
 * retracted), the first `listLimit` of them.
 */
export async function previewUndo(db: MetaExecutor, importId: number, listLimit: number): Promise<LabUndoPreview> {
  const { imp, samples, results, prevResults, retractSamples } = await planUndo(db, importId);
  const sampleIds = [...new Set(results.map((r) => r.sample_id))];
  const sampleRows = new Map(
    (await inChunks(sampleIds, (c) => db.selectFrom("lab_samples").select(["id", "laboratory", "lab_sample_id", "station", "start_at"]).where("id", "in", c).execute())).map((s) => [s.id, s]),
  );
  const shown = (c: Pick<ResultRevision, "value" | "qualifier" | "loq">): LabUndoPreviewValue => ({ value: c.value, qualifier: c.qualifier === null ? null : BELOW_LOQ, loq: c.loq });
  const entries = results.map((r) => {
    const prev = prevResults.get(r.id);
    const sample = sampleRows.get(r.sample_id)!;
    return {
      laboratory: sample.laboratory,
      sampleId: sample.lab_sample_id,
      station: sample.station,
      start: sample.start_at,
      parameter: r.parameter,
      unit: r.unit,
      current: shown(r),
      after: prev && prev.retracted === 0 ? shown(prev) : null,
    };
  });
  entries.sort((a, b) => a.start - b.start || a.sampleId.localeCompare(b.sampleId) || a.parameter.localeCompare(b.parameter));
  const restoredResults = entries.filter((e) => e.after !== null).length;
  return {
    import: importInfo(imp),
    retracted: { samples: retractSamples.size, results: entries.length - restoredResults },
    restored: { samples: samples.length - retractSamples.size, results: restoredResults },
    results: entries.slice(0, listLimit),
    listLimit,
  };
}
