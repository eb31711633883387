// Reading lab results: current results by station, parameter and sampling period; one sample with
// the full revision history of it and its results; the import log.
import type { LabImportInfo, LabResultsResponse, LabSampleResponse } from "../../../common/lab.ts";
import { NotFoundError } from "../errors.ts";
import type { MetaExecutor } from "../meta/store.ts";
import { importInfo, resultInfo, resultRevision, sampleInfo, sampleRevision, type LabResultRow, type LabSampleRow } from "./lab-rows.ts";

export interface LabResultQuery {
  /** Empty: every station. */
  stations: readonly string[];
  /** Empty: every parameter. */
  parameters: readonly string[];
  /** Samples whose sampling period overlaps [from, to). */
  from: number;
  to: number;
  limit: number;
}

export interface LabQueries {
  /** Results as they stand now (retracted ones left out), in sampling order. */
  results(query: LabResultQuery): Promise<LabResultsResponse>;
  sample(id: number): Promise<LabSampleResponse>;
  /** Newest first; `before` pages back by id. */
  imports(limit: number, before?: number): Promise<LabImportInfo[]>;
  importById(id: number): Promise<LabImportInfo>;
  /** Who made an import: the name shown and the user id that may undo it. */
  importer(id: number): Promise<{ name: string; userId: number | null }>;
  /** Whether a result with this id exists and is not retracted (a correction may cite it). */
  resultExists(id: number): Promise<boolean>;
}

export class SqlLabQueries implements LabQueries {
  constructor(private readonly db: MetaExecutor) {}

  async results(q: LabResultQuery): Promise<LabResultsResponse> {
    let query = this.db
      .selectFrom("lab_results as r")
      .innerJoin("lab_samples as s", "s.id", "r.sample_id")
      .selectAll("r")
      .select([
        "s.laboratory",
        "s.lab_sample_id",
        "s.station",
        "s.kind",
        "s.start_at",
        "s.end_at",
        "s.method",
        "s.remarks",
        "s.revision as sample_revision",
        "s.retracted as sample_retracted",
        "s.source_import_id as sample_source",
      ])
      .where("r.retracted", "=", 0)
      .where("s.retracted", "=", 0)
      .where("s.start_at", "<", q.to)
      .where("s.end_at", ">=", q.from);
    if (q.stations.length) query = query.where("s.station", "in", [...q.stations]);
    if (q.parameters.length) query = query.where("r.parameter", "in", [...q.parameters]);
    const rows = await query.orderBy("s.start_at").orderBy("s.id").orderBy("r.parameter").limit(q.limit + 1).execute();
    const samples = new Map<number, ReturnType<typeof sampleInfo>>();
    const results = rows.slice(0, q.limit).map((row) => {
      let sample = samples.get(row.sample_id);
      if (!sample) {
        const sampleRow: LabSampleRow = {
          id: row.sample_id,
          laboratory: row.laboratory,
          lab_sample_id: row.lab_sample_id,
          station: row.station,
          kind: row.kind,
          start_at: row.start_at,
          end_at: row.end_at,
          method: row.method,
          remarks: row.remarks,
          revision: row.sample_revision,
          retracted: row.sample_retracted,
          source_import_id: row.sample_source,
        };
        sample = sampleInfo(sampleRow);
        samples.set(row.sample_id, sample);
      }
      return resultInfo(row as LabResultRow, sample);
    });
    return { results, truncated: rows.length > q.limit };
  }

  async resultExists(id: number): Promise<boolean> {
    const row = await this.db.selectFrom("lab_results").select("id").where("id", "=", id).where("retracted", "=", 0).executeTakeFirst();
    return row !== undefined;
  }

  async sample(id: number): Promise<LabSampleResponse> {
    const s = await this.db.selectFrom("lab_samples").selectAll().where("id", "=", id).executeTakeFirst();
    if (!s) throw new NotFoundError(`no lab sample ${id}`);
    const sampleHistory = await this.db.selectFrom("lab_sample_revisions").selectAll().where("sample_id", "=", id).orderBy("revision").execute();
    const results = await this.db.selectFrom("lab_results").selectAll().where("sample_id", "=", id).orderBy("parameter").execute();
    const history = results.length
      ? await this.db
          .selectFrom("lab_result_revisions")
          .selectAll()
          .where("result_id", "in", results.map((r) => r.id))
          .orderBy("result_id")
          .orderBy("revision")
          .execute()
      : [];
    return {
      sample: { ...sampleInfo(s), retracted: s.retracted === 1, revision: s.revision, history: sampleHistory.map(sampleRevision) },
      results: results.map((r) => ({
        id: r.id,
        parameter: r.parameter,
        retracted: r.retracted === 1,
        revision: r.revision,
        history: history.filter((h) => h.result_id === r.id).map((h) => resultRevision(r.parameter, h)),
      })),
    };
  }

  async imports(limit: number, before?: number): Promise<LabImportInfo[]> {
    let query = this.db.selectFrom("lab_imports").selectAll();
    if (before !== undefined) query = query.where("id", "<", before);
    return (await query.orderBy("id", "desc").limit(limit).execute()).map(importInfo);
  }

  async importById(id: number): Promise<LabImportInfo> {
    const row = await this.db.selectFrom("lab_imports").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no lab import ${id}`);
    return importInfo(row);
  }

  async importer(id: number): Promise<{ name: string; userId: number | null }> {
    const row = await this.db.selectFrom("lab_imports").select(["imported_by", "imported_by_id"]).where("id", "=", id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no lab import ${id}`);
    return { name: row.imported_by, userId: row.imported_by_id };
  }
}
