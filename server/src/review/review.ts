// Composition of the data review area: records, the corrected reader (the one door to corrected
// data), access policies, the review service and its routes, the review queue, and what the live
// hub, the alert engine and the notifier need from it. system.ts builds one.
import type { Response, Router } from "express";
import type { AlertEvent, AlertInfo } from "../../../common/alerts.ts";
import { linkDeletion } from "../alerts/alert-corrections.ts";
import type { MeanHistory } from "../alerts/history-loader.ts";
import type { RecipientFilter } from "../alerts/notifier.ts";
import { principalOf } from "../auth/access.ts";
import type { MembershipRepository } from "../auth/memberships.ts";
import type { SettingsRepository } from "../auth/settings.ts";
import type { UserRepository } from "../auth/users.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import type { CatalogSeries } from "../influx/influxql.ts";
import { refuseEmbargoed } from "../query/query-routes.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { LiveAudience } from "../live/live-hub.ts";
import type { MetaStore } from "../meta/store.ts";
import type { Clock } from "../util/clock.ts";
import type { Logger } from "../../../common/logger.ts";
import { AlertVisibility } from "./alert-visibility.ts";
import { CorrectedMeanHistory } from "./corrected-means.ts";
import { CorrectedReader } from "./corrected-reader.ts";
import { LiveVisibility } from "./live-visibility.ts";
import { ReviewQueue } from "./review-queue.ts";
import { SqlReviewRepository, type ReviewRepository } from "./review-repository.ts";
import { reviewRouter } from "./review-routes.ts";
import { ReviewService, type ReviewChange } from "./review-service.ts";
import { ReviewAccess, type AccessSource } from "./viewer-access.ts";

export interface ReviewDeps {
  meta: MetaStore;
  store: ReadingStore;
  catalog: CatalogSource;
  clock: Clock;
  logger: Logger;
  settings: SettingsRepository;
  memberships: MembershipRepository;
  users: UserRepository;
  /** The agency's grades, best first (REVIEW_GRADES). */
  grades: readonly string[];
  /** InfluxDB's raw retention: corrections need raw readings. */
  rawRetentionMs: number;
  labResultExists: (id: number) => Promise<boolean>;
}

export interface Review {
  repo: ReviewRepository;
  reader: CorrectedReader;
  access: AccessSource;
  service: ReviewService;
  router: Router;
  /** AA rolling means from corrected data (the alert engine's history). */
  meanHistory: MeanHistory;
  /** What live connections receive. */
  live: LiveAudience & { invalidate(): void };
  /** The alerts a request's reader may see. */
  alertReads: (res: Response, alerts: AlertInfo[]) => Promise<AlertInfo[]>;
  /** Who is notified of an alert. */
  recipients: RecipientFilter;
  /** Refuses (403) a request whose reader may not read the series at all (an embargo). */
  refuseEmbargoed(res: Response, series: CatalogSeries): Promise<void>;
  /** Called after a correction or undo, an approval or un-approval (the alert engine refills rolling means, assessments follow). */
  onChange(listener: (change: ReviewChange) => void): void;
}

export function createReview(deps: ReviewDeps): Review {
  const repo = new SqlReviewRepository(deps.meta.db);
  const reader = new CorrectedReader(deps.store, repo);
  const access = new ReviewAccess(deps.memberships, deps.settings, repo, deps.catalog, deps.clock);
  const listeners = new Set<(change: ReviewChange) => void>();
  const logger = deps.logger.child({ module: "review" });
  const service = new ReviewService({
    meta: deps.meta,
    repo,
    reader,
    clock: deps.clock,
    rawRetentionMs: deps.rawRetentionMs,
    grades: deps.grades,
    labResultExists: deps.labResultExists,
    linkAlerts: (trx, series, from, to, correctionId, at) =>
      linkDeletion(trx, { ...series, primary: deps.catalog.current().isPrimaryAt(series.station, series.parameter, series.sensor) }, from, to, correctionId, at),
    onChange: (change) => {
      for (const listener of listeners) {
        try {
          listener(change);
        } catch (err) {
          logger.error({ err, ...change.series, kind: change.kind }, "a listener to review changes failed");
        }
      }
    },
  });
  const liveVisibility = new LiveVisibility(deps.settings, repo, deps.catalog, deps.clock);
  const alertVisibility = new AlertVisibility(repo, () => deps.catalog.current());
  const queue = new ReviewQueue(deps.store, reader, deps.clock, deps.rawRetentionMs);
  const router = reviewRouter({ service, repo, reader, queue, access, catalog: deps.catalog, clock: deps.clock, grades: deps.grades, onEmbargo: () => liveVisibility.invalidate() });
  return {
    repo,
    reader,
    access,
    service,
    router,
    meanHistory: new CorrectedMeanHistory(deps.store, reader, deps.catalog),
    live: {
      rules: () => liveVisibility.rules(),
      judgeAlert: (event: AlertEvent) => alertVisibility.judge(event),
      invalidate: () => liveVisibility.invalidate(),
    },
    alertReads: async (res, alerts) => alertVisibility.filter(alerts, await access.forPrincipal(principalOf(res))),
    recipients: async (event, owners, trx) => {
      const roles = await deps.users.in(trx).roles(owners);
      return alertVisibility.recipients(trx, access, event, owners.map((id) => ({ id, role: roles.get(id) ?? null })));
    },
    refuseEmbargoed: async (res, series) => refuseEmbargoed(await access.forPrincipal(principalOf(res)), series),
    onChange: (listener) => void listeners.add(listener),
  };
}
