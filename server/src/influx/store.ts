// The storage adapter: everything Water Monitor reads from or writes to InfluxDB goes through
// this interface, implemented with node-influx.
import { InfluxDB, type IResults } from "influx";
import type { Reading } from "../../../common/reading.ts";
import { StorageUnavailableError } from "../errors.ts";
import type { Logger } from "../../../common/logger.ts";
import { RETENTION, continuousQueries, influxSchema, type RollupMode, type RollupsSetting } from "./schema.ts";
import { displayUrl, scrubUrls } from "../util/safe-url.ts";
import { toLineProtocol } from "./stored-lines.ts";
import { postQuery, type SeriesValues } from "./query-request.ts";
import { WriteRequests, type WriteAnswer } from "./write-request.ts";
import { chunkedQuery, StorageRejectedError, unreachable, type ChunkedQueryOptions, type InfluxEndpoint, type SeriesChunk } from "./chunked-query.ts";

export { StorageRejectedError, unreachable, type ChunkedQueryOptions, type SeriesChunk, type SeriesValues };
export { toLineProtocol };

export interface StorageStatus {
  reachable: boolean;
  version: string | undefined;
  error: string | undefined;
}

export interface ReadingStore {
  readonly database: string;
  /** `host:port` of the InfluxDB, for messages (never credentials or query strings). */
  readonly where: string;
  /**
   * Creates (or updates) the database, retention policies and continuous queries. Reads and writes
   * run it first when it has not succeeded yet, so nothing is written into a database that is missing.
   */
  ensureSchema(): Promise<void>;
  /** Resolves the first time the schema is set up (at once, or after InfluxDB came up late). */
  whenReady(): Promise<void>;
  /**
   * `signal` aborts the write (shutdown); an aborted write fails like an unreachable InfluxDB.
   * `body`, where given, is the readings' stored line protocol as ingest built it (stored-lines.ts).
   * `readings` may be a function making them, called whenever they are needed (by the write
   * listeners): then nothing per reading is held while InfluxDB works on the write.
   */
  writeReadings(readings: ReadingsToWrite, signal?: AbortSignal, body?: Buffer<ArrayBuffer>): Promise<void>;
  /**
   * Calls `listener` with each batch when its write starts and again when it ends (either way):
   * caches of derived data (review/corrected-cache.ts) drop what the batch may change.
   */
  onWrite(listener: (readings: readonly Reading[]) => void): () => void;
  query<T = Record<string, unknown>>(influxql: string): Promise<IResults<T>>;
  /**
   * One SELECT's rows as InfluxDB sends them — columns, and value arrays with epoch-ms times —
   * without building an object per row: for results of tens of thousands of rows on the read path.
   */
  queryValues(influxql: string): Promise<SeriesValues[]>;
  /** Several SELECTs in one request, answered statement by statement (same shape as queryValues). */
  queryEach(statements: readonly string[]): Promise<SeriesValues[][]>;
  /**
   * Streams a SELECT's result in chunks as InfluxDB sends them (`chunked=true`): for exports, whose
   * results do not fit in memory. Stopping the iteration or aborting `signal` stops the query.
   */
  queryChunks(influxql: string, options?: ChunkedQueryOptions): AsyncGenerator<SeriesChunk>;
  /** Pings InfluxDB and, once it answers, sets the schema up if that has not happened yet. */
  status(timeoutMs?: number): Promise<StorageStatus>;
  /**
   * Who builds the rollups: decided by the schema setup (INFLUX_ROLLUPS; "auto" asks the server),
   * undefined until then.
   */
  readonly rollupMode: RollupMode | undefined;
  /** Writes line protocol (already formatted) into a retention policy: rollup rows built by Water Monitor. */
  writeLines(retentionPolicy: string, lines: string): Promise<void>;
}

/** Readings for writeReadings: the objects, or a function that makes them (called at most once, only if they are needed as objects). */
export type ReadingsToWrite = readonly Reading[] | (() => readonly Reading[]);

export interface InfluxStoreOptions {
  url: string;
  database: string;
  logger: Logger;
  requestTimeoutMs?: number;
  /** INFLUX_ROLLUPS; "auto" by default. */
  rollups?: RollupsSetting;
  /** INFLUX_WRITE_CONSISTENCY (InfluxDB Enterprise 1.x): sent as `consistency` on every write; not sent when undefined. */
  writeConsistency?: "any" | "one" | "quorum" | "all";
}

