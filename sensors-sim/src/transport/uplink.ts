// A station logger's uplink: buffers readings in memory (bounded), sends them in batches, and when
// the server is unreachable or answers 429/503/5xx keeps them and retries with exponential backoff,
// honouring Retry-After. One batch is in flight at a time, so readings arrive in the order they were
// produced (apart from what the logger itself reorders). Drop policy when the buffer is full: the
// oldest buffered readings go first (a ring buffer, as in real dataloggers) — the batch being
// retried is kept. 4xx answers other than 408/413/429 are final: logged and counted as rejected
// (when a 400 names the invalid readings, only those; the rest of the batch is sent again).
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import type { SimReading } from "../reading-generator.ts";
import { ReadingQueue } from "./reading-queue.ts";
import type { ReadingSink } from "./sink.ts";

export interface UplinkOptions {
  /** Most readings held (queued + in flight); beyond it the oldest are dropped. */
  maxBuffered: number;
  /** Most readings per request (the server takes up to 10,000). */
  batchSize: number;
  /** First retry delay and its cap, ms; doubled per failed attempt. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_UPLINK_OPTIONS: Readonly<UplinkOptions> = Object.freeze({
  // ≈ 9 days of the full network (8 stations × 19 parameters × 144 readings a day), ~40 MB.
  maxBuffered: 200_000,
  batchSize: 5_000,
  retryBaseMs: 500,
  retryMaxMs: 60_000,
});

export interface UplinkStats {
  /** Readings the server accepted. */
  sent: number;
  /** Readings sent again after a failed attempt (counted once per resend). */
  retried: number;
  /** Readings waiting to be sent (queued + in flight). */
  buffered: number;
  /** Readings discarded because the buffer was full. */
  dropped: number;
  /** Readings the server refused for good (4xx). */
  rejected: number;
  /** Readings the server flagged at ingest, from its 202 answers. */
  flagged: { suspect: number; fail: number };
  requests: number;
  failedRequests: number;
}

export class Uplink {
  private readonly queue = new ReadingQueue();
  private inFlight: SimReading[] | undefined;
  private batchSize: number;
  private attempt = 0;
  private outageStartedAt: number | undefined;
  private droppedInOutage = 0;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private waiters: Array<{ limit: number; resolve: () => void }> = [];
  private readonly stats: UplinkStats = {
    sent: 0, retried: 0, buffered: 0, dropped: 0, rejected: 0, flagged: { suspect: 0, fail: 0 }, requests: 0, failedRequests: 0,
  };
  private readonly loop: Promise<void>;

  constructor(
    private readonly sink: ReadingSink,
    private readonly options: UplinkOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.batchSize = options.batchSize;
    this.loop = this.run();
  }

  get buffered(): number {
    return this.queue.size + (this.inFlight?.length ?? 0);
  }

  snapshot(): UplinkStats {
    return { ...this.stats, flagged: { ...this.stats.flagged }, buffered: this.buffered };
  }

  enqueue(readings: readonly SimReading[]): void {
    if (this.abort.signal.aborted || readings.length === 0) return;
    const overflow = this.buffered + readings.length - this.options.maxBuffered;
    let incoming = readings;
    if (overflow > 0) {
      let dropped = this.queue.dropOldest(overflow);
      if (dropped < overflow) {
        // Only the retried batch is older, and it stays: drop the oldest of the new readings.
        incoming = readings.slice(overflow - dropped);
        dropped = overflow;
      }
      if (this.droppedInOutage === 0) {
        this.logger.warn({ maxBuffered: this.options.maxBuffered }, "buffer full: dropping the oldest readings until the server answers");
      }
      this.droppedInOutage += dropped;
      this.stats.dropped += dropped;
    }
    this.queue.push(incoming);
    this.wake?.();
  }

