// Builds and starts one Water Monitor server against a reachable InfluxDB: storage, write
// pipeline, HTTP routes, socket.io. main.ts adds the managed influxd, simulator and signals;
// tests call this directly with port 0 and a temporary data dir.
import { createServer, type IncomingMessage, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Request } from "express";
import { Server as IoServer } from "socket.io";
import type { Config } from "./config.ts";
import type { CatalogData } from "../../common/catalog-model.ts";
import type { ManagedCatalog } from "./catalog/catalog-store.ts";
import { anyPresence, InfluxDataPresence } from "./catalog/data-presence.ts";
import { SqlLabDataPresence } from "./lab/lab-data-presence.ts";
import { configuredSeed, openCatalog } from "./catalog/open-catalog.ts";
import { CATALOG_IMPORT_PATH, catalogRouter } from "./catalog/catalog-routes.ts";
import { entityRouter } from "./catalog/entity-routes.ts";
import { sensorRouter } from "./catalog/sensor-routes.ts";
import { standardRouter } from "./catalog/standard-routes.ts";
import { stationRouter } from "./catalog/station-routes.ts";
import { errorMiddleware, notFoundHandler } from "./http/error-middleware.ts";
import { healthRouter } from "./http/health-route.ts";
import { staticClientRouter } from "./http/static-client.ts";
import { compressResponses } from "./http/compression.ts";
import { listRoutes, type RouteInfo } from "./http/route-list.ts";
import type { ReadingStore } from "./influx/store.ts";
import { openReadingStore } from "./influx/open-store.ts";
import { BatchWriter } from "./ingest/batch-writer.ts";
import { IngestEvents } from "./ingest/ingest-events.ts";
import { IngestService } from "./ingest/ingest-service.ts";
import { influxWriteRouter } from "./ingest/influx-write-route.ts";
import { QcEngine } from "./ingest/qc/qc-engine.ts";
import { readingsRouter } from "./ingest/readings-route.ts";
import { SqlStationTokenRepository, type StationTokenRepository } from "./auth/station-tokens.ts";
import cookieParser from "cookie-parser";
import { authenticate, requireRole, type AuthServices } from "./auth/access.ts";
import { adminRouter, type AccessChange } from "./auth/admin-routes.ts";
import { SqlApiTokenRepository } from "./auth/api-tokens.ts";
import { SqlAuditLog } from "./auth/audit-log.ts";
import { AccountChanges } from "./auth/account-changes.ts";
import { authRouter } from "./auth/auth-routes.ts";
import { LoginThrottle, SqlLoginThrottleRepository, type LoginThrottlePolicy } from "./auth/login-throttle.ts";
import { ensureFirstAdmin } from "./auth/first-admin.ts";
import { SqlSessionRepository } from "./auth/sessions.ts";
import { SqlSettingsRepository } from "./auth/settings.ts";
import { SqlUserRepository } from "./auth/users.ts";
import { rateLimited, securityHeaders } from "./http/security.ts";
import { readLimits, type ReadGateStats } from "./http/read-limits.ts";
import { liveAuthMiddleware } from "./live/live-auth.ts";
import { LiveAccess } from "./live/live-access.ts";
import { watchStorage } from "./live/storage-watch.ts";
import { openMetaStore } from "./meta/open.ts";
import type { MetaStore } from "./meta/store.ts";
import { originGuard } from "./live/live-origin.ts";
import { openWriterSpool, SHARED_SPOOL_POLL_MS } from "./ingest/writer-spool.ts";
import { IngestJournal } from "./ingest/journal.ts";
import { LiveHub, type LiveServer } from "./live/live-hub.ts";
import { queryRouter } from "./query/query-routes.ts";
import { LatestReadings } from "./query/latest-readings.ts";
import { DEFAULT_ROLLUP_SCHEDULER_OPTIONS, startRollupScheduler, type RollupScheduler } from "./query/rollup-scheduler.ts";
import { SqlRollupStateRepository } from "./query/rollup-state-repository.ts";
import { exportRouter } from "./export/export-routes.ts";
import type { Logger } from "../../common/logger.ts";
import { systemClock, timerScheduler, type Clock, type Scheduler } from "./util/clock.ts";
import { createAlerting, type Alerting, type AlertingOptions } from "./alerts/alerting.ts";
import { createLab, type Lab } from "./lab/lab.ts";
import { isLabUpload } from "./lab/lab-routes.ts";
import { LabAlerts } from "./lab/lab-alerts.ts";
import { feedLabAlerts, type LabAlertFeed } from "./lab/lab-alert-feed.ts";
import { SqlMembershipRepository } from "./auth/memberships.ts";
import { createReview, type Review } from "./review/review.ts";
import { LATEST_LOOKBACK_MS, SCHEMA_RETENTION, storedLatest } from "./query/series-service.ts";
import { createAssessments, type Assessments } from "./assessment/api/assessments.ts";
import { createMaintenance, type Maintenance } from "./maintenance/maintenance.ts";
import { openClusterLink } from "./cluster/cluster-link.ts";
import { joinInfluxDatabase } from "./cluster/influx-database-claim.ts";
import { openLeadership, startLeaderDuties, type Leadership } from "./cluster/leader-duties.ts";

