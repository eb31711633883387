// Validation of subscriptions at the API edge: catalog filters, webhook URLs (http(s), no
// credentials, not the server's public URL; where they may point is webhook-guard.ts's, with DNS),
// email addresses, digest and quiet hours.
import { z } from "zod";
import { ALERT_SEVERITIES, NOTIFY_CHANNELS } from "../../../common/alerts.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { ValidationError } from "../errors.ts";
import { parseOrThrow } from "../http/validation.ts";
import { isValidTimezone } from "./delivery-schedule.ts";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24 h)");

export const subscriptionInputSchema = z
  .object({
    stations: z.array(z.string()).max(100).default([]),
    parameters: z.array(z.string()).max(100).default([]),
    severities: z.array(z.enum(ALERT_SEVERITIES)).default([]),
    channel: z.enum(NOTIFY_CHANNELS),
    webhookUrl: z.string().optional(),
    email: z.email({ error: "email must be a valid email address" }).max(254).optional(),
    digest: z.enum(["hourly", "daily"]).nullable().default(null),
    quietStart: hhmm.nullable().default(null),
    quietEnd: hhmm.nullable().default(null),
    timezone: z.string().default("UTC"),
  })
  .strict();

export type SubscriptionInput = z.infer<typeof subscriptionInputSchema>;

/** This server's port and public URL: a webhook back to ourselves is refused. */
export interface WebhookTargetPolicy {
  port: () => number;
  publicUrl: string | undefined;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0", "[::]"]);

export function isSelfUrl(url: URL, self: WebhookTargetPolicy): boolean {
  if (self.publicUrl) {
    const pub = new URL(self.publicUrl);
    if (pub.host.toLowerCase() === url.host.toLowerCase()) return true;
  }
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const host = url.hostname.toLowerCase();
  return port === self.port() && (LOOPBACK.has(host) || host.startsWith("127."));
}

export function parseSubscription(body: unknown, catalog: CatalogSnapshot, webhooks: WebhookTargetPolicy, emailEnabled: boolean): SubscriptionInput {
  const s = parseOrThrow(subscriptionInputSchema, body);
  const unknownStations = s.stations.filter((id) => !catalog.station(id));
  if (unknownStations.length) throw new ValidationError(`unknown station(s): ${unknownStations.join(", ")}`);
  const unknownParameters = s.parameters.filter((code) => !catalog.parameter(code));
  if (unknownParameters.length) throw new ValidationError(`unknown parameter(s): ${unknownParameters.join(", ")}`);
  if (!isValidTimezone(s.timezone)) throw new ValidationError(`unknown time zone ${JSON.stringify(s.timezone)}`);
  if ((s.quietStart === null) !== (s.quietEnd === null)) throw new ValidationError("quietStart and quietEnd go together");

  if (s.channel === "webhook") {
    if (!s.webhookUrl) throw new ValidationError("a webhook subscription needs webhookUrl");
    let url: URL;
    try {
      url = new URL(s.webhookUrl);
    } catch {
      throw new ValidationError(`webhookUrl ${JSON.stringify(s.webhookUrl)} is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new ValidationError("webhookUrl must be an http(s) URL");
    if (url.username || url.password) throw new ValidationError("webhookUrl must not contain credentials; verify the signature instead");
    if (isSelfUrl(url, webhooks)) throw new ValidationError("webhookUrl points at this server itself");
    if (s.email !== undefined) throw new ValidationError("a webhook subscription takes no email");
  } else if (s.webhookUrl !== undefined) {
    throw new ValidationError(`a ${s.channel} subscription takes no webhookUrl`);
  }
  if (s.channel === "email") {
    if (!s.email) throw new ValidationError("an email subscription needs email");
    if (!emailEnabled) throw new ValidationError("email notifications are not configured on this server (SMTP_URL)");
  } else {
    if (s.email !== undefined) throw new ValidationError(`a ${s.channel} subscription takes no email`);
    if (s.digest !== null) throw new ValidationError("digests are for email subscriptions");
  }
  return s;
}
