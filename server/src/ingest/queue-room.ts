// Backpressure before a request's body is read: while the batch writer's queue holds `mark` or more
// readings (InfluxDB takes them slower than ingest accepts them), an ingest request waits until the
// queue has drained below the mark, or `maxWaitMs` has passed, before it reads its body. The body
// waits in the socket meanwhile, not in the server's memory, and a client that waits for its answer
// before sending more (as gateways and the simulator do) slows to what InfluxDB takes. Without it the
// queue grew towards QUEUE_MAX_POINTS, each queued reading holding its stored line and columns, and
// only then did clients learn (503, and a resend of the whole body). Past `maxWaitMs` the request goes
// on and the queue's hard limit decides, as before. A waiter whose wait ran out stays listed until
// the next release, which lets it go a second time: harmless.

/** The longest a request waits for room before the queue's hard limit decides. */
const MAX_WAIT_MS = 2_000;

export class QueueRoom {
  private waiters: Array<() => void> = [];

  constructor(
    private readonly mark: number,
    private readonly maxWaitMs = MAX_WAIT_MS,
  ) {}

  /** Undefined (go on now) while `queued` is below the mark; else resolves once it drops below it, or after maxWaitMs. */
  wait(queued: number): Promise<void> | undefined {
    if (queued < this.mark) return undefined;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.maxWaitMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The queue now holds `queued` readings: the waiters go on once that is below the mark. */
  update(queued: number): void {
    if (queued < this.mark && this.waiters.length > 0) this.release();
  }

  /** Lets every waiter go on (shutdown, or InfluxDB stopped taking writes: then the queue's own limits decide). */
  release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const go of waiters) go();
  }
}
