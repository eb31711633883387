// Writing lab results: the stored state an import plan is compared with, and applying a plan as
// one transaction (the import record, new and revised samples and results, and a revision row for
// each). Nothing is ever updated without a revision row saying who, when and why, and revision rows
// are never changed or deleted. Undo lives in lab-undo.ts.
import type { Insertable } from "kysely";
import type { LabImportInfo, LabUndoPreview } from "../../../common/lab.ts";
import { chunked } from "../meta/chunked.ts";
import { atomically, type MetaExecutor, type MetaTransaction } from "../meta/store.ts";
import type { LabResultRevisionsTable, LabSampleRevisionsTable } from "../meta/tables.ts";
import { sampleKey, type ImportPlan, type SampleKey, type StoredResult, type StoredSample } from "./import/plan.ts";
import { previewUndo, undoImport, type LabUndoOutcome } from "./lab-undo.ts";
import { importInfo, pickResultColumns, resultColumns, resultDraft, sampleColumns, sampleDraft } from "./lab-rows.ts";

/** An import to record: everything its record shows but what the database assigns or an undo sets. */
export type NewLabImport = Omit<LabImportInfo, "id" | "counts" | "undoneAt" | "undoneBy" | "undoReason"> & { importedById: number | null };

export interface LabStore {
  /** This store inside the caller's transaction. */
  in(trx: MetaTransaction): LabStore;
  /** Samples (any state, with all their results) by laboratory and sample id. */
  storedSamples(keys: Iterable<SampleKey>): Promise<Map<SampleKey, StoredSample>>;
  /** Changes whenever any lab sample or result is written: a plan made at one version applies only at that version. */
  version(): Promise<string>;
  /** Records the import and carries out its plan, all or nothing. */
  apply(plan: ImportPlan, record: NewLabImport): Promise<LabImportInfo>;
  /** Answers every revision the import recorded with one restoring the state before it (lab-undo.ts). */
  undo(importId: number, by: string, reason: string, at: number): Promise<LabUndoOutcome>;
  /** What `undo` would do, without doing it (the same refusals). */
  previewUndo(importId: number, listLimit: number): Promise<LabUndoPreview>;
}

export class SqlLabStore implements LabStore {
  constructor(private readonly db: MetaExecutor) {}

  in(trx: MetaTransaction): LabStore {
    return new SqlLabStore(trx);
  }

  async storedSamples(keys: Iterable<SampleKey>): Promise<Map<SampleKey, StoredSample>> {
    const byLab = new Map<string, string[]>();
    for (const key of keys) {
      const [laboratory, sampleId] = key.split("\u0000") as [string, string];
      const list = byLab.get(laboratory) ?? [];
      list.push(sampleId);
      byLab.set(laboratory, list);
    }
    const out = new Map<SampleKey, StoredSample>();
    for (const [laboratory, ids] of byLab) {
      for (const chunk of chunked(ids)) {
        const samples = await this.db.selectFrom("lab_samples").selectAll().where("laboratory", "=", laboratory).where("lab_sample_id", "in", chunk).execute();
        if (samples.length === 0) continue;
        const results = await this.db.selectFrom("lab_results").selectAll().where("sample_id", "in", samples.map((s) => s.id)).execute();
        const bySample = new Map<number, Map<string, StoredResult>>();
        for (const r of results) {
          const map = bySample.get(r.sample_id) ?? new Map<string, StoredResult>();
          map.set(r.parameter, { id: r.id, revision: r.revision, retracted: r.retracted === 1, draft: resultDraft(r.parameter, r) });
          bySample.set(r.sample_id, map);
        }
        for (const s of samples) {
          out.set(sampleKey(s.laboratory, s.lab_sample_id), {
            id: s.id,
            revision: s.revision,
            retracted: s.retracted === 1,
            draft: sampleDraft(s),
            results: bySample.get(s.id) ?? new Map(),
          });
        }
      }
    }
    return out;
  }

  async version(): Promise<string> {
    const s = await this.db.selectFrom("lab_sample_revisions").select((eb) => eb.fn.max("id").as("n")).executeTakeFirst();
    const r = await this.db.selectFrom("lab_result_revisions").select((eb) => eb.fn.max("id").as("n")).executeTakeFirst();
    return `${s?.n ?? 0}:${r?.n ?? 0}`;
  }

  undo(importId: number, by: string, reason: string, at: number): Promise<LabUndoOutcome> {
    return atomically(this.db, (trx) => undoImport(trx, importId, by, reason, at));
  }

  previewUndo(importId: number, listLimit: number): Promise<LabUndoPreview> {
    // In a transaction so the plan reads one consistent state.
    return atomically(this.db, (trx) => previewUndo(trx, importId, listLimit));
  }

