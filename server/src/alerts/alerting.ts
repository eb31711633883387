// Composition of the alerting area: rules, engine, alert store, subscriptions, outbox and channels.
// system.ts builds one with its database, store and config; tests pass a ManualTime and short
// intervals through `options`.
import nodemailer from "nodemailer";
import type { Router } from "express";
import type { Store } from "express-rate-limit";
import type { AlertEvent, AlertInfo } from "../../../common/alerts.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import type { Config } from "../config.ts";
import { rateLimited } from "../http/security.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { Logger } from "../../../common/logger.ts";
import type { MetaStore } from "../meta/store.ts";
import { AlertEngine, DEFAULT_ENGINE_OPTIONS, type AlertEngineOptions } from "./alert-engine.ts";
import { SqlAlertRepository, type AlertRepository } from "./alert-repository.ts";
import { alertRouter } from "./alert-routes.ts";
import { correctionsOfAlert } from "./alert-corrections.ts";
import { builtInRuleDrafts, derivedRuleDrafts } from "./built-in-rules.ts";
import { deriveRules, validityKey, type DerivationCause, type DerivedDemand } from "./rule-derivation.ts";
import type { AuditLog } from "../auth/audit-log.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { SerialQueue } from "../util/serial-queue.ts";
import { ChannelDeliverer } from "./channel-deliverer.ts";
import type { Clock, Scheduler } from "../util/clock.ts";
import { Notifier, type RecipientFilter } from "./notifier.ts";
import type { AlertReadFilter } from "./alert-routes.ts";
import { SqlInboxRepository } from "./inbox-repository.ts";
import { DEFAULT_OUTBOX_OPTIONS, NotificationOutbox, type OutboxOptions, type OutboxSender } from "./outbox.ts";
import { SqlOutboxRepository } from "./outbox-repository.ts";
import { SqlAlertRuleRepository, type AlertRuleRepository } from "./rule-repository.ts";
import { SqlSubscriptionRepository, type SubscriptionRepository } from "./subscription-repository.ts";
import { subscriptionRouter, subscriptionTokenRouter } from "./subscription-routes.ts";
import { WebhookGuard } from "./webhook-guard.ts";
import { silenceHold } from "./notice-holds.ts";
import { SilenceRepository } from "./silence-repository.ts";
import { silenceRouter } from "./silence-routes.ts";
import type { Resolve } from "./webhook-target.ts";

/** Confirm/unsubscribe page requests per minute per address: a person opens a mailed link a few times. */
const TOKEN_PAGE_REQUESTS_PER_MINUTE = 30;
/** How often the standards' validity is looked at (a version starting or ending changes the rules). */
const VALIDITY_CHECK_MS = 60_000;

export interface AlertingOptions {
  engine: Partial<Omit<AlertEngineOptions, "clock" | "scheduler">>;
  outbox: Partial<OutboxOptions>;
  webhookTimeoutMs: number;
  /** How webhook host names are resolved (the system's resolver; tests use a DNS server of their own). */
  webhookResolver: Resolve;
}

export interface AlertingDeps {
  meta: MetaStore;
  store: ReadingStore;
  catalog: CatalogSource;
  /** Where derived rules that follow a catalog change are recorded. */
  audit: AuditLog;
  /** The InfluxDB the store uses: webhooks may never point there. */
  influxUrl: string;
  /** InfluxDB's other ports on its host (RPC for backup and restore): never webhook targets either. */
  influxOtherPorts: () => number[];
  logger: Logger;
  /** storageWatchMs: how often restoring the engine's history is tried again while InfluxDB is down. */
  config: Pick<Config, "publicUrl" | "alerts" | "storageWatchMs">;
  /** The HTTP port, known once the server listens (to refuse webhooks pointing back at us). */
  port: () => number;
  /** Base URL for links: PUBLIC_URL, else the server's own URL once listening. */
  baseUrl: () => string;
  clock: Clock;
  scheduler: Scheduler;
  options?: Partial<AlertingOptions>;
  /** Data review: who may read which alerts, and who is notified of them. */
  visibility?: { reads: AlertReadFilter; recipients: RecipientFilter };
  /** Where the token pages' rate limit counts (every instance's, with REDIS_URL). */
  limitStore?: (name: string) => Store | undefined;
  /** The outbox sender's name in its claims, and the leader's fence on its claims and alert events (cluster/). */
  sender?: OutboxSender;
}

