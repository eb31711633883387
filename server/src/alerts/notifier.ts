// Turns alert events into notices: one outbox row per matching webhook/email subscription (written in
// the engine's transaction, so a recorded state change always has its notices), and an inbox entry
// for in-app subscribers. Email timing honours digests and quiet hours.
import type { AlertEvent } from "../../../common/alerts.ts";
import type { MetaDb } from "../meta/database.ts";
import type { Clock } from "../util/clock.ts";
import { confirmUrl } from "./channel-deliverer.ts";
import { deliverAt } from "./delivery-schedule.ts";
import type { NotificationOutbox } from "./outbox.ts";
import type { SubscriptionRepository, SubscriptionWithSecret } from "./subscription-repository.ts";

export interface InboxEntry {
  id: number;
  alertId: number | null;
  event: AlertEvent;
  createdAt: number;
}

export class Notifier {
  constructor(
    private readonly db: MetaDb,
    private readonly subscriptions: SubscriptionRepository,
    private readonly outbox: NotificationOutbox,
    private readonly clock: Clock,
    private readonly baseUrl: () => string,
  ) {}

  /** Wakes the outbox once the caller's (synchronous) transaction has committed. */
  private wake(): void {
    queueMicrotask(() => void this.outbox.kick());
  }

  /** Queues the notices for one alert event; returns how many went to the outbox. */
  onAlert(event: AlertEvent): number {
    let queued = 0;
    for (const s of this.subscriptions.matching(event)) {
      if (s.channel === "in-app") {
        this.db
          .prepare("INSERT INTO inapp_notifications (owner, alert_id, payload, created_at) VALUES (?, ?, ?, ?)")
          .run(s.owner, event.id, JSON.stringify(event), this.clock.now());
        continue;
      }
      // Quiet hours and digests go by when the notice is created, not when its reading was measured:
      // a reading from 21:55 that arrives at 22:10 is news during quiet hours; and a station whose
      // clock runs ahead must not hold its webhooks back until that time.
      const notBefore = s.channel === "email" ? deliverAt(this.clock.now(), s) : this.clock.now();
      this.outbox.enqueue(s.id, "alert", event.id, event, notBefore);
      queued++;
    }
    if (queued > 0) this.wake();
    return queued;
  }

  requestConfirmation(subscription: SubscriptionWithSecret, token: string): void {
    this.outbox.enqueue(subscription.id, "confirm", null, { confirmUrl: confirmUrl(this.baseUrl(), token) }, this.clock.now());
    this.wake();
  }

  inbox(owner: string, limit = 100): InboxEntry[] {
    const rows = this.db
      .prepare("SELECT id, alert_id, payload, created_at FROM inapp_notifications WHERE owner = ? ORDER BY id DESC LIMIT ?")
      .all(owner, limit) as Array<{ id: number; alert_id: number | null; payload: string; created_at: number }>;
    return rows.map((r) => ({ id: r.id, alertId: r.alert_id, event: JSON.parse(r.payload) as AlertEvent, createdAt: r.created_at }));
  }
}
