// Internal event stream of accepted readings: the live hub and the alert engine subscribe here
// instead of polling InfluxDB.
import type { Reading } from "../../../common/reading.ts";

export type AcceptedListener = (readings: readonly Reading[]) => void;

export class IngestEvents {
  private readonly listeners = new Set<AcceptedListener>();

  onAccepted(listener: AcceptedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emitAccepted(readings: readonly Reading[]): void {
    for (const listener of this.listeners) listener(readings);
  }
}
