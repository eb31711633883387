// Rules a catalog change must keep beyond the catalog's own consistency (common/catalog-validate.ts),
// because they are about history: what has applied stays as it was, and what has data keeps its
// identity. Pure; the catalog store asks InfluxDB (and other data stores) the questions these rules
// raise and refuses the change when the answer is "has data".
import type { CatalogProblem } from "../../../common/catalog-validate.ts";
import type { CatalogData, QualityStandard } from "../../../common/catalog-model.ts";
import { CATALOG_ENTITIES, entityKey, type CatalogDiff, type CatalogEntityKind } from "../../../common/catalog-diff.ts";

/** Entities whose identity data refers to: a station, a parameter, a sensor (InfluxDB tags). */
export type DataKind = "stations" | "parameters" | "sensors";

/** "Does this entity have data?", asked because the change would take away what the data names. */
export interface DataQuestion {
  kind: DataKind;
  key: string;
  /** The field whose change needs the answer, or "" for the entity's removal. */
  field: string;
}

/**
 * What a change would orphan: a removed station, parameter or sensor (a renamed one is removed and
 * added), a parameter whose unit changes (stored values are in the old unit), a sensor that would
 * measure another parameter (its readings are of the old one).
 */
export function dataQuestions(diff: CatalogDiff): DataQuestion[] {
  const out: DataQuestion[] = [];
  for (const kind of ["stations", "parameters", "sensors"] as const) {
    for (const c of diff[kind]) {
      if (c.change === "removed") out.push({ kind, key: c.key, field: "" });
      if (c.change !== "changed") continue;
      if (kind === "parameters" && c.fields.some((f) => f.path === "unit")) out.push({ kind, key: c.key, field: "unit" });
      if (kind === "sensors" && c.fields.some((f) => f.path === "parameter")) out.push({ kind, key: c.key, field: "parameter" });
    }
  }
  return out;
}

const WHAT: Record<DataKind, string> = { stations: "station", parameters: "parameter", sensors: "sensor" };

/** The refusal for a question answered "has data": says what is kept and what to do instead. */
export function dataProblem(q: DataQuestion): CatalogProblem {
  const path = `${q.kind}[${q.key}]${q.field ? `.${q.field}` : ""}`;
  const what = `${WHAT[q.kind]} ${q.key}`;
  if (q.field === "unit") return { path, message: `${what} has data stored in its unit; its unit cannot change (add a new parameter instead)` };
  if (q.field === "parameter") return { path, message: `${what} has readings of its parameter; it cannot measure another one (add a new sensor instead)` };
  const instead = q.kind === "stations" ? "retire it instead (its data stays readable)" : q.kind === "sensors" ? "end its deployment instead" : "it stays in the catalog";
  return { path, message: `${what} has data, so its id is immutable and it cannot be removed or renamed; ${instead}` };
}

const startedBy = (s: Pick<QualityStandard, "validFrom">, now: number) => s.validFrom === null || Date.parse(s.validFrom) <= now;

/**
 * Quality standards never rewrite history: a version that has applied (its validity started before
 * `now`) keeps its values; only its end may be set or moved, and never into the past. A changed value
 * is a new version with its own validity. Versions that have not started yet may change freely.
 */
export function standardHistoryProblems(diff: CatalogDiff, now: number): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const iso = new Date(now).toISOString();
  for (const c of diff.standards) {
    const path = `standards[${c.key}]`;
    if (c.change === "added") continue;
    const before = c.before as QualityStandard;
    if (!startedBy(before, now)) continue;
    const since = before.validFrom === null ? "always" : before.validFrom;
    if (c.change === "removed") {
      problems.push({
        path,
        message: `standard ${before.id} (valid since ${since}) has applied and stays in the history: end it (validTo) instead of removing it`,
      });
      continue;
    }
    for (const f of c.fields) {
      if (f.path !== "validTo") {
        problems.push({
          path: `${path}.${f.path}`,
          message: `standard ${before.id} (valid since ${since}) has applied, so its ${f.path} is history; add a new version with its own validity instead`,
        });
        continue;
      }
      const endsBefore = (value: unknown) => typeof value === "string" && Date.parse(value) < now;
      if (endsBefore(f.before) || endsBefore(f.after)) {
        problems.push({ path: `${path}.validTo`, message: `validTo of ${before.id} may not be set or moved before now (${iso}): it applied until then` });
      }
    }
  }
  return problems;
}

/**
 * Paths of catalog-validate.ts ("stations[12].river") with the entity's key in place of its index
 * ("stations[DE-ELBE-ZEHREN].river"): an index means nothing to someone who edited one station.
 */
export function keyedPath(path: string, data: Pick<CatalogData, CatalogEntityKind>): string {
  const m = /^([a-z]+)\[(\d+)\](.*)$/.exec(path);
  if (!m || !(CATALOG_ENTITIES as readonly string[]).includes(m[1]!)) return path;
  const kind = m[1] as CatalogEntityKind;
  const entity = data[kind][Number(m[2])];
  return entity === undefined ? path : `${kind}[${entityKey(kind, entity)}]${m[3]}`;
}
