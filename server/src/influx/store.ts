// The storage adapter: everything Water Monitor reads from or writes to InfluxDB goes through
// this interface, implemented with node-influx.
import { InfluxDB, type IPoint, type IResults } from "influx";
import type { Reading } from "../../../common/reading.ts";
import { StorageUnavailableError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { FIELD, MEASUREMENT, RETENTION, TAG, continuousQueries, influxSchema } from "./schema.ts";

export interface StorageStatus {
  reachable: boolean;
  version: string | undefined;
  error: string | undefined;
}

export interface ReadingStore {
  readonly database: string;
  ensureSchema(): Promise<void>;
  writeReadings(readings: readonly Reading[]): Promise<void>;
  query<T = Record<string, unknown>>(influxql: string): Promise<IResults<T>>;
  status(timeoutMs?: number): Promise<StorageStatus>;
}

/** InfluxDB rejected a request (4xx): retrying the same request will not help. */
export class StorageRejectedError extends Error {
  override readonly name = "StorageRejectedError";
}

export function toPoint(r: Reading): IPoint {
  const fields: Record<string, number | string> = { [FIELD.qc]: r.qc };
  const failed = r.qc === 4;
  if (r.value !== null) {
    fields[FIELD.value] = r.value;
    fields[FIELD.belowLod] = 0;
    if (!failed) fields[FIELD.meanValue] = r.value;
  } else if (r.lod !== null) {
    fields[FIELD.lod] = r.lod;
    fields[FIELD.qualifier] = "<LOD";
    fields[FIELD.belowLod] = 1;
    if (!failed) fields[FIELD.meanValue] = r.lod / 2;
  }
  return {
    measurement: MEASUREMENT,
    tags: { [TAG.station]: r.station, [TAG.parameter]: r.parameter },
    fields,
    timestamp: new Date(r.time),
  };
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

  constructor(private readonly options: InfluxStoreOptions) {
    const url = new URL(options.url);
    this.database = options.database;
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

  async writeReadings(readings: readonly Reading[]): Promise<void> {
    if (readings.length === 0) return;
    try {
      await this.influx.writePoints(readings.map(toPoint), {
        precision: "ms",
        retentionPolicy: RETENTION.raw.name,
        database: this.database,
      });
    } catch (err) {
      throw classifyError(err);
    }
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

function classifyError(err: unknown): Error {
  const e = err as Error & { res?: { statusCode?: number } };
  const status = e.res?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new StorageRejectedError(e.message);
  }
  return new StorageUnavailableError(`InfluxDB unavailable: ${e.message}`);
}
