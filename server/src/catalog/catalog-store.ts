// The managed catalog: the CatalogSource every module reads, backed by the versioned, audited rows
// of catalog-repository.ts. A change is applied to a copy of the current catalog, checked as a whole
// (each touched entity's schema, the catalog's cross-entity rules, the history rules, and "has data"
// for what it would orphan), committed in one transaction as a new version, and only then published:
// listeners get the new snapshot, then the committed hooks (derived alert rules) run before the
// change's caller hears back. Changes run one at a time, each on the catalog the previous one left.
import {
  CATALOG_FORMAT,
  organisationSchema,
  parameterSchema,
  regionSchema,
  riverSchema,
  sensorSchema,
  sourceSchema,
  standardSchema,
  stationSchema,
  type CatalogData,
} from "../../../common/catalog-model.ts";
import {
  CATALOG_ENTITIES,
  diffCatalogs,
  diffSize,
  diffSummary,
  entityKey,
  type CatalogDiff,
  type CatalogEntity,
  type CatalogEntityKind,
} from "../../../common/catalog-diff.ts";
import { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { validateCatalog, type CatalogProblem } from "../../../common/catalog-validate.ts";
import type { Logger } from "../../../common/logger.ts";
import { ConflictError, ValidationError, type ErrorDetail } from "../errors.ts";
import type { CatalogListener, CatalogSource } from "./catalog-source.ts";
import type { CatalogChangeRow, CatalogHistoryQuery, CatalogRepository, CatalogVersionInfo, CatalogVersionRecord } from "./catalog-repository.ts";
import { dataProblem, dataQuestions, keyedPath, standardHistoryProblems } from "./change-rules.ts";
import type { DataPresence } from "./data-presence.ts";
import type { z } from "zod";

/** The catalog's entity lists, as a change edits them (replace entities, never mutate them). */
export type CatalogDraft = { [K in CatalogEntityKind]: Array<CatalogData[K][number]> };

const SCHEMAS: Record<CatalogEntityKind, z.ZodType> = {
  organisations: organisationSchema,
  regions: regionSchema,
  rivers: riverSchema,
  stations: stationSchema,
  parameters: parameterSchema,
  sensors: sensorSchema,
  standards: standardSchema,
  sources: sourceSchema,
};

export interface CatalogChangeOptions {
  /** Who makes the change (a username, or "system"). */
  actor: string;
  /** What is done, e.g. "station.create", "standard.version", "import". */
  action: string;
  /** The entity the request is about: problems with it name its fields alone ("lat: …"). */
  focus?: { kind: CatalogEntityKind; key: string };
  /** Apply only if the catalog is still at this version (an import applied after its dry run). */
  baseVersion?: number;
  /** Check everything, commit nothing. */
  dryRun?: boolean;
}

export interface CatalogChangeResult {
  /** The version the catalog is at afterwards (unchanged for a dry run or an empty change). */
  version: number;
  /** The version the change was computed against. */
  baseVersion: number;
  changed: boolean;
  diff: CatalogDiff;
}

/** Runs after a change is committed and published (its caller waits); failures are logged, not thrown. */
export type CommittedHook = (snapshot: CatalogSnapshot, change: { record: CatalogVersionRecord; diff: CatalogDiff; previous: CatalogSnapshot }) => Promise<void>;

export interface ManagedCatalogDeps {
  repository: CatalogRepository;
  presence: DataPresence;
  logger: Logger;
  now: () => number;
}

/** Catalog data in the catalog format, lists in `draft`'s order. */
export function catalogData(draft: Pick<CatalogData, CatalogEntityKind>): CatalogData {
  return {
    format: CATALOG_FORMAT,
    formatVersion: 1,
    organisations: draft.organisations,
    regions: draft.regions,
    rivers: draft.rivers,
    stations: draft.stations,
    parameters: draft.parameters,
    sensors: draft.sensors,
    standards: draft.standards,
    sources: draft.sources,
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function zodPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
}

export class ManagedCatalog implements CatalogSource {
  private readonly listeners = new Set<CatalogListener>();
  private readonly hooks: CommittedHook[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly asOfCache = new Map<number, CatalogSnapshot>();

  private constructor(
    private readonly deps: ManagedCatalogDeps,
    private snapshot: CatalogSnapshot,
    /** Each entity's place in its list (creation order), as stored. */
    private readonly positions: Record<CatalogEntityKind, Map<string, number>>,
  ) {}

  /** Loads the latest version, or commits `seed()` as version 1 when the store has none (a new installation, or one from before the managed catalog). */
  static async open(deps: ManagedCatalogDeps, seed: () => CatalogData): Promise<ManagedCatalog> {
    const loaded = await deps.repository.load();
    const positions = Object.fromEntries(CATALOG_ENTITIES.map((k) => [k, new Map<string, number>()])) as Record<CatalogEntityKind, Map<string, number>>;
    if (loaded) {
      const draft = emptyDraft();
      for (const e of loaded.entities) {
        (draft[e.kind] as CatalogEntity[]).push(deepFreeze(e.data));
        positions[e.kind].set(e.key, e.position);
      }
      return new ManagedCatalog(deps, new CatalogSnapshot(catalogData(draft), loaded.version), positions);
    }
    const data = seed();
    const empty = new CatalogSnapshot(catalogData(emptyDraft()), 0);
    const catalog = new ManagedCatalog(deps, empty, positions);
    await catalog.change({ actor: "system", action: "seed" }, (draft) => {
      for (const kind of CATALOG_ENTITIES) (draft[kind] as CatalogEntity[]).push(...data[kind]);
    });
    deps.logger.info({ version: catalog.current().version, stations: data.stations.length }, "catalog seeded into the metadata store");
    return catalog;
  }

  current(): CatalogSnapshot {
    return this.snapshot;
  }

  onChange(listener: CatalogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Work that belongs to a change (derived alert rules): runs after the commit, before the caller hears back. */
  onCommitted(hook: CommittedHook): void {
    this.hooks.push(hook);
  }

  /**
   * Edits a copy of the current catalog with `edit` (which may throw a typed error to refuse), checks
   * the result as a whole and commits it as a new version. An edit that changes nothing commits nothing.
   */
  change(options: CatalogChangeOptions, edit: (draft: CatalogDraft, current: CatalogSnapshot) => void | Promise<void>): Promise<CatalogChangeResult> {
    const run = this.queue.then(() => this.apply(options, edit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Makes the catalog equal `data` (an import): entities it lacks are removed, new ones are appended
   * in its order, unchanged ones keep their place. Checked and committed like any change.
   */
  replace(options: CatalogChangeOptions, data: CatalogData): Promise<CatalogChangeResult> {
    return this.change(options, (draft) => {
      for (const kind of CATALOG_ENTITIES) {
        const incoming = new Map((data[kind] as CatalogEntity[]).map((e) => [entityKey(kind, e), e]));
        const kept = (draft[kind] as CatalogEntity[]).filter((e) => incoming.has(entityKey(kind, e)));
        const known = new Set(kept.map((e) => entityKey(kind, e)));
        const next = [...kept.map((e) => incoming.get(entityKey(kind, e))!), ...[...incoming].filter(([k]) => !known.has(k)).map(([, e]) => e)];
        (draft as Record<CatalogEntityKind, CatalogEntity[]>)[kind] = next;
      }
    });
  }

  /** The catalog as it was at `time` (epoch ms); null before the first version. */
  async asOf(time: number): Promise<CatalogSnapshot | null> {
    const record = await this.deps.repository.versionAt(new Date(time).toISOString());
    if (!record) return null;
    if (record.version === this.snapshot.version) return this.snapshot;
    const cached = this.asOfCache.get(record.version);
    if (cached) return cached;
    const loaded = (await this.deps.repository.load(record.version))!;
    const draft = emptyDraft();
    for (const e of loaded.entities) (draft[e.kind] as CatalogEntity[]).push(e.data);
    const snapshot = new CatalogSnapshot(catalogData(draft), loaded.version);
    // A few old versions are enough: a history page asks for the same ones again and again.
    if (this.asOfCache.size >= 4) this.asOfCache.delete(this.asOfCache.keys().next().value!);
    this.asOfCache.set(record.version, snapshot);
    return snapshot;
  }

  history(query: CatalogHistoryQuery): Promise<CatalogVersionInfo[]> {
    return this.deps.repository.history(query);
  }

  version(version: number): Promise<{ record: CatalogVersionRecord; changes: CatalogChangeRow[] }> {
    return this.deps.repository.version(version);
  }

  private async apply(options: CatalogChangeOptions, edit: (draft: CatalogDraft, current: CatalogSnapshot) => void | Promise<void>): Promise<CatalogChangeResult> {
    const previous = this.snapshot;
    if (options.baseVersion !== undefined && options.baseVersion !== previous.version) {
      throw new ConflictError(
        `the catalog changed since version ${options.baseVersion} (it is at version ${previous.version} now): run the dry run again and check what it shows`,
      );
    }
    const draft = Object.fromEntries(CATALOG_ENTITIES.map((k) => [k, [...previous.data[k]]])) as CatalogDraft;
    await edit(draft, previous);
    const first = diffCatalogs(previous.data, draft);
    const unchanged: CatalogChangeResult = { version: previous.version, baseVersion: previous.version, changed: false, diff: first };
    if (diffSize(first) === 0) return unchanged;

    const problems = this.parseTouched(first, draft);
    const diff = diffCatalogs(previous.data, draft);
    const data = catalogData(draft);
    if (problems.length === 0) problems.push(...validateCatalog(data).map((p) => ({ ...p, path: keyedPath(p.path, draft) })));
    problems.push(...standardHistoryProblems(diff, this.deps.now()));
    if (problems.length > 0) throw refusal(ValidationError, "The catalog change was refused", problems, options);
    const conflicts = await this.dataConflicts(diff);
    if (conflicts.length > 0) throw refusal(ConflictError, "The catalog change would orphan stored data", conflicts, options);
    const result: CatalogChangeResult = { version: previous.version, baseVersion: previous.version, changed: diffSize(diff) > 0, diff };
    if (options.dryRun || !result.changed) return result;

    const record: CatalogVersionRecord = {
      version: previous.version + 1,
      at: new Date(this.deps.now()).toISOString(),
      actor: options.actor,
      action: options.action,
      summary: diffSummary(diff),
    };
    await this.deps.repository.commit(record, this.rows(diff));
    this.snapshot = new CatalogSnapshot(data, record.version);
    for (const listener of this.listeners) {
      try {
        listener(this.snapshot);
      } catch (err) {
        this.deps.logger.error({ err }, "a catalog listener failed");
      }
    }
    for (const hook of this.hooks) {
      await hook(this.snapshot, { record, diff, previous }).catch((err: unknown) => this.deps.logger.error({ err, version: record.version }, "work after a catalog change failed"));
    }
    this.deps.logger.info({ version: record.version, actor: record.actor, action: record.action, summary: record.summary }, "catalog changed");
    return { ...result, version: record.version };
  }

  /** Checks every added or changed entity against its schema, replacing it by the parsed (trimmed, frozen) value. */
  private parseTouched(diff: CatalogDiff, draft: CatalogDraft): CatalogProblem[] {
    const problems: CatalogProblem[] = [];
    for (const kind of CATALOG_ENTITIES) {
      const touched = new Set(diff[kind].filter((c) => c.change !== "removed").map((c) => c.key));
      if (touched.size === 0) continue;
      const list = draft[kind] as CatalogEntity[];
      list.forEach((entity, i) => {
        const key = entityKey(kind, entity);
        if (!touched.has(key)) return;
        const parsed = SCHEMAS[kind].safeParse(entity);
        if (parsed.success) list[i] = deepFreeze(parsed.data as CatalogEntity);
        else for (const issue of parsed.error.issues) problems.push({ path: `${kind}[${key}]${issue.path.length ? "." : ""}${zodPath(issue.path)}`, message: issue.message });
      });
    }
    return problems;
  }

  private async dataConflicts(diff: CatalogDiff): Promise<CatalogProblem[]> {
    const questions = dataQuestions(diff);
    const problems: CatalogProblem[] = [];
    for (const kind of ["stations", "parameters", "sensors"] as const) {
      const asked = questions.filter((q) => q.kind === kind);
      if (asked.length === 0) continue;
      const withData = await this.deps.presence.withData(kind, [...new Set(asked.map((q) => q.key))]);
      for (const q of asked) if (withData.has(q.key)) problems.push(dataProblem(q));
    }
    return problems;
  }

  /** One row per touched entity; new entities go to the end of their list. */
  private rows(diff: CatalogDiff): CatalogChangeRow[] {
    const rows: CatalogChangeRow[] = [];
    for (const kind of CATALOG_ENTITIES) {
      const positions = this.positions[kind];
      let next = positions.size === 0 ? 0 : Math.max(...positions.values()) + 1;
      for (const c of diff[kind]) {
        let position = positions.get(c.key);
        if (position === undefined) positions.set(c.key, (position = next++));
        rows.push({
          kind,
          key: c.key,
          position,
          before: c.change === "added" ? null : c.before,
          after: c.change === "removed" ? null : c.after,
        });
        if (c.change === "removed") positions.delete(c.key);
      }
    }
    return rows;
  }
}

function emptyDraft(): CatalogDraft {
  return Object.fromEntries(CATALOG_ENTITIES.map((k) => [k, []])) as unknown as CatalogDraft;
}

/** A 400 or 409 listing every problem, each naming its field (relative to the focused entity). */
function refusal(
  Kind: typeof ValidationError | typeof ConflictError,
  what: string,
  problems: readonly CatalogProblem[],
  options: CatalogChangeOptions,
): ValidationError | ConflictError {
  const prefix = options.focus ? `${options.focus.kind}[${options.focus.key}]` : undefined;
  const details: ErrorDetail[] = problems.slice(0, 200).map((p) => {
    const path = prefix && p.path.startsWith(prefix) ? p.path.slice(prefix.length).replace(/^\./, "") : p.path;
    return path ? { path, message: `${path}: ${p.message}` } : { message: p.message };
  });
  const more = problems.length > details.length ? ` (and ${problems.length - details.length} more)` : "";
  const message = `${what}: ${details.map((d) => d.message).join("; ")}${more}`;
  return Kind === ValidationError ? new ValidationError(message, details) : new ConflictError(message, details);
}
