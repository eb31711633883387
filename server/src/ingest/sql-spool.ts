// The shared ingest spool (INGEST_ACK=stored, issue #21): batches the batch writer could not write to
// InfluxDB wait in the metadata database — PostgreSQL in cluster mode — instead of on one instance's
// disk, so an acknowledged reading survives the death of the machine that took it. Any instance
// replays them: it claims the oldest row in a short transaction (FOR UPDATE SKIP LOCKED on
// PostgreSQL, as the notification outbox claims its rows, alerts/outbox-repository.ts), writes it to
// InfluxDB outside the transaction and deletes it only once InfluxDB took it. A claim lapses after
// `claimTimeoutMs`, so the rows of an instance that died mid-replay are replayed by another; one
// written twice then is the same points again, which InfluxDB stores once (a point is its series and
// time: https://docs.influxdata.com/influxdb/v1/troubleshooting/frequently-asked-questions/#how-does-influxdb-handle-duplicate-points).
import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import type { Reading } from "../../../common/reading.ts";
import { atomically, type MetaStore } from "../meta/store.ts";
import type { MetaTables } from "../meta/tables.ts";
import type { ReadingSpool, SpoolSegment } from "./spool.ts";
import { fromStoredReading } from "./stored-reading.ts";

/** Longer than an InfluxDB write may take (influx/store.ts, 30 s): a live claim does not lapse mid-write. */
export const SPOOL_CLAIM_TIMEOUT_MS = 60_000;

export class SqlSpool implements ReadingSpool {
  /** Rows this instance may replay, as last seen, plus its appends under way. */
  private count = 0;
  private size = 0;
  private appending = { count: 0, bytes: 0 };
  /** Bytes of the rows this instance claimed. */
  private readonly claimed = new Map<number, number>();
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly meta: MetaStore,
    /** This instance's name (cluster/leadership.ts instanceName). */
    private readonly instance: string,
    private readonly now: () => number,
    private readonly claimTimeoutMs: number,
  ) {}

  /** The spool, with what other instances left in it already counted. */
  static async open(meta: MetaStore, instance: string, now: () => number, claimTimeoutMs = SPOOL_CLAIM_TIMEOUT_MS): Promise<SqlSpool> {
    const spool = new SqlSpool(meta, instance, now, claimTimeoutMs);
    await spool.refresh();
    return spool;
  }

  get bytes(): number {
    return this.size;
  }

  get segments(): number {
    return this.count;
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** Appends one batch; resolves once it is committed. Appends are serialised so row order is acceptance order. */
  append(readings: readonly Reading[]): Promise<void> {
    const body = JSON.stringify(readings);
    const bytes = Buffer.byteLength(body);
    // Counted at once so that capacity checks see batches still being written.
    this.count++;
    this.size += bytes;
    this.appending.count++;
    this.appending.bytes += bytes;
    const run = async () => {
      try {
        await this.meta.db
          .insertInto("ingest_spool")
          .values({ readings: body, points: readings.length, bytes, created_at: this.now(), created_by: this.instance })
          .execute();
      } catch (err) {
        this.count--;
        this.size -= bytes;
        throw err;
      } finally {
        this.appending.count--;
        this.appending.bytes -= bytes;
      }
    };
    const done = this.chain.then(run);
    this.chain = done.catch(() => undefined);
    return done;
  }

  async oldest(): Promise<SpoolSegment | undefined> {
    await this.chain;
    const now = this.now();
    const row = await atomically(this.meta.db, async (trx) => {
      const found = await trx
        .selectFrom("ingest_spool")
        .select(["id", "readings", "bytes"])
        .where((eb) => this.replayable(eb, now))
        .orderBy("id")
        .limit(1)
        // Rows another instance's claim transaction holds are skipped, not waited for.
        .$if(this.meta.dialect === "postgres", (q) => q.forUpdate().skipLocked())
        .executeTakeFirst();
      if (found) await trx.updateTable("ingest_spool").set({ claimed_at: now, claimed_by: this.instance }).where("id", "=", found.id).execute();
      return found;
    });
    if (!row) {
      // Nothing left for this instance (another may be replaying the rest).
      this.count = this.appending.count;
      this.size = this.appending.bytes;
      return undefined;
    }
    this.claimed.set(row.id, row.bytes);
    return { id: row.id, readings: (JSON.parse(row.readings) as Reading[]).map(fromStoredReading) };
  }

  async remove(id: number): Promise<void> {
    await this.meta.db.deleteFrom("ingest_spool").where("id", "=", id).execute();
    const bytes = this.claimed.get(id) ?? 0;
    this.claimed.delete(id);
    this.count = Math.max(0, this.count - 1);
    this.size = Math.max(0, this.size - bytes);
  }

  async release(id: number): Promise<void> {
    this.claimed.delete(id);
    await this.meta.db.updateTable("ingest_spool").set({ claimed_at: null, claimed_by: null }).where("id", "=", id).where("claimed_by", "=", this.instance).execute();
  }

  async flushed(): Promise<void> {
    await this.chain;
  }

  async refresh(): Promise<void> {
    const now = this.now();
    const { rows, bytes } = await this.meta.db
      .selectFrom("ingest_spool")
      .select((eb) => [eb.fn.countAll<number>().as("rows"), eb.fn.coalesce(eb.fn.sum<number>("bytes"), eb.lit(0)).as("bytes")])
      .where((eb) => this.replayable(eb, now))
      .executeTakeFirstOrThrow();
    // An append under way may be counted twice (committed and still under way): that only makes the
    // writer look once more.
    this.count = Number(rows) + this.appending.count;
    this.size = Number(bytes) + this.appending.bytes;
  }

  /** Rows this instance may replay: unclaimed, its own claims, and claims that lapsed. */
  private replayable(eb: ExpressionBuilder<MetaTables, "ingest_spool">, now: number): Expression<SqlBool> {
    return eb.or([eb("claimed_by", "is", null), eb("claimed_by", "=", this.instance), eb("claimed_at", "<", now - this.claimTimeoutMs)]);
  }
}
