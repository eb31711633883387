// The readings stream of a cluster: every reading any instance accepts goes into one Redis stream
// (XADD, one entry per accepted batch, batches accepted while one is being sent go together), and
// - every instance reads the whole stream (XREAD) and hands the other instances' readings to its
//   live clients and its /latest (its own it handed over when it accepted them);
// - the alert engine takes them through a consumer group (XREADGROUP), so each entry reaches one
//   engine once; only the leader reads (`Leadership`), acknowledges an entry (XACK) only after the
//   engine has judged and recorded it, and, when it becomes leader, first takes over what a previous
//   leader read but never acknowledged (XAUTOCLAIM: a leader that died mid-batch).
// While Redis is down, batches wait here in order (up to MAX_UNSENT_READINGS) and go out once it is
// back; an entry sent twice (the reply was lost with the connection) or delivered twice (its XACK was
// lost) is recognised by its batch id or entry id and judged once.
import { LRUCache } from "lru-cache";
import type { Reading } from "../../../common/reading.ts";
import type { Logger } from "../../../common/logger.ts";
import { backoffDelay } from "../util/backoff.ts";
import { scrubUrls } from "../util/safe-url.ts";
import type { RedisConnection } from "./redis-connection.ts";

/** Who runs the alert engine now (leader election); until it exists, every instance is asked. */
export interface Leadership {
  isLeader(): boolean;
  onChange(listener: (leader: boolean) => void): () => void;
}

export interface ReadingSinks {
  /** Every instance, for readings another instance accepted: live clients, /latest. */
  elsewhere(readings: readonly Reading[]): void;
  /** Once in the cluster (on the leader): the alert engine; resolves once they are judged and recorded. */
  once(readings: readonly Reading[]): Promise<void>;
}

export interface ReadingStreamOptions {
  key: string;
  /** This instance's name in the stream (entries' origin, the consumer's name in the group). */
  instanceId: string;
  /** Sends entries and acknowledgements. */
  commands: RedisConnection;
  /** Blocking reads need connections of their own (a blocked connection answers nothing else). */
  fanoutReader: RedisConnection;
  groupReader: RedisConnection;
  sinks: ReadingSinks;
  leadership: Leadership;
  logger: Logger;
}

/** The consumer group of the alert engine. */
export const ENGINE_GROUP = "alert-engine";
/** Entry format; an entry of another format (an instance of another release) is skipped with a warning. */
const FORMAT = "1";
/** The stream keeps about this many entries (batches); the engine is never that far behind unless it is down. */
const MAX_ENTRIES = 100_000;
/** Readings waiting for Redis beyond this: the oldest are given up (logged), memory stays bounded. */
const MAX_UNSENT_READINGS = 200_000;
/** One entry carries at most about this many readings (a larger accepted batch goes whole). */
const ENTRY_READINGS = 5_000;
/** Longest a blocking read waits before looking at leadership and shutdown again. */
const BLOCK_MS = 1_000;
const READ_COUNT = 100;
/** Entries a leader read but did not acknowledge for this long are taken over (it died or lost leadership). */
export const CLAIM_IDLE_MS = 5_000;
/** Entry and batch ids judged recently: a redelivery or resend is acknowledged without judging it again. */
const REMEMBERED_IDS = 20_000;

