// Fixtures for the assessment engine's tests: values at local times, a year of monthly lab results,
// and standards from the shipped seed catalog (so tests use the values the project ships).
import { DateTime } from "luxon";
import type { QualityStandard } from "../../common/catalog-model.ts";
import { QC, type QcFlag } from "../../common/reading.ts";
import seed from "../../server/src/catalog/seed-catalog.json" with { type: "json" };
import type { AssessedValue, ApprovalLevel, DataBasis } from "../../server/src/assessment/index.ts";

export const BERLIN = "Europe/Berlin";
export const CHONGQING = "Asia/Shanghai";

export const at = (iso: string, zone = BERLIN): number => DateTime.fromISO(iso, { zone }).toMillis();

interface Extra {
  qc?: QcFlag;
  basis?: DataBasis;
  approval?: ApprovalLevel;
  zone?: string;
}

/** A measured value, or "<LOQ"/"<LOD" with its limit when `v` is { loq } / { lod }. */
export type Fixture = number | { loq: number } | { lod: number };

export function value(iso: string, v: Fixture, extra: Extra = {}): AssessedValue {
  const base = { time: at(iso, extra.zone), qc: extra.qc ?? QC.pass, basis: extra.basis ?? "lab", ...(extra.approval ? { approval: extra.approval } : {}) };
  if (typeof v === "number") return { ...base, value: v, qualifier: null, limit: null };
  return "loq" in v ? { ...base, value: null, qualifier: "<LOQ", limit: v.loq } : { ...base, value: null, qualifier: "<LOD", limit: v.lod };
}

/** One lab result on the 15th of each month of `year`, January first; `undefined` leaves a month out. */
export function monthly(year: number, values: readonly (Fixture | undefined)[], extra: Extra = {}): AssessedValue[] {
  const out: AssessedValue[] = [];
  values.forEach((v, i) => {
    if (v !== undefined) out.push(value(`${year}-${String(i + 1).padStart(2, "0")}-15T10:00`, v, extra));
  });
  return out;
}

export const repeat = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

/** A standard from the seed catalog by id, optionally changed (a new version, another validity). */
export function seedStandard(id: string, change: Partial<QualityStandard> = {}): QualityStandard {
  const s = (seed.standards as unknown as QualityStandard[]).find((x) => x.id === id);
  if (!s) throw new Error(`no seed standard ${id}`);
  return { ...s, ...change };
}
