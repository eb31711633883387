// Batch writer: collects accepted readings into 5,000–10,000-point writes, keeps several writes in
// flight, and never loses what it accepted. When InfluxDB fails, batches go to the on-disk spool and
// are replayed in order with capped exponential backoff once it answers again. When the memory queue
// is full, or InfluxDB is down and the spool is full, `enqueue` refuses with a BackpressureError
// (HTTP 503 + Retry-After) rather than accepting what it cannot keep; before that, while the queue is
// deep, ingest requests wait for `room` before reading their bodies (queue-room.ts). Each batch that
// is in InfluxDB, in the spool or refused by InfluxDB for good is released from the journal (journal.ts).
// With INGEST_ACK=stored the spool is the shared one in the metadata database (sql-spool.ts) and each
// request waits for its own readings (`stored`): those are written at once, not after WRITE_FLUSH_MS.
import type { Reading } from "../../../common/reading.ts";
import { BackpressureError, StorageUnavailableError, UnprocessableError } from "../errors.ts";
import { StorageRejectedError, type ReadingStore } from "../influx/store.ts";
import type { Logger } from "../../../common/logger.ts";
import { backoffDelay } from "../util/backoff.ts";
import type { IngestJournal } from "./journal.ts";
import { QueueRoom } from "./queue-room.ts";
import type { BatchWriterOptions, WriterStats } from "./batch-writer-options.ts";
import { takeBodies, type Chunk } from "./batch-bodies.ts";
import { QueuedReadings } from "./queued-readings.ts";
import { SettleTracker, type ReadingRange } from "./settle-tracker.ts";
import type { ReadingSpool } from "./spool.ts";

/** Readings taken from the queue together, with the journal segment of each. */
interface Batch {
  count: number;
  /** The readings, made anew on each call (queued-readings.ts): nothing per reading waits on InfluxDB. */
  readings: () => Reading[];
  segments: number[];
  /** The readings' stored line protocol as ingest built it, when it built it for all of them. */
  body: Buffer<ArrayBuffer> | undefined;
  /** Number of its first reading (settle-tracker.ts). */
  seq: number;
}

export class BatchWriter {
  /** Accepted readings waiting for InfluxDB, with the journal segment of each (released once it is safe). */
  private readonly pending = new QueuedReadings();
  /** The pending readings in the chunks they came in, oldest first: their line protocol, if built. */
  private pendingChunks: Chunk[] = [];
  private inFlight = 0;
  private inFlightPoints = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushSoon: NodeJS.Immediate | undefined;
  private readonly pollTimer: NodeJS.Timeout | undefined;
  private replayTimer: NodeJS.Timeout | undefined;
  private replaying = false;
  private replayAttempt = 0;
  private storageWritable = true;
  private closed = false;
  private written = 0;
  private rejected = 0;
  private lastError: { message: string; at: Date } | undefined;
  private lastOkAt: Date | undefined;
  private idleWaiters: Array<() => void> = [];
  /** Aborted by close() once its grace period is over: writes still hanging then are spooled. */
  private readonly shutdown = new AbortController();
  private replayRun: Promise<void> | undefined;
  private readonly writtenListeners: Array<(readings: readonly Reading[]) => void> = [];
  private readonly settling = new SettleTracker();
  private readonly queueRoom: QueueRoom;

  constructor(
    private readonly store: ReadingStore,
    private readonly spool: ReadingSpool,
    private readonly options: BatchWriterOptions,
    private readonly logger: Logger,
    private readonly journal?: IngestJournal,
  ) {
    this.queueRoom = new QueueRoom(options.holdAbovePoints ?? Number.POSITIVE_INFINITY);
    if (!spool.isEmpty) {
      logger.info({ batches: spool.segments, bytes: spool.bytes }, "replaying spool left by the previous run");
      this.storageWritable = false;
      this.scheduleReplay(0);
    }
    if (options.spoolPollMs !== undefined) {
      // A shared spool holds what a dead instance left: replay it whoever notices first.
      this.pollTimer = setInterval(() => {
        this.spool.refresh().then(
          () => !this.spool.isEmpty && this.scheduleReplay(0),
          (err: Error) => logger.warn({ err: err.message }, "looking into the shared spool failed"),
        );
      }, options.spoolPollMs);
      this.pollTimer.unref();
    }
  }

  /**
   * Accepts readings or throws BackpressureError; never accepts what it could not keep. With a
   * journal, `journalSegment` is where they were journaled; they are released from it once they
   * are in InfluxDB or the spool. `body`, where given, is their stored line protocol, one line
   * per reading in order (influx/stored-lines.ts): it goes to InfluxDB as it is. Returns the
   * readings' numbers, for `stored`.
   */
  enqueue(readings: readonly Reading[], journalSegment = 0, body?: Buffer<ArrayBuffer>): ReadingRange {
    this.assertCapacity(readings.length);
    this.pending.push(readings, journalSegment);
    if (readings.length > 0) this.pendingChunks.push({ count: readings.length, body });
    const range = this.settling.accept(readings.length);
    this.pump(false);
    return range;
  }

