// Configuration: parsed once at start from the environment (and an optional JSON file named by
// CONFIG_FILE), validated with zod, frozen, and passed to whoever needs it.
import { readFileSync } from "node:fs";
import path from "node:path";
import proxyaddr from "proxy-addr";
import { z } from "zod";
import { displayUrl } from "./util/safe-url.ts";

const onOff = z
  .enum(["on", "off", "true", "false", "1", "0"])
  .transform((v) => v === "on" || v === "true" || v === "1");

function trustProxyAccepted(value: string): boolean {
  if (/^\s*\d+\s*$/.test(value)) return true;
  try {
    proxyaddr.compile(value.split(",").map((v) => v.trim()));
    return true;
  } catch {
    return false;
  }
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  INFLUX_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://influx.example.org:8086" })
    .optional(),
  INFLUX_PORT: port.default(8086),
  DATABASE_URL: z
    .url({
      protocol: /^postgres(ql)?$/,
      error: "must be a postgres:// URL such as postgres://water:secret@127.0.0.1:5432/water_monitor",
    })
    .optional(),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL such as redis://:secret@127.0.0.1:6379/0" })
    .optional(),
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(60).default(0),
  INFLUX_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "letters, digits and underscores only")
    .default("water_monitor"),
  INFLUXD_BINARY: z.string().min(1).default("influxd"),
  INFLUX_ROLLUPS: z
    .enum(["auto", "continuous-queries", "scheduler"], { error: "must be auto, continuous-queries or scheduler" })
    .default("auto"),
  INFLUX_WRITE_CONSISTENCY: z.enum(["any", "one", "quorum", "all"], { error: "must be any, one, quorum or all" }).optional(),
  // Express reads `trust proxy` with proxy-addr: checked here with the same library, so a typo stops the start.
  TRUST_PROXY: z
    .string()
    .refine(trustProxyAccepted, "a hop count (such as 1) or comma-separated addresses and CIDR ranges (such as 10.0.0.0/8, 127.0.0.1), or loopback, linklocal, uniquelocal")
    .default("loopback"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["auto", "json", "pretty"]).default("auto"),
  SIMULATOR: onOff.default(true),
  SIMULATOR_SPEED: z.coerce.number().positive().default(1),
  SIMULATOR_SEED: z.coerce.number().int().default(1),
  SIMULATOR_BACKFILL: z
    .string()
    .regex(/^\d+[smhd]$/, "a duration such as 30m, 12h or 7d")
    .default("2d"),
  // Twelve weekly composites: enough pairs (10 at least) for the validation view's statistics.
  SIMULATOR_LAB_HISTORY: z
    .string()
    .regex(/^\d+[smhd]$/, "a duration such as 30m, 12h or 84d")
    .default("84d"),
  INGEST_MAX_READINGS: positiveInt.default(10_000),
  INGEST_MAX_BYTES: positiveInt.default(5 * 1024 * 1024),
  INGEST_ACK: z.enum(["journal", "stored"], { error: "must be journal or stored" }).optional(),
  INGEST_JOURNAL: onOff.optional(),
  INGEST_PASS_THROUGH: onOff.default(true),
  WRITE_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(5_000),
  WRITE_FLUSH_MS: positiveInt.default(1_000),
  WRITE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  QUEUE_MAX_POINTS: positiveInt.default(200_000),
  SPOOL_MAX_BYTES: positiveInt.default(512 * 1024 * 1024),
  LIVE_FLUSH_MS: z.coerce.number().int().min(1).max(5_000).default(10),
  LIVE_MAX_BACKLOG: z.coerce.number().int().min(1).max(100_000).default(100),
  STORAGE_WATCH_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1_000).default(100),
  HEAP_SLACK_MB: z.coerce.number().int().min(0).max(65_536).default(96),
  LIVE_RECHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  ROLLUP_REPAIR_QUIET_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  ROLLUP_REPAIR_MAX_WAIT_MS: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
  PUBLIC_DASHBOARD: onOff.default(true),
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
  WRITE_RATE_LIMIT_PER_MINUTE: positiveInt.default(1_200),
  READ_RATE_LIMIT_PER_MINUTE: positiveInt.default(1_200),
  READ_RATE_LIMIT_ANONYMOUS_PER_MINUTE: positiveInt.default(300),
  READ_CONCURRENCY: z.coerce.number().int().min(2).max(256).default(4),
  READ_QUEUE_MAX: z.coerce.number().int().min(0).max(100_000).default(100),
  ADMIN_PASSWORD: z.string().min(10, "at least 10 characters").optional(),
  SMTP_URL: z
    .url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL such as smtp://user:pass@mail.example.org:587" })
    .optional(),
  MAIL_FROM: z.string().min(3).default("Water Monitor <alerts@localhost>"),
  ALERT_REMINDER_MINUTES: z.coerce.number().int().min(0).default(60),
  WEBHOOK_ALLOW_LOCAL: onOff.default(false),
  MAX_SUBSCRIPTIONS_PER_USER: positiveInt.default(50),
  MAX_ALERT_RULES_PER_USER: positiveInt.default(100),
  LAB_IMPORT_MAX_BYTES: positiveInt.default(32 * 1024 * 1024),
  CATALOG_SEED: z.string().min(1).default("shipped"),
  CATALOG_IMPORT_MAX_BYTES: positiveInt.default(64 * 1024 * 1024),
  RELEASE_LEVEL: z.enum(["raw", "checked", "approved"], { error: "must be raw, checked or approved" }).default("approved"),
  PUBLIC_PROVISIONAL: onOff.default(true),
  REVIEW_GRADES: z
    .string()
    .transform((v) => v.split(",").map((g) => g.trim()))
    .pipe(
      z
        .array(z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "grades are lower-case words (a-z, 0-9, _ and -), at most 32 characters"))
        .min(1)
        .max(20)
        .refine((list) => new Set(list).size === list.length, "a grade is listed twice"),
    )
    .default(["good", "fair", "poor", "estimated"]),
});

