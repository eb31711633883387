// Subscriptions: who wants which alerts over which channel. Each has a random secret that signs its
// webhook bodies and its unsubscribe links; email subscriptions stay inactive until confirmed
// (double opt-in) through a one-time token whose hash alone is stored. A subscription belongs to its
// owner's user id (deleted with the user) and is paused while the owner may not have it (owner-rights.ts).
import type { Selectable } from "kysely";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { AlertEvent, Subscription } from "../../../common/alerts.ts";
import type { Role } from "../auth/roles.ts";
import { LimitReachedError, NotFoundError } from "../errors.ts";
import { atomically, type MetaExecutor, type MetaTransaction } from "../meta/store.ts";
import type { SubscriptionsTable } from "../meta/tables.ts";
import { ownerPaused, type Owner } from "./owner-rights.ts";
import type { SubscriptionInput } from "./subscription-schema.ts";

/** A subscription's row with its owner's account as a LEFT JOIN finds it. */
type Row = Selectable<SubscriptionsTable> & { owner_disabled: number | null; owner_role: Role | null };

/** A subscription with its secret, for the notifier only; never sent to clients except once at creation. */
export interface SubscriptionWithSecret extends Subscription {
  secret: string;
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

function fromRow(r: Row): SubscriptionWithSecret {
  return {
    id: r.id,
    owner: r.owner,
    ownerId: r.owner_id,
    paused: ownerPaused({ disabled: r.owner_disabled, role: r.owner_role }),
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
  /**
   * Creates a subscription unless its owner has `maxPerOwner` already (counted and inserted in one
   * transaction, so parallel requests cannot pass the cap); email ones come with the token that
   * confirms them (double opt-in).
   */
  create(input: SubscriptionInput, owner: Owner, maxPerOwner: number): Promise<{ subscription: SubscriptionWithSecret; confirmToken: string | null }>;
  get(id: number): Promise<SubscriptionWithSecret>;
  /** Everyone's, or one owner's (by user id). */
  list(ownerId?: number): Promise<SubscriptionWithSecret[]>;
  delete(id: number): Promise<void>;
  /** Active subscriptions that want this event and whose owner may have them; email ones only once confirmed. */
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

  create(input: SubscriptionInput, owner: Owner, maxPerOwner: number): Promise<{ subscription: SubscriptionWithSecret; confirmToken: string | null }> {
    return atomically(this.db, async (trx) => {
      const { n } = await trx.selectFrom("subscriptions").select((eb) => eb.fn.countAll<number>().as("n")).where("owner_id", "=", owner.id).executeTakeFirstOrThrow();
      const own = Number(n);
      if (own >= maxPerOwner) {
        throw new LimitReachedError(
          `You have ${own} subscriptions, the most one user may have (${maxPerOwner}): ` +
            "delete one you no longer need (a subscription can cover several stations, parameters and severities), then try again",
        );
      }
      const secret = randomBytes(32).toString("hex");
      const confirmToken = input.channel === "email" ? randomBytes(24).toString("base64url") : null;
      const { id } = await trx
        .insertInto("subscriptions")
        .values({
          owner: owner.username,
          owner_id: owner.id,
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
        .returning("id")
        .executeTakeFirstOrThrow();
      return { subscription: await this.in(trx).get(id), confirmToken };
    });
  }

  async get(id: number): Promise<SubscriptionWithSecret> {
    const row = await this.find(id);
    if (!row) throw new NotFoundError(`no subscription ${id}`);
    return fromRow(row);
  }

  async list(ownerId?: number): Promise<SubscriptionWithSecret[]> {
    let query = this.select();
    if (ownerId !== undefined) query = query.where("subscriptions.owner_id", "=", ownerId);
    return (await query.orderBy("subscriptions.id").execute()).map(fromRow);
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom("subscriptions").where("id", "=", id).execute();
  }

  async byConfirmToken(token: string): Promise<SubscriptionWithSecret> {
    const row = await this.select().where("subscriptions.confirm_token_hash", "=", sha256(token)).executeTakeFirst();
    if (!row) throw new NotFoundError("unknown or already used confirmation token");
    return fromRow(row);
  }

  async matching(event: AlertEvent): Promise<SubscriptionWithSecret[]> {
    const rows = await this.select().where("subscriptions.active", "=", 1).where("subscriptions.confirmed", "=", 1).execute();
    return rows.map(fromRow).filter((s) => !s.paused && matches(s, event));
  }

  async confirm(token: string): Promise<SubscriptionWithSecret> {
    // One statement: a token confirms once, even when its link is opened twice at the same moment.
    const row = await this.db
      .updateTable("subscriptions")
      .set({ confirmed: 1, confirm_token_hash: null })
      .where("confirm_token_hash", "=", sha256(token))
      .returning("id")
      .executeTakeFirst();
    if (!row) throw new NotFoundError("unknown or already used confirmation token");
    return this.get(row.id);
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
    return this.select().where("subscriptions.id", "=", id).executeTakeFirst();
  }

  private select() {
    return this.db
      .selectFrom("subscriptions")
      .leftJoin("users", "users.id", "subscriptions.owner_id")
      .selectAll("subscriptions")
      .select(["users.disabled as owner_disabled", "users.role as owner_role"]);
  }
}