  /**
   * Resolves once every reading of `range` (one request's, from `enqueue`) is in InfluxDB or the
   * spool; rejects with UnprocessableError when InfluxDB refused them for good. Someone waits, so
   * the queue is written now (in the next turn of the event loop: requests arriving together go in
   * one write), not after WRITE_FLUSH_MS.
   */
  stored(range: ReadingRange): Promise<void> {
    const stored = this.settling.until(range, this.pending.length);
    this.flushSoon ??= setImmediate(() => {
      this.flushSoon = undefined;
      this.pump(true);
    });
    return stored;
  }

  /** Takes up to `n` readings (their journal segments and line protocol too) from the front of the queue. */
  private take(n: number): Batch {
    const { count, readings, segments } = this.pending.take(n);
    const seq = this.settling.take(count, this.pending.length);
    const body = takeBodies(this.pendingChunks, count);
    return { count, readings, segments, body, seq };
  }

  /** The batch is in InfluxDB, in the spool, or refused by InfluxDB for good: the journal may let go. */
  private settled(batch: Batch): void {
    this.journal?.release(batch.segments);
    this.settling.settled(batch.seq, this.pending.length);
  }

  /**
   * Resolves once every reading accepted before the call is in InfluxDB (or, while InfluxDB is
   * down, in the spool) without waiting for those accepted later: for work that must see what was
   * acknowledged, such as judging lab results against a sensor's readings. Writes the queue now.
   */
  async settledSoFar(): Promise<void> {
    const settled = this.settling.untilSettled(this.pending.length);
    this.pump(true);
    await settled;
  }

  /** Appends to the spool, then settles; on a disk error the batch goes back to the queue. */
  private async spoolBatch(batch: Batch): Promise<void> {
    try {
      await this.spool.append(batch.readings());
      this.settled(batch);
    } catch (err) {
      this.spoolFailed(batch, err);
    }
  }

  /** Before an ingest request reads its body: undefined when the queue has room, else resolves once it has (queue-room.ts). */
  room(): Promise<void> | undefined {
    return this.storageWritable && !this.closed ? this.queueRoom.wait(this.pending.length) : undefined;
  }

  /** Throws unless `count` more readings could be accepted now. */
  assertCapacity(count: number): void {
    if (this.closed) throw new StorageUnavailableError("Water Monitor is shutting down; send again shortly");
    if (this.pending.length + count > this.options.queueMaxPoints) {
      throw new BackpressureError(
        `Write queue is full (${this.pending.length} readings waiting for InfluxDB); retry later`,
        this.retryAfterSeconds(),
      );
    }
    if (!this.storageWritable && this.spool.bytes >= this.options.spoolMaxBytes) {
      throw new BackpressureError(
        `InfluxDB is unavailable and the spool is full (${this.spool.bytes} bytes); retry later`,
        this.retryAfterSeconds(),
      );
    }
  }

  stats(): WriterStats {
    return {
      queueDepth: this.pending.length + this.inFlightPoints,
      inFlightPoints: this.inFlightPoints,
      spoolBytes: this.spool.bytes,
      spoolBatches: this.spool.segments,
      journalBytes: this.journal?.stats().bytes ?? 0,
      writtenPoints: this.written,
      rejectedPoints: this.rejected,
      storageWritable: this.storageWritable,
      lastWriteError: this.lastError?.message,
      lastWriteErrorAt: this.lastError?.at.toISOString(),
      lastWriteOkAt: this.lastOkAt?.toISOString(),
    };
  }

