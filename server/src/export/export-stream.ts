// One export as a sequence of text pieces: header, one piece per batch of records, footer. The
// caller pulls the next piece only when the previous one was accepted by the response (or zip), so
// InfluxDB is read exactly as fast as the client downloads and memory stays at one batch.
import { createHash, type Hash } from "node:crypto";
import { encoderFor, type ExportEncoder } from "./export-encoders.ts";
import type { ExportRequest } from "./export-params.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { CorrectedReader } from "../review/corrected-reader.ts";
import { aggregateRecordBatches } from "./export-aggregates.ts";
import { rawRecordBatches } from "./export-records.ts";
import type { ExportReview } from "./export-review.ts";
import {
  longAggregateShaper,
  longRawShaper,
  wideAggregateShaper,
  wideRawShaper,
  type Cell,
  type ExportColumn,
  type TableShaper,
} from "./export-table.ts";

export interface ExportProgress {
  rows: number;
  bytes: number;
  /** "sha256:<hex>" of the bytes written, when hashing was asked for (Frictionless `hash`). */
  hash?: string;
}

export interface ExportPlan {
  columns: ExportColumn[];
  encoder: ExportEncoder;
  /** Runs the export; `progress` is updated as pieces are produced. */
  pieces(signal: AbortSignal, progress: ExportProgress, options?: { hash?: boolean; chunkSize?: number }): AsyncGenerator<string>;
}

interface RowSource {
  columns: ExportColumn[];
  batches(signal: AbortSignal, chunkSize?: number): AsyncGenerator<Cell[][]>;
}

async function* shaped<R>(records: AsyncIterable<R[]>, shaper: TableShaper<R>): AsyncGenerator<Cell[][]> {
  for await (const batch of records) {
    const rows = shaper.rows(batch);
    if (rows.length > 0) yield rows;
  }
  const rest = shaper.flush();
  if (rest.length > 0) yield rest;
}

/** Where an export reads: the store (through the one InfluxQL builder) and the corrected reader, with the series' review prepared. */
export interface ExportSource {
  store: ReadingStore;
  reader: CorrectedReader;
  review: ExportReview;
}

function rowSource(from: ExportSource, req: ExportRequest): RowSource {
  if (req.resolution === "raw") {
    const shaper = req.layout === "wide" ? wideRawShaper(req) : longRawShaper(req);
    return { columns: shaper.columns, batches: (signal, chunkSize) => shaped(rawRecordBatches(from.store, req, from.review, signal, chunkSize), shaper) };
  }
  const resolution = req.resolution;
  const shaper = req.layout === "wide" ? wideAggregateShaper(req) : longAggregateShaper(req);
  return { columns: shaper.columns, batches: (signal) => shaped(aggregateRecordBatches(from.store, from.reader, req, from.review, resolution, signal), shaper) };
}

export function planExport(from: ExportSource, req: ExportRequest): ExportPlan {
  const source = rowSource(from, req);
  const encoder = encoderFor(req.format, { bom: req.bom });
  return {
    columns: source.columns,
    encoder,
    async *pieces(signal, progress, options = {}) {
      const hash: Hash | undefined = options.hash ? createHash("sha256") : undefined;
      const emit = (text: string): string => {
        progress.bytes += Buffer.byteLength(text);
        hash?.update(text);
        return text;
      };
      const batches = source.batches(signal, options.chunkSize);
      // Wait for InfluxDB's first answer before the first byte: a failing query (InfluxDB down,
      // rejected) then still becomes a proper error response instead of a truncated download.
      try {
        let next = await batches.next();
        yield emit(encoder.header(source.columns));
        while (!next.done) {
          progress.rows += next.value.length;
          yield emit(encoder.rows(next.value));
          next = await batches.next();
        }
      } finally {
        // The consumer stopped early: close the InfluxDB response too.
        await batches.return(undefined);
      }
      const footer = encoder.footer();
      if (footer !== "") yield emit(footer);
      if (hash) progress.hash = `sha256:${hash.digest("hex")}`;
    },
  };
}
