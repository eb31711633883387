// What the batch writer (batch-writer.ts) is set up with, and what it reports of itself.

export interface BatchWriterOptions {
  batchSize: number;
  flushMs: number;
  concurrency: number;
  queueMaxPoints: number;
  spoolMaxBytes: number;
  /** Backoff for replaying the spool: first delay and cap, in ms. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How often to look for batches other instances left in a shared spool (undefined: never). */
  spoolPollMs?: number;
  /** Ingest requests wait (`room`) before reading their bodies while this many readings are queued; undefined: never. */
  holdAbovePoints?: number;
}

export interface WriterStats {
  queueDepth: number;
  inFlightPoints: number;
  spoolBytes: number;
  spoolBatches: number;
  /** Journal on disk: accepted readings not yet in InfluxDB or the spool (plus released ones sharing a segment). */
  journalBytes: number;
  writtenPoints: number;
  rejectedPoints: number;
  storageWritable: boolean;
  lastWriteError: string | undefined;
  lastWriteErrorAt: string | undefined;
  lastWriteOkAt: string | undefined;
}
