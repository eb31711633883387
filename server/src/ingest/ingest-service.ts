// The one path every reading takes into Water Monitor, whatever its wire format: check it against
// the catalog and the sender's token, flag it (QC), queue it for InfluxDB, and announce it to the live
// hub and the alert engine. A batch is all-or-nothing: one bad reading rejects the batch and nothing
// is stored. The answer waits until the batch is in the journal on disk.
import { findParameter, findStation } from "../../../common/catalog.ts";
import type { IngestResponse } from "../../../common/api-types.ts";
import { QC, type Reading } from "../../../common/reading.ts";
import type { StationGrant } from "../auth/station-tokens.ts";
import { ForbiddenError, StorageUnavailableError, ValidationError, type ErrorDetail } from "../errors.ts";
import type { BatchWriter } from "./batch-writer.ts";
import type { IngestJournal } from "./journal.ts";
import type { IngestEvents } from "./ingest-events.ts";
import type { QcEngine } from "./qc/qc-engine.ts";

/** A reading after parsing, before catalog, token and QC checks. */
export interface ReadingCandidate {
  station: string;
  parameter: string;
  time: number;
  value: number | null;
  lod: number | null;
  unit?: string;
}

export interface IngestLimits {
  /** Readings further ahead than this are refused (a clock far off is a sender error). */
  maxFutureMs: number;
  /** Readings older than this are refused: InfluxDB's raw retention would drop them. */
  maxAgeMs: number;
}

export const DEFAULT_INGEST_LIMITS: Readonly<IngestLimits> = Object.freeze({
  maxFutureMs: 24 * 3_600_000,
  maxAgeMs: 399 * 24 * 3_600_000,
});

/**
 * The reading the candidate stands for, QC not yet evaluated (flag 2), or what is wrong with it.
 * It carries the catalog's own id strings, not the copies cut from the request body: every later map
 * lookup (QC history, alerts, live rooms, line protocol) is then a pointer comparison, and queued
 * readings do not keep whole request bodies alive.
 */
export function checkCandidate(c: ReadingCandidate, now: number, limits: IngestLimits = DEFAULT_INGEST_LIMITS): Reading | string {
  const station = findStation(c.station);
  if (!station) return `unknown station ${JSON.stringify(c.station)}`;
  const parameter = findParameter(c.parameter);
  if (!parameter) return `unknown parameter ${JSON.stringify(c.parameter)}`;
  if (c.unit !== undefined && c.unit !== parameter.unit) {
    return `unit ${JSON.stringify(c.unit)} does not match ${parameter.code}'s unit ${JSON.stringify(parameter.unit)}`;
  }
  if (!Number.isFinite(c.time)) return "time is not a valid instant";
  if (c.time > now + limits.maxFutureMs) return `time ${new Date(c.time).toISOString()} is more than 24 h in the future`;
  if (c.time < now - limits.maxAgeMs) return `time ${new Date(c.time).toISOString()} is older than the raw retention (400 days)`;
  if (c.value === null && c.lod === null) return "needs a value or belowLod";
  if (c.value !== null && c.lod !== null) return "has both a value and belowLod; send one";
  if (c.value !== null && !Number.isFinite(c.value)) return "value must be a finite number";
  if (c.lod !== null && !(Number.isFinite(c.lod) && c.lod > 0)) return "belowLod.lod must be a positive finite number";
  return { station: station.id, parameter: parameter.code, time: c.time, value: c.value, lod: c.lod, qc: QC.notEvaluated };
}

export class IngestService {
  constructor(
    private readonly writer: BatchWriter,
    private readonly events: IngestEvents,
    private readonly qc: QcEngine,
    private readonly now: () => number = Date.now,
    /** Without a journal, accepted readings are only as safe as the process until written. */
    private readonly journal?: IngestJournal,
  ) {}

  /**
   * `candidates[i]` is undefined where the wire format could not be parsed; `prior` holds those
   * problems, so that the error lists every bad reading of the batch at once.
   */
  async accept(grant: StationGrant, candidates: ReadonlyArray<ReadingCandidate | undefined>, prior: ErrorDetail[] = []): Promise<IngestResponse> {
    const now = this.now();
    const invalid: ErrorDetail[] = [...prior];
    const forbidden: ErrorDetail[] = [];
    const readings: Reading[] = [];
    candidates.forEach((c, index) => {
      if (!c) return;
      const checked = checkCandidate(c, now);
      if (typeof checked === "string") invalid.push({ index, message: checked });
      else if (!grant.canWrite(checked.station)) {
        forbidden.push({ index, message: `token "${grant.label}" may not write station ${checked.station}` });
      } else readings.push(checked);
    });
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
    for (const reading of readings) {
      reading.qc = this.qc.evaluate(reading);
      if (reading.qc === QC.suspect) suspect++;
      else if (reading.qc === QC.fail) fail++;
    }
    const journaled = this.journal?.append(readings);
    this.writer.enqueue(readings, journaled?.segment);
    this.events.emitAccepted(readings);
    // Answered only once the readings are on disk: the sender may delete them after our answer.
    if (journaled) {
      await journaled.durable.catch((err: Error) => {
        throw new StorageUnavailableError(`the readings could not be saved to disk (${err.message}); send them again`);
      });
    }
    return { accepted: readings.length, flagged: { suspect, fail } };
  }
}
