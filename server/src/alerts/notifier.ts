// Turns alert events into notices: one outbox row per matching webhook/email subscription (written in
// the engine's transaction, so a recorded state change always has its notices), and an inbox entry
// for in-app subscribers. Email timing honours digests and quiet hours.
import type { AlertEvent } from "../../../common/alerts.ts";
import type { MetaTransaction } from "../meta/store.ts";
import type { Clock } from "../util/clock.ts";
import { confirmUrl } from "./channel-deliverer.ts";
import { deliverAt } from "./delivery-schedule.ts";
import type { InboxEntry, InboxRepository } from "./inbox-repository.ts";
import type { NotificationOutbox } from "./outbox.ts";
import type { OutboxRepository } from "./outbox-repository.ts";
import type { SubscriptionRepository, SubscriptionWithSecret } from "./subscription-repository.ts";

export type { InboxEntry };

/**
 * Which of these subscription owners (user ids) may learn of the event (data review: alerts from
 * unreleased data reach the owning organisation only); runs inside the recording transaction.
 */
export type RecipientFilter = (event: AlertEvent, owners: readonly number[], trx: MetaTransaction) => Promise<ReadonlySet<number>>;

export interface NotifierStores {
  subscriptions: SubscriptionRepository;
  outbox: OutboxRepository;
  inbox: InboxRepository;
}

export class Notifier {
  constructor(
    private readonly stores: NotifierStores,
    private readonly outbox: NotificationOutbox,
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
    private readonly recipients?: RecipientFilter,
  ) {}

  /**
   * Queues the notices for one alert event inside the transaction that records it; returns how many
   * went to the outbox. The caller wakes the outbox (`wake`) once that transaction has committed.
   */
  async onAlert(event: AlertEvent, trx: MetaTransaction): Promise<number> {
    const outbox = this.stores.outbox.in(trx);
    const inbox = this.stores.inbox.in(trx);
    let queued = 0;
    const matching = await this.stores.subscriptions.in(trx).matching(event);
    const owners = [...new Set(matching.map((s) => s.ownerId).filter((id): id is number => id !== null))];
    const allowed = this.recipients ? await this.recipients(event, owners, trx) : null;
    for (const s of matching) {
      if (allowed && (s.ownerId === null || !allowed.has(s.ownerId))) continue;
      if (s.channel === "in-app") {
        // matching() returns only subscriptions of an owner in good standing, so ownerId is set.
        if (s.ownerId !== null) await inbox.add({ id: s.ownerId, username: s.owner }, event, this.clock.now());
        continue;
      }
      // Quiet hours and digests go by when the notice is created, not when its reading was measured:
      // a reading from 21:55 that arrives at 22:10 is news during quiet hours; and a station whose
      // clock runs ahead must not hold its webhooks back until that time.
      const notBefore = s.channel === "email" ? deliverAt(this.clock.now(), s) : this.clock.now();
      await outbox.enqueue(s.id, "alert", event.id, event, notBefore);
      queued++;
    }
    return queued;
  }

  /** Delivers what the outbox holds now (after a commit that added notices). */
  wake(): void {
    void this.outbox.kick();
  }

  async requestConfirmation(subscription: SubscriptionWithSecret, token: string): Promise<void> {
    await this.stores.outbox.enqueue(subscription.id, "confirm", null, { confirmUrl: confirmUrl(this.baseUrl(), token) }, this.clock.now());
    this.wake();
  }

  inbox(ownerId: number, limit = 100): Promise<InboxEntry[]> {
    return this.stores.inbox.list(ownerId, limit);
  }
}