export type EnvInput = Partial<Record<keyof z.input<typeof envSchema>, string>>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  dataDir: string;
  /**
   * PostgreSQL for the metadata (users, rules, alerts, catalog, lab data, review records), shared by
   * several instances; undefined: SQLite in dataDir. Carries a password: show it with displayUrl only.
   */
  databaseUrl: string | undefined;
  /**
   * Redis shared by several instances (live updates across instances, rate-limit counters, the
   * readings stream to the one alert engine); undefined: one instance, all of that in memory.
   * Carries a password: show it with displayUrl only.
   */
  redisUrl: string | undefined;
  /**
   * On shutdown, /api/health answers 503 ("draining") this long before the server stops, so a load
   * balancer takes the instance out first (at least its check interval × fall count).
   */
  shutdownDrainMs: number;
  influx: {
    /** Undefined: Water Monitor manages its own influxd under dataDir. */
    url: string | undefined;
    port: number;
    database: string;
    binary: string;
    /**
     * Who builds the 1-minute and 1-hour rollups: InfluxDB's continuous queries, or Water Monitor's
     * rollup scheduler (InfluxDB 2.x/3.x's v1 compatibility API has no continuous queries); "auto":
     * continuous queries where the server accepts them.
     */
    rollups: "auto" | "continuous-queries" | "scheduler";
    /** InfluxDB Enterprise 1.x: the `consistency` of every write; undefined: not sent (the server's default). */
    writeConsistency: "any" | "one" | "quorum" | "all" | undefined;
  };
  /** Express `trust proxy`: which proxies' X-Forwarded-For is believed (hop count, or addresses/CIDRs/names). */
  trustProxy: number | string;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  /** "auto": readable lines on a terminal, JSON otherwise. */
  logFormat: z.infer<typeof envSchema>["LOG_FORMAT"];
  simulator: { enabled: boolean; speed: number; seed: number; backfill: string; labHistory: string };
  ingest: {
    maxReadings: number;
    maxBytes: number;
    /**
     * When a request is answered: "journal" once its readings are in the local journal (journal.ts)
     * — a crash of the process loses nothing acknowledged, the death of the machine's disk does;
     * "stored" once they are in InfluxDB or, while it is down, in the shared spool in the metadata
     * database (sql-spool.ts) — durable outside the instance (issue #21). Default: "stored" with
     * DATABASE_URL (several instances), "journal" otherwise.
     */
    ack: "journal" | "stored";
    /**
     * Accepted readings are on disk before the answer, so a crash loses nothing acknowledged. Default
     * on with ack "journal"; off with "stored", where the answer waits for InfluxDB or the shared
     * spool anyway and the journal would add a disk write to each request for nothing acknowledged.
     */
    journal: boolean;
    /** /write lines already in the stored form are forwarded, not parsed and formatted again (ingest-service.ts). */
    passThrough: boolean;
    writeBatchSize: number;
    flushMs: number;
    writeConcurrency: number;
    queueMaxPoints: number;
    spoolMaxBytes: number;
  };
  /** Live updates are collected for this long and sent as one event per station room. */
  liveFlushMs: number;
  /** Packets a live connection may have queued unsent before it is closed (it resyncs on reconnect). */
  liveMaxBacklog: number;
  /** How often InfluxDB reachability is checked for live clients. */
  storageWatchMs: number;
  /**
   * How far V8 lets its heap grow past what the last full collection kept before collecting again
   * (V8's --heap-growing-percent, set by main.ts); 0 = V8's own choice (up to 4×, by allocation rate).
   */
  heapGrowingPercent: number;
  /**
   * At most this much garbage (MB) past what the last full collection kept: the growth above is
   * lowered for a large live heap (heap-setting.ts); 0 = HEAP_GROWING_PERCENT alone.
   */
  heapSlackMb: number;
  /** How often every live connection's session or token is checked again (expiry). */
  liveRecheckMs: number;
  /** Late history is rolled up into rp_1m/rp_1h once writes have paused this long ... */
  rollupRepairQuietMs: number;
  /** ... or, under continuous writes, at the latest this long after the first unbuilt write. */
  rollupRepairMaxWaitMs: number;
  auth: {
    /** Default for the admin-editable setting: anonymous visitors may read dashboards. */
    publicDashboard: boolean;
    sessionTtlMs: number;
    /** Ingest requests per minute per client address. */
    writeRatePerMinute: number;
    /** Read API: requests per minute per user, and per address without login. */
    readRatePerMinute: number;
    readRateAnonymousPerMinute: number;
    /** Read API: requests answered at once (half at most for anonymous callers), and how many may wait. */
    readConcurrency: number;
    readQueueMax: number;
    adminPassword: string | undefined;
  };
  alerts: {
    /** Undefined: email notifications are off. */
    smtpUrl: string | undefined;
    mailFrom: string;
    /** Remind subscribers of firing, unacknowledged alerts after this long; 0 = never. */
    reminderMinutes: number;
    /** Webhooks may target loopback, private and link-local addresses (receivers on the agency network). */
    webhookAllowLocal: boolean;
    /** Caps per user: each subscription and rule costs work on every alert or reading. */
    maxSubscriptionsPerUser: number;
    maxRulesPerUser: number;
  };
  lab: {
    /** Largest accepted lab file upload (CSV or XLSX). */
    importMaxBytes: number;
  };
  catalog: {
    /**
     * What a metadata store without a catalog starts with: the shipped catalog, an empty one (to
     * import a network's own), or a catalog JSON file (an export of another installation).
     */
    seed: "shipped" | "empty" | { file: string };
    /** Largest catalog file POST /api/v1/catalog/import accepts. */
    importMaxBytes: number;
  };
  review: {
    /** Defaults for the admin settings: data below this level is not yet released ... */
    releaseLevel: "raw" | "checked" | "approved";
    /** ... and readers outside the owning organisation get it labelled provisional (else not at all). */
    publicProvisional: boolean;
    /** The agency's grades, best first (REVIEW_GRADES). */
    grades: readonly string[];
  };
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

