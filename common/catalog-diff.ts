// What changed between two catalogs, entity by entity and field by field: the import dry run shows
// it, the catalog store records it (every change keeps each touched entity's before and after), and
// the history shows it again. Pure; entities are matched by their key (a standard version by its id
// and the start of its validity, since all versions of a standard share the id).
import type { CatalogData } from "./catalog-model.ts";

/** The catalog's entity lists, in the order the catalog format lists them. */
export const CATALOG_ENTITIES = ["organisations", "regions", "rivers", "stations", "parameters", "sensors", "standards", "sources"] as const;
export type CatalogEntityKind = (typeof CATALOG_ENTITIES)[number];

export type CatalogEntity = CatalogData[CatalogEntityKind][number];

/** The key that identifies an entity within its list. */
export function entityKey(kind: CatalogEntityKind, entity: CatalogEntity): string {
  switch (kind) {
    case "parameters":
      return (entity as CatalogData["parameters"][number]).code;
    case "standards": {
      const s = entity as CatalogData["standards"][number];
      return standardVersionKey(s.id, s.validFrom);
    }
    default:
      return (entity as { id: string }).id;
  }
}

/** "carbamazepine.AA-EQS.EU-EQS-2022@2027-01-01", or "…@" for a version valid since always. */
export function standardVersionKey(id: string, validFrom: string | null): string {
  return `${id}@${validFrom ?? ""}`;
}

export interface FieldChange {
  /** Dotted path within the entity, e.g. "name.zh", "deployments[0].to". */
  path: string;
  /** undefined: the field is absent on that side. */
  before: unknown;
  after: unknown;
}

export type EntityChange =
  | { change: "added"; key: string; after: CatalogEntity }
  | { change: "removed"; key: string; before: CatalogEntity }
  | { change: "changed"; key: string; before: CatalogEntity; after: CatalogEntity; fields: FieldChange[] };

export type CatalogDiff = Record<CatalogEntityKind, EntityChange[]>;

export function emptyDiff(): CatalogDiff {
  return Object.fromEntries(CATALOG_ENTITIES.map((k) => [k, []])) as unknown as CatalogDiff;
}

/** Leaves of a JSON value by path; empty objects and arrays are leaves of their own. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, []);
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0 && prefix) out.set(prefix, {});
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** Field-level changes between two versions of an entity (key order does not matter). */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const a = flatten(before, "", new Map());
  const b = flatten(after, "", new Map());
  const changes: FieldChange[] = [];
  for (const [path, value] of a) {
    const other = b.get(path);
    if (!b.has(path)) changes.push({ path, before: value, after: undefined });
    else if (!sameLeaf(value, other)) changes.push({ path, before: value, after: other });
  }
  for (const [path, value] of b) if (!a.has(path)) changes.push({ path, before: undefined, after: value });
  return changes;
}

function sameLeaf(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // Empty containers are leaves: [] equals [], {} equals {}.
  return typeof a === "object" && typeof b === "object" && a !== null && b !== null && Array.isArray(a) === Array.isArray(b);
}

/**
 * Entity by entity: added (in `after` only), removed (in `before` only), changed (both, with the
 * fields that differ). The same object on both sides counts as unchanged without a look inside, so
 * a store that replaces only what it edits diffs a large catalog quickly.
 */
export function diffCatalogs(before: Pick<CatalogData, CatalogEntityKind>, after: Pick<CatalogData, CatalogEntityKind>): CatalogDiff {
  const diff = emptyDiff();
  for (const kind of CATALOG_ENTITIES) diff[kind] = diffList(kind, before[kind], after[kind]);
  return diff;
}

export function diffList(kind: CatalogEntityKind, before: readonly CatalogEntity[], after: readonly CatalogEntity[]): EntityChange[] {
  const old = new Map(before.map((e) => [entityKey(kind, e), e]));
  const changes: EntityChange[] = [];
  const seen = new Set<string>();
  for (const entity of after) {
    const key = entityKey(kind, entity);
    seen.add(key);
    const previous = old.get(key);
    if (previous === undefined) changes.push({ change: "added", key, after: entity });
    else if (previous !== entity) {
      const fields = fieldChanges(previous, entity);
      if (fields.length > 0) changes.push({ change: "changed", key, before: previous, after: entity, fields });
    }
  }
  for (const [key, entity] of old) if (!seen.has(key)) changes.push({ change: "removed", key, before: entity });
  return changes;
}

export function diffSize(diff: CatalogDiff): number {
  return CATALOG_ENTITIES.reduce((n, k) => n + diff[k].length, 0);
}

export interface DiffCounts {
  added: number;
  changed: number;
  removed: number;
}

export function diffCounts(changes: readonly EntityChange[]): DiffCounts {
  const counts = { added: 0, changed: 0, removed: 0 };
  for (const c of changes) counts[c.change]++;
  return counts;
}

/** "stations: 1 added, 2 changed; sensors: 3 added": a change in one line, for history lists. */
export function diffSummary(diff: CatalogDiff): string {
  const parts: string[] = [];
  for (const kind of CATALOG_ENTITIES) {
    if (diff[kind].length === 0) continue;
    const c = diffCounts(diff[kind]);
    const bits = (["added", "changed", "removed"] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
    parts.push(`${kind}: ${bits.join(", ")}`);
  }
  return parts.join("; ") || "no change";
}
