// FIFO of readings in chunks, so that taking a batch from the front or dropping the oldest is
// cheap even with hundreds of thousands buffered (Array#shift would be O(n) per reading).
import type { SimReading } from "../reading-generator.ts";

export class ReadingQueue {
  private chunks: SimReading[][] = [];
  /** Index of the first unread reading in chunks[0]. */
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(readings: readonly SimReading[]): void {
    if (readings.length === 0) return;
    this.chunks.push(readings.slice());
    this.count += readings.length;
  }

  /** Puts readings back at the front (a batch split after 413 Payload Too Large). */
  unshift(readings: readonly SimReading[]): void {
    if (readings.length === 0) return;
    const first = this.chunks[0];
    if (first && this.head > 0) {
      this.chunks[0] = first.slice(this.head);
      this.head = 0;
    }
    this.chunks.unshift(readings.slice());
    this.count += readings.length;
  }

  /** Removes and returns up to n readings from the front. */
  take(n: number): SimReading[] {
    const out: SimReading[] = [];
    while (out.length < n && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const want = Math.min(n - out.length, chunk.length - this.head);
      for (let i = 0; i < want; i++) out.push(chunk[this.head + i]!);
      this.advance(chunk, want);
    }
    this.count -= out.length;
    return out;
  }

  /** Discards up to n of the oldest readings; returns how many went. */
  dropOldest(n: number): number {
    let dropped = 0;
    while (dropped < n && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const want = Math.min(n - dropped, chunk.length - this.head);
      this.advance(chunk, want);
      dropped += want;
    }
    this.count -= dropped;
    return dropped;
  }

  private advance(chunk: SimReading[], by: number): void {
    this.head += by;
    if (this.head >= chunk.length) {
      this.chunks.shift();
      this.head = 0;
    }
  }
}