function readConfigFile(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`CONFIG_FILE ${file}: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(`CONFIG_FILE ${file}: must be a JSON object of setting names to values`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

/** Settings whose values are secret, or URLs that may carry credentials: never echoed whole. */
const SECRET_SETTINGS = new Set(["ADMIN_PASSWORD"]);
const URL_SETTINGS = new Set(["INFLUX_URL", "SMTP_URL", "PUBLIC_URL", "DATABASE_URL", "REDIS_URL"]);

function shownValue(name: string, value: string): string {
  if (SECRET_SETTINGS.has(name)) return "(hidden)";
  if (URL_SETTINGS.has(name)) return JSON.stringify(displayUrl(value, { withScheme: true }));
  return JSON.stringify(value);
}

/** Parses settings; environment variables override the config file. Throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const fromFile = env.CONFIG_FILE ? readConfigFile(env.CONFIG_FILE) : {};
  const known = Object.keys(envSchema.shape);
  const merged: Record<string, string> = {};
  for (const key of known) {
    const value = env[key] ?? fromFile[key];
    if (value !== undefined && value !== "") merged[key] = value;
  }
  const result = envSchema.safeParse(merged);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      return `  ${name}=${shownValue(name, merged[name] ?? "")}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = result.data;
  const ack = e.INGEST_ACK ?? (e.DATABASE_URL ? "stored" : "journal");
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_SECONDS * 1000,
    influx: {
      url: e.INFLUX_URL,
      port: e.INFLUX_PORT,
      database: e.INFLUX_DATABASE,
      binary: e.INFLUXD_BINARY,
      rollups: e.INFLUX_ROLLUPS,
      writeConsistency: e.INFLUX_WRITE_CONSISTENCY,
    },
    trustProxy: trustProxyValue(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    simulator: { enabled: e.SIMULATOR, speed: e.SIMULATOR_SPEED, seed: e.SIMULATOR_SEED, backfill: e.SIMULATOR_BACKFILL, labHistory: e.SIMULATOR_LAB_HISTORY },
    ingest: {
      maxReadings: e.INGEST_MAX_READINGS,
      maxBytes: e.INGEST_MAX_BYTES,
      ack,
      journal: e.INGEST_JOURNAL ?? ack === "journal",
      passThrough: e.INGEST_PASS_THROUGH,
      writeBatchSize: e.WRITE_BATCH_SIZE,
      flushMs: e.WRITE_FLUSH_MS,
      writeConcurrency: e.WRITE_CONCURRENCY,
      queueMaxPoints: e.QUEUE_MAX_POINTS,
      spoolMaxBytes: e.SPOOL_MAX_BYTES,
    },
    liveFlushMs: e.LIVE_FLUSH_MS,
    liveMaxBacklog: e.LIVE_MAX_BACKLOG,
    storageWatchMs: e.STORAGE_WATCH_MS,
    heapGrowingPercent: e.HEAP_GROWING_PERCENT,
    heapSlackMb: e.HEAP_SLACK_MB,
    liveRecheckMs: e.LIVE_RECHECK_MS,
    rollupRepairQuietMs: e.ROLLUP_REPAIR_QUIET_MS,
    rollupRepairMaxWaitMs: e.ROLLUP_REPAIR_MAX_WAIT_MS,
    auth: {
      publicDashboard: e.PUBLIC_DASHBOARD,
      sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
      writeRatePerMinute: e.WRITE_RATE_LIMIT_PER_MINUTE,
      readRatePerMinute: e.READ_RATE_LIMIT_PER_MINUTE,
      readRateAnonymousPerMinute: e.READ_RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      readConcurrency: e.READ_CONCURRENCY,
      readQueueMax: e.READ_QUEUE_MAX,
      adminPassword: e.ADMIN_PASSWORD,
    },
    alerts: {
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      reminderMinutes: e.ALERT_REMINDER_MINUTES,
      webhookAllowLocal: e.WEBHOOK_ALLOW_LOCAL,
      maxSubscriptionsPerUser: e.MAX_SUBSCRIPTIONS_PER_USER,
      maxRulesPerUser: e.MAX_ALERT_RULES_PER_USER,
    },
    lab: { importMaxBytes: e.LAB_IMPORT_MAX_BYTES },
    catalog: {
      seed: e.CATALOG_SEED === "shipped" || e.CATALOG_SEED === "empty" ? e.CATALOG_SEED : { file: path.resolve(e.CATALOG_SEED) },
      importMaxBytes: e.CATALOG_IMPORT_MAX_BYTES,
    },
    review: { releaseLevel: e.RELEASE_LEVEL, publicProvisional: e.PUBLIC_PROVISIONAL, grades: e.REVIEW_GRADES },
  };
  return deepFreeze(config);
}

/** A hop count is a number for express (a string would be read as an address list). */
function trustProxyValue(value: string): number | string {
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed.split(",").map((v) => v.trim()).join(",");
}

function deepFreeze<T extends object>(obj: T): Readonly<T> {
  for (const value of Object.values(obj)) {
    if (value !== null && typeof value === "object") deepFreeze(value as object);
  }
  return Object.freeze(obj);
}