  /** Resolves when at most `limit` readings are buffered (backfill waits on it), or on close. */
  whenBufferedAtMost(limit: number): Promise<void> {
    if (this.buffered <= limit || this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ limit, resolve }));
  }

  /** Waits until everything is sent (true) or the timeout passes (false). */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.buffered === 0) return true;
    const timeout = new AbortController();
    const emptied = this.whenBufferedAtMost(0).then(() => true);
    const timedOut = this.clock.sleep(timeoutMs, timeout.signal).then(() => false);
    const result = await Promise.race([emptied, timedOut]);
    timeout.abort();
    return result && this.buffered === 0;
  }

  /** Stops sending; what is still buffered stays counted in `buffered`. */
  async close(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    this.notifyWaiters(true);
    await this.loop;
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      if (!this.inFlight) {
        if (this.queue.size === 0) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        this.inFlight = this.queue.take(this.batchSize);
      }
      const batch = this.inFlight;
      if (this.attempt > 0) this.stats.retried += batch.length;
      this.stats.requests++;
      const outcome = await this.sink.send(batch, signal);
      if (signal.aborted) break;
      switch (outcome.kind) {
        case "accepted":
          this.stats.sent += batch.length;
          this.stats.flagged.suspect += outcome.flagged.suspect;
          this.stats.flagged.fail += outcome.flagged.fail;
          this.inFlight = undefined;
          this.recovered();
          break;
        case "rejected": {
          // The ingest API stores nothing from a batch with an invalid reading but names the culprits:
          // drop those and send the rest again, rather than lose thousands of good readings.
          const invalid = new Set(outcome.invalidIndices ?? []);
          const keep = invalid.size > 0 && invalid.size < batch.length ? batch.filter((_, i) => !invalid.has(i)) : [];
          const refused = batch.length - keep.length;
          this.stats.rejected += refused;
          this.logger.error(
            { status: outcome.status, code: outcome.code, refused, resending: keep.length, transport: this.sink.name },
            `server rejected readings: ${outcome.message}`,
          );
          this.inFlight = keep.length > 0 ? keep : undefined;
          this.recovered();
          break;
        }
        case "tooLarge":
          if (batch.length > 1) {
            // The server's limit is lower than ours: halve the batches from now on.
            this.batchSize = Math.max(1, Math.floor(batch.length / 2));
            this.queue.unshift(batch.slice(this.batchSize));
            this.inFlight = batch.slice(0, this.batchSize);
            this.logger.warn({ batchSize: this.batchSize }, `server says the batch is too large; sending smaller batches`);
          } else {
            this.stats.rejected += 1;
            this.inFlight = undefined;
            this.logger.error(`server refused a single reading as too large: ${outcome.message}`);
          }
          break;
        case "retry": {
          this.stats.failedRequests++;
          const delay = outcome.retryAfterMs ?? Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** this.attempt);
          if (this.outageStartedAt === undefined) {
            this.outageStartedAt = this.clock.now();
            this.logger.warn({ reason: outcome.reason, transport: this.sink.name }, "server unavailable: buffering readings and retrying");
          }
          this.logger.debug({ reason: outcome.reason, attempt: this.attempt + 1, delayMs: delay, buffered: this.buffered }, "retrying");
          this.attempt++;
          await this.clock.sleep(delay, signal);
          break;
        }
      }
      this.notifyWaiters(false);
    }
  }

  private recovered(): void {
    if (this.attempt > 0 && this.outageStartedAt !== undefined) {
      this.logger.info(
        { outageMs: this.clock.now() - this.outageStartedAt, attempts: this.attempt, dropped: this.droppedInOutage, buffered: this.buffered },
        "server reachable again; sending buffered readings",
      );
    }
    this.attempt = 0;
    this.outageStartedAt = undefined;
    this.droppedInOutage = 0;
  }

  private notifyWaiters(all: boolean): void {
    if (this.waiters.length === 0) return;
    const buffered = this.buffered;
    this.waiters = this.waiters.filter((w) => {
      if (all || buffered <= w.limit) {
        w.resolve();
        return false;
      }
      return true;
    });
  }
}
