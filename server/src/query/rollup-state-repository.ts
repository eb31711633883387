// Where the rollup tracker keeps what it knows across restarts (migration 15): the watch (anchor
// hour and continuous-query signature), the hours rebuilt from raw, and the dirty hours; and the
// 6-hour blocks built while their hours were complete (migration 18, rollup-completeness.ts) and the
// signature of the SELECT that built them (migration 19).
import type { MetaExecutor } from "../meta/store.ts";
import { atomically } from "../meta/store.ts";
import type { DirtyMark, TimeSpan } from "./rollup-completeness.ts";

/** The hour watching started, the continuous queries' signature, and the 6-hour SELECT's. */
export interface RollupWatch {
  anchor: number;
  signature: string;
  coarseSignature: string;
}

export interface StoredRollupState {
  watch: RollupWatch | null;
  rebuilt: TimeSpan[];
  dirty: DirtyMark[];
  coarseBuilt: TimeSpan[];
}

export interface RollupStateRepository {
  load(): Promise<StoredRollupState>;
  /** Records the watch and replaces the rebuilt spans and built 6-hour blocks. */
  saveWatch(watch: RollupWatch, rebuilt: readonly TimeSpan[], coarseBuilt: readonly TimeSpan[]): Promise<void>;
  /** Adds dirty marks; a mark for every series ('*') replaces the hour's per-series marks. */
  addDirty(marks: readonly DirtyMark[], allSeries: string): Promise<void>;
  /** Hours rebuilt: their marks go, and the rebuilt spans and built 6-hour blocks are replaced. */
  cleaned(hours: readonly number[], rebuilt: readonly TimeSpan[], coarseBuilt: readonly TimeSpan[]): Promise<void>;
  /** Replaces the built 6-hour blocks, built by the 6-hour SELECT of this signature. */
  saveCoarse(coarseBuilt: readonly TimeSpan[], coarseSignature: string): Promise<void>;
}

/** SQLite's limit on bound parameters per statement is 32,766; stay far below. */
const CHUNK = 500;

export class SqlRollupStateRepository implements RollupStateRepository {
  constructor(private readonly db: MetaExecutor) {}

  async load(): Promise<StoredRollupState> {
    const watch = await this.db.selectFrom("rollup_watch").selectAll().where("id", "=", 1).executeTakeFirst();
    const rebuilt = await this.db.selectFrom("rollup_rebuilt").selectAll().orderBy("from_ms").execute();
    const dirty = await this.db.selectFrom("rollup_dirty").selectAll().execute();
    const coarse = await this.db.selectFrom("rollup_coarse_built").selectAll().orderBy("from_ms").execute();
    return {
      watch: watch ? { anchor: watch.anchor_ms, signature: watch.cq_signature, coarseSignature: watch.coarse_signature } : null,
      rebuilt: rebuilt.map((r) => ({ from: r.from_ms, to: r.to_ms })),
      dirty: dirty.map((d) => ({ hour: d.hour_ms, key: d.series_key })),
      coarseBuilt: coarse.map((r) => ({ from: r.from_ms, to: r.to_ms })),
    };
  }

  saveWatch(watch: RollupWatch, rebuilt: readonly TimeSpan[], coarseBuilt: readonly TimeSpan[]): Promise<void> {
    return atomically(this.db, async (trx) => {
      const row = { anchor_ms: watch.anchor, cq_signature: watch.signature, coarse_signature: watch.coarseSignature };
      await trx
        .insertInto("rollup_watch")
        .values({ id: 1, ...row })
        .onConflict((oc) => oc.column("id").doUpdateSet(row))
        .execute();
      await replaceSpans(trx, "rollup_rebuilt", rebuilt);
      await replaceSpans(trx, "rollup_coarse_built", coarseBuilt);
    });
  }

  addDirty(marks: readonly DirtyMark[], allSeries: string): Promise<void> {
    if (marks.length === 0) return Promise.resolve();
    return atomically(this.db, async (trx) => {
      const wholeHours = [...new Set(marks.filter((m) => m.key === allSeries).map((m) => m.hour))];
      for (let i = 0; i < wholeHours.length; i += CHUNK) {
        await trx.deleteFrom("rollup_dirty").where("hour_ms", "in", wholeHours.slice(i, i + CHUNK)).execute();
      }
      for (let i = 0; i < marks.length; i += CHUNK) {
        const values = marks.slice(i, i + CHUNK).map((m) => ({ hour_ms: m.hour, series_key: m.key }));
        await trx.insertInto("rollup_dirty").values(values).onConflict((oc) => oc.doNothing()).execute();
      }
    });
  }

  cleaned(hours: readonly number[], rebuilt: readonly TimeSpan[], coarseBuilt: readonly TimeSpan[]): Promise<void> {
    return atomically(this.db, async (trx) => {
      for (let i = 0; i < hours.length; i += CHUNK) {
        await trx.deleteFrom("rollup_dirty").where("hour_ms", "in", hours.slice(i, i + CHUNK)).execute();
      }
      await replaceSpans(trx, "rollup_rebuilt", rebuilt);
      await replaceSpans(trx, "rollup_coarse_built", coarseBuilt);
    });
  }

  saveCoarse(coarseBuilt: readonly TimeSpan[], coarseSignature: string): Promise<void> {
    return atomically(this.db, async (trx) => {
      await trx.updateTable("rollup_watch").set({ coarse_signature: coarseSignature }).where("id", "=", 1).execute();
      await replaceSpans(trx, "rollup_coarse_built", coarseBuilt);
    });
  }
}

async function replaceSpans(trx: MetaExecutor, table: "rollup_rebuilt" | "rollup_coarse_built", spans: readonly TimeSpan[]): Promise<void> {
  await trx.deleteFrom(table).execute();
  for (let i = 0; i < spans.length; i += CHUNK) {
    await trx
      .insertInto(table)
      .values(spans.slice(i, i + CHUNK).map((s) => ({ from_ms: s.from, to_ms: s.to })))
      .execute();
  }
}
