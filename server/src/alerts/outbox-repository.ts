// The notification outbox's rows: every notice is stored before anyone is contacted, with each
// delivery attempt logged beside it. The worker that delivers them is outbox.ts.
//
// Several instances (or a sender that lost its leadership and one that just gained it) may look at
// the rows at once: a sender first claims what it will deliver, in a short transaction, and sends
// outside it, so no HTTP or SMTP wait holds a lock or a transaction open. The claim covers whole
// subscriptions (all their pending rows, oldest first), because a subscription's notices go out in
// order: a resolved notice must never overtake its firing notice at another sender. A claim lapses
// after a timeout, so the rows of a sender that died mid-delivery are delivered by another (at least
// once then: the receiver may see a notice again whose delivery was cut off before it was recorded).
import type { Selectable } from "kysely";
import { atomically, type MetaDialect, type MetaExecutor, type MetaTransaction } from "../meta/store.ts";
import type { NotificationOutboxTable, OutboxStatus } from "../meta/tables.ts";
import type { DeliveryResult } from "./webhook-sender.ts";

export type OutboxRow = Selectable<NotificationOutboxTable>;

const UNCLAIMED = { claimed_at: null, claimed_by: null } as const;

export interface OutboxRepository {
  /** This repository inside the caller's transaction. */
  in(trx: MetaTransaction): OutboxRepository;
  /** Stores a notice, due at `notBefore` (or now, if that has passed); returns its id. */
  enqueue(subscriptionId: number, kind: OutboxRow["kind"], alertId: number | null, payload: unknown, notBefore: number): Promise<number>;
  /** Every row, oldest first. */
  rows(): Promise<OutboxRow[]>;
  /** Rows still to be delivered, oldest first. */
  pending(): Promise<OutboxRow[]>;
  /**
   * Claims for `sender` every pending row of each subscription whose oldest pending row is due and
   * that no other sender holds a live claim on (one older than `claimTimeoutMs` has lapsed); oldest
   * first. `fence` runs inside the claim's transaction and may refuse it (a leader that is no more).
   */
  claim(sender: string, now: number, claimTimeoutMs: number, fence?: (trx: MetaTransaction) => Promise<void>): Promise<OutboxRow[]>;
  /** Claimed rows not delivered in this pass (waiting behind a retry, not yet due, or the sender stopping). */
  release(ids: number[]): Promise<void>;
  /** A failed attempt: try these rows again at `nextAttemptAt`. */
  retryLater(ids: number[], attempts: number, nextAttemptAt: number, error: string | null): Promise<void>;
  /** Rows done with (sent, given up, cancelled); `error` (when not null) replaces the last one. */
  finish(ids: number[], status: OutboxStatus, at: number, error: string | null): Promise<void>;
  /** Logs one delivery attempt of each row in `batch`. */
  logDeliveries(batch: OutboxRow[], result: DeliveryResult, at: number, durationMs: number): Promise<void>;
}

export class SqlOutboxRepository implements OutboxRepository {
  constructor(
    private readonly db: MetaExecutor,
    private readonly now: () => number,
    /** PostgreSQL locks the rows it claims (FOR UPDATE SKIP LOCKED); SQLite has one writer anyway. */
    private readonly dialect: MetaDialect = "sqlite",
  ) {}

  in(trx: MetaTransaction): OutboxRepository {
    return new SqlOutboxRepository(trx, this.now, this.dialect);
  }

