// Which accepted readings are settled — in InfluxDB, in the spool, or refused by InfluxDB for good —
// for the batch writer's `settledSoFar()`: readings are numbered in the order they were accepted,
// batches carry the number of their first reading, and several batches may be in flight at once
// and finish in any order. The frontier is the lowest number not settled yet.
export class SettleTracker {
  /** Readings accepted so far: the number of the next one. */
  private accepted = 0;
  /** Number of the first queued reading (after a requeue possibly less, which only waits longer). */
  private queuedSeq = 0;
  /** First numbers of batches taken from the queue and not settled yet. */
  private readonly unsettled = new Set<number>();
  private waiters: Array<{ upTo: number; resolve: () => void }> = [];

  accept(count: number): void {
    this.accepted += count;
  }

  /** A batch of `count` readings leaves the front of the queue, `left` stay queued: its first number. */
  take(count: number, left: number): number {
    const seq = this.queuedSeq;
    this.queuedSeq = left === 0 ? this.accepted : seq + count;
    this.unsettled.add(seq);
    return seq;
  }

  /** The batch starting at `seq` went back to the front of the queue. */
  requeued(seq: number): void {
    this.unsettled.delete(seq);
    this.queuedSeq = Math.min(this.queuedSeq, seq);
  }

  settled(seq: number, queued: number): void {
    this.unsettled.delete(seq);
    if (this.waiters.length === 0) return;
    const frontier = this.frontier(queued);
    const still = this.waiters.filter((w) => w.upTo > frontier);
    for (const w of this.waiters) if (w.upTo <= frontier) w.resolve();
    this.waiters = still;
  }

  /** Resolves once every reading accepted so far is settled; `queued` = readings still in the queue. */
  untilSettled(queued: number): Promise<void> {
    const upTo = this.accepted;
    if (this.frontier(queued) >= upTo) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  private frontier(queued: number): number {
    let frontier = queued > 0 ? this.queuedSeq : this.accepted;
    for (const seq of this.unsettled) frontier = Math.min(frontier, seq);
    return frontier;
  }
}