export const CLIENT_DIST = fileURLToPath(new URL("../../client/dist", import.meta.url));

/** Export starts and estimates per minute per address (concurrency is limited per user as well). */
const EXPORT_REQUESTS_PER_MINUTE = 120;
/** InfluxDB 1.x's RPC service (backup/restore) listens here by default ([rpc] bind-address, influxdb.conf). */
const INFLUX_DEFAULT_RPC_PORT = 8088;
/** Longest a read waits for a slot before 503: a chart that waits longer is better retried. */
const READ_QUEUE_WAIT_MS = 10_000;

export interface SystemOptions {
  config: Readonly<Config>;
  logger: Logger;
  /** URL of the InfluxDB to use (managed or external). */
  influxUrl: string;
  influxMode: "managed" | "external";
  /**
   * InfluxDB's ports besides HTTP on its host, never webhook targets: the managed influxd's RPC
   * (backup/restore) port. Default: 8088, the RPC port of InfluxDB 1.x's default configuration.
   */
  influxOtherPorts?: () => number[];
  /** The one clock and timer source for the whole server; tests pass a ManualTime. */
  clock?: Clock;
  scheduler?: Scheduler;
  /**
   * What a data dir without a catalog starts with (tests pass their own); CATALOG_SEED by default.
   * Once the metadata store has a catalog, it is the one used.
   */
  catalogSeed?: CatalogData;
  /** Alerting intervals; tests shorten them. */
  alerting?: Partial<AlertingOptions>;
  /** Built dashboard to serve; client/dist by default. */
  clientDir?: string;
  /** Login throttling (auth/login-throttle.ts); tests lengthen the delays so a slow machine stays inside them. */
  loginThrottle?: Partial<LoginThrottlePolicy>;
}

export interface RunningSystem {
  url: string;
  port: number;
  /** The managed catalog every module reads (and admins change). */
  catalog: ManagedCatalog;
  store: ReadingStore;
  writer: BatchWriter;
  rollups: RollupScheduler;
  events: IngestEvents;
  meta: MetaStore;
  stationTokens: StationTokenRepository;
  auth: AuthServices;
  alerting: Alerting;
  lab: Lab;
  labAlerts: LabAlertFeed; // idle() once an import's alerts are recorded
  /** The read API's slots: running (anonymous among them) and waiting reads. */
  reads: () => ReadGateStats;
  review: Review;
  assessments: Assessments;
  maintenance: Maintenance;
  leadership: Leadership;
  io: LiveServer;
  http: HttpServer;
  /** Every route the HTTP API answers (for the role-matrix test). */
  routes(): RouteInfo[];
  close(timeoutMs?: number): Promise<void>;
}

