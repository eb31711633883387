// Where the rollup tracker keeps what it knows across restarts (migration 15): the watch (anchor
// hour and continuous-query signature), the hours rebuilt from raw, and the dirty hours.
import type { MetaExecutor } from "../meta/store.ts";
import { atomically } from "../meta/store.ts";
import type { DirtyMark, TimeSpan } from "./rollup-completeness.ts";

export interface StoredRollupState {
  watch: { anchor: number; signature: string } | null;
  rebuilt: TimeSpan[];
  dirty: DirtyMark[];
}

export interface RollupStateRepository {
  load(): Promise<StoredRollupState>;
  /** Records the watch and replaces the rebuilt spans. */
  saveWatch(watch: { anchor: number; signature: string }, rebuilt: readonly TimeSpan[]): Promise<void>;
  /** Adds dirty marks; a mark for every series ('*') replaces the hour's per-series marks. */
  addDirty(marks: readonly DirtyMark[], allSeries: string): Promise<void>;
  /** Hours rebuilt: their marks go, and the rebuilt spans become `rebuilt`. */
  cleaned(hours: readonly number[], rebuilt: readonly TimeSpan[]): Promise<void>;
}

/** SQLite's limit on bound parameters per statement is 32,766; stay far below. */
const CHUNK = 500;

export class SqlRollupStateRepository implements RollupStateRepository {
  constructor(private readonly db: MetaExecutor) {}

  async load(): Promise<StoredRollupState> {
    const watch = await this.db.selectFrom("rollup_watch").selectAll().where("id", "=", 1).executeTakeFirst();
    const rebuilt = await this.db.selectFrom("rollup_rebuilt").selectAll().orderBy("from_ms").execute();
    const dirty = await this.db.selectFrom("rollup_dirty").selectAll().execute();
    return {
      watch: watch ? { anchor: watch.anchor_ms, signature: watch.cq_signature } : null,
      rebuilt: rebuilt.map((r) => ({ from: r.from_ms, to: r.to_ms })),
      dirty: dirty.map((d) => ({ hour: d.hour_ms, key: d.series_key })),
    };
  }

  saveWatch(watch: { anchor: number; signature: string }, rebuilt: readonly TimeSpan[]): Promise<void> {
    return atomically(this.db, async (trx) => {
      await trx
        .insertInto("rollup_watch")
        .values({ id: 1, anchor_ms: watch.anchor, cq_signature: watch.signature })
        .onConflict((oc) => oc.column("id").doUpdateSet({ anchor_ms: watch.anchor, cq_signature: watch.signature }))
        .execute();
      await replaceRebuilt(trx, rebuilt);
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

  cleaned(hours: readonly number[], rebuilt: readonly TimeSpan[]): Promise<void> {
    return atomically(this.db, async (trx) => {
      for (let i = 0; i < hours.length; i += CHUNK) {
        await trx.deleteFrom("rollup_dirty").where("hour_ms", "in", hours.slice(i, i + CHUNK)).execute();
      }
      await replaceRebuilt(trx, rebuilt);
    });
  }
}

async function replaceRebuilt(trx: MetaExecutor, rebuilt: readonly TimeSpan[]): Promise<void> {
  await trx.deleteFrom("rollup_rebuilt").execute();
  for (let i = 0; i < rebuilt.length; i += CHUNK) {
    await trx
      .insertInto("rollup_rebuilt")
      .values(rebuilt.slice(i, i + CHUNK).map((s) => ({ from_ms: s.from, to_ms: s.to })))
      .execute();
  }
}
