// The in-app inbox: alert events kept per subscriber (by user id, deleted with the user), newest first.
import type { AlertEvent } from "../../../common/alerts.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";
import type { Owner } from "./owner-rights.ts";

export interface InboxEntry {
  id: number;
  alertId: number | null;
  event: AlertEvent;
  createdAt: number;
}

export interface InboxRepository {
  /** This repository inside the caller's transaction. */
  in(trx: MetaTransaction): InboxRepository;
  add(owner: Owner, event: AlertEvent, createdAt: number): Promise<void>;
  /** The owner's newest `limit` entries, newest first. */
  list(ownerId: number, limit?: number): Promise<InboxEntry[]>;
}

export class SqlInboxRepository implements InboxRepository {
  constructor(private readonly db: MetaExecutor) {}

  in(trx: MetaTransaction): InboxRepository {
    return new SqlInboxRepository(trx);
  }

  async add(owner: Owner, event: AlertEvent, createdAt: number): Promise<void> {
    await this.db
      .insertInto("inapp_notifications")
      .values({ owner: owner.username, owner_id: owner.id, alert_id: event.id, payload: JSON.stringify(event), created_at: createdAt })
      .execute();
  }

  async list(ownerId: number, limit = 100): Promise<InboxEntry[]> {
    const rows = await this.db
      .selectFrom("inapp_notifications")
      .select(["id", "alert_id", "payload", "created_at"])
      .where("owner_id", "=", ownerId)
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, alertId: r.alert_id, event: JSON.parse(r.payload) as AlertEvent, createdAt: r.created_at }));
  }
}
