// The notification outbox: every notice is a row in the metadata store before anyone is contacted,
// so nothing is lost on restart (outbox-repository.ts keeps the rows). A worker delivers due rows per subscription in order (a resolved notice never
// overtakes its firing notice), retries failures with capped exponential backoff, and records every
// attempt in the delivery log. Email digests are delivered as one mail for all due rows.
import type { Logger } from "../../../common/logger.ts";
import { backoffDelay } from "../util/backoff.ts";
import type { Clock, Scheduler } from "../util/clock.ts";
import type { MetaTransaction } from "../meta/store.ts";
import type { OutboxRepository, OutboxRow } from "./outbox-repository.ts";
import type { SubscriptionRepository, SubscriptionWithSecret } from "./subscription-repository.ts";
import type { DeliveryResult } from "./webhook-sender.ts";
import { logFailedPass } from "../errors.ts";

export interface Deliverer {
  /** Delivers one row, or several (an email digest) as one message. */
  deliver(subscription: SubscriptionWithSecret, rows: OutboxRow[]): Promise<DeliveryResult>;
}

export interface OutboxOptions {
  pollMs: number;
  /**
   * A claim older than this has lapsed (its sender died mid-delivery): another sender takes the rows.
   * Longer than a pass takes (a webhook times out after 10 s); meanwhile that subscription waits.
   */
  claimTimeoutMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = { pollMs: 1_000, claimTimeoutMs: 60_000, baseDelayMs: 5_000, maxDelayMs: 3_600_000, maxAttempts: 15 };

export function backoffMs(attempts: number, o: Pick<OutboxOptions, "baseDelayMs" | "maxDelayMs">): number {
  return backoffDelay(attempts - 1, o.baseDelayMs, o.maxDelayMs);
}

/** Who claims the rows (outbox-repository.ts), and what may refuse a claim (cluster/leadership.ts). */
export interface OutboxSender {
  name: string;
  fence?: (trx: MetaTransaction) => Promise<void>;
}

export class NotificationOutbox {
  private draining: Promise<void> | undefined;
  private again = false;
  private stopTimer: (() => void) | undefined;
  /** Until started: on a standby instance the leader's sender delivers (a wake-up here does nothing). */
  private stopped = true;

  constructor(
    private readonly repo: OutboxRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly deliverer: Deliverer,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly logger: Logger,
    private readonly options: OutboxOptions,
    private readonly sender: OutboxSender = { name: "water-monitor" },
  ) {}

  start(): void {
    this.stopped = false;
    this.stopTimer = this.scheduler.every(this.options.pollMs, () => this.kick());
    void this.kick();
  }

  /** Delivers what is due now; overlapping calls coalesce into one more pass. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.again = false;
        await this.drain().catch((err: unknown) => logFailedPass(this.logger, err, "outbox pass failed"));
      } while (this.again && !this.stopped);
      this.draining = undefined;
    })();
    return this.draining;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopTimer?.();
    await this.draining;
  }

  rows(): Promise<OutboxRow[]> {
    return this.repo.rows();
  }

  private async drain(): Promise<void> {
    const now = this.clock.now();
    const pending = await this.repo.claim(this.sender.name, now, this.options.claimTimeoutMs, this.sender.fence);
    const bySubscription = new Map<number, OutboxRow[]>();
    for (const row of pending) {
      let list = bySubscription.get(row.subscription_id);
      if (!list) bySubscription.set(row.subscription_id, (list = []));
      list.push(row);
    }
    await Promise.all([...bySubscription].map(([id, rows]) => this.drainSubscription(id, rows, now)));
  }

  /** Delivers what it can of one subscription's claimed rows, and gives back the claim on the rest. */
  private async drainSubscription(subscriptionId: number, rows: OutboxRow[], now: number): Promise<void> {
    // Rows up to `reached` were (perhaps) sent: if recording that fails, their claim lapses rather
    // than being given back at once, so they are not sent again before the claim timeout.
    const progress = { reached: 0 };
    let done = 0;
    try {
      done = await this.deliverInOrder(subscriptionId, rows, now, progress);
    } catch (err) {
      done = progress.reached;
      throw err;
    } finally {
      await this.repo.release(rows.slice(done).map((r) => r.id));
    }
  }

  /** How many of `rows` (from the first) are done with: sent, given up, cancelled or set to retry. */
  private async deliverInOrder(subscriptionId: number, rows: OutboxRow[], now: number, progress: { reached: number }): Promise<number> {
    let subscription: SubscriptionWithSecret;
    try {
      subscription = await this.subscriptions.get(subscriptionId);
    } catch {
      return rows.length; // deleted meanwhile: its rows went with it (ON DELETE CASCADE)
    }
    let i = 0;
    while (i < rows.length && !this.stopped) {
      const head = rows[i]!;
      if (head.next_attempt_at > now) return i;
      // Queued before the owner was disabled or demoted: not sent, then or later (owner-rights.ts).
      if (subscription.paused) {
        await this.repo.finish(rows.slice(i).map((r) => r.id), "cancelled", now, "the owner's account is disabled or no longer may have subscriptions");
        return rows.length;
      }
      if (!subscription.active && head.kind === "alert") {
        await this.repo.finish(rows.slice(i).map((r) => r.id), "cancelled", now, "unsubscribed");
        return rows.length;
      }
      // A digest takes every due alert row; anything else goes one by one.
      const batch = [head];
      if (subscription.digest && head.kind === "alert") {
        for (let k = i + 1; k < rows.length && rows[k]!.kind === "alert" && rows[k]!.next_attempt_at <= now; k++) batch.push(rows[k]!);
      }
      progress.reached = i + batch.length;
      const started = performance.now();
      const result = await this.deliverer.deliver(subscription, batch).catch((err: unknown): DeliveryResult => ({ ok: false, status: null, error: (err as Error).message }));
      const at = this.clock.now();
      await this.repo.logDeliveries(batch, result, at, performance.now() - started);
      if (result.ok) {
        await this.repo.finish(batch.map((r) => r.id), "sent", at, null);
        i += batch.length;
        continue;
      }
      const attempts = head.attempts + 1;
      if (attempts >= this.options.maxAttempts) {
        this.logger.warn({ subscription: subscriptionId, outbox: head.id, error: result.error }, "notification given up after retries");
        await this.repo.finish(batch.map((r) => r.id), "dead", at, result.error);
        i += batch.length;
        continue;
      }
      const next = at + backoffMs(attempts, this.options);
      await this.repo.retryLater(batch.map((r) => r.id), attempts, next, result.error);
      this.logger.info({ subscription: subscriptionId, outbox: head.id, attempts, retryInMs: next - at, error: result.error }, "notification delivery failed; will retry");
      return i + batch.length; // later rows of this subscription wait, to keep the order
    }
    return i;
  }
}
