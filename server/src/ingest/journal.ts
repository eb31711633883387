// Write-ahead journal for accepted readings. A station deletes what the server acknowledged, so an
// acknowledgement must survive a crash of the server, not just a clean shutdown: every accepted batch
// is appended to a journal segment and flushed to disk (fdatasync, one flush for all batches that
// arrived meanwhile) before the API answers 202/204. The batch writer releases readings once InfluxDB
// or the spool holds them; a segment that is full and fully released is deleted. On start, segments
// left by a crash go to the spool, which replays them; writes are idempotent by (station, parameter,
// time), so readings that had reached InfluxDB before the crash are merely written again. Readings are
// journaled as the line protocol they are stored as (ingest builds it once, influx/stored-lines.ts),
// or as JSON.
import { closeSync, fdatasync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, write } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Reading } from "../../../common/reading.ts";
import type { Logger } from "../../../common/logger.ts";
import type { ReadingSpool } from "./spool.ts";
import { fromStoredLine, fromStoredReading } from "./stored-reading.ts";

const SEGMENT = /^(\d{12})\.jsonl$/;
const writeAsync = promisify(write);
const datasyncAsync = promisify(fdatasync);

/** A segment is closed for appends once it holds this much; it is deleted when all of it is released. */
export const DEFAULT_SEGMENT_BYTES = 32 * 1024 * 1024;

interface Segment {
  id: number;
  fd: number;
  bytes: number;
  /** Readings appended and not yet released. */
  outstanding: number;
  full: boolean;
  /** Lines appended but not yet on disk. */
  unwritten: number;
  /** Its file descriptor is closed (journal closed or segment deleted). */
  closed: boolean;
}

interface PendingLine {
  segment: Segment;
  /** One or more journal lines, newline-terminated. */
  data: Buffer;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface JournalAppend {
  /** Segment id to hand back to `release` once the readings are in InfluxDB or the spool. */
  segment: number;
  /** Resolves when the readings are on disk. */
  durable: Promise<void>;
}

/**
 * Segments left by a previous run, oldest first, with their readings (a torn last line is skipped).
 * A segment's lines are JSON arrays of readings (`append`) or stored line protocol, one reading each
 * (`appendLines`).
 */
export function readLeftoverSegments(dir: string, logger: Logger): Array<{ file: string; readings: Reading[] }> {
  mkdirSync(dir, { recursive: true });
  const names = readdirSync(dir).filter((n) => SEGMENT.test(n)).sort();
  return names.map((name) => {
    const file = path.join(dir, name);
    const readings: Reading[] = [];
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((line, i) => {
      if (line === "") return;
      try {
        // Every append ends in a newline: text after the last one is torn, whatever it looks like
        // (a line protocol line cut short may still parse, as another value).
        if (i === lines.length - 1) throw new Error("torn");
        if (line.startsWith("[")) for (const r of JSON.parse(line) as Reading[]) readings.push(fromStoredReading(r));
        else readings.push(fromStoredLine(line));
      } catch {
        // Only the last line can be torn, by a crash in mid-write; it was never acknowledged.
        if (i < lines.length - 2) logger.error({ file, line: i + 1 }, "unreadable journal line skipped");
      }
    });
    return { file, readings };
  });
}

/**
 * Moves what a crashed run left in the journal into the spool (which the batch writer replays), then
 * deletes those segments. Call before the journal and the batch writer are created. Returns the
 * number of readings recovered.
 */
export async function recoverJournal(dir: string, spool: ReadingSpool, logger: Logger): Promise<number> {
  let recovered = 0;
  for (const { file, readings } of readLeftoverSegments(dir, logger)) {
    if (readings.length > 0) await spool.append(readings);
    unlinkSync(file);
    recovered += readings.length;
  }
  if (recovered > 0) logger.warn({ readings: recovered }, "recovered readings the previous run had accepted but not written; they go to InfluxDB from the spool");
  return recovered;
}

export class IngestJournal {
  private readonly segments = new Map<number, Segment>();
  private current: Segment;
  private queue: PendingLine[] = [];
  private flushing: Promise<void> | undefined;
  private nextId: number;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    private readonly segmentBytes = DEFAULT_SEGMENT_BYTES,
  ) {
    mkdirSync(dir, { recursive: true });
    const ids = readdirSync(dir).flatMap((n) => {
      const m = SEGMENT.exec(n);
      return m ? [Number(m[1])] : [];
    });
    this.nextId = Math.max(0, ...ids) + 1;
    this.current = this.openSegment();
  }

