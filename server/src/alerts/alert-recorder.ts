// Records the alert engine's state changes in the metadata store, off the ingest path. The engine's
// state machines run synchronously in memory; each change it makes is queued here and written, in the
// order the changes happened, in ONE transaction together with what the event writers add (the
// notifier's outbox rows and inbox entries: a recorded state change always has its notices). Only
// after that transaction has committed do listeners (live clients, the outbox worker) hear of the
// event, in the same order. Alert ids come from the insert. Changes that happened together (one
// reading judged by every rule) are recorded by the alert they belong to (breach-grouping.ts): the
// standards breached by one condition open ONE alert, with one set of notices. A hold (notice-holds.ts:
// a silence) keeps the notices back while the alert is still recorded and announced to live clients;
// the opening notice of an alert that opened held goes out once, when the hold ends and it still fires.
import type { AlertEvent, AlertRule, AlertState } from "../../../common/alerts.ts";
import type { LegalStatus } from "../../../common/catalog-model.ts";
import type { Logger } from "../../../common/logger.ts";
import type { MetaStore, MetaTransaction } from "../meta/store.ts";
import { SerialQueue } from "../util/serial-queue.ts";
import type { AlertRepository, ValueDetail } from "./alert-repository.ts";
import type { AlertRow } from "./alert-view.ts";
import { breachOf, groupChanges, strictestFirst } from "./breach-grouping.ts";
import { heldBy, holdTarget, type HoldCheck } from "./notice-holds.ts";
import type { SeriesState, Transition } from "./state-machine.ts";

/** Hears of an alert event once it is committed. */
export type AlertListener = (event: AlertEvent) => void;
/** Adds rows that belong with an alert event, inside the transaction that records it. */
export type AlertEventWriter = (event: AlertEvent, trx: MetaTransaction) => Promise<unknown>;

/** The alert a series has open (or had last); the recorder sets it once an opening is committed. */
export interface SeriesAlert {
  alertId: number | null;
}

export interface StateChange {
  rule: AlertRule;
  seriesKey: string;
  station: string;
  parameter: string | null;
  sensor: string | null;
  /** The value (or mean, or rate) that moved the machine, and what it is (a mean's window and count). */
  value: number | null;
  detail: ValueDetail;
  /** Reading time of the change. */
  at: number;
  /** Engine clock at the change: reminders count from here. */
  notifiedAt: number;
  /** The machine's new state and when the series last delivered. */
  machine: SeriesState;
  lastTime: number;
  /** Set when the change reaches people: a new alert, or its end. */
  notified: Transition | null;
  /** The legal status of the standard the rule cites (the breach's rank); null without one. */
  legalStatus: LegalStatus | null;
  series: SeriesAlert;
  /** Called when the change could not be recorded (nothing of it was written), to undo it in memory. */
  onFailed(): void;
}

interface Recorded {
  /** Alert per change (its series' alert after the change). */
  alertIds: Map<StateChange, number | null>;
  /** Events to announce once committed (their notices written with them unless held). */
  events: AlertEvent[];
}

export class AlertRecorder {
  private readonly writes: SerialQueue;
  private readonly writers: AlertEventWriter[] = [];
  private readonly holds: HoldCheck[] = [];
  private readonly listeners = new Set<AlertListener>();

  constructor(
    private readonly meta: Pick<MetaStore, "transaction">,
    private readonly alerts: AlertRepository,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.writes = new SerialQueue((err) => this.logger.error({ err }, "alert recording failed"));
  }

