// Records the alert engine's state changes in the metadata store, off the ingest path. The engine's
// state machines run synchronously in memory; each change it makes is queued here and written, in the
// order the changes happened, in ONE transaction together with what the event writers add (the
// notifier's outbox rows and inbox entries: a recorded state change always has its notices). Only
// after that transaction has committed do listeners (live clients, the outbox worker) hear of the
// event, in the same order. Alert ids come from the insert.
import type { AlertEvent, AlertRule } from "../../../common/alerts.ts";
import type { Logger } from "../../../common/logger.ts";
import type { MetaStore, MetaTransaction } from "../meta/store.ts";
import { SerialQueue } from "../util/serial-queue.ts";
import type { AlertRepository, ValueDetail } from "./alert-repository.ts";
import type { AlertRow } from "./alert-view.ts";
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
  series: SeriesAlert;
  /** Called when the change could not be recorded (nothing of it was written), to undo it in memory. */
  onFailed(): void;
}

export class AlertRecorder {
  private readonly writes: SerialQueue;
  private readonly writers: AlertEventWriter[] = [];
  private readonly listeners = new Set<AlertListener>();

  constructor(
    private readonly meta: Pick<MetaStore, "transaction">,
    private readonly alerts: AlertRepository,
    private readonly logger: Logger,
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

  /** Resolves once every change queued so far is committed and announced. */
  idle(): Promise<void> {
    return this.writes.idle();
  }

  record(change: StateChange): void {
    this.writes.push(() => this.write(change));
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

  private async write(c: StateChange): Promise<void> {
    let recorded: { event: AlertEvent | null; alertId: number | null };
    try {
      recorded = await this.meta.transaction(async (trx) => {
        const alerts = this.alerts.in(trx);
        let alertId = c.series.alertId;
        let event: AlertEvent | null = null;
        if (c.notified) {
          if (c.notified.to === "firing") {
            const { rule, station, parameter, sensor, value, detail, at, notifiedAt } = c;
            alertId = await alerts.open({ rule, station, parameter, sensor, value, detail, startedAt: c.machine.startedAt ?? at, at, notifiedAt });
          } else if (alertId !== null) {
            await alerts.resolve(alertId, c.at, c.value, c.detail);
          }
          if (alertId !== null) {
            event = await this.withWrites(trx, { ...(await alerts.get(alertId)), at: c.at, previousState: c.notified.from, reminder: false });
          }
        }
        await alerts.saveSeriesState({ ruleId: c.rule.id, seriesKey: c.seriesKey, machine: c.machine, alertId, lastTime: c.lastTime });
        return { event, alertId };
      });
    } catch (err) {
      const where = { rule: c.rule.id, station: c.station, parameter: c.parameter, sensor: c.sensor };
      this.logger.error({ err, ...where }, "could not record an alert state change; the series will try again");
      c.onFailed();
      return;
    }
    c.series.alertId = recorded.alertId;
    const e = recorded.event;
    if (!e) return;
    this.announce(e);
    this.logger.info({ alert: e.id, rule: c.rule.id, station: c.station, parameter: c.parameter, sensor: c.sensor, state: e.state, value: c.value }, e.message);
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
