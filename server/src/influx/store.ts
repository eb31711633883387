// The storage adapter: everything Water Monitor reads from or writes to InfluxDB goes through
// this interface, implemented with node-influx.
import { InfluxDB, type IResults } from "influx";
import { QC, type Reading } from "../../../common/reading.ts";
import { StorageUnavailableError } from "../errors.ts";
import type { Logger } from "../../../common/logger.ts";
import { PairCache } from "../util/pair-cache.ts";
import { BELOW_LOD_QUALIFIER, FIELD, MEASUREMENT, TAG } from "../../../common/wire.ts";
import { RETENTION, continuousQueries, influxSchema } from "./schema.ts";

export interface StorageStatus {
  reachable: boolean;
  version: string | undefined;
  error: string | undefined;
}

export interface ReadingStore {
  readonly database: string;
  ensureSchema(): Promise<void>;
  /** `signal` aborts the write (shutdown); an aborted write fails like an unreachable InfluxDB. */
  writeReadings(readings: readonly Reading[], signal?: AbortSignal): Promise<void>;
  query<T = Record<string, unknown>>(influxql: string): Promise<IResults<T>>;
  status(timeoutMs?: number): Promise<StorageStatus>;
}

/** InfluxDB rejected a request (4xx): retrying the same request will not help. */
export class StorageRejectedError extends Error {
  override readonly name = "StorageRejectedError";
}

/** Tag values are catalog ids, but escape anyway: line protocol breaks on `,`, `=` and spaces. */
const escapeTag = (v: string): string => v.replace(/[\n\r]/g, "").replace(/[,= \\]/g, (c) => `\\${c}`);

/** `reading,parameter=…,station=…` per series, built once: the hot path only appends fields. */
const seriesPrefixes = new PairCache(
  (station: string, parameter: string) => `${MEASUREMENT},${TAG.parameter}=${escapeTag(parameter)},${TAG.station}=${escapeTag(station)} `,
);

/**
 * Line protocol for readings at millisecond precision. Hand-built because node-influx's generic
 * point serialisation halved write throughput in `npm run bench`. QC-failed readings carry neither
 * mean_value nor below_lod, so rollups (mean, counts, below-LOD counts) see only usable values.
 */
export function toLineProtocol(readings: readonly Reading[]): string {
  let body = "";
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    const usable = r.qc !== QC.fail;
    body += `${seriesPrefixes.get(r.station, r.parameter)}${FIELD.qc}=${r.qc}i`;
    if (r.value !== null) {
      body += `,${FIELD.value}=${r.value}`;
      if (usable) body += `,${FIELD.meanValue}=${r.value},${FIELD.belowLod}=0i`;
    } else if (r.lod !== null) {
      body += `,${FIELD.lod}=${r.lod},${FIELD.qualifier}="${BELOW_LOD_QUALIFIER}"`;
      if (usable) body += `,${FIELD.meanValue}=${r.lod / 2},${FIELD.belowLod}=1i`;
    }
    body += ` ${r.time}\n`;
  }
  return body;
}

export interface InfluxStoreOptions {
  url: string;
  database: string;
  logger: Logger;
  requestTimeoutMs?: number;
}

export class InfluxReadingStore implements ReadingStore {
  private readonly influx: InfluxDB;
  readonly database: string;

  private readonly writeUrl: string;
  private readonly writeHeaders: Record<string, string>;

  constructor(private readonly options: InfluxStoreOptions) {
    const url = new URL(options.url);
    this.database = options.database;
    const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, "")}`;
    this.writeUrl = `${base}/write?db=${encodeURIComponent(options.database)}&rp=${RETENTION.raw.name}&precision=ms`;
    this.writeHeaders = { "content-type": "text/plain; charset=utf-8" };
    if (url.username) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      this.writeHeaders.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
    }
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

  async ensureSchema(): Promise<void> {
    const db = this.database;
    const names = await this.influx.getDatabaseNames();
    if (!names.includes(db)) await this.influx.createDatabase(db);
    const existing = await this.influx.showRetentionPolicies(db);
    for (const rp of Object.values(RETENTION)) {
      const options = { database: db, duration: rp.duration, replication: 1, isDefault: rp.isDefault };
      if (existing.some((e) => e.name === rp.name)) await this.influx.alterRetentionPolicy(rp.name, options);
      else await this.influx.createRetentionPolicy(rp.name, options);
    }
    const cqs = await this.influx.showContinousQueries(db);
    for (const cq of continuousQueries(db)) {
      // Recreate so a changed definition takes effect; CQs hold no data of their own.
      if (cqs.some((c) => c.name === cq.name)) await this.influx.dropContinuousQuery(cq.name, db);
      await this.influx.createContinuousQuery(cq.name, cq.select, db, cq.resample);
    }
    this.options.logger.info({ database: db }, "InfluxDB schema ready");
  }

  async writeReadings(readings: readonly Reading[], signal?: AbortSignal): Promise<void> {
    if (readings.length === 0) return;
    let res: Response;
    try {
      res = await fetch(this.writeUrl, {
        method: "POST",
        headers: this.writeHeaders,
        // A Buffer, not a string: fetch's own string encoding cost more CPU per reading than the rest of the write.
        body: Buffer.from(toLineProtocol(readings)),
        signal: withTimeout(signal, this.options.requestTimeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new StorageUnavailableError(`InfluxDB unavailable: ${(err as Error).message}`);
    }
    if (res.status === 204) return;
    const text = await res.text().catch(() => "");
    if (res.status >= 400 && res.status < 500) throw new StorageRejectedError(`InfluxDB rejected a write (${res.status}): ${text}`);
    throw new StorageUnavailableError(`InfluxDB write failed (${res.status}): ${text}`);
  }

  async query<T = Record<string, unknown>>(influxql: string): Promise<IResults<T>> {
    try {
      return await this.influx.query<T>(influxql, { database: this.database, precision: "ms" });
    } catch (err) {
      throw classifyError(err);
    }
  }

  async status(timeoutMs = 2_000): Promise<StorageStatus> {
    try {
      const [host] = await this.influx.ping(timeoutMs);
      if (host?.online) {
        return { reachable: true, version: host.res.headers["x-influxdb-version"] as string | undefined, error: undefined };
      }
      return { reachable: false, version: undefined, error: `InfluxDB at ${this.options.url} did not answer /ping` };
    } catch (err) {
      return { reachable: false, version: undefined, error: (err as Error).message };
    }
  }
}

function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

function classifyError(err: unknown): Error {
  const e = err as Error & { res?: { statusCode?: number } };
  const status = e.res?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new StorageRejectedError(e.message);
  }
  return new StorageUnavailableError(`InfluxDB unavailable: ${e.message}`);
}
