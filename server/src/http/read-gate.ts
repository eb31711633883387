// Server-wide concurrency limit for the read API. Every read (series, latest, catalog, alerts, export
// estimates) holds one slot while it runs; beyond the slots requests wait in a queue, and when the
// queue is full or the wait too long they are refused with 503 + Retry-After. Callers who are not
// logged in share at most `anonymousSlots` and wait behind logged-in callers: on a public dashboard
// a crowd of anonymous clients must not make a researcher's own chart wait (measured by
// tests/bench/read-load.bench.ts).
import { ServerBusyError } from "../errors.ts";

export interface ReadGateOptions {
  /** Reads running at once. */
  slots: number;
  /** Of those, at most this many for callers who are not logged in. */
  anonymousSlots: number;
  /** Requests waiting at once; beyond, 503 at once. */
  queueMax: number;
  /** Longest wait in the queue before 503. */
  maxWaitMs: number;
}

export interface ReadGateStats {
  running: number;
  runningAnonymous: number;
  waiting: number;
  refused: number;
}

interface Waiter {
  anonymous: boolean;
  grant: (release: () => void) => void;
  fail: (err: Error) => void;
}

/** Smoothing of the observed hold time, which sets the Retry-After of refusals. */
const EWMA_WEIGHT = 0.2;

export class ReadGate {
  private running = 0;
  private runningAnonymous = 0;
  /** Logged-in callers first, then anonymous ones, each in arrival order. */
  private readonly queues: { user: Waiter[]; anonymous: Waiter[] } = { user: [], anonymous: [] };
  private refused = 0;
  private holdMs = 100;

  constructor(private readonly options: ReadGateOptions) {}

  stats(): ReadGateStats {
    return { running: this.running, runningAnonymous: this.runningAnonymous, waiting: this.waiting(), refused: this.refused };
  }

  /**
   * Resolves with the function that frees the slot (call it once, when the answer is sent).
   * Rejects with ServerBusyError when the queue is full or the wait exceeds maxWaitMs, and with
   * the signal's reason when the caller went away while waiting.
   */
  acquire(anonymous: boolean, signal?: AbortSignal): Promise<() => void> {
    if (this.mayRun(anonymous) && this.waitingAhead(anonymous) === 0) return Promise.resolve(this.take(anonymous));
    if (this.waiting() >= this.options.queueMax) return Promise.reject(this.busy(`${this.waiting()} requests are waiting already`));
    return new Promise((resolve, reject) => {
      const queue = anonymous ? this.queues.anonymous : this.queues.user;
      const leave = () => {
        const i = queue.indexOf(waiter);
        if (i >= 0) queue.splice(i, 1);
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        anonymous,
        grant: (release) => {
          leave();
          resolve(release);
        },
        fail: (err) => {
          leave();
          reject(err);
        },
      };
      const timer = setTimeout(() => waiter.fail(this.busy(`no slot within ${this.options.maxWaitMs} ms`)), this.options.maxWaitMs);
      timer.unref();
      const onAbort = () => waiter.fail(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
      signal?.addEventListener("abort", onAbort, { once: true });
      queue.push(waiter);
    });
  }

  private waiting(): number {
    return this.queues.user.length + this.queues.anonymous.length;
  }

  /** Waiters that go before a new request of this kind. */
  private waitingAhead(anonymous: boolean): number {
    return anonymous ? this.waiting() : this.queues.user.length;
  }

  private mayRun(anonymous: boolean): boolean {
    return this.running < this.options.slots && (!anonymous || this.runningAnonymous < this.options.anonymousSlots);
  }

  private take(anonymous: boolean): () => void {
    this.running++;
    if (anonymous) this.runningAnonymous++;
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      if (anonymous) this.runningAnonymous--;
      this.holdMs += EWMA_WEIGHT * (performance.now() - started - this.holdMs);
      this.next();
    };
  }

  private next(): void {
    for (;;) {
      const user = this.queues.user[0];
      if (user) {
        if (!this.mayRun(false)) return;
        user.grant(this.take(false));
        continue;
      }
      const anonymous = this.queues.anonymous[0];
      if (!anonymous || !this.mayRun(true)) return;
      anonymous.grant(this.take(true));
    }
  }

  private busy(why: string): ServerBusyError {
    this.refused++;
    // Enough time for the queue ahead to drain at the observed pace, at least a second.
    const seconds = Math.min(60, Math.max(1, Math.ceil(((this.waiting() + 1) * this.holdMs) / this.options.slots / 1000)));
    return new ServerBusyError(`The server is busy answering other data requests (${why}); retry in ${seconds} s`, seconds);
  }
}