  onEvent(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onEventWrite(writer: AlertEventWriter): void {
    this.writers.push(writer);
  }

  /** Holds an alert's notices back while `check` says so (a silence). */
  holdNoticesWhen(check: HoldCheck): void {
    this.holds.push(check);
  }

  /** Resolves once every change queued so far is committed and announced. */
  idle(): Promise<void> {
    return this.writes.idle();
  }

  /** Records changes that happened together: each group of them (one alert) in one transaction. */
  record(changes: readonly StateChange[]): void {
    if (changes.length === 0) return;
    for (const group of groupChanges(changes)) this.writes.push(() => this.write(group.key, group.changes));
  }

  /** Reminds of alerts whose last notice was at or before `before`, except those `skip` holds back. */
  remind(now: number, before: number, skip: (row: AlertRow) => boolean): void {
    this.writes.push(async () => {
      for (const row of await this.alerts.dueForReminder(before)) {
        if (skip(row)) continue;
        try {
          const event = await this.meta.transaction(async (trx) => {
            const alerts = this.alerts.in(trx);
            await alerts.markReminded(row.id, now);
            return this.withWrites(trx, { ...(await alerts.get(row.id)), at: now, previousState: "firing", reminder: true });
          });
          this.announce(event);
        } catch (err) {
          this.logger.error({ err, alert: row.id }, "could not record a reminder; the next check tries again");
        }
      }
    });
  }

  /**
   * Looks at the holds of firing alerts again (a silence began, ended or was expired): an alert a
   * hold now covers is marked so (its reminders and end go unsent); one whose hold ended while it
   * still fires sends its owed opening notice, once.
   */
  reconsiderHolds(): void {
    this.writes.push(async () => {
      let events: AlertEvent[];
      try {
        if ((await this.alerts.firing()).length === 0) return; // nothing to hold or release
        // One transaction for the pass: the holds are read once (notice-holds.ts), not per alert.
        events = await this.meta.transaction(async (trx) => {
          const alerts = this.alerts.in(trx);
          const now = this.now();
          const released: AlertEvent[] = [];
          for (const row of await alerts.firing()) {
            const held = await heldBy(this.holds, holdTarget(row), now, trx);
            if (held === row.held_by) continue;
            await alerts.setHold(row.id, held, held !== null && row.notice_owed === 1);
            if (held !== null || row.notice_owed !== 1) continue;
            await alerts.markReminded(row.id, now);
            // The breach outlasted the hold: its opening notice, now.
            released.push(await this.withWrites(trx, { ...(await alerts.get(row.id)), at: now, previousState: "ok", reminder: false }));
          }
          return released;
        });
      } catch (err) {
        this.logger.error({ err }, "could not look at the alerts' holds again; the next check tries again");
        return;
      }
      for (const e of events) this.announce(e);
    });
  }

  private async write(groupKey: string, changes: StateChange[]): Promise<void> {
    let recorded: Recorded;
    try {
      recorded = await this.meta.transaction(async (trx) => {
        const out: Recorded = { alertIds: new Map(), events: [] };
        const alerts = this.alerts.in(trx);
        // Breaches that began first (a rule joining an open alert does not resolve and reopen it), then ends.
        const opening = changes.filter((c) => c.notified?.to === "firing");
        if (opening.length > 0) await this.open(trx, groupKey, opening, out);
        for (const c of changes) {
          if (c.notified?.to !== "resolved" || c.series.alertId === null) continue;
          const id = c.series.alertId;
          const before = await alerts.row(id);
          if (await alerts.clearBreach(id, c.rule.id, c.at, c.value, c.detail)) {
            // A held alert ends unheard; an owed opening notice is owed no longer.
            if (before.held_by !== null || (await this.heldNow(trx, before)) !== null) {
              if (before.notice_owed === 1) await alerts.setHold(id, before.held_by, false);
              out.events.push(await this.eventOf(trx, id, c.at, c.notified.from, false));
            } else out.events.push(await this.eventOf(trx, id, c.at, c.notified.from, true));
          }
        }
        for (const c of changes) {
          const alertId = out.alertIds.has(c) ? out.alertIds.get(c)! : c.series.alertId;
          await alerts.saveSeriesState({ ruleId: c.rule.id, seriesKey: c.seriesKey, machine: c.machine, alertId, lastTime: c.lastTime });
        }
        return out;
      });
    } catch (err) {
      for (const c of changes) {
        const where = { rule: c.rule.id, station: c.station, parameter: c.parameter, sensor: c.sensor };
        this.logger.error({ err, ...where }, "could not record an alert state change; the series will try again");
        c.onFailed();
      }
      return;
    }
    for (const [c, id] of recorded.alertIds) c.series.alertId = id;
    for (const e of recorded.events) {
      this.announce(e);
      this.logger.info({ alert: e.id, rules: e.breaches.map((b) => b.ruleId), station: e.station, parameter: e.parameter, sensor: e.sensor, state: e.state, value: e.value }, e.message);
    }
  }

  /** Breaches that began: they join the group's open alert, or open one listing them all. */
  private async open(trx: MetaTransaction, groupKey: string, opening: StateChange[], out: Recorded): Promise<void> {
    const alerts = this.alerts.in(trx);
    const breaches = strictestFirst(opening.map((c) => breachOf(c.rule, c.machine.startedAt ?? c.at, c.legalStatus)));
    const first = opening.find((c) => c.rule.id === breaches[0]!.ruleId)!;
    const open = await alerts.firingInGroup(groupKey);
    if (open) {
      for (const c of opening) out.alertIds.set(c, open.id);
      await alerts.addBreaches(open.id, breaches, first.at, first.value, first.detail);
      const after = await alerts.row(open.id);
      // Only a rise in severity (a binding standard joins proposals) is news; otherwise the alert already said it.
      if (after.severity === open.severity) return;
      const held = open.held_by ?? (await this.heldNow(trx, after));
      if (held !== null) {
        await alerts.setHold(open.id, held, true);
        out.events.push(await this.eventOf(trx, open.id, first.at, "firing", false));
      } else out.events.push(await this.eventOf(trx, open.id, first.at, "firing", true));
      return;
    }
    const { station, parameter, sensor, value, detail, at, notifiedAt } = first;
    const target = { station, parameter, ruleIds: breaches.map((b) => b.ruleId) };
    const held = await heldBy(this.holds, target, this.now(), trx);
    const startedAt = Math.min(...opening.map((c) => c.machine.startedAt ?? c.at));
    const id = await alerts.open({ rule: first.rule, groupKey, breaches, heldBy: held, station, parameter, sensor, value, detail, startedAt, at, notifiedAt });
    for (const c of opening) out.alertIds.set(c, id);
    out.events.push(await this.eventOf(trx, id, at, first.notified!.from, held === null));
  }

  private heldNow(trx: MetaTransaction, row: AlertRow): Promise<string | null> {
    return heldBy(this.holds, holdTarget(row), this.now(), trx);
  }

  /** The event of a change; its notices are written with it unless a hold keeps them back. */
  private async eventOf(trx: MetaTransaction, id: number, at: number, previousState: AlertState, notify: boolean): Promise<AlertEvent> {
    const event: AlertEvent = { ...(await this.alerts.in(trx).get(id)), at, previousState, reminder: false };
    return notify ? this.withWrites(trx, event) : event;
  }

  private async withWrites(trx: MetaTransaction, event: AlertEvent): Promise<AlertEvent> {
    for (const write of this.writers) await write(event, trx);
    return event;
  }

  private announce(event: AlertEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err, alert: event.id }, "alert listener failed");
      }
    }
  }
}