interface StreamEntry {
  id: string;
  message: Record<string, string>;
}
type StreamsReply = Array<{ name: string; messages: StreamEntry[] }> | null;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class RedisReadingStream {
  private unsent: Array<readonly Reading[]> = [];
  private unsentCount = 0;
  private sending: Promise<void> | undefined;
  private sequence = 0;
  private stopped = false;
  private readonly judged = new LRUCache<string, true>({ max: REMEMBERED_IDS });
  /** The entry the engine is judging now: shutdown lets it finish and be acknowledged. */
  private judging: Promise<void> | undefined;
  private wakeConsumer: (() => void) | undefined;
  private stopLeadershipWatch: (() => void) | undefined;
  private readonly warned = new Set<string>();
  /** Readings given up since the stream last took an entry (reported when it does again). */
  private droppedSinceSent = 0;

  constructor(private readonly options: ReadingStreamOptions) {}

  /** Creates the group if needed and starts reading after the stream's current end. */
  async start(): Promise<void> {
    await this.ensureGroup();
    const newest = (await this.options.commands.xRevRange(this.options.key, "+", "-", { COUNT: 1 })) as unknown as StreamEntry[] | null;
    const from = newest?.[0]?.id ?? "0-0";
    this.stopLeadershipWatch = this.options.leadership.onChange(() => this.wakeConsumer?.());
    // They run until close(), and end when their connections are closed after it.
    void this.fanOut(from);
    void this.consume();
  }

  /** Readings this instance accepted: into the stream, in order. */
  publish(readings: readonly Reading[]): void {
    if (readings.length === 0 || this.stopped) return;
    this.unsent.push(readings);
    this.unsentCount += readings.length;
    let dropped = 0;
    while (this.unsentCount > MAX_UNSENT_READINGS && this.unsent.length > 1) {
      const oldest = this.unsent.shift()!;
      this.unsentCount -= oldest.length;
      dropped += oldest.length;
    }
    if (dropped > 0) {
      this.droppedSinceSent += dropped;
      this.warnOnce("overflow", { unsent: this.unsentCount }, "Redis unreachable for too long: the oldest unsent readings are given up for the alert engine and the other instances' live clients (they are stored all the same)");
    }
    this.sending ??= this.send().finally(() => (this.sending = undefined));
  }

  /**
   * Sends what is unsent and lets the engine finish the entry it is judging (each waiting at most
   * `timeoutMs` for Redis), then stops; the blocked reads end when the caller closes their connections.
   */
  async close(timeoutMs = 2_000): Promise<void> {
    if (this.sending) await Promise.race([this.sending, sleep(timeoutMs)]);
    this.stopped = true;
    this.stopLeadershipWatch?.();
    this.wakeConsumer?.();
    if (this.judging) await Promise.race([this.judging, sleep(timeoutMs)]);
  }

  private async send(): Promise<void> {
    while (this.unsent.length > 0 && !this.stopped) {
      const batch: Reading[] = [];
      while (this.unsent.length > 0 && (batch.length === 0 || batch.length + this.unsent[0]!.length <= ENTRY_READINGS)) {
        const next = this.unsent.shift()!;
        this.unsentCount -= next.length;
        for (const r of next) batch.push(r);
      }
      const message = { v: FORMAT, origin: this.options.instanceId, batch: `${this.options.instanceId}:${++this.sequence}`, readings: JSON.stringify(batch) };
      for (let attempt = 0; !this.stopped; attempt++) {
        try {
          await this.options.commands.xAdd(this.options.key, "*", message, { TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: MAX_ENTRIES } });
          this.recovered("send");
          if (this.warned.delete("overflow")) this.options.logger.error({ dropped: this.droppedSinceSent }, "readings stream: readings given up while Redis was unreachable");
          this.droppedSinceSent = 0;
          break;
        } catch (err) {
          this.failed("send", err, "readings wait for Redis to go into the stream");
          await sleep(backoffDelay(attempt, 100, 2_000));
        }
      }
    }
  }

  /** Every entry after `from`: another instance's readings reach this instance's live clients and /latest. */
  private async fanOut(from: string): Promise<void> {
    let last = from;
    for (let attempt = 0; !this.stopped; ) {
      try {
        const reply = (await this.options.fanoutReader.xRead({ key: this.options.key, id: last }, { COUNT: READ_COUNT, BLOCK: BLOCK_MS })) as unknown as StreamsReply;
        attempt = 0;
        this.recovered("fan-out");
        for (const entry of reply?.[0]?.messages ?? []) {
          last = entry.id;
          if (entry.message.origin === this.options.instanceId) continue;
          const readings = this.decode(entry);
          if (readings) this.options.sinks.elsewhere(readings);
        }
      } catch (err) {
        if (this.stopped) break;
        this.failed("fan-out", err, "live readings of other instances wait for Redis");
        await sleep(backoffDelay(attempt++, 100, 2_000));
      }
    }
  }

  /** The engine's share: only while this instance leads. */
  private async consume(): Promise<void> {
    let ownPendingFirst = true;
    let nextClaim = 0;
    for (let attempt = 0; !this.stopped; ) {
      if (!this.options.leadership.isLeader()) {
        // Read again from our own pending entries when leadership comes back.
        ownPendingFirst = true;
        nextClaim = 0;
        await new Promise<void>((resolve) => {
          this.wakeConsumer = resolve;
          setTimeout(resolve, BLOCK_MS).unref();
        });
        continue;
      }
      try {
        let entries: Array<StreamEntry | null>;
        if (ownPendingFirst) {
          entries = this.entriesOf(await this.options.groupReader.xReadGroup(ENGINE_GROUP, this.options.instanceId, { key: this.options.key, id: "0" }, { COUNT: READ_COUNT }));
          if (entries.length === 0) ownPendingFirst = false;
        } else if (Date.now() >= nextClaim) {
          const claimed = await this.options.groupReader.xAutoClaim(this.options.key, ENGINE_GROUP, this.options.instanceId, CLAIM_IDLE_MS, "0-0", { COUNT: READ_COUNT });
          entries = claimed.messages as unknown as Array<StreamEntry | null>;
          if (entries.length === 0) nextClaim = Date.now() + CLAIM_IDLE_MS;
        } else {
          entries = this.entriesOf(await this.options.groupReader.xReadGroup(ENGINE_GROUP, this.options.instanceId, { key: this.options.key, id: ">" }, { COUNT: READ_COUNT, BLOCK: BLOCK_MS }));
        }
        attempt = 0;
        this.recovered("engine");
        for (const entry of entries) {
          if (!entry) continue; // trimmed away before anyone judged it
          // Leadership lost meanwhile: the new leader takes these over once they are idle.
          if (!this.options.leadership.isLeader() || this.stopped) break;
          this.judging = this.judgeOnce(entry);
          await this.judging;
          this.judging = undefined;
        }
      } catch (err) {
        if (this.stopped) break;
        const message = (err as Error).message ?? "";
        // Redis came back without the stream (no persistence): make the group again.
        if (message.startsWith("NOGROUP")) await this.ensureGroup().catch(() => undefined);
        this.failed("engine", err, "readings wait in the stream for the alert engine");
        ownPendingFirst = true;
        await sleep(backoffDelay(attempt++, 100, 2_000));
      }
    }
  }

  private async judgeOnce(entry: StreamEntry): Promise<void> {
    const batch = entry.message.batch ?? entry.id;
    if (!this.judged.has(entry.id) && !this.judged.has(batch)) {
      const readings = this.decode(entry);
      if (readings) await this.options.sinks.once(readings);
      this.judged.set(entry.id, true);
      this.judged.set(batch, true);
    }
    await this.options.commands.xAck(this.options.key, ENGINE_GROUP, entry.id);
  }

  private entriesOf(reply: unknown): StreamEntry[] {
    return (reply as StreamsReply)?.[0]?.messages ?? [];
  }

  private decode(entry: StreamEntry): Reading[] | undefined {
    if (entry.message.v !== FORMAT) {
      this.warnOnce(`format:${entry.message.v}`, { entry: entry.id, format: entry.message.v }, "readings stream entry of another format (an instance of another release?) skipped");
      return undefined;
    }
    try {
      const readings = JSON.parse(entry.message.readings ?? "") as unknown;
      if (Array.isArray(readings)) return readings as Reading[];
    } catch {
      // reported below
    }
    this.warnOnce(`bad:${entry.id}`, { entry: entry.id }, "unreadable readings stream entry skipped");
    return undefined;
  }

  private ensureGroup(): Promise<void> {
    return this.options.commands.xGroupCreate(this.options.key, ENGINE_GROUP, "0", { MKSTREAM: true }).then(
      () => undefined,
      (err: unknown) => {
        if (!(err as Error).message?.startsWith("BUSYGROUP")) throw err;
      },
    );
  }

  /** One warning per part and outage, one line when it works again. */
  private failed(part: string, err: unknown, meanwhile: string): void {
    this.warnOnce(part, { part, reason: scrubUrls((err as Error).message ?? String(err)) }, `readings stream: Redis failed; ${meanwhile}`);
  }

  private recovered(part: string): void {
    if (this.warned.delete(part)) this.options.logger.info({ part }, "readings stream: Redis answers again");
  }

  private warnOnce(what: string, details: object, message: string): void {
    if (this.warned.has(what)) return;
    if (this.warned.size > 1_000) this.warned.clear();
    this.warned.add(what);
    this.options.logger.warn(details, message);
  }
}
