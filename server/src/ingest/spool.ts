// Where batches that could not be written to InfluxDB wait to be replayed, oldest first: the batch
// writer's spool. Two kinds behind one interface: this file's on-disk spool in DATA_DIR (INGEST_ACK=
// journal), and the shared spool in the metadata database (sql-spool.ts, INGEST_ACK=stored), which
// survives the instance's machine and which any instance replays.
//
// The on-disk spool keeps one file per batch. Files are written to a temp name, flushed and renamed,
// so a crash never leaves a half-written batch under a real name.
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Reading } from "../../../common/reading.ts";
import { fromStoredReading } from "./stored-reading.ts";

const SEGMENT = /^(\d{12})\.json$/;

export interface SpoolSegment {
  id: number;
  readings: Reading[];
}

export interface ReadingSpool {
  /** Bytes waiting (for a shared spool: those this instance may replay, as last seen). */
  readonly bytes: number;
  readonly segments: number;
  readonly isEmpty: boolean;
  /** Appends one batch; resolves once it is durable. Appends keep their order. */
  append(readings: readonly Reading[]): Promise<void>;
  /** The oldest batch to replay now (a shared spool claims it for this instance), after pending appends. */
  oldest(): Promise<SpoolSegment | undefined>;
  /** InfluxDB took the batch: it leaves the spool. */
  remove(id: number): Promise<void>;
  /** Replaying the batch failed for now: another instance may take it (a no-op on disk). */
  release(id: number): Promise<void>;
  /** Resolves once every append so far is durable. */
  flushed(): Promise<void>;
  /** Looks again at what waits (a shared spool: batches other instances left); a no-op on disk. */
  refresh(): Promise<void>;
}

export class Spool implements ReadingSpool {
  private readonly sizes = new Map<number, number>();
  private nextId = 1;
  private totalBytes = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      const match = SEGMENT.exec(name);
      if (!match) continue;
      const id = Number(match[1]);
      const size = statSync(path.join(dir, name)).size;
      this.sizes.set(id, size);
      this.totalBytes += size;
      this.nextId = Math.max(this.nextId, id + 1);
    }
  }

  get bytes(): number {
    return this.totalBytes;
  }

  get segments(): number {
    return this.sizes.size;
  }

  get isEmpty(): boolean {
    return this.sizes.size === 0;
  }

  /** Appends one batch. Appends are serialised so segment order is acceptance order. */
  append(readings: readonly Reading[]): Promise<void> {
    const id = this.nextId++;
    const body = JSON.stringify(readings);
    const size = Buffer.byteLength(body);
    // Counted at once so that capacity checks see batches still being written.
    this.sizes.set(id, size);
    this.totalBytes += size;
    const run = async () => {
      const file = this.file(id);
      await writeFile(`${file}.tmp`, body, { flush: true });
      await rename(`${file}.tmp`, file);
    };
    const done = this.chain.then(run);
    this.chain = done.catch(() => undefined);
    return done;
  }

  /** The oldest segment, after every pending append has reached the disk. */
  async oldest(): Promise<SpoolSegment | undefined> {
    await this.chain;
    const ids = [...this.sizes.keys()].sort((a, b) => a - b);
    const id = ids[0];
    if (id === undefined) return undefined;
    const readings = (JSON.parse(await readFile(this.file(id), "utf8")) as Reading[]).map(fromStoredReading);
    return { id, readings };
  }

  async flushed(): Promise<void> {
    await this.chain;
  }

  async release(): Promise<void> {}

  async refresh(): Promise<void> {}

  async remove(id: number): Promise<void> {
    const size = this.sizes.get(id);
    if (size === undefined) return;
    await rm(this.file(id), { force: true });
    this.sizes.delete(id);
    this.totalBytes -= size;
  }

  private file(id: number): string {
    return path.join(this.dir, `${String(id).padStart(12, "0")}.json`);
  }
}
