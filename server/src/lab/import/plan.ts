// What an import would do: rows checked against each other (one description per sample, no
// duplicate results) and compared with what is stored, sample by sample and result by result:
// added, changed (old → new) or unchanged. Pure: the stored state is given. The same plan is shown
// by the dry run and carried out by the apply, so both say the same.
import { createHash } from "node:crypto";
import type { LabImportCounts, LabRejectedRow, LabResultChange, LabSampleChange } from "../../../../common/lab.ts";
import type { LabResultDraft, LabSampleDraft, ParsedLabRow } from "./row-parser.ts";

export type SampleKey = string;
export const sampleKey = (laboratory: string, sampleId: string): SampleKey => `${laboratory}\u0000${sampleId}`;

export interface StoredResult {
  id: number;
  revision: number;
  retracted: boolean;
  draft: LabResultDraft;
}

export interface StoredSample {
  id: number;
  revision: number;
  retracted: boolean;
  draft: LabSampleDraft;
  results: ReadonlyMap<string, StoredResult>;
}

export type PlanAction = "add" | "change" | "unchanged";
type Changes = Record<string, { old: unknown; new: unknown }>;

export interface SamplePlan {
  key: SampleKey;
  line: number;
  draft: LabSampleDraft;
  action: PlanAction;
  stored: StoredSample | undefined;
  changes: Changes;
}

export interface ResultPlan {
  sampleKey: SampleKey;
  line: number;
  draft: LabResultDraft;
  action: PlanAction;
  stored: StoredResult | undefined;
  changes: Changes;
}

export interface ImportPlan {
  samples: SamplePlan[];
  results: ResultPlan[];
  rejected: LabRejectedRow[];
  counts: LabImportCounts;
}

const SAMPLE_FIELDS = ["station", "kind", "start", "end", "method", "remarks"] as const;
const RESULT_FIELDS = ["value", "qualifier", "loq", "unit", "uncertainty", "reportedValue", "reportedLoq", "reportedUnit", "analysedAt", "labFlag"] as const;

const same = (a: unknown, b: unknown): boolean => (a !== null && typeof a === "object" ? JSON.stringify(a) === JSON.stringify(b) : a === b);

function diff<T extends object>(fields: readonly (keyof T & string)[], before: T, after: T): Changes {
  const out: Changes = {};
  for (const f of fields) if (!same(before[f], after[f])) out[f] = { old: before[f], new: after[f] };
  return out;
}

/**
 * Rows that describe one sample must agree on it (empty method or remarks cells agree with any); a
 * sample and compound may appear once. Identical repeats are rejected as duplicates of the first; a
 * result given twice with different values is rejected everywhere, since nothing says which is right.
 */
export function checkWithinFile(parsed: readonly ParsedLabRow[]): { rows: ParsedLabRow[]; rejected: LabRejectedRow[] } {
  const rejected: LabRejectedRow[] = [];
  const firstOfSample = new Map<SampleKey, ParsedLabRow>();
  const consistent: ParsedLabRow[] = [];
  for (const row of parsed) {
    const key = sampleKey(row.sample.laboratory, row.sample.sampleId);
    const first = firstOfSample.get(key);
    if (!first) {
      firstOfSample.set(key, row);
      consistent.push(row);
      continue;
    }
    const conflicts = SAMPLE_FIELDS.filter((f) => {
      const a = first.sample[f];
      const b = row.sample[f];
      return (f === "method" || f === "remarks") && (a === null || b === null) ? false : a !== b;
    });
    if (conflicts.length > 0) {
      rejected.push({ line: row.line, field: "sampleId", reason: `sample ${JSON.stringify(row.sample.sampleId)} is described differently in line ${first.line} (${conflicts.join(", ")})` });
      continue;
    }
    // Fill method and remarks from whichever row gives them.
    if (first.sample.method === null) first.sample.method = row.sample.method;
    if (first.sample.remarks === null) first.sample.remarks = row.sample.remarks;
    consistent.push(row);
  }
  const byResult = new Map<string, ParsedLabRow[]>();
  for (const row of consistent) {
    const key = `${sampleKey(row.sample.laboratory, row.sample.sampleId)}\u0000${row.result.parameter}`;
    const list = byResult.get(key) ?? [];
    list.push(row);
    byResult.set(key, list);
  }
  const rows: ParsedLabRow[] = [];
  for (const list of byResult.values()) {
    const [first, ...repeats] = list as [ParsedLabRow, ...ParsedLabRow[]];
    const agree = repeats.every((r) => Object.keys(diff(RESULT_FIELDS, first.result, r.result)).length === 0);
    const where = (r: ParsedLabRow) => `sample ${JSON.stringify(r.sample.sampleId)}, ${r.result.parameter}`;
    if (agree) {
      rows.push({ ...first, sample: firstOfSample.get(sampleKey(first.sample.laboratory, first.sample.sampleId))!.sample });
      for (const r of repeats) rejected.push({ line: r.line, field: "compound", reason: `duplicate of line ${first.line} (${where(r)})` });
    } else {
      const lines = list.map((r) => r.line);
      for (const r of list) {
        rejected.push({ line: r.line, field: "value", reason: `${where(r)} is given with different results in lines ${lines.join(", ")}: keep one` });
      }
    }
  }
  rows.sort((a, b) => a.line - b.line);
  rejected.sort((a, b) => a.line - b.line);
  return { rows, rejected };
}

