// Subscriptions: who wants which alerts over which channel. Each has a random secret that signs its
// webhook bodies and its unsubscribe links; email subscriptions stay inactive until confirmed
// (double opt-in) through a one-time token whose hash alone is stored.
import type { Selectable } from "kysely";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { AlertEvent, Subscription } from "../../../common/alerts.ts";
import { NotFoundError } from "../errors.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import type { SubscriptionsTable } from "../meta/tables.ts";
import type { SubscriptionInput } from "./subscription-schema.ts";

type Row = Selectable<SubscriptionsTable>;

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

export interface SubscriptionRepository {
  /** This repository inside the caller's transaction. */
  in(trx: MetaTransaction): SubscriptionRepository;
  /** Creates a subscription; email ones come with the token that confirms them (double opt-in). */
  create(input: SubscriptionInput, owner: string): Promise<{ subscription: SubscriptionWithSecret; confirmToken: string | null }>;
  get(id: number): Promise<SubscriptionWithSecret>;
  /** Everyone's, or one owner's. */
  list(owner?: string): Promise<SubscriptionWithSecret[]>;
  delete(id: number): Promise<void>;
  /** How many subscriptions `owner` has: for the per-user cap. */
  countByOwner(owner: string): Promise<number>;
  /** Active subscriptions that want this event; email ones only once confirmed. */
  matching(event: AlertEvent): Promise<SubscriptionWithSecret[]>;
  /** The unconfirmed subscription a confirmation token belongs to (nothing changes). */
  byConfirmToken(token: string): Promise<SubscriptionWithSecret>;
  confirm(token: string): Promise<SubscriptionWithSecret>;
  unsubscribeToken(s: SubscriptionWithSecret): string;
  /** The subscription an unsubscribe token belongs to; throws for forged or unknown tokens. */
  byUnsubscribeToken(token: string): Promise<SubscriptionWithSecret>;
  unsubscribe(token: string): Promise<SubscriptionWithSecret>;
}

export class SqlSubscriptionRepository implements SubscriptionRepository {
  constructor(
    private readonly db: MetaExecutor,
    private readonly now: () => number,
  ) {}

  in(trx: MetaTransaction): SubscriptionRepository {
    return new SqlSubscriptionRepository(trx, this.now);
  }

  async create(input: SubscriptionInput, owner: string): Promise<{ subscription: SubscriptionWithSecret; confirmToken: string | null }> {
    const secret = randomBytes(32).toString("hex");
    const confirmToken = input.channel === "email" ? randomBytes(24).toString("base64url") : null;
    const row = await this.db
      .insertInto("subscriptions")
      .values({
        owner,
        stations: JSON.stringify(input.stations),
        parameters: JSON.stringify(input.parameters),
        severities: JSON.stringify(input.severities),
        channel: input.channel,
        webhook_url: input.webhookUrl ?? null,
        secret,
        email: input.email ?? null,
        confirmed: input.channel === "email" ? 0 : 1,
        confirm_token_hash: confirmToken ? sha256(confirmToken) : null,
        digest: input.digest,
        quiet_start: input.quietStart,
        quiet_end: input.quietEnd,
        timezone: input.timezone,
        active: 1,
        created_at: new Date(this.now()).toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { subscription: fromRow(row), confirmToken };
  }

  async get(id: number): Promise<SubscriptionWithSecret> {
    const row = await this.find(id);
    if (!row) throw new NotFoundError(`no subscription ${id}`);
    return fromRow(row);
  }

  async list(owner?: string): Promise<SubscriptionWithSecret[]> {
    let query = this.db.selectFrom("subscriptions").selectAll();
    if (owner !== undefined) query = query.where("owner", "=", owner);
    return (await query.orderBy("id").execute()).map(fromRow);
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom("subscriptions").where("id", "=", id).execute();
  }

  async countByOwner(owner: string): Promise<number> {
    const row = await this.db.selectFrom("subscriptions").select((eb) => eb.fn.countAll<number>().as("n")).where("owner", "=", owner).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async byConfirmToken(token: string): Promise<SubscriptionWithSecret> {
    const row = await this.db.selectFrom("subscriptions").selectAll().where("confirm_token_hash", "=", sha256(token)).executeTakeFirst();
    if (!row) throw new NotFoundError("unknown or already used confirmation token");
    return fromRow(row);
  }

  async matching(event: AlertEvent): Promise<SubscriptionWithSecret[]> {
    const rows = await this.db.selectFrom("subscriptions").selectAll().where("active", "=", 1).where("confirmed", "=", 1).execute();
    return rows.map(fromRow).filter((s) => matches(s, event));
  }

  async confirm(token: string): Promise<SubscriptionWithSecret> {
    // One statement: a token confirms once, even when its link is opened twice at the same moment.
    const row = await this.db
      .updateTable("subscriptions")
      .set({ confirmed: 1, confirm_token_hash: null })
      .where("confirm_token_hash", "=", sha256(token))
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFoundError("unknown or already used confirmation token");
    return fromRow(row);
  }

  unsubscribeToken(s: SubscriptionWithSecret): string {
    return `${s.id}.${createHmac("sha256", s.secret).update(`unsubscribe:${s.id}`).digest("base64url")}`;
  }

  async byUnsubscribeToken(token: string): Promise<SubscriptionWithSecret> {
    const [idText, mac] = token.split(".", 2);
    const id = Number(idText);
    const row = Number.isSafeInteger(id) && mac ? await this.find(id) : undefined;
    const expected = row ? this.unsubscribeToken(fromRow(row)) : "";
    if (!row || expected.length !== token.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(token))) {
      throw new NotFoundError("unknown unsubscribe token");
    }
    return fromRow(row);
  }

  async unsubscribe(token: string): Promise<SubscriptionWithSecret> {
    const s = await this.byUnsubscribeToken(token);
    await this.db.updateTable("subscriptions").set({ active: 0 }).where("id", "=", s.id).execute();
    return this.get(s.id);
  }

  private find(id: number): Promise<Row | undefined> {
    return this.db.selectFrom("subscriptions").selectAll().where("id", "=", id).executeTakeFirst();
  }
}
