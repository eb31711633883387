// Which accepted readings are settled — in InfluxDB, in the spool, or refused by InfluxDB for good —
// for the batch writer's waits: `settledSoFar()` (everything accepted before it) and `stored(range)`
// (one request's readings, INGEST_ACK=stored). Readings are numbered in the order they were
// accepted, batches carry the range of numbers they hold, and several batches may be in flight at
// once and finish in any order. A range is settled when none of its readings is still queued or in
// an unsettled batch; it fails when a batch holding any of them was refused by InfluxDB for good.

/** Reading numbers `from` (inclusive) to `to` (exclusive), as `accept` hands them out. */
export interface ReadingRange {
  from: number;
  to: number;
}

interface Waiter extends ReadingRange {
  /** A request's wait fails on a refusal; `untilSettled` counts refused readings as settled. */
  failOnRefusal: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Refused ranges kept for waits that begin after the refusal (a request awaiting its journal write first). */
const REFUSALS_KEPT = 256;

const overlaps = (a: ReadingRange, b: ReadingRange) => a.from < b.to && b.from < a.to;

export class SettleTracker {
  /** Readings accepted so far: the number of the next one. */
  private accepted = 0;
  /** Number of the first queued reading (after a requeue possibly less, which only waits longer). */
  private queuedSeq = 0;
  /** Batches taken from the queue and not settled yet: first number → number after the last. */
  private readonly unsettled = new Map<number, number>();
  private waiters: Waiter[] = [];
  private readonly refusals: Array<ReadingRange & { error: Error }> = [];

  /** Numbers the next `count` readings; their range. */
  accept(count: number): ReadingRange {
    const from = this.accepted;
    this.accepted += count;
    return { from, to: this.accepted };
  }

  /** A batch of `count` readings leaves the front of the queue, `left` stay queued: its first number. */
  take(count: number, left: number): number {
    const seq = this.queuedSeq;
    this.queuedSeq = left === 0 ? this.accepted : seq + count;
    this.unsettled.set(seq, seq + count);
    return seq;
  }

  /** The batch starting at `seq` went back to the front of the queue. */
  requeued(seq: number): void {
    this.unsettled.delete(seq);
    this.queuedSeq = Math.min(this.queuedSeq, seq);
  }

  /** InfluxDB refused the batch starting at `seq` for good: waits on any of its readings fail with `error`. */
  refused(seq: number, error: Error): void {
    const range = { from: seq, to: this.unsettled.get(seq) ?? seq };
    this.refusals.push({ ...range, error });
    if (this.refusals.length > REFUSALS_KEPT) this.refusals.shift();
    const [failed, still] = partition(this.waiters, (w) => w.failOnRefusal && overlaps(w, range));
    this.waiters = still;
    for (const w of failed) w.reject(error);
  }

  settled(seq: number, queued: number): void {
    this.unsettled.delete(seq);
    if (this.waiters.length === 0) return;
    const [done, still] = partition(this.waiters, (w) => this.isSettled(w, queued));
    this.waiters = still;
    for (const w of done) w.resolve();
  }

  /** Resolves once every reading accepted so far is settled; `queued` = readings still in the queue. */
  untilSettled(queued: number): Promise<void> {
    return this.wait({ from: 0, to: this.accepted }, queued, false);
  }

  /**
   * Resolves once every reading of `range` is settled; rejects with the refusal's error when InfluxDB
   * refused any of them for good. `queued` = readings still in the queue.
   */
  until(range: ReadingRange, queued: number): Promise<void> {
    return this.wait(range, queued, true);
  }

  private wait(range: ReadingRange, queued: number, failOnRefusal: boolean): Promise<void> {
    const refusal = failOnRefusal ? this.refusals.find((r) => overlaps(r, range)) : undefined;
    if (refusal) return Promise.reject(refusal.error);
    if (this.isSettled(range, queued)) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ from: range.from, to: range.to, failOnRefusal, resolve, reject }));
  }

  /** Whether a wait needs readings that are still queued (then the writer writes them now). */
  waitsOnQueued(queued: number): boolean {
    return queued > 0 && this.waiters.some((w) => w.to > this.queuedSeq);
  }

  private isSettled(range: ReadingRange, queued: number): boolean {
    if (range.from >= range.to) return true;
    if (queued > 0 && this.queuedSeq < range.to) return false;
    for (const [from, to] of this.unsettled) if (overlaps(range, { from, to })) return false;
    return true;
  }
}

function partition<T>(items: readonly T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}
