// Delivers outbox rows over their subscription's channel: signed webhook POSTs, or mail through the
// configured SMTP server (confirmation, single alert, or digest).
import type { Transporter } from "nodemailer";
import type { AlertEvent } from "../../../common/alerts.ts";
import { alertMail, confirmationMail, digestMail, type MailContent } from "./email-messages.ts";
import type { Deliverer } from "./outbox.ts";
import type { OutboxRow } from "./outbox-repository.ts";
import type { SubscriptionRepository, SubscriptionWithSecret } from "./subscription-repository.ts";
import { postWebhook, type DeliveryResult } from "./webhook-sender.ts";
import type { WebhookGuard } from "./webhook-guard.ts";

export interface ChannelDelivererOptions {
  mailer: Transporter | null;
  mailFrom: string;
  /** Base URL for links in mails (PUBLIC_URL, else the server's own URL). */
  baseUrl: () => string;
  webhookTimeoutMs: number;
  /** Where webhooks may go: never InfluxDB or this server; local addresses only if allowed. */
  webhookGuard: WebhookGuard;
}

/** What a webhook receiver gets. */
export interface WebhookBody {
  type: "alert.firing" | "alert.resolved" | "alert.reminder";
  deliveryId: string;
  event: AlertEvent;
}

export function unsubscribeUrl(base: string, token: string): string {
  return `${base.replace(/\/$/, "")}/api/v1/subscriptions/unsubscribe?token=${encodeURIComponent(token)}`;
}

export function confirmUrl(base: string, token: string): string {
  return `${base.replace(/\/$/, "")}/api/v1/subscriptions/confirm?token=${encodeURIComponent(token)}`;
}

export class ChannelDeliverer implements Deliverer {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly options: ChannelDelivererOptions,
  ) {}

  async deliver(subscription: SubscriptionWithSecret, rows: OutboxRow[]): Promise<DeliveryResult> {
    const head = rows[0]!;
    if (subscription.channel === "webhook") {
      const event = JSON.parse(head.payload) as AlertEvent;
      const type = event.reminder ? "alert.reminder" : event.state === "resolved" ? "alert.resolved" : "alert.firing";
      const body: WebhookBody = { type, deliveryId: String(head.id), event };
      return postWebhook({
        url: subscription.webhookUrl!,
        secret: subscription.secret,
        body: JSON.stringify(body),
        deliveryId: String(head.id),
        timeoutMs: this.options.webhookTimeoutMs,
        guard: this.options.webhookGuard,
      });
    }
    if (subscription.channel === "email") return this.mail(subscription, rows);
    return { ok: true, status: null, error: null }; // in-app notices never go through the outbox
  }

  private async mail(subscription: SubscriptionWithSecret, rows: OutboxRow[]): Promise<DeliveryResult> {
    if (!this.options.mailer) return { ok: false, status: null, error: "email is not configured (SMTP_URL)" };
    const head = rows[0]!;
    const base = this.options.baseUrl();
    let content: MailContent;
    if (head.kind === "confirm") {
      content = confirmationMail((JSON.parse(head.payload) as { confirmUrl: string }).confirmUrl);
    } else {
      const unsubscribe = unsubscribeUrl(base, this.subscriptions.unsubscribeToken(subscription));
      const events = rows.map((r) => JSON.parse(r.payload) as AlertEvent);
      content = subscription.digest ? digestMail(events, unsubscribe) : alertMail(events[0]!, unsubscribe);
    }
    try {
      const info = (await this.options.mailer.sendMail({
        from: this.options.mailFrom,
        to: subscription.email!,
        subject: content.subject,
        text: content.text,
        headers: content.headers,
      })) as { rejected?: unknown[] };
      if (info.rejected?.length) return { ok: false, status: null, error: "the SMTP server rejected the recipient" };
      return { ok: true, status: null, error: null };
    } catch (err) {
      return { ok: false, status: (err as { responseCode?: number }).responseCode ?? null, error: (err as Error).message };
    }
  }
}