  apply(plan: ImportPlan, record: NewLabImport): Promise<LabImportInfo> {
    return atomically(this.db, async (trx) => {
      const { counts } = plan;
      const imported = await trx
        .insertInto("lab_imports")
        .values({
          file_name: record.fileName,
          sha256: record.sha256,
          bytes: record.bytes,
          format: record.format,
          encoding: record.encoding,
          mapping: JSON.stringify(record.mapping),
          preset: record.preset,
          only_valid: record.onlyValid ? 1 : 0,
          note: record.note,
          imported_by: record.importedBy,
          imported_by_id: record.importedById,
          imported_at: record.importedAt,
          samples_added: counts.samples.added,
          samples_changed: counts.samples.changed,
          samples_unchanged: counts.samples.unchanged,
          results_added: counts.results.added,
          results_changed: counts.results.changed,
          results_unchanged: counts.results.unchanged,
          rows_rejected: counts.results.rejected,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const who = {
        action: "import" as const,
        import_id: imported.id,
        source_import_id: imported.id,
        recorded_at: record.importedAt,
        recorded_by: record.importedBy,
        reason: `import #${imported.id} of ${record.fileName}${record.note ? `: ${record.note}` : ""}`,
      };
      const sampleIds = await this.writeSamples(trx, plan, who);
      await this.writeResults(trx, plan, sampleIds, who);
      return importInfo(imported);
    });
  }

  private async writeSamples(trx: MetaTransaction, plan: ImportPlan, who: RevisionWho): Promise<Map<SampleKey, number>> {
    const ids = new Map<SampleKey, number>();
    const revisions: Array<Insertable<LabSampleRevisionsTable>> = [];
    const fresh = plan.samples.filter((s) => s.stored === undefined);
    for (const chunk of chunked(fresh)) {
      const rows = await trx
        .insertInto("lab_samples")
        .values(chunk.map((s) => ({ laboratory: s.draft.laboratory, lab_sample_id: s.draft.sampleId, ...sampleColumns(s.draft), revision: 1, retracted: 0, source_import_id: who.import_id })))
        .returning(["id", "laboratory", "lab_sample_id"])
        .execute();
      for (const r of rows) ids.set(sampleKey(r.laboratory, r.lab_sample_id), r.id);
    }
    for (const s of plan.samples) {
      if (s.stored === undefined) {
        revisions.push({ sample_id: ids.get(s.key)!, revision: 1, ...sampleColumns(s.draft), retracted: 0, ...who });
        continue;
      }
      ids.set(s.key, s.stored.id);
      if (s.action === "unchanged") continue;
      const revision = s.stored.revision + 1;
      await trx
        .updateTable("lab_samples")
        .set({ ...sampleColumns(s.draft), revision, retracted: 0, source_import_id: who.import_id })
        .where("id", "=", s.stored.id)
        .execute();
      revisions.push({ sample_id: s.stored.id, revision, ...sampleColumns(s.draft), retracted: 0, ...who });
    }
    for (const chunk of chunked(revisions)) await trx.insertInto("lab_sample_revisions").values(chunk).execute();
    return ids;
  }

  private async writeResults(trx: MetaTransaction, plan: ImportPlan, sampleIds: Map<SampleKey, number>, who: RevisionWho): Promise<void> {
    const revisions: Array<Insertable<LabResultRevisionsTable>> = [];
    const current = { recorded_at: who.recorded_at, recorded_by: who.recorded_by, source_import_id: who.import_id, retracted: 0 };
    const fresh = plan.results.filter((r) => r.stored === undefined);
    for (const chunk of chunked(fresh)) {
      const rows = await trx
        .insertInto("lab_results")
        .values(chunk.map((r) => ({ sample_id: sampleIds.get(r.sampleKey)!, parameter: r.draft.parameter, ...resultColumns(r.draft), revision: 1, ...current })))
        .returning(["id", "sample_id", "parameter"])
        .execute();
      const drafts = new Map(chunk.map((r) => [`${sampleIds.get(r.sampleKey)}\u0000${r.draft.parameter}`, r]));
      for (const row of rows) {
        const r = drafts.get(`${row.sample_id}\u0000${row.parameter}`)!;
        revisions.push({ result_id: row.id, revision: 1, ...resultColumns(r.draft), retracted: 0, ...who });
      }
    }
    for (const r of plan.results) {
      if (r.stored === undefined || r.action === "unchanged") continue;
      const revision = r.stored.revision + 1;
      const columns = pickResultColumns(resultColumns(r.draft));
      await trx
        .updateTable("lab_results")
        .set({ ...columns, revision, ...current })
        .where("id", "=", r.stored.id)
        .execute();
      revisions.push({ result_id: r.stored.id, revision, ...columns, retracted: 0, ...who });
    }
    for (const chunk of chunked(revisions)) await trx.insertInto("lab_result_revisions").values(chunk).execute();
  }
}

type RevisionWho = Pick<LabSampleRevisionsTable, "action" | "import_id" | "source_import_id" | "recorded_at" | "recorded_by" | "reason">;
