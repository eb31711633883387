// Which instance leads: only the leader runs the alert engine, the rollup rebuilds and the outbox
// sender (leader-duties.ts), so several instances on one database raise each alert once.
//
// With SQLite (no DATABASE_URL) there is one instance, and it always leads. With PostgreSQL the
// leader is whoever holds a session-level advisory lock (pg_try_advisory_lock), on a connection of
// its own that nothing else uses: the pool's connections come and go, and a session lock lives and
// dies with its session. When the leader's process dies, its connection closes and PostgreSQL drops
// the lock; a standby trying every `retryMs` takes it. The leader checks its connection as often:
// when the connection is gone, so may be the lock, and it steps down at once.
//
// Fencing: each acquisition increments the term in cluster_leader. A leader's writes that must not
// come from a former leader (outbox claims, alert events) check the stored term inside their
// transaction (`fence`), so a leader that lost its lock without noticing yet cannot write after its
// successor took over.
import os from "node:os";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Logger } from "../../../common/logger.ts";
import type { MetaTransaction } from "../meta/store.ts";
import { scrubUrls } from "../util/safe-url.ts";
import type { Clock, Scheduler } from "../util/clock.ts";

export type Role = "leader" | "standby";

/** What follows leadership (leader duties; a reading stream's consumer) reads and hears. */
export interface Leadership {
  /** This instance's name in logs and claims: host, pid and a random part. */
  readonly instance: string;
  /** Whether other instances may share the metadata (and change it without this one hearing of it). */
  readonly shared: boolean;
  isLeader(): boolean;
  role(): Role;
  /** The term of this instance's current leadership; null while standby. */
  term(): number | null;
  /** Hears every change of role, in order (leader true, then false, ...); returns the unsubscribe. */
  onChange(listener: (leader: boolean) => void): () => void;
  /**
   * Inside a leader's write transaction: throws NotLeaderError unless this instance still holds the
   * stored term (the row is locked for the rest of the transaction, so no successor's term slips in).
   */
  fence(trx: MetaTransaction): Promise<void>;
  close(): Promise<void>;
}

/** A write refused because this instance no longer leads (another took over). */
export class NotLeaderError extends Error {
  override readonly name = "NotLeaderError";
}

