// Brings the server the simulated lab results as they "come back from the laboratory": first every
// sample of the run's history, then, as simulated time passes, each sample once its analysis is done.
// One upload at a time; a failed upload is logged and its samples are sent again with the next one.
import type { Logger } from "pino";
import { labFileCsv } from "./lab-file.ts";
import { SIM_LAB } from "./lab-method.ts";
import { labRows, type LabSampleOptions } from "./lab-samples.ts";
import { uploadLabFile, type LabUploadOptions } from "./lab-uploader.ts";

/** How far back of the last upload a sample may have started and still be analysed since. */
const LOOKBACK_MS = SIM_LAB.compositeHours * 3_600_000 + SIM_LAB.analysisDelayMs + 86_400_000;

export interface LabFeedStats {
  uploads: number;
  /** Results the server added or changed. */
  imported: number;
  failures: number;
}

export class LabFeed {
  /** Results analysed up to this instant have been sent; null before the first upload. */
  private sentUntil: number | null = null;
  private tail: Promise<void> = Promise.resolve();
  readonly stats: LabFeedStats = { uploads: 0, imported: 0, failures: 0 };

  constructor(
    private options: LabSampleOptions,
    private readonly upload: LabUploadOptions,
    /** Samples taken before this are never produced (the start of the run's history). */
    private readonly historyFrom: number,
    private readonly logger: Logger,
  ) {}

  setCatalog(update: Pick<LabSampleOptions, "catalog" | "stations" | "parameters">): void {
    this.options = { ...this.options, ...update };
  }

  /** Sends every result analysed by `until` that was not sent yet (queued behind a running upload). */
  catchUp(until: number): Promise<void> {
    this.tail = this.tail.then(() => this.send(until));
    return this.tail;
  }

  /** Resolves when no upload is running or queued. */
  idle(): Promise<void> {
    return this.tail;
  }

  private async send(until: number): Promise<void> {
    const since = this.sentUntil;
    if (since !== null && until <= since) return;
    const from = since === null ? this.historyFrom : Math.max(this.historyFrom, since - LOOKBACK_MS);
    const rows = labRows(this.options, from, until).filter((r) => since === null || r.analysedAt > since);
    if (rows.length === 0) {
      this.sentUntil = until;
      return;
    }
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const fileName = `simulated-lab-results_${day(Math.min(...rows.map((r) => r.start)))}_${day(until)}.csv`;
    try {
      const outcome = await uploadLabFile(this.upload, fileName, labFileCsv(rows, this.options.catalog), "simulated laboratory results");
      this.stats.uploads++;
      this.stats.imported += outcome.added + outcome.changed;
      this.sentUntil = until;
      this.logger.info({ file: fileName, ...outcome }, outcome.importId === null ? "simulated lab results already imported" : "simulated lab results imported");
    } catch (err) {
      this.stats.failures++;
      this.logger.warn({ file: fileName, reason: (err as Error).message }, "importing simulated lab results failed; trying again with the next results");
    }
  }
}