/** Compares checked rows with the stored samples (by laboratory and sample id) and their results. */
export function planImport(rows: readonly ParsedLabRow[], rejected: LabRejectedRow[], stored: ReadonlyMap<SampleKey, StoredSample>): ImportPlan {
  const samples = new Map<SampleKey, SamplePlan>();
  const results: ResultPlan[] = [];
  for (const row of rows) {
    const key = sampleKey(row.sample.laboratory, row.sample.sampleId);
    let sample = samples.get(key);
    if (!sample) {
      const s = stored.get(key);
      const live = s && !s.retracted ? s : undefined;
      const changes = live ? diff(SAMPLE_FIELDS, live.draft, row.sample) : {};
      const action: PlanAction = !live ? "add" : Object.keys(changes).length > 0 ? "change" : "unchanged";
      sample = { key, line: row.line, draft: row.sample, action, stored: s, changes };
      samples.set(key, sample);
    }
    const r = sample.stored?.results.get(row.result.parameter);
    const live = r && !r.retracted && !sample.stored?.retracted ? r : undefined;
    const changes = live ? diff(RESULT_FIELDS, live.draft, row.result) : {};
    const action: PlanAction = !live ? "add" : Object.keys(changes).length > 0 ? "change" : "unchanged";
    results.push({ sampleKey: key, line: row.line, draft: row.result, action, stored: r, changes });
  }
  const count = <T extends { action: PlanAction }>(list: Iterable<T>, action: PlanAction) => [...list].filter((x) => x.action === action).length;
  return {
    samples: [...samples.values()],
    results,
    rejected,
    counts: {
      samples: { added: count(samples.values(), "add"), changed: count(samples.values(), "change"), unchanged: count(samples.values(), "unchanged") },
      results: { added: count(results, "add"), changed: count(results, "change"), unchanged: count(results, "unchanged"), rejected: rejected.length },
    },
  };
}

export function sampleChanges(plan: ImportPlan, limit: number): LabSampleChange[] {
  return plan.samples
    .filter((s) => s.action === "change")
    .slice(0, limit)
    .map((s) => ({ line: s.line, laboratory: s.draft.laboratory, sampleId: s.draft.sampleId, changes: s.changes }));
}

export function resultChanges(plan: ImportPlan, limit: number): LabResultChange[] {
  const samples = new Map(plan.samples.map((s) => [s.key, s.draft]));
  return plan.results
    .filter((r) => r.action === "change")
    .slice(0, limit)
    .map((r) => {
      const s = samples.get(r.sampleKey)!;
      return { line: r.line, laboratory: s.laboratory, sampleId: s.sampleId, parameter: r.draft.parameter, changes: r.changes };
    });
}

/**
 * A digest of what the plan would do and of the stored revisions it builds on: the apply request
 * must present the dry run's token, and is refused when the file, the mapping or the stored data
 * have changed in between, so what is applied is exactly what was previewed. Whether only the valid
 * rows may be applied is decided when applying and is not part of it.
 */
export function previewToken(fileSha256: string, mapping: unknown, plan: ImportPlan): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ fileSha256, mapping, rejected: plan.rejected.map((r) => r.line) }));
  for (const s of plan.samples) hash.update(`\ns${s.key}\u0000${s.action}\u0000${s.stored?.revision ?? 0}\u0000${s.stored?.retracted ?? ""}`);
  for (const r of plan.results) hash.update(`\nr${r.sampleKey}\u0000${r.draft.parameter}\u0000${r.action}\u0000${r.stored?.revision ?? 0}\u0000${r.stored?.retracted ?? ""}`);
  return hash.digest("base64url");
}
