// Concurrent exports per user. An export holds an InfluxDB query and a response for as long as
// the download runs, so a few per user keeps one user (or one stuck browser tab) from taking the
// database away from everyone else.
import { AppError } from "../errors.ts";

export class TooManyExportsError extends AppError {
  override readonly name = "TooManyExportsError";
  readonly code = "too_many_exports";
  readonly status = 429;
  override readonly retryAfterSeconds = 10;
}

export const DEFAULT_MAX_EXPORTS_PER_USER = 2;

export class ExportLimiter {
  private readonly active = new Map<string, number>();

  constructor(private readonly maxPerUser = DEFAULT_MAX_EXPORTS_PER_USER) {}

  /** Takes a slot for `user` or throws TooManyExportsError; call the returned function once to free it. */
  acquire(user: string): () => void {
    const count = this.active.get(user) ?? 0;
    if (count >= this.maxPerUser) {
      throw new TooManyExportsError(
        `You already have ${count} export${count === 1 ? "" : "s"} running (at most ${this.maxPerUser} at a time): ` +
          "wait until one finishes or cancel it, then try again",
      );
    }
    this.active.set(user, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.active.get(user) ?? 1) - 1;
      if (left <= 0) this.active.delete(user);
      else this.active.set(user, left);
    };
  }

  running(user: string): number {
    return this.active.get(user) ?? 0;
  }

  total(): number {
    let sum = 0;
    for (const n of this.active.values()) sum += n;
    return sum;
  }
}