export class InfluxReadingStore implements ReadingStore {
  private readonly influx: InfluxDB;
  readonly database: string;
  readonly where: string;

  private readonly base: string;
  private readonly writeUrl: string;
  private readonly writeHeaders: Record<string, string>;
  private readonly writes: WriteRequests;
  private readonly pingHeaders: Record<string, string> = {};
  /** The schema setup in progress or done; cleared again when it fails, so the next call retries. */
  private schemaSetup: Promise<void> | undefined;
  private schemaReady = false;
  private readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;
  private readonly rollupSetting: RollupsSetting;
  private mode: RollupMode | undefined;

  constructor(private readonly options: InfluxStoreOptions) {
    const url = new URL(options.url);
    this.database = options.database;
    this.where = displayUrl(url);
    this.base = `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, "")}`;
    this.rollupSetting = options.rollups ?? "auto";
    this.writeUrl = this.writeUrlFor(RETENTION.raw.name);
    this.writeHeaders = { "content-type": "text/plain; charset=utf-8" };
    this.writes = new WriteRequests(url);
    if (url.username) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      this.writeHeaders.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
      this.pingHeaders.authorization = this.writeHeaders.authorization;
    }
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.influx = new InfluxDB({
      host: url.hostname,
      port: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
      protocol: url.protocol === "https:" ? "https" : "http",
      username: decodeURIComponent(url.username) || undefined,
      password: decodeURIComponent(url.password) || undefined,
      database: options.database,
      schema: influxSchema(),
      pool: { maxRetries: 0, requestTimeout: options.requestTimeoutMs ?? 30_000 },
    });
  }

  ensureSchema(): Promise<void> {
    this.schemaSetup ??= this.setUpSchema().then(
      () => {
        this.schemaReady = true;
        this.markReady();
      },
      (err: unknown) => {
        this.schemaSetup = undefined;
        // Even a refusal (4xx, e.g. missing privileges) is "unavailable": the batch writer must
        // keep the readings for later, not drop them as unacceptable.
        const reason = classifyError(err, this.where).message;
        throw new StorageUnavailableError(`InfluxDB at ${this.where}: database ${this.database} is not set up yet (${reason})`);
      },
    );
    return this.schemaSetup;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  get rollupMode(): RollupMode | undefined {
    return this.mode;
  }

  /**
   * The one place every /write URL is built. `consistency` is InfluxDB Enterprise 1.x's (the number
   * of data nodes that must confirm a write); OSS 1.x accepts and ignores it.
   */
  private writeUrlFor(retentionPolicy: string): string {
    const params = new URLSearchParams({ db: this.options.database, rp: retentionPolicy, precision: "ms" });
    if (this.options.writeConsistency) params.set("consistency", this.options.writeConsistency);
    return `${this.base}/write?${params}`;
  }

  private async setUpSchema(): Promise<void> {
    const db = this.database;
    const names = await this.influx.getDatabaseNames();
    if (!names.includes(db)) await this.influx.createDatabase(db);
    const existing = await this.influx.showRetentionPolicies(db);
    for (const rp of Object.values(RETENTION)) {
      const options = { database: db, duration: rp.duration, replication: 1, isDefault: rp.isDefault };
      if (!existing.some((e) => e.name === rp.name)) await this.influx.createRetentionPolicy(rp.name, options);
      else {
        // InfluxDB 2.x/3.x map retention policies to buckets (DBRP) and refuse to alter them: the
        // bucket's retention is then the one that applies.
        await this.influx.alterRetentionPolicy(rp.name, options).catch((err: unknown) => {
          if (!refusedStatement(err)) throw err;
          this.options.logger.warn({ database: db, retentionPolicy: rp.name, reason: (err as Error).message }, "InfluxDB refused to alter the retention policy; its own retention applies");
        });
      }
    }
    this.mode = await this.setUpRollups(db);
    this.options.logger.info({ database: db, influx: this.where, rollups: this.mode }, "InfluxDB schema ready");
  }

  /**
   * Continuous queries where they are wanted (and, for "auto", accepted); otherwise the ones Water
   * Monitor created earlier are dropped, so the scheduler's rows are the only ones written.
   */
  private async setUpRollups(db: string): Promise<RollupMode> {
    const ours = continuousQueries(db);
    if (this.rollupSetting === "scheduler") {
      // InfluxDB 2.x/3.x refuse SHOW CONTINUOUS QUERIES: then there is nothing to drop.
      const cqs = await this.influx.showContinousQueries(db).catch((err: unknown) => (refusedStatement(err) ? [] : Promise.reject(err)));
      for (const cq of ours) if (cqs.some((c) => c.name === cq.name)) await this.influx.dropContinuousQuery(cq.name, db);
      return "scheduler";
    }
    try {
      const cqs = await this.influx.showContinousQueries(db);
      for (const cq of ours) {
        // Recreate so a changed definition takes effect; CQs hold no data of their own.
        if (cqs.some((c) => c.name === cq.name)) await this.influx.dropContinuousQuery(cq.name, db);
        await this.influx.createContinuousQuery(cq.name, cq.select, db, cq.resample);
      }
      return "continuous-queries";
    } catch (err) {
      if (this.rollupSetting !== "auto" || !refusedStatement(err)) throw err;
      this.options.logger.info({ database: db, influx: this.where, reason: (err as Error).message }, "InfluxDB has no continuous queries: the rollup scheduler builds the rollups");
      return "scheduler";
    }
  }

  /** Sets the schema up first if that has not happened yet; unavailable (503) while it cannot. */
  private async schemaFirst(signal?: AbortSignal): Promise<void> {
    if (this.schemaReady) return;
    if (!signal) return this.ensureSchema();
    // A stalled InfluxDB must not hold up a write that is being aborted (shutdown).
    signal.throwIfAborted();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new StorageUnavailableError(`InfluxDB at ${this.where}: write aborted while setting up database ${this.database}`));
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      await Promise.race([this.ensureSchema(), aborted]);
    } finally {
      signal.removeEventListener("abort", onAbort!);
    }
  }

  private readonly writeListeners = new Set<(readings: readonly Reading[]) => void>();

  onWrite(listener: (readings: readonly Reading[]) => void): () => void {
    this.writeListeners.add(listener);
    return () => void this.writeListeners.delete(listener);
  }

  /** Tells the listeners about a batch; both announcements of one batch pass the same array (listeners dedupe by it). */
  private wrote(batch: () => readonly Reading[]): void {
    if (this.writeListeners.size === 0) return;
    const list = batch();
    for (const listener of this.writeListeners) listener(list);
  }

  async writeReadings(readings: ReadingsToWrite, signal?: AbortSignal, body?: Buffer<ArrayBuffer>): Promise<void> {
    // A function is called at most once, and only when the readings are needed as objects.
    let list = typeof readings === "function" ? undefined : readings;
    const batch = (): readonly Reading[] => (list ??= (readings as () => readonly Reading[])());
    if (body === undefined) {
      if (batch().length === 0) return;
      body = Buffer.from(toLineProtocol(batch()));
    } else if (body.length === 0) return;
    this.wrote(batch);
    try {
      await this.writeBatch(body, signal);
    } finally {
      this.wrote(batch);
    }
  }

  private async writeBatch(body: Buffer<ArrayBuffer>, signal?: AbortSignal): Promise<void> {
    await this.schemaFirst(signal);
    let res: WriteAnswer;
    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    try {
      // The Buffer as it is, on a kept-alive connection (write-request.ts).
      res = await this.writes.post(this.writeUrl, this.writeHeaders, body, withTimeout(signal, timeoutMs));
    } catch (err) {
      throw new StorageUnavailableError(unreachable(this.where, err, timeoutMs));
    }
    if (res.status === 204) return;
    const text = scrubUrls(res.text);
    if (res.status === 404 && /database not found/i.test(text)) {
      // Dropped behind our back (or InfluxDB lost its data): set it up again rather than refuse the batch.
      this.schemaReady = false;
      this.schemaSetup = undefined;
      throw new StorageUnavailableError(`InfluxDB at ${this.where} has no database ${this.database}; setting it up again`);
    }
    if (res.status >= 400 && res.status < 500) throw new StorageRejectedError(`InfluxDB rejected a write (${res.status}): ${text}`);
    throw new StorageUnavailableError(`InfluxDB write failed (${res.status}): ${text}`);
  }

  async writeLines(retentionPolicy: string, lines: string): Promise<void> {
    if (lines.length === 0) return;
    await this.schemaFirst();
    const timeoutMs = this.options.requestTimeoutMs ?? 30_000;
    let res: WriteAnswer;
    try {
      res = await this.writes.post(this.writeUrlFor(retentionPolicy), this.writeHeaders, Buffer.from(lines), AbortSignal.timeout(timeoutMs));
    } catch (err) {
      throw new StorageUnavailableError(unreachable(this.where, err, timeoutMs));
    }
    if (res.status === 204) return;
    const text = scrubUrls(res.text);
    if (res.status >= 400 && res.status < 500) throw new StorageRejectedError(`InfluxDB rejected a write into ${retentionPolicy} (${res.status}): ${text}`);
    throw new StorageUnavailableError(`InfluxDB write into ${retentionPolicy} failed (${res.status}): ${text}`);
  }

  async query<T = Record<string, unknown>>(influxql: string): Promise<IResults<T>> {
    await this.schemaFirst();
    try {
      return await this.influx.query<T>(influxql, { database: this.database, precision: "ms" });
    } catch (err) {
      throw classifyError(err, this.where);
    }
  }

  async queryValues(influxql: string): Promise<SeriesValues[]> {
    return (await this.post(influxql)).flat();
  }

  async queryEach(statements: readonly string[]): Promise<SeriesValues[][]> {
    if (statements.length === 0) return [];
    const results = await this.post(statements.join(";\n"));
    return statements.map((_, i) => results[i] ?? []);
  }

  private endpoint(): InfluxEndpoint {
    return { base: this.base, headers: this.pingHeaders, database: this.database, where: this.where };
  }

  /** One /query request (one or more statements); the series of each statement's result, by statement. */
  private async post(influxql: string): Promise<SeriesValues[][]> {
    await this.schemaFirst();
    return postQuery(this.endpoint(), influxql, this.options.requestTimeoutMs ?? 30_000);
  }

  async *queryChunks(influxql: string, options: ChunkedQueryOptions = {}): AsyncGenerator<SeriesChunk> {
    await this.schemaFirst();
    yield* chunkedQuery(this.endpoint(), influxql, options);
  }

  async status(timeoutMs = 2_000): Promise<StorageStatus> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/ping`, { headers: this.pingHeaders, signal: AbortSignal.timeout(timeoutMs) });
      await res.body?.cancel();
    } catch (err) {
      return { reachable: false, version: undefined, error: unreachable(this.where, err, timeoutMs) };
    }
    if (res.status >= 300) {
      return { reachable: false, version: undefined, error: `InfluxDB at ${this.where} answered /ping with HTTP ${res.status}` };
    }
    const version = res.headers.get("x-influxdb-version") ?? undefined;
    if (!this.schemaReady) {
      let timer: NodeJS.Timeout | undefined;
      const slow = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("still in progress"), timeoutMs)));
      const problem = await Promise.race([this.ensureSchema().then(() => undefined, (err: unknown) => (err as Error).message), slow]);
      clearTimeout(timer);
      if (problem !== undefined) return { reachable: false, version, error: problem === "still in progress" ? `InfluxDB at ${this.where}: setting up database ${this.database}` : problem };
    }
    return { reachable: true, version, error: undefined };
  }
}

function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** The server answered and refused the statement (not: unreachable, or failing with 5xx). */
function refusedStatement(err: unknown): boolean {
  const e = err as Error & { res?: { statusCode?: number }; code?: string };
  if (e.code !== undefined) return false;
  const status = e.res?.statusCode;
  return status === undefined || (status >= 400 && status < 500);
}

function classifyError(err: unknown, where: string): Error {
  if (err instanceof StorageUnavailableError || err instanceof StorageRejectedError) return err;
  const e = err as Error & { res?: { statusCode?: number }; code?: string };
  const status = e.res?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new StorageRejectedError(scrubUrls(e.message));
  }
  // node-influx passes socket errors through (their text names host and port) and its own timeouts.
  if (e.code !== undefined) return new StorageUnavailableError(unreachable(where, err, 0));
  return new StorageUnavailableError(`InfluxDB at ${where} failed: ${scrubUrls(e.message)}`);
}
