// Subscriptions: who wants which alerts over which channel. Each has a random secret that signs its
// webhook bodies and its unsubscribe links; email subscriptions stay inactive until confirmed
// (double opt-in) through a one-time token whose hash alone is stored.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { AlertEvent, Subscription } from "../../../common/alerts.ts";
import { NotFoundError } from "../errors.ts";
import type { MetaDb } from "../meta/database.ts";
import type { SubscriptionInput } from "./subscription-schema.ts";

interface Row {
  id: number;
  owner: string;
  stations: string;
  parameters: string;
  severities: string;
  channel: Subscription["channel"];
  webhook_url: string | null;
  secret: string;
  email: string | null;
  confirmed: number;
  digest: Subscription["digest"];
  quiet_start: string | null;
  quiet_end: string | null;
  timezone: string;
  active: number;
  created_at: string;
}

/** A subscription with its secret, for the notifier only; never sent to clients except once at creation. */
export interface SubscriptionWithSecret extends Subscription {
  secret: string;
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

function fromRow(r: Row): SubscriptionWithSecret {
  return {
    id: r.id,
    owner: r.owner,
    stations: JSON.parse(r.stations) as string[],
    parameters: JSON.parse(r.parameters) as string[],
    severities: JSON.parse(r.severities) as Subscription["severities"],
    channel: r.channel,
    webhookUrl: r.webhook_url,
    email: r.email,
    confirmed: r.confirmed === 1,
    digest: r.digest,
    quietStart: r.quiet_start,
    quietEnd: r.quiet_end,
    timezone: r.timezone,
    active: r.active === 1,
    createdAt: r.created_at,
    secret: r.secret,
  };
}

export function publicView(s: SubscriptionWithSecret): Subscription {
  const { secret: _secret, ...rest } = s;
  return rest;
}

export function matches(s: Subscription, event: Pick<AlertEvent, "station" | "parameter" | "severity">): boolean {
  if (s.stations.length && !s.stations.includes(event.station)) return false;
  // Whole-station alerts (offline) concern everyone watching any parameter of the station.
  if (s.parameters.length && event.parameter !== null && !s.parameters.includes(event.parameter)) return false;
  return !s.severities.length || s.severities.includes(event.severity);
}

export class SubscriptionRepository {
  constructor(
    private readonly db: MetaDb,
    private readonly now: () => number,
  ) {}

  create(input: SubscriptionInput, owner: string): { subscription: SubscriptionWithSecret; confirmToken: string | null } {
    const secret = randomBytes(32).toString("hex");
    const confirmToken = input.channel === "email" ? randomBytes(24).toString("base64url") : null;
    const result = this.db
      .prepare(
        `INSERT INTO subscriptions (owner, stations, parameters, severities, channel, webhook_url, secret, email, confirmed,
           confirm_token_hash, digest, quiet_start, quiet_end, timezone, active, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
      )
      .run(owner, JSON.stringify(input.stations), JSON.stringify(input.parameters), JSON.stringify(input.severities), input.channel,
        input.webhookUrl ?? null, secret, input.email ?? null, input.channel === "email" ? 0 : 1, confirmToken ? sha256(confirmToken) : null,
        input.digest, input.quietStart, input.quietEnd, input.timezone, new Date(this.now()).toISOString());
    return { subscription: this.get(Number(result.lastInsertRowid)), confirmToken };
  }

  get(id: number): SubscriptionWithSecret {
    const row = this.db.prepare("SELECT * FROM subscriptions WHERE id = ?").get(id) as Row | undefined;
    if (!row) throw new NotFoundError(`no subscription ${id}`);
    return fromRow(row);
  }

  list(owner?: string): SubscriptionWithSecret[] {
    const rows = owner === undefined
      ? (this.db.prepare("SELECT * FROM subscriptions ORDER BY id").all() as Row[])
      : (this.db.prepare("SELECT * FROM subscriptions WHERE owner = ? ORDER BY id").all(owner) as Row[]);
    return rows.map(fromRow);
  }

  delete(id: number): void {
    this.db.prepare("DELETE FROM subscriptions WHERE id = ?").run(id);
  }

  /** Active subscriptions that want this event; email ones only once confirmed. */
  matching(event: AlertEvent): SubscriptionWithSecret[] {
    const rows = this.db.prepare("SELECT * FROM subscriptions WHERE active = 1 AND confirmed = 1").all() as Row[];
    return rows.map(fromRow).filter((s) => matches(s, event));
  }

  confirm(token: string): SubscriptionWithSecret {
    const row = this.db.prepare("SELECT * FROM subscriptions WHERE confirm_token_hash = ?").get(sha256(token)) as Row | undefined;
    if (!row) throw new NotFoundError("unknown or already used confirmation token");
    this.db.prepare("UPDATE subscriptions SET confirmed = 1, confirm_token_hash = NULL WHERE id = ?").run(row.id);
    return this.get(row.id);
  }

  unsubscribeToken(s: SubscriptionWithSecret): string {
    return `${s.id}.${createHmac("sha256", s.secret).update(`unsubscribe:${s.id}`).digest("base64url")}`;
  }

  /** The subscription an unsubscribe token belongs to; throws for forged or unknown tokens. */
  byUnsubscribeToken(token: string): SubscriptionWithSecret {
    const [idText, mac] = token.split(".", 2);
    const id = Number(idText);
    const row = Number.isSafeInteger(id) && mac ? (this.db.prepare("SELECT * FROM subscriptions WHERE id = ?").get(id) as Row | undefined) : undefined;
    const expected = row ? this.unsubscribeToken(fromRow(row)) : "";
    if (!row || expected.length !== token.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(token))) {
      throw new NotFoundError("unknown unsubscribe token");
    }
    return fromRow(row);
  }

  unsubscribe(token: string): SubscriptionWithSecret {
    const s = this.byUnsubscribeToken(token);
    this.db.prepare("UPDATE subscriptions SET active = 0 WHERE id = ?").run(s.id);
    return this.get(s.id);
  }
}