export interface Alerting {
  rules: AlertRuleRepository;
  alerts: AlertRepository;
  subscriptions: SubscriptionRepository;
  engine: AlertEngine;
  outbox: NotificationOutbox;
  notifier: Notifier;
  /** Routes behind session/API-token authentication. */
  router: Router;
  /** Confirm/unsubscribe routes, authenticated by their token alone. */
  tokenRouter: Router;
  onEvent(listener: (event: AlertEvent) => void): () => void;
  onAcknowledged(listener: (alert: AlertInfo) => void): () => void;
  /** A user's rights changed, or the user was deleted: their rules may be paused, resumed or gone. */
  ownersChanged(): Promise<void>;
  /** Brings the built-in rules derived from standards in step with a changed catalog; resolves when done. */
  followCatalog(catalog: CatalogSnapshot, cause: DerivationCause): Promise<void>;
  /** Seeds and derives the rules (every instance: an admin's catalog change may arrive at any). */
  start(): Promise<void>;
  /** The leader's part (cluster/leader-duties.ts): the engine, the validity watch and the outbox sender. */
  lead(): Promise<void>;
  /** Another instance leads now (or this one closes): the engine and sender stop, their work recorded. */
  stepDown(): Promise<void>;
  stop(): Promise<void>;
}

export function createAlerting(deps: AlertingDeps): Alerting {
  const { clock, scheduler } = deps;
  const now = () => clock.now();
  const logger = deps.logger.child({ module: "alerts" });
  const db = deps.meta.db;
  const rules = new SqlAlertRuleRepository(db, now);
  const alerts = new SqlAlertRepository(db, deps.baseUrl, deps.catalog);
  const subscriptions = new SqlSubscriptionRepository(db, now);
  const mailer = deps.config.alerts.smtpUrl ? nodemailer.createTransport(deps.config.alerts.smtpUrl) : null;
  const webhookGuard = new WebhookGuard({
    allowLocal: deps.config.alerts.webhookAllowLocal,
    influxUrl: deps.influxUrl,
    influxOtherPorts: deps.influxOtherPorts,
    ownPort: deps.port,
    resolve: deps.options?.webhookResolver,
  });
  const deliverer = new ChannelDeliverer(subscriptions, {
    mailer,
    mailFrom: deps.config.alerts.mailFrom,
    baseUrl: deps.baseUrl,
    webhookTimeoutMs: deps.options?.webhookTimeoutMs ?? 10_000,
    webhookGuard,
  });
  const outboxRows = new SqlOutboxRepository(db, now, deps.meta.dialect);
  const outbox = new NotificationOutbox(outboxRows, subscriptions, deliverer, clock, scheduler, logger, { ...DEFAULT_OUTBOX_OPTIONS, ...deps.options?.outbox }, deps.sender);
  const notifier = new Notifier({ subscriptions, outbox: outboxRows, inbox: new SqlInboxRepository(db) }, outbox, clock, deps.baseUrl, deps.visibility?.recipients);
  const reminderMinutes = deps.config.alerts.reminderMinutes;
  const engine = new AlertEngine(deps.meta, rules, alerts, deps.store, deps.catalog, logger, {
    ...DEFAULT_ENGINE_OPTIONS,
    reminderMs: reminderMinutes > 0 ? reminderMinutes * 60_000 : null,
    ...deps.options?.engine,
    clock,
    scheduler,
  });
  // A former leader records no alert event once its successor leads (cluster/leadership.ts).
  const fence = deps.sender?.fence;
  if (fence) engine.onEventWrite((_event, trx) => fence(trx));
  // Runs inside the engine's transaction: the notices are committed with the state change.
  engine.onEventWrite((event, trx) => notifier.onAlert(event, trx));
  // Once committed, the outbox delivers them.
  engine.onEvent(() => notifier.wake());
  // Silenced alerts are recorded and shown, but their notices are held (issue #19).
  const silences = new SilenceRepository(db);
  engine.holds.holdNoticesWhen(silenceHold(silences));

  const ackListeners = new Set<(alert: AlertInfo) => void>();
  const { maxRulesPerUser, maxSubscriptionsPerUser } = deps.config.alerts;
  const router = alertRouter({
    rules,
    alerts,
    catalog: deps.catalog,
    clock,
    maxRulesPerUser,
    onAcknowledged: (alert) => ackListeners.forEach((l) => l(alert)),
    visibility: deps.visibility?.reads,
    linkedCorrections: (id) => correctionsOfAlert(db, id),
  });
  router.use(
    subscriptionRouter({
      subscriptions,
      notifier,
      catalog: deps.catalog,
      webhooks: { port: deps.port, publicUrl: deps.config.publicUrl },
      webhookGuard,
      emailEnabled: mailer !== null,
      maxPerUser: maxSubscriptionsPerUser,
    }),
  );
  router.use(silenceRouter({ silences, rules, meta: deps.meta, catalog: deps.catalog, clock, changed: () => engine.holds.reconsiderHolds() }));
  const tokenRouter = subscriptionTokenRouter({ subscriptions, rateLimit: rateLimited(TOKEN_PAGE_REQUESTS_PER_MINUTE, "confirmation or unsubscribe", deps.limitStore?.("token-pages")) });

  // Derivations run one at a time, each on the catalog it was asked for.
  const derivations = new SerialQueue((err) => logger.error({ err }, "keeping the built-in alert rules in step with the catalog failed"));
  let demand: DerivedDemand | undefined;
  let validity = "";
  let stopValidityWatch: (() => void) | undefined;
  const followCatalog = (catalog: CatalogSnapshot, cause: DerivationCause): Promise<void> => {
    derivations.push(async () => {
      const at = now();
      validity = validityKey(catalog, at);
      demand = (await deriveRules({ rules, audit: deps.audit, logger }, catalog, at, cause, demand)).demand;
    });
    return derivations.idle();
  };
  // A standard version that starts or ends with time (validFrom, validTo) changes what the rules must check.
  const watchValidity = () => {
    const catalog = deps.catalog.current();
    if (validityKey(catalog, now()) !== validity) {
      void followCatalog(catalog, { actor: "system", catalogVersion: catalog.version, reason: "a quality standard's validity started or ended" });
    }
  };

  let leading = false;
  // What engine.start() could not load from InfluxDB (it was down) is loaded once it answers.
  const restoreHistory = (): void => {
    if (!leading) return;
    engine.restoreHistory().catch((err: unknown) => {
      logger.warn({ reason: (err as Error).message }, "restoring alert windows failed; trying again");
      scheduler.after(deps.config.storageWatchMs, restoreHistory);
    });
  };
  const stepDown = async (): Promise<void> => {
    leading = false;
    stopValidityWatch?.();
    stopValidityWatch = undefined;
    // Pending state changes are recorded (with their notices) before the outbox stops.
    await engine.stop();
    await outbox.stop();
  };

  return {
    rules,
    alerts,
    subscriptions,
    engine,
    outbox,
    notifier,
    router,
    tokenRouter,
    // Listeners outside the alert area (socket.io) hear of a change once it is committed, in order.
    onEvent: (listener) => engine.onEvent(listener),
    onAcknowledged: (listener) => {
      ackListeners.add(listener);
      return () => ackListeners.delete(listener);
    },
    ownersChanged: () => rules.ownersChanged(),
    followCatalog,
    async start() {
      const catalog = deps.catalog.current();
      const seeded = await rules.seedDefaults(() => builtInRuleDrafts(catalog, now()));
      if (seeded) logger.info({ rules: seeded }, "created built-in alert rules from the standards that apply at each station");
      // A database from before derived rules were tracked: derived rules missing now were deleted by a person.
      if (await rules.adoptDerivations(derivedRuleDrafts(catalog, now()).map((d) => d.derivedFrom))) {
        logger.info("built-in alert rules now follow their quality standards");
      }
      await followCatalog(catalog, { actor: "system", catalogVersion: catalog.version, reason: "start" });
    },
    async lead() {
      stopValidityWatch = scheduler.every(VALIDITY_CHECK_MS, watchValidity);
      // Restores alert states and AA windows before the first reading can arrive.
      await engine.start();
      leading = true;
      void deps.store.whenReady().then(restoreHistory);
      outbox.start();
    },
    stepDown,
    async stop() {
      await stepDown();
      await derivations.idle();
      mailer?.close();
    },
  };
}
