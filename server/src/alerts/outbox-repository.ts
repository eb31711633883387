// The notification outbox's rows: every notice is stored before anyone is contacted, with each
// delivery attempt logged beside it. The worker that delivers them is outbox.ts.
import type { Selectable } from "kysely";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import type { NotificationOutboxTable, OutboxStatus } from "../meta/tables.ts";
import type { DeliveryResult } from "./webhook-sender.ts";

export type OutboxRow = Selectable<NotificationOutboxTable>;

export interface OutboxRepository {
  /** This repository inside the caller's transaction. */
  in(trx: MetaTransaction): OutboxRepository;
  /** Stores a notice, due at `notBefore` (or now, if that has passed); returns its id. */
  enqueue(subscriptionId: number, kind: OutboxRow["kind"], alertId: number | null, payload: unknown, notBefore: number): Promise<number>;
  /** Every row, oldest first. */
  rows(): Promise<OutboxRow[]>;
  /** Rows still to be delivered, oldest first. */
  pending(): Promise<OutboxRow[]>;
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
  ) {}

  in(trx: MetaTransaction): OutboxRepository {
    return new SqlOutboxRepository(trx, this.now);
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

  async retryLater(ids: number[], attempts: number, nextAttemptAt: number, error: string | null): Promise<void> {
    if (!ids.length) return;
    await this.db.updateTable("notification_outbox").set({ attempts, next_attempt_at: nextAttemptAt, last_error: error }).where("id", "in", ids).execute();
  }

  async finish(ids: number[], status: OutboxStatus, at: number, error: string | null): Promise<void> {
    if (!ids.length) return;
    await this.db
      .updateTable("notification_outbox")
      .set({ status, sent_at: status === "sent" ? at : null, ...(error === null ? {} : { last_error: error }) })
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