  /** Queues the readings for the disk (one JSON line); `durable` resolves once they are flushed. */
  append(readings: readonly Reading[]): JournalAppend {
    return this.appendBytes(Buffer.from(`${JSON.stringify(readings)}\n`), readings.length);
  }

  /**
   * Queues `count` readings as their stored line protocol (influx/stored-lines.ts), one
   * newline-terminated line each, the very bytes that go to InfluxDB; `durable` resolves once they
   * are flushed.
   */
  appendBytes(data: Buffer, count: number): JournalAppend {
    if (this.current.full) this.current = this.openSegment();
    const segment = this.current;
    segment.outstanding += count;
    segment.unwritten++;
    segment.bytes += data.length;
    if (segment.bytes >= this.segmentBytes) segment.full = true;
    const durable = new Promise<void>((resolve, reject) => this.queue.push({ segment, data, resolve, reject }));
    this.flushing ??= this.flush();
    return { segment: segment.id, durable };
  }

  /** The readings of these segment ids (one entry per reading) are safe elsewhere now. */
  release(segmentIds: readonly number[]): void {
    const counts = new Map<number, number>();
    for (const id of segmentIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const [id, n] of counts) {
      const segment = this.segments.get(id);
      if (!segment) continue;
      segment.outstanding -= n;
      this.retireIfDrained(segment);
    }
  }

  /** Bytes and segments currently on disk (/api/health). */
  stats(): { segments: number; bytes: number } {
    let bytes = 0;
    for (const s of this.segments.values()) bytes += s.bytes;
    return { segments: this.segments.size, bytes };
  }

  /** Waits for pending appends, closes files and deletes fully released segments. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.current.full = true;
    for (const segment of [...this.segments.values()]) {
      if (!this.deleteIfDone(segment)) this.closeFile(segment);
    }
  }

  private openSegment(): Segment {
    const id = this.nextId++;
    const fd = openSync(this.file(id), "a");
    const segment: Segment = { id, fd, bytes: 0, outstanding: 0, full: false, unwritten: 0, closed: false };
    this.segments.set(id, segment);
    return segment;
  }

  /** Group commit: everything queued meanwhile is written and flushed together. */
  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        const touched = new Set<Segment>();
        let error: Error | undefined;
        try {
          for (let i = 0; i < batch.length; ) {
            const segment = batch[i]!.segment;
            const parts: Buffer[] = [];
            for (; i < batch.length && batch[i]!.segment === segment; i++) parts.push(batch[i]!.data);
            const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
            for (let offset = 0; offset < data.length; ) offset += (await writeAsync(segment.fd, data, offset)).bytesWritten;
            touched.add(segment);
          }
          for (const segment of touched) await datasyncAsync(segment.fd);
        } catch (err) {
          error = err as Error;
          this.logger.error({ err: error.message }, "journal write failed");
        }
        for (const p of batch) {
          p.segment.unwritten--;
          if (error) p.reject(error);
          else p.resolve();
        }
        for (const segment of touched) this.retireIfDrained(segment);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  /**
   * A segment whose readings are all released is no longer needed, full or not: the next append
   * starts a new one, so a crash never replays more than what is still unwritten plus one segment.
   */
  private retireIfDrained(segment: Segment): void {
    if (segment.outstanding === 0 && segment.unwritten === 0 && segment.bytes > 0) segment.full = true;
    this.deleteIfDone(segment);
  }

  /** Deletes a full segment once nothing in it is unwritten or unreleased; true if deleted. */
  private deleteIfDone(segment: Segment): boolean {
    if (!segment.full || segment.outstanding > 0 || segment.unwritten > 0) return false;
    this.closeFile(segment);
    unlinkSync(this.file(segment.id));
    this.segments.delete(segment.id);
    return true;
  }

  private closeFile(segment: Segment): void {
    if (segment.closed) return;
    segment.closed = true;
    closeSync(segment.fd);
  }

  private file(id: number): string {
    return path.join(this.dir, `${String(id).padStart(12, "0")}.jsonl`);
  }
}