  async enqueue(subscriptionId: number, kind: OutboxRow["kind"], alertId: number | null, payload: unknown, notBefore: number): Promise<number> {
    const now = this.now();
    const { id } = await this.db
      .insertInto("notification_outbox")
      .values({ subscription_id: subscriptionId, kind, alert_id: alertId, payload: JSON.stringify(payload), next_attempt_at: Math.max(now, notBefore), created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    return id;
  }

  rows(): Promise<OutboxRow[]> {
    return this.db.selectFrom("notification_outbox").selectAll().orderBy("id").execute();
  }

  pending(): Promise<OutboxRow[]> {
    return this.db.selectFrom("notification_outbox").selectAll().where("status", "=", "pending").orderBy("id").execute();
  }

  claim(sender: string, now: number, claimTimeoutMs: number, fence?: (trx: MetaTransaction) => Promise<void>): Promise<OutboxRow[]> {
    const lapsed = now - claimTimeoutMs;
    return atomically(this.db, async (trx) => {
      await fence?.(trx);
      // Rows another claim transaction has locked are skipped, not waited for (it is delivering them).
      // PostgreSQL transactions here are serialised as well (meta/postgres.ts), which the oldest-row
      // check below does not rely on: a subscription whose oldest pending row was skipped is left out.
      const candidates = await trx
        .selectFrom("notification_outbox")
        .selectAll()
        .where("status", "=", "pending")
        .where((eb) => eb.or([eb("claimed_at", "is", null), eb("claimed_at", "<", lapsed)]))
        .where("subscription_id", "not in", (eb) =>
          eb.selectFrom("notification_outbox as busy").select("busy.subscription_id").where("busy.status", "=", "pending").where("busy.claimed_at", ">=", lapsed),
        )
        .orderBy("id")
        .$if(this.dialect === "postgres", (q) => q.forUpdate().skipLocked())
        .execute();
      if (!candidates.length) return [];
      const oldest = new Map(
        (
          await trx
            .selectFrom("notification_outbox")
            .select((eb) => ["subscription_id", eb.fn.min("id").as("first")])
            .where("status", "=", "pending")
            .where("subscription_id", "in", [...new Set(candidates.map((r) => r.subscription_id))])
            .groupBy("subscription_id")
            .execute()
        ).map((r) => [r.subscription_id, Number(r.first)]),
      );
      const heads = new Map<number, OutboxRow>();
      for (const row of candidates) if (!heads.has(row.subscription_id)) heads.set(row.subscription_id, row);
      const claimed = candidates.filter((row) => {
        const head = heads.get(row.subscription_id)!;
        return head.id === oldest.get(row.subscription_id) && head.next_attempt_at <= now;
      });
      if (!claimed.length) return [];
      await trx.updateTable("notification_outbox").set({ claimed_at: now, claimed_by: sender }).where("id", "in", claimed.map((r) => r.id)).execute();
      return claimed.map((row) => ({ ...row, claimed_at: now, claimed_by: sender }));
    });
  }

  async release(ids: number[]): Promise<void> {
    if (!ids.length) return;
    await this.db.updateTable("notification_outbox").set(UNCLAIMED).where("id", "in", ids).where("status", "=", "pending").execute();
  }

  async retryLater(ids: number[], attempts: number, nextAttemptAt: number, error: string | null): Promise<void> {
    if (!ids.length) return;
    await this.db.updateTable("notification_outbox").set({ attempts, next_attempt_at: nextAttemptAt, last_error: error, ...UNCLAIMED }).where("id", "in", ids).execute();
  }

  async finish(ids: number[], status: OutboxStatus, at: number, error: string | null): Promise<void> {
    if (!ids.length) return;
    await this.db
      .updateTable("notification_outbox")
      .set({ status, sent_at: status === "sent" ? at : null, ...UNCLAIMED, ...(error === null ? {} : { last_error: error }) })
      .where("id", "in", ids)
      .execute();
  }

  async logDeliveries(batch: OutboxRow[], r: DeliveryResult, at: number, durationMs: number): Promise<void> {
    if (!batch.length) return;
    // One multi-row insert: the batch's attempts are logged together or not at all.
    await this.db
      .insertInto("notification_deliveries")
      .values(batch.map((row) => ({ outbox_id: row.id, attempt: row.attempts + 1, at, ok: r.ok ? 1 : 0, status: r.status, error: r.error, duration_ms: Math.round(durationMs) })))
      .execute();
  }
}
