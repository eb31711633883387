// The one path every reading takes into Water Monitor, whatever its wire format: check it against
// the catalog and the sender's token, flag it (QC), queue it for InfluxDB, and announce it to the live
// hub and the alert engine. A batch is all-or-nothing: one bad reading rejects the batch and nothing
// is stored. The answer waits until the batch is in the journal on disk (INGEST_ACK=journal), or in
// InfluxDB or the shared spool, durable outside this instance (INGEST_ACK=stored, issue #21).
import type { IngestResponse } from "../../../common/api-types.ts";
import { QC, type Reading } from "../../../common/reading.ts";
import type { StationGrant } from "../auth/station-tokens.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import { ForbiddenError, StorageUnavailableError, ValidationError, type ErrorDetail } from "../errors.ts";
import type { BatchWriter } from "./batch-writer.ts";
import type { IngestJournal, JournalAppend } from "./journal.ts";
import { MEASURED_FIELDS_MAX, measuredLinePrefix, passThroughTextRoom, storedLine, writePassThroughText, writeStoredLine } from "../influx/stored-lines.ts";
import type { IngestEvents } from "./ingest-events.ts";
import type { QcEngine } from "./qc/qc-engine.ts";
import { CheckMemo, checkReading, DEFAULT_INGEST_LIMITS, type ReadingCandidate } from "./reading-check.ts";
import { ReceivedLine } from "./received-lines.ts";
import type { Sensor } from "../../../common/catalog-model.ts";

/** Whether a station's parameter is in a maintenance window at a time (maintenance/maintenance-calendar.ts). */
export interface MaintenanceMarker {
  inMaintenance(station: string, parameter: string, at: number): boolean;
}

export interface IngestServiceOptions {
  /**
   * Builds each reading's stored line once, at acceptance, and journals those lines: a /write line
   * already in the stored form is forwarded with the server's fields spliced in (stored-lines.ts),
   * not parsed and formatted again. Off: the journal holds the readings as JSON and the writer
   * formats them (the path before; kept to compare against). Default on.
   */
  passThrough?: boolean;
  /** When a request is answered (config.ts `ingest.ack`); default "journal". */
  ack?: "journal" | "stored";
}

/**
 * Longest an INGEST_ACK=stored request waits for its readings to be stored: longer than an InfluxDB
 * write may take (30 s, influx/store.ts) plus spooling the batch after it failed.
 */
export const STORED_ACK_TIMEOUT_MS = 60_000;

/** An accepted batch, for the answer: what it waits for, and what it answers. */
interface Accepted {
  durable: Promise<void> | undefined;
  stored: Promise<void> | undefined;
  response: IngestResponse;
}

/**
 * Where storedBody writes a batch before copying out its exact bytes: one buffer for every batch,
 * grown as needed, rather than a large allocation per request (the allocator keeps freed large
 * blocks, which showed as resident memory in `npm run bench`).
 */
let scratch = Buffer.allocUnsafeSlow(1 << 20);

/** `scratch` with room for `bytes` more after `offset`, grown (keeping what it holds) if need be. */
function room(offset: number, bytes: number): Buffer {
  if (scratch.length - offset < bytes) {
    const grown = Buffer.allocUnsafeSlow(Math.max(scratch.length * 2, offset + bytes));
    scratch.copy(grown, 0, 0, offset);
    scratch = grown;
  }
  return scratch;
}

/**
 * The batch's stored line protocol, one newline-terminated line per reading, written straight into
 * bytes: no string of the whole batch (V8 would allocate it in its old generation, as garbage to
 * collect by a full GC), and no string per line where it can be helped. A /write line received in
 * the stored form is forwarded with the server's fields spliced in (stored-lines.ts): copied from the
 * received bytes when it was read from them (received-lines.ts ReceivedLine), else from its text,
 * encoded once. A measured value (JSON, and /write lines not in the stored form) is written as
 * bytes (writeStoredLine); the rest (censored readings, uncertainty, raw signals) as storedLine's text.
 */
function storedBody(candidates: readonly ReadingCandidate[], readings: readonly Reading[]): Buffer<ArrayBuffer> {
  let offset = 0;
  for (let i = 0; i < readings.length; i++) {
    const candidate = candidates[i]!;
    const reading = readings[i]!;
    if (candidate instanceof ReceivedLine) {
      offset = candidate.writeStored(reading, room(offset, candidate.storedBytes(reading)), offset);
      continue;
    }
    const received = candidate.line;
    if (received !== undefined) {
      offset = writePassThroughText(received, reading, candidate.sensor !== undefined, room(offset, passThroughTextRoom(received, reading.sensor)), offset);
      continue;
    }
    const prefix = measuredLinePrefix(reading);
    if (prefix !== undefined) {
      offset = writeStoredLine(reading, prefix, room(offset, prefix.length + MEASURED_FIELDS_MAX), offset);
      continue;
    }
    const line = storedLine(reading);
    // UTF-8 takes at most 3 bytes per UTF-16 unit, plus the newline.
    offset += room(offset, line.length * 3 + 1).write(line, offset);
    scratch[offset++] = 10;
  }
  // The exact bytes, apart from the scratch buffer: the queue keeps them until InfluxDB has them.
  return Buffer.from(scratch.subarray(0, offset));
}