  /** Resolves when every accepted reading is in InfluxDB (memory queue and spool empty). */
  async drained(): Promise<void> {
    this.pump(true);
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops accepting, writes what is queued, and spools whatever could not be written within
   * `timeoutMs` so the next start replays it. Nothing accepted is lost.
   */
  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    this.queueRoom.release();
    clearTimeout(this.flushTimer);
    clearInterval(this.pollTimer);
    clearImmediate(this.flushSoon);
    const drained = this.storageWritable && this.spool.isEmpty ? this.drained() : Promise.resolve();
    await Promise.race([drained, new Promise((r) => setTimeout(r, timeoutMs))]);
    clearTimeout(this.replayTimer);
    this.replayTimer = undefined;
    // Writes InfluxDB has not answered by now fail and go to the spool instead of holding up exit.
    this.shutdown.abort();
    while (this.pending.length > 0) {
      const batch = this.take(this.options.batchSize);
      await this.spool.append(batch.readings());
      this.settled(batch);
    }
    while (this.inFlight > 0) await new Promise((r) => setTimeout(r, 20));
    await this.replayRun;
    await this.spool.flushed();
  }

  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(backoffDelay(this.replayAttempt, this.retryBase, this.retryMax) / 1000));
  }

  private get retryBase(): number {
    return this.options.retryBaseMs ?? 250;
  }

  private get retryMax(): number {
    return this.options.retryMaxMs ?? 10_000;
  }

  private pump(force: boolean): void {
    const { batchSize, concurrency } = this.options;
    // A request waits for queued readings (`stored`): no waiting for a full batch or the timer.
    force ||= this.settling.waitsOnQueued(this.pending.length);
    while (this.pending.length > 0 && (this.pending.length >= batchSize || force)) {
      if (!this.storageWritable || !this.spool.isEmpty) {
        // Keep order: while anything waits in the spool, new batches queue behind it.
        void this.spoolBatch(this.take(batchSize));
        this.scheduleReplay(0);
        continue;
      }
      if (this.inFlight >= concurrency) break;
      void this.writeDirect(this.take(batchSize));
    }
    if (this.pending.length > 0 && !this.flushTimer && !this.closed) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        this.pump(true);
      }, this.options.flushMs);
    }
    this.queueRoom.update(this.storageWritable ? this.pending.length : 0);
    this.notifyIfIdle();
  }

  private async writeDirect(batch: Batch): Promise<void> {
    const points = batch.count;
    this.inFlight++;
    this.inFlightPoints += points;
    // One set of reading objects per write for every listener (the store's, at the write's start
    // and end, then onWritten's): the store holds it through the write anyway, and a second set
    // was an object per reading to allocate and collect, and the listeners' per-batch work twice.
    let made: Reading[] | undefined;
    const readings = (): Reading[] => (made ??= batch.readings());
    try {
      await this.store.writeReadings(readings, this.shutdown.signal, batch.body);
      this.wrote(batch.count, readings);
      this.settled(batch);
    } catch (err) {
      made = undefined;
      this.writeFailed(err as Error, points);
      if (err instanceof StorageRejectedError) {
        // Not stored, and never will be: a request waiting for these readings is told so, not 202.
        this.settling.refused(batch.seq, new UnprocessableError("readings_refused", `InfluxDB refused a write holding these readings (${err.message}); some or all of them are not stored: correct them before sending again`));
        this.settled(batch);
      } else {
        this.storageWritable = false;
        await this.spoolBatch(batch);
        this.scheduleReplay(this.retryBase);
      }
    } finally {
      this.inFlight--;
      this.inFlightPoints -= points;
      this.pump(this.closed);
    }
  }

  private scheduleReplay(delayMs: number): void {
    // After close the spool waits on disk for the next start.
    if (this.closed || this.replaying || this.replayTimer) return;
    this.replayTimer = setTimeout(() => {
      this.replayTimer = undefined;
      this.replayRun = this.replay();
    }, delayMs);
  }

  private async replay(): Promise<void> {
    this.replaying = true;
    try {
      for (;;) {
        if (this.closed) return;
        const segment = await this.spool.oldest();
        if (!segment) break;
        try {
          await this.store.writeReadings(segment.readings, this.shutdown.signal);
          await this.spool.remove(segment.id);
          this.wrote(segment.readings.length, () => segment.readings);
        } catch (err) {
          this.writeFailed(err as Error, segment.readings.length);
          if (err instanceof StorageRejectedError) {
            await this.spool.remove(segment.id);
            continue;
          }
          this.storageWritable = false;
          await this.spool.release(segment.id).catch(() => undefined);
          const delay = backoffDelay(this.replayAttempt++, this.retryBase, this.retryMax);
          this.replaying = false;
          if (!this.closed) this.scheduleReplay(delay);
          return;
        }
      }
      this.replayAttempt = 0;
      if (!this.storageWritable) this.logger.info("InfluxDB writable again; spool replayed");
      this.storageWritable = true;
    } finally {
      this.replaying = false;
    }
    this.pump(this.closed);
  }

  /** Called with every batch once InfluxDB has it (directly or from the spool). */
  onWritten(listener: (readings: readonly Reading[]) => void): void {
    this.writtenListeners.push(listener);
  }

  /** `count` readings are in InfluxDB; `readings` makes them, for the listeners. */
  private wrote(count: number, readings: () => readonly Reading[]): void {
    this.written += count;
    this.lastOkAt = new Date();
    if (this.writtenListeners.length === 0) return;
    const list = readings();
    for (const listener of this.writtenListeners) listener(list);
  }

  private writeFailed(err: Error, points: number): void {
    this.lastError = { message: err.message, at: new Date() };
    if (err instanceof StorageRejectedError) {
      // A 4xx from InfluxDB means the points themselves are unacceptable; validation should make
      // this impossible, so it is logged loudly rather than retried forever.
      this.rejected += points;
      this.logger.error({ err: err.message, points }, "InfluxDB rejected a batch");
    } else {
      this.logger.warn({ err: err.message, points }, "InfluxDB write failed; batch spooled for replay");
    }
  }

  private spoolFailed(batch: Batch, err: unknown): void {
    // The disk refused the batch: keep it in memory rather than lose it.
    this.logger.error({ err: (err as Error).message, points: batch.count }, "spool write failed; batch kept in memory");
    this.pending.unshift(batch.readings(), batch.segments);
    this.pendingChunks.unshift({ count: batch.count, body: batch.body });
    this.settling.requeued(batch.seq);
  }

  private isIdle(): boolean {
    return this.pending.length === 0 && this.inFlight === 0 && this.spool.isEmpty;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle() || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