export function instanceName(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

/** The single instance of the embedded (SQLite) mode: always the leader. */
export class SoleLeadership implements Leadership {
  readonly instance = instanceName();
  readonly shared = false;
  isLeader(): boolean {
    return true;
  }
  role(): Role {
    return "leader";
  }
  term(): number | null {
    return 1;
  }
  onChange(): () => void {
    return () => undefined;
  }
  async fence(): Promise<void> {}
  async close(): Promise<void> {}
}

export interface PostgresLeadershipOptions {
  /** How often a standby tries for the lock and a leader checks its connection. */
  retryMs: number;
  /** Longest a connect or check may take before the connection counts as lost. */
  timeoutMs: number;
}

// Failover within 15 s (issue #21): a dead process frees its lock at once, a standby tries every 3 s.
export const DEFAULT_LEADERSHIP_OPTIONS: PostgresLeadershipOptions = { retryMs: 3_000, timeoutMs: 5_000 };

const LOCK_KEY = "water-monitor leader";
// The server notices a leader's machine gone silent (power cut, network) by TCP keepalive and ends
// its session, freeing the lock: probes after 5 s idle, every 2 s, 3 missed = gone (about 11 s).
const KEEPALIVES = ["SET tcp_keepalives_idle = 5", "SET tcp_keepalives_interval = 2", "SET tcp_keepalives_count = 3"];
const NEXT_TERM = `INSERT INTO cluster_leader (id, term, holder, since) VALUES (1, 1, $1, $2)
  ON CONFLICT (id) DO UPDATE SET term = cluster_leader.term + 1, holder = EXCLUDED.holder, since = EXCLUDED.since
  RETURNING term`;

export class PostgresLeadership implements Leadership {
  readonly instance = instanceName();
  readonly shared = true;
  private client: pg.Client | undefined;
  private currentTerm: number | null = null;
  private readonly listeners = new Set<(leader: boolean) => void>();
  private stopTimer: (() => void) | undefined;
  private attempting: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: PostgresLeadershipOptions,
  ) {}

  /** Tries once before resolving (a lone instance leads from its start), then every `retryMs`. */
  static async start(url: string, clock: Clock, scheduler: Scheduler, logger: Logger, options: Partial<PostgresLeadershipOptions> = {}): Promise<PostgresLeadership> {
    const leadership = new PostgresLeadership(url, clock, logger, { ...DEFAULT_LEADERSHIP_OPTIONS, ...options });
    await leadership.attempt();
    if (!leadership.isLeader()) logger.info({ instance: leadership.instance }, "another instance leads: this one is a standby");
    leadership.stopTimer = scheduler.every(leadership.options.retryMs, () => void leadership.attempt());
    return leadership;
  }

  isLeader(): boolean {
    return this.currentTerm !== null;
  }

  role(): Role {
    return this.isLeader() ? "leader" : "standby";
  }

  term(): number | null {
    return this.currentTerm;
  }

  onChange(listener: (leader: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async fence(trx: MetaTransaction): Promise<void> {
    const term = this.currentTerm;
    const row = await trx.selectFrom("cluster_leader").select(["term", "holder"]).where("id", "=", 1).forUpdate().executeTakeFirst();
    if (term !== null && row?.term === term && row.holder === this.instance) return;
    if (term !== null) this.stepDown(`the stored term is ${row?.term} (${row?.holder}), not ours (${term})`);
    throw new NotLeaderError(`this instance (${this.instance}) does not lead: term ${row?.term} belongs to ${row?.holder}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopTimer?.();
    await this.attempting;
    const client = this.client;
    this.client = undefined;
    if (this.isLeader()) {
      this.currentTerm = null;
      this.logger.info({ instance: this.instance }, "leadership handed back: this instance closes");
      this.emit(false);
    }
    // Ending the session frees the lock at once: a standby takes over on its next try.
    await client?.end().catch(() => undefined);
  }

  /** One try (or check), never two at once. */
  private attempt(): Promise<void> {
    this.attempting ??= this.tryOnce().finally(() => (this.attempting = undefined));
    return this.attempting;
  }

  private async tryOnce(): Promise<void> {
    if (this.closed) return;
    try {
      const client = this.client ?? (await this.connect());
      if (this.isLeader()) {
        await client.query("SELECT 1");
        return;
      }
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", [LOCK_KEY]);
      if (!rows[0]?.locked || this.closed) return;
      const term = (await client.query<{ term: string | number }>(NEXT_TERM, [this.instance, this.clock.now()])).rows[0]!.term;
      this.currentTerm = Number(term);
      this.logger.info({ instance: this.instance, term: this.currentTerm }, "this instance leads now: alert engine, rollup rebuilds and outbox sender run here");
      this.emit(true);
    } catch (err) {
      this.lost(err);
    }
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: this.options.timeoutMs, query_timeout: this.options.timeoutMs, keepAlive: true });
    // A dropped connection is an 'error' event (which would otherwise end the process) and 'end'.
    client.on("error", (err) => this.lost(err, client));
    client.on("end", () => this.lost(new Error("connection ended"), client));
    this.client = client;
    await client.connect();
    for (const setting of KEEPALIVES) await client.query(setting);
    return client;
  }

  private lost(err: unknown, client = this.client): void {
    if (client !== this.client || !client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.stepDown(`the leadership connection failed: ${scrubUrls((err as Error).message ?? String(err))}`);
  }

  private stepDown(reason: string): void {
    if (!this.isLeader()) return;
    const term = this.currentTerm;
    this.currentTerm = null;
    this.logger.warn({ instance: this.instance, term, reason }, "this instance no longer leads: it stands by and tries again");
    // Its session (and lock) goes too, so that a check finding it healthy again cannot keep a stale lead.
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
    this.emit(false);
  }

  private emit(leader: boolean): void {
    for (const listener of this.listeners) listener(leader);
  }
}