export class IngestService {
  constructor(
    private readonly writer: BatchWriter,
    private readonly events: IngestEvents,
    private readonly qc: QcEngine,
    private readonly catalog: CatalogSource,
    private readonly now: () => number = Date.now,
    /** Without a journal, accepted readings are only as safe as the process until written. */
    private readonly journal?: IngestJournal,
    /** Marks readings taken in a maintenance window (by their own time, so backfill is marked too). */
    private readonly maintenance?: MaintenanceMarker,
    private readonly options: IngestServiceOptions = {},
  ) {}

  /** For a route before it reads a body: undefined to go on now, else resolves when the write queue has room (queue-room.ts). */
  room(): Promise<void> | undefined {
    return this.writer.room();
  }

  /**
   * `candidates[i]` is undefined where the wire format could not be parsed; `prior` holds those
   * problems, so that the error lists every bad reading of the batch at once. Not async itself: the
   * candidates (and whatever they point into) are let go before the answer waits for the disk, so
   * they die young rather than being promoted to V8's old generation by every scavenge meanwhile.
   */
  accept(grant: StationGrant, candidates: ReadonlyArray<ReadingCandidate | undefined>, prior: ErrorDetail[] = []): Promise<IngestResponse> {
    let accepted: Accepted;
    try {
      accepted = this.take(grant, candidates, prior);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.answer(accepted);
  }

  /** Checks, flags, journals, queues and announces the batch: everything but waiting. */
  private take(grant: StationGrant, candidates: ReadonlyArray<ReadingCandidate | undefined>, prior: ErrorDetail[]): Accepted {
    const now = this.now();
    // One snapshot for the whole batch: a catalog change never lands halfway through it.
    const catalog = this.catalog.current();
    const invalid: ErrorDetail[] = [...prior];
    const forbidden: ErrorDetail[] = [];
    const readings: Reading[] = [];
    const sensors: Sensor[] = [];
    const memo = new CheckMemo();
    for (let index = 0; index < candidates.length; index++) {
      const c = candidates[index];
      if (!c) continue;
      const checked = checkReading(c, catalog, now, DEFAULT_INGEST_LIMITS, c.memo ?? memo);
      if (typeof checked === "string") invalid.push({ index, message: checked });
      else if (!grant.canWrite(checked.reading.station)) {
        forbidden.push({ index, message: `token "${grant.label}" may not write station ${checked.reading.station}` });
      } else {
        readings.push(checked.reading);
        sensors.push(checked.sensor);
      }
    }
    if (invalid.length > 0) {
      invalid.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
      throw new ValidationError(`${invalid.length} of ${candidates.length} readings rejected; nothing was stored`, invalid.slice(0, 1000));
    }
    if (forbidden.length > 0) {
      throw new ForbiddenError(`${forbidden.length} readings are for stations this token may not write; nothing was stored`, forbidden.slice(0, 1000));
    }
    this.writer.assertCapacity(candidates.length);

    let suspect = 0;
    let fail = 0;
    for (let i = 0; i < readings.length; i++) {
      const reading = readings[i]!;
      if (this.maintenance?.inMaintenance(reading.station, reading.parameter, reading.time)) reading.maintenance = true;
      reading.qc = this.qc.evaluate(reading, sensors[i]!);
      if (reading.qc === QC.suspect) suspect++;
      else if (reading.qc === QC.fail) fail++;
    }
    let journaled: JournalAppend | undefined;
    let body: Buffer<ArrayBuffer> | undefined;
    if (this.options.passThrough ?? true) {
      // Every candidate was valid (else we threw above), so readings[i] is candidates[i]'s reading.
      // One encoding for both: the journal writes these bytes, and InfluxDB is sent them.
      body = storedBody(candidates as readonly ReadingCandidate[], readings);
      journaled = this.journal?.appendBytes(body, readings.length);
    } else journaled = this.journal?.append(readings);
    const range = this.writer.enqueue(readings, journaled?.segment, body);
    // Waiting begins now: a refusal by InfluxDB while the journal write below is under way still counts.
    const stored = this.options.ack === "stored" ? this.storedOrTimeout(this.writer.stored(range)) : undefined;
    stored?.catch(() => undefined); // awaited below, unless the journal fails first
    this.events.emitAccepted(readings);
    return { durable: journaled?.durable, stored, response: { accepted: readings.length, flagged: { suspect, fail } } };
  }

  private async answer({ durable, stored, response }: Accepted): Promise<IngestResponse> {
    // Answered only once the readings are on disk: the sender may delete them after our answer.
    if (durable) {
      await durable.catch((err: Error) => {
        throw new StorageUnavailableError(`the readings could not be saved to disk (${err.message}); send them again`);
      });
    }
    // Answered only once the readings are durable outside this instance: its machine may die after our answer.
    await stored;
    return response;
  }

  private storedOrTimeout(stored: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new StorageUnavailableError(`the readings were not stored within ${STORED_ACK_TIMEOUT_MS / 1000} s (InfluxDB and the shared spool are slow or unavailable); send them again`)), STORED_ACK_TIMEOUT_MS);
    });
    return Promise.race([stored, timeout]).finally(() => clearTimeout(timer));
  }
}
