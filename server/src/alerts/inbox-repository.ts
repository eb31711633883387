// The in-app inbox: alert events kept per subscriber, newest first.
import type { AlertEvent } from "../../../common/alerts.ts";
import type { MetaExecutor, MetaTransaction } from "../meta/store.ts";

export interface InboxEntry {
  id: number;
  alertId: number | null;
  event: AlertEvent;
  createdAt: number;
}

export interface InboxRepository {
  /** This repository inside the caller's transaction. */
  in(trx: MetaTransaction): InboxRepository;
  add(owner: string, event: AlertEvent, createdAt: number): Promise<void>;
  /** The owner's newest `limit` entries, newest first. */
  list(owner: string, limit?: number): Promise<InboxEntry[]>;
}

export class SqlInboxRepository implements InboxRepository {
  constructor(private readonly db: MetaExecutor) {}

  in(trx: MetaTransaction): InboxRepository {
    return new SqlInboxRepository(trx);
  }

  async add(owner: string, event: AlertEvent, createdAt: number): Promise<void> {
    await this.db.insertInto("inapp_notifications").values({ owner, alert_id: event.id, payload: JSON.stringify(event), created_at: createdAt }).execute();
  }

  async list(owner: string, limit = 100): Promise<InboxEntry[]> {
    const rows = await this.db
      .selectFrom("inapp_notifications")
      .select(["id", "alert_id", "payload", "created_at"])
      .where("owner", "=", owner)
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, alertId: r.alert_id, event: JSON.parse(r.payload) as AlertEvent, createdAt: r.created_at }));
  }
}
