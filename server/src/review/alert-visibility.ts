// Who learns of an alert: one raised by data the reader may not see is not shown to them — not in
// the alert list, its detail, live toasts, nor their notifications. Alerts from unreleased data thus
// reach only the owning organisation's members (and admins), unless the operator shows provisional
// data to everyone; then they are labelled provisional. The level that counts is the one at the
// alert's start.
import type { AlertEvent, AlertInfo } from "../../../common/alerts.ts";
import type { Role } from "../../../common/auth-types.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { SeriesKey } from "../../../common/review.ts";
import type { MetaTransaction } from "../meta/store.ts";
import type { AccessPolicy } from "./access-policy.ts";
import { seriesId, type ReviewRepository } from "./review-repository.ts";
import { reviewStateAt, type SeriesReviewState } from "./review-state.ts";
import { valueAt } from "./timeline.ts";
import type { AccessSource } from "./viewer-access.ts";

type AlertSeries = Pick<AlertInfo, "station" | "parameter" | "sensor" | "startedAt">;

/** The series an alert is about, when it is about one (whole-station alerts are not). */
function seriesOf(a: AlertSeries, catalog: CatalogSnapshot): SeriesKey | null {
  if (a.parameter === null) return null;
  const sensor = a.sensor ?? catalog.defaultSensor(a.station, a.parameter, a.startedAt)?.id;
  return sensor === undefined ? null : { station: a.station, parameter: a.parameter, sensor };
}

export class AlertVisibility {
  constructor(
    private readonly repo: ReviewRepository,
    private readonly catalog: () => CatalogSnapshot,
  ) {}

  private async states(alerts: readonly AlertSeries[], repo: ReviewRepository): Promise<Map<string, SeriesReviewState>> {
    const catalog = this.catalog();
    const keys = alerts.map((a) => seriesOf(a, catalog)).filter((k): k is SeriesKey => k !== null);
    const records = await repo.records(keys);
    return new Map(keys.map((k) => [seriesId(k), reviewStateAt(records.get(seriesId(k)), null)]));
  }

  /** Whether the policy shows the alert, and whether as provisional. */
  private verdict(a: AlertSeries, policy: AccessPolicy, states: Map<string, SeriesReviewState>): { visible: boolean; provisional: boolean } {
    const key = seriesOf(a, this.catalog());
    const access = policy.access({ station: a.station, sensor: key?.sensor ?? a.sensor });
    if (access.kind === "none") return { visible: false, provisional: false };
    const state = key ? states.get(seriesId(key)) : undefined;
    // An alert is raised by readings as they arrive: raw unless its time was reviewed since.
    const level = state ? valueAt(state.approvals, a.startedAt, "raw" as const) : "raw";
    return { visible: policy.visible(access.kind, level), provisional: !policy.released(level) };
  }

  /** A judge of the alert for any reader's policy (the live hub asks once per event, then per connection). */
  async judge(alert: AlertSeries): Promise<(policy: AccessPolicy) => { visible: boolean; provisional: boolean }> {
    const states = await this.states([alert], this.repo);
    return (policy) => this.verdict(alert, policy, states);
  }

  /** The alerts the policy shows, labelled provisional where raised by unreleased data. */
  async filter<T extends AlertInfo>(alerts: readonly T[], policy: AccessPolicy): Promise<T[]> {
    const states = await this.states(alerts, this.repo);
    const out: T[] = [];
    for (const a of alerts) {
      const v = this.verdict(a, policy, states);
      if (v.visible) out.push(v.provisional ? { ...a, provisional: true } : a);
    }
    return out;
  }

  /** The same for one alert: undefined when hidden. */
  async one<T extends AlertInfo>(alert: T, policy: AccessPolicy): Promise<T | undefined> {
    return (await this.filter([alert], policy))[0];
  }

  /**
   * The users (by id and role) who may learn of the event, inside the transaction that records it
   * (the notifier's outbox rows are written there).
   */
  async recipients(trx: MetaTransaction, access: AccessSource, event: AlertEvent, users: ReadonlyArray<{ id: number; role: Role | null }>): Promise<Set<number>> {
    if (users.length === 0) return new Set();
    const [policies, states] = await Promise.all([access.in(trx).forUsers(users), this.states([event], this.repo.in(trx))]);
    return new Set(users.filter((u) => this.verdict(event, policies.get(u.id)!, states).visible).map((u) => u.id));
  }
}