export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler ?? timerScheduler;
  const now = () => clock.now();
  const startedAt = now();
  const cluster = await openClusterLink(config, logger); // REDIS_URL: shared with other instances (start fails without Redis)
  const { store, initial, rollupMode } = await openReadingStore(config, options.influxUrl, logger);
  const meta = await openMetaStore(config.dataDir, { databaseUrl: config.databaseUrl, logger: logger.child({ module: "meta" }) });
  await joinInfluxDatabase(meta, config); // instances sharing DATABASE_URL share one INFLUX_DATABASE
  const leadership = await openLeadership(meta, config.databaseUrl, { clock, scheduler, logger });
  // Before the writer starts: a dirty hour from before a restart is not trusted meanwhile, and only
  // history from before this start is rebuilt in the background (an upgraded installation's).
  const rollups = await startRollupScheduler(store, new SqlRollupStateRepository(meta.db), logger.child({ module: "rollups" }), {
    ...DEFAULT_ROLLUP_SCHEDULER_OPTIONS, quietMs: config.rollupRepairQuietMs, maxWaitMs: config.rollupRepairMaxWaitMs, mode: rollupMode, now, historyRetentionMs: initial.reachable ? SCHEMA_RETENTION.rawMs : null, leading: leadership.isLeader(),
  });
  // INGEST_ACK=stored: the spool is shared in the metadata database, so nothing acknowledged waits on this machine only.
  const spool = await openWriterSpool(config, meta, leadership.instance, now, logger);
  const journal = config.ingest.journal ? new IngestJournal(path.join(config.dataDir, "journal"), logger.child({ module: "journal" })) : undefined;
  const writer = new BatchWriter(
    store,
    spool,
    {
      batchSize: config.ingest.writeBatchSize,
      flushMs: config.ingest.flushMs,
      concurrency: config.ingest.writeConcurrency,
      queueMaxPoints: config.ingest.queueMaxPoints,
      spoolMaxBytes: config.ingest.spoolMaxBytes,
      spoolPollMs: config.ingest.ack === "stored" ? SHARED_SPOOL_POLL_MS : undefined,
      // Four rounds of full writes in flight keep InfluxDB busy; deeper, the queue only holds memory.
      holdAbovePoints: Math.min(config.ingest.queueMaxPoints, 4 * config.ingest.writeBatchSize * config.ingest.writeConcurrency),
    },
    logger.child({ module: "batch-writer" }),
    journal,
  );
  // Every batch the writer stores, directly or replayed from the spool (journal recovery included).
  writer.onWritten((readings) => rollups.written(readings));
  const events = new IngestEvents();
  // /latest from memory, fed what (any instance's) ingest accepted (cluster.attach) and what is written (replays too).
  const latestReadings = new LatestReadings(() => storedLatest(store, now() - LATEST_LOOKBACK_MS));
  store.onWrite((readings) => latestReadings.accepted(readings));
  const catalog = await openCatalog({
    meta,
    // Readings and lab results both name stations and parameters.
    presence: anyPresence([new InfluxDataPresence(store), new SqlLabDataPresence(meta.db)]),
    logger,
    now,
    seed: () => (options.catalogSeed ? structuredClone(options.catalogSeed) : configuredSeed(config.catalog.seed)),
  });
  const stationTokens = new SqlStationTokenRepository(meta.db);
  // Maintenance windows mark the readings taken inside them and hold their series' alerts.
  const maintenance = await createMaintenance({ meta, catalog, clock, logger });
  const ingest = new IngestService(writer, events, new QcEngine(now), catalog, now, journal, maintenance.calendar, { passThrough: config.ingest.passThrough, ack: config.ingest.ack });
  const accountRepos = {
    users: new SqlUserRepository(meta.db),
    sessions: new SqlSessionRepository(meta.db, config.auth.sessionTtlMs),
    apiTokens: new SqlApiTokenRepository(meta.db),
  };
  const auth: AuthServices = {
    ...accountRepos,
    settings: new SqlSettingsRepository(meta.db, {
      publicDashboard: config.auth.publicDashboard,
      releaseLevel: config.review.releaseLevel,
      publicProvisional: config.review.publicProvisional,
    }),
    audit: new SqlAuditLog(meta.db),
    accounts: new AccountChanges(meta, accountRepos),
    memberships: new SqlMembershipRepository(meta.db),
  };
  await ensureFirstAdmin(auth.users, config.auth.adminPassword, logger);
  // Each import and query reads the catalog once and works on that snapshot throughout.
  const lab = createLab({
    meta,
    readings: store,
    catalog: () => catalog.current(),
    clock,
    logger,
    maxBytes: config.lab.importMaxBytes,
    // Sensor validation shows a sensor's readings: not those of an embargoed sensor to outsiders.
    mayRead: (res, series) => review.refuseEmbargoed(res, series),
  });
  // Data review: corrections, approvals, grades, embargoes; the corrected reader every read path uses.
  const review = createReview({
    meta,
    store,
    catalog,
    clock,
    logger,
    settings: auth.settings,
    memberships: auth.memberships,
    users: auth.users,
    grades: config.review.grades,
    rawRetentionMs: SCHEMA_RETENTION.rawMs,
    labResultExists: (id) => lab.queries.resultExists(id),
  });
  // Known once the server listens; alert links and the webhook self-check read it lazily.
  let listening = { port: 0, url: "" };
  const alerting = createAlerting({
    meta,
    store,
    audit: auth.audit,
    influxUrl: options.influxUrl,
    catalog,
    influxOtherPorts: options.influxOtherPorts ?? (() => [INFLUX_DEFAULT_RPC_PORT]),
    logger,
    config,
    port: () => listening.port,
    baseUrl: () => config.publicUrl ?? listening.url,
    clock,
    scheduler,
    // AA windows are filled from corrected data; alerts reach only those who may see their data.
    options: { ...options.alerting, engine: { ...options.alerting?.engine, meanHistory: review.meanHistory, maintenance: maintenance.calendar } },
    visibility: { reads: review.alertReads, recipients: review.recipients }, limitStore: (name) => cluster.limitStore(name),
    sender: { name: leadership.instance, fence: (trx) => leadership.fence(trx) },
  });
  // A correction changes a series' data: its rolling means follow (past alerts are not re-evaluated).
  review.onChange(({ series, kind }) => {
    if (kind !== "correction") return;
    alerting.engine.reloadMeans(series.station, series.parameter, series.sensor).catch((err: unknown) =>
      logger.warn({ reason: (err as Error).message, ...series }, "refilling rolling means after a correction failed"),
    );
  });
  // A catalog change is answered once the built-in rules derived from its standards follow it.
  catalog.onCommitted((snapshot, change) =>
    alerting.followCatalog(snapshot, { actor: change.record.actor, catalogVersion: change.record.version, reason: `catalog ${change.record.action}` }),
  );
  // Cached per series; writes, lab imports, corrections and approvals bump the data versions keying the cache.
  const assessments = createAssessments({ store, lab, review, onWritten: (listener) => writer.onWritten(listener), catalog, clock, logger });
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.use(securityHeaders());
  // The read limits are built here (the health body shows them) and mounted after authentication.
  const reads = readLimits({
    perMinute: config.auth.readRatePerMinute,
    anonymousPerMinute: config.auth.readRateAnonymousPerMinute,
    slots: config.auth.readConcurrency,
    // A quarter (at least one) for callers who are not logged in: logged-in users always find room,
    // and a crowd of anonymous clients keeps at most that many expensive reads going.
    anonymousSlots: Math.max(1, Math.floor(config.auth.readConcurrency / 4)),
    queueMax: config.auth.readQueueMax,
    maxWaitMs: READ_QUEUE_WAIT_MS, store: cluster.limitStore("reads"),
  });
  app.use(healthRouter({ store, writer, influxMode: options.influxMode, startedAt, now, reads: () => reads.gate.stats(), draining: cluster.draining, role: () => leadership.role() }));
  // Ingest authenticates with station tokens and parses its own (larger) bodies.
  const { maxReadings, maxBytes } = config.ingest;
  const writeLimit = rateLimited(config.auth.writeRatePerMinute, "write", cluster.limitStore("write"));
  app.use(readingsRouter({ service: ingest, tokens: stationTokens, maxReadings, maxBytes, rateLimit: writeLimit }));
  app.use(influxWriteRouter({ service: ingest, tokens: stationTokens, database: config.influx.database, maxBytes, now, rateLimit: writeLimit }));
  app.use(compressResponses());
  // Confirm/unsubscribe links from mails carry their own token and no session.
  app.use(alerting.tokenRouter);
  // Everything else under /api: cookies or personal API tokens, JSON bodies up to 256 kB. A lab file
  // upload is its own body (read by the lab route after the role check), whatever type it claims; so
  // is a catalog import (larger: parsed by its route once the caller is known to be an admin).
  const isCatalogImport = (req: IncomingMessage) => (req as Request).originalUrl.split("?")[0] === CATALOG_IMPORT_PATH;
  const jsonBody = (req: IncomingMessage) => !isLabUpload(req) && !isCatalogImport(req) && Boolean((req as Request).is("application/json"));
  app.use("/api", cookieParser(), express.json({ limit: "256kb", type: jsonBody }), authenticate(auth));
  app.use("/api/v1", reads.middleware);
  // Someone's rights changed: their live connections (every instance's) follow at once (the cluster is
  // attached to the live server below; rights only change once requests flow) ...
  const recheckLive = (change: AccessChange): Promise<void> =>
    cluster.recheckLive(change).then(
      () => undefined,
      (err: unknown) => logger.warn({ reason: (err as Error).message }, "re-checking live connections failed"),
    );
  // ... and when an admin changed an account, so do the user's alert rules (paused, resumed, or
  // deleted with the user).
  const accountChanged = async (change: AccessChange): Promise<void> => {
    // Release settings are read by live connections from a short cache: read them again now.
    if (change === "anonymous") review.live.invalidate();
    const rules = change === "anonymous" ? undefined : alerting.ownersChanged();
    await Promise.all([recheckLive(change), rules?.catch((err: unknown) => logger.warn({ reason: (err as Error).message }, "re-reading alert rules after an account change failed"))]);
  };
  const throttle = new LoginThrottle(new SqlLoginThrottleRepository(meta.db), clock, options.loginThrottle);
  app.use(authRouter({ auth, sessionTtlMs: config.auth.sessionTtlMs, throttle, loginLimitStore: cluster.limitStore("login"), clock, onAccessChanged: (userId) => recheckLive({ userId }) }));
  app.use(adminRouter(auth, stationTokens, catalog, accountChanged));
  app.use(["/api/v1/catalog", "/api/v1/stations", "/api/v1/parameters", "/api/v1/latest", "/api/v1/series"], requireRole("viewer"));
  const reviewed = { reader: review.reader, access: review.access, grades: config.review.grades };
  app.use(catalogRouter({ catalog, importMaxBytes: config.catalog.importMaxBytes }));
  app.use(stationRouter({ catalog, now, rulesAt: async (station) => (await alerting.rules.list()).filter((r) => r.station === station).length }));
  app.use(sensorRouter({ catalog }));
  app.use(standardRouter({ catalog, now }));
  app.use(entityRouter({ catalog }));
  // A compare chart holds one read slot, and splits its InfluxDB statements over at most that many requests.
  app.use(queryRouter({ store, catalog, logger, now, latestReadings, rollups, readSlots: config.auth.readConcurrency, ...reviewed }));
  app.use("/api/v1/export", rateLimited(EXPORT_REQUESTS_PER_MINUTE, "export", cluster.limitStore("export")));
  app.use(exportRouter({ store, catalog, logger, now, lab: lab.queries, ...reviewed }));
  app.use(alerting.router);
  app.use(maintenance.router);
  app.use(lab.router);
  app.use(review.router);
  app.use(assessments.router);
  app.use("/api", notFoundHandler());
  app.use(staticClientRouter(options.clientDir ?? CLIENT_DIST));
  app.use(notFoundHandler());
  app.use(errorMiddleware(logger));

  const http = createServer(app);
  const io: LiveServer = new IoServer(http, { serveClient: false, maxHttpBufferSize: 64 * 1024, allowRequest: originGuard(config.publicUrl), ...(cluster.socketAdapter && { adapter: cluster.socketAdapter }) });
  const organisationsOf = (userId: number) => auth.memberships.of(userId);
  io.use(liveAuthMiddleware(auth, organisationsOf));
  const liveAccess = new LiveAccess(io, auth, logger.child({ module: "live-access" }), organisationsOf);
  liveAccess.start(scheduler, config.liveRecheckMs);
  const hub = new LiveHub(io, logger.child({ module: "live" }), catalog, config.liveFlushMs, review.live, config.liveMaxBacklog);
  const stopStorageWatch = watchStorage(store, io, config.storageWatchMs, logger.child({ module: "storage-watch" }));
  await alerting.start();
  // The leader's duties (alert engine, outbox, rollup rebuilds) run before the first reading can arrive.
  const duties = await startLeaderDuties(leadership, alerting, rollups, { logger, scheduler });
  await cluster.attach({ io, events, hub, latest: latestReadings, alerting, liveAccess, leadership, judge: (readings) => duties.feedAlertEngine(readings) }); // live, /latest, engine
  alerting.onAcknowledged((alert) => io.emit("alertUpdated", { id: alert.id }));
  // Rare and small: every dashboard decides from the stations and parameters whether to refetch.
  lab.onChange((change) => io.emit("labResults", change));
  maintenance.onChange((w) => io.emit("maintenance", { id: w.id, station: w.station }));
  // Lab results judged by the alert rules: a result above a MAC-EQS, sensors disagreeing with the lab.
  const labAlerts = new LabAlerts({ engine: alerting.engine, queries: lab.queries, readings: store, readingsSettled: () => writer.settledSoFar(), retention: SCHEMA_RETENTION, catalog: () => catalog.current(), clock, logger: logger.child({ module: "lab-alerts" }) });
  const labFeed = await feedLabAlerts({ labAlerts, onLocalChange: (listener) => lab.onChange(listener), leadership, db: meta.db, scheduler, logger }); // on the leader
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const shownHost = config.host === "0.0.0.0" || config.host === "127.0.0.1" ? "localhost" : config.host;
  const url = `http://${shownHost}:${port}`;
  listening = { port, url };

  let closing: Promise<void> | undefined;
  const close = (timeoutMs = 8_000): Promise<void> => {
    closing ??= (async () => {
      await cluster.drain();
      hub.close();
      liveAccess.stop();
      stopStorageWatch();
      // Disconnects live clients and stops accepting connections; requests already in progress finish.
      const httpClosed = new Promise<void>((resolve) => io.close(() => resolve()));
      await writer.close(timeoutMs);
      await journal?.close();
      // Late history written just now: roll it up if that is quick; otherwise the raw data stays
      // complete and only the long-range rollups miss those hours.
      await Promise.race([rollups.flush(), new Promise((r) => setTimeout(r, 2_000).unref())]);
      await rollups.close();
      http.closeAllConnections();
      await httpClosed.then(() => cluster.close());
      await labFeed.stop();
      await labAlerts.idle();
      await duties.close();
      await alerting.stop();
      await leadership.close();
      await maintenance.calendar.idle();
      await cluster.release();
      await meta.close();
    })();
    return closing;
  };

  return { url, port, catalog, store, writer, rollups, events, meta, stationTokens, auth, alerting, lab, labAlerts: labFeed, reads: () => reads.gate.stats(), review, assessments, maintenance, leadership, io, http, routes: () => listRoutes(app), close };
}
