// Time and timers, injected everywhere (built once in system.ts) so tests can move time by hand
// instead of sleeping.
export interface Clock {
  now(): number;
}

export interface Scheduler {
  /** Calls `task` every `ms` until the returned function is called. */
  every(ms: number, task: () => void): () => void;
  /** Calls `task` once after `ms`. */
  after(ms: number, task: () => void): () => void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const timerScheduler: Scheduler = {
  every(ms, task) {
    const timer = setInterval(task, ms);
    // Background checks must never keep a closing process alive.
    timer.unref();
    return () => clearInterval(timer);
  },
  after(ms, task) {
    const timer = setTimeout(task, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/** A clock and scheduler driven by hand: `advance` moves time and runs what falls due. */
export class ManualTime implements Clock, Scheduler {
  private tasks: Array<{ at: number; every: number | null; task: () => void; id: number }> = [];
  private nextId = 1;

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  set(time: number): void {
    this.current = time;
  }

  every(ms: number, task: () => void): () => void {
    return this.add(ms, ms, task);
  }

  after(ms: number, task: () => void): () => void {
    return this.add(ms, null, task);
  }

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.tasks.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.current = Math.max(this.current, due.at);
      if (due.every === null) this.tasks = this.tasks.filter((t) => t !== due);
      else due.at += due.every;
      due.task();
    }
    this.current = target;
  }

  private add(ms: number, every: number | null, task: () => void): () => void {
    const entry = { at: this.current + ms, every, task, id: this.nextId++ };
    this.tasks.push(entry);
    return () => {
      this.tasks = this.tasks.filter((t) => t !== entry);
    };
  }
}
