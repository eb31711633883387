// Runs async jobs one after another, in the order they were pushed, so that writes made in the
// background (the alert engine's state changes) reach the database in the order they happened. A job
// that fails is reported and does not stop the ones behind it.
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (err: unknown) => void) {}

  push(job: () => Promise<void>): void {
    this.tail = this.tail.then(job).catch(this.onError);
  }

  /** Resolves once every job pushed so far, and any pushed while waiting, has finished. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }
}
