// The alert engine: fed by the ingest event stream (never by polling InfluxDB), it runs one state
// machine per rule × series in memory and synchronously (ingest calls it for every accepted batch),
// hands every change to the AlertRecorder, which stores it in order in one transaction with the
// event writers' rows (the notifier's outbox) and announces it after commit, and checks silence
// (no-data) and reminders on a timer. A series is a station × parameter × sensor: every sensor's
// readings are judged, each sensor on its own (a prototype beside the primary sensor alerts apart,
// and its bias never enters the primary's mean or fault detection).
import type { AlertRule } from "../../../common/alerts.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import { QC, type Reading } from "../../../common/reading.ts";
import type { CatalogSource } from "../catalog/catalog-source.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { Logger } from "../../../common/logger.ts";
import type { MetaStore } from "../meta/store.ts";
import { evaluateAa } from "./aa-early-warning.ts";
import { NO_DETAIL, type AlertRepository, type ValueDetail } from "./alert-repository.ts";
import { legalStatusOf } from "./breach-grouping.ts";
import { AlertRecorder, type AlertEventWriter, type AlertListener, type StateChange } from "./alert-recorder.ts";
import { countsForContamination, ratePerHour, singleValueCondition, limitCondition, valueKindOf } from "./conditions.ts";
import { conditionUnderMaintenance, heldNow } from "../maintenance/maintenance-hold.ts";
import { loadLastSeen, storedMeanHistory, type SensorOfPoint } from "./history-loader.ts";
import { MeanWindows } from "./mean-windows.ts";
import type { AlertRuleRepository } from "./rule-repository.ts";
import { isEvaluated } from "./rule-schema.ts";
import { inEvaluationOrder, rulesByParameter, silenceCandidates, withSensorKey, type AlertEngineOptions } from "./engine-setup.ts";
import { emptyFaultRun, faultCondition, nextFaultRun, type FaultRun } from "./sensor-fault.ts";
import { initialSeriesState, isNotified, step, type Condition, type SeriesState } from "./state-machine.ts";
import { ActiveCauses } from "./suppression-state.ts";
import { judgedSeries } from "./rule-batch.ts";
import { inTimeOrder } from "../ingest/batch-series.ts";
import { LAB_SERIES, seriesKey, seriesParts, suppressedBy } from "./suppression.ts";

export { DEFAULT_ENGINE_OPTIONS, type AlertEngineOptions } from "./engine-setup.ts";
export type { AlertEventWriter, AlertListener };

interface Tracker {
  machine: SeriesState;
  alertId: number | null;
  lastTime: number | null;
  fault?: FaultRun;
  ratePoints?: Array<{ time: number; value: number }>;
}

export class AlertEngine {
  private rules: AlertRule[] = [];
  /** The rules that judge readings, per parameter and station (engine-setup.ts). */
  private rulesByParameter = new Map<string, Map<string, AlertRule[]>>();
  private readonly trackers = new Map<number, Map<string, Tracker>>();
  /** Rolling means of AA rules, per window × series. */
  private readonly means: MeanWindows;
  /** When each series last delivered anything (engine clock). */
  private readonly lastSeen = new Map<string, number>();
  /** Firing sensor faults and offline stations, which suppress other alerts. */
  private readonly causes = new ActiveCauses((kind, key) => this.anyFiring(kind, key));
  private readonly recorder: AlertRecorder;
  /** State changes made by the reading (or check) being judged, recorded together once it is. */
  private readonly changes: StateChange[] = [];
  /** Rule reloads, one after another, so the last one applied is the last one read. */
  private rulesLoaded: Promise<void> = Promise.resolve();
  private elsewhereReload: Promise<void> | undefined;
  private stopTimer: (() => void) | undefined;
  private stopRuleWatch: (() => void) | undefined;
  /** Started before: a start after a stop (leadership lost and regained, cluster/) begins afresh. */
  private startedBefore = false;
  /** Start time whose InfluxDB history could not be loaded (InfluxDB was down at start). */
  private historyPendingSince: number | undefined;

  constructor(
    meta: Pick<MetaStore, "transaction">,
    private readonly ruleRepo: AlertRuleRepository,
    private readonly alerts: AlertRepository,
    private readonly store: ReadingStore | null,
    /** Sensors' reading intervals and limits (AA coverage and sensitivity), primary sensors of untagged history. */
    private readonly catalog: CatalogSource,
    private readonly logger: Logger,
    private readonly options: AlertEngineOptions,
  ) {
    this.recorder = new AlertRecorder(meta, alerts, logger, () => options.clock.now());
    const history = options.meanHistory ?? (store ? storedMeanHistory(store) : null);
    this.means = new MeanWindows(history, options.includeSuspect ? QC.suspect : QC.notEvaluated, this.sensorOfPoint);
  }

  /** Stored points without a sensor tag (from before sensors were tagged) are the primary sensor's, as on the read side. */
  private readonly sensorOfPoint: SensorOfPoint = (station, parameter, tagged, time) =>
    tagged !== "" ? tagged : this.catalog.current().defaultSensor(station, parameter, time)?.id;

  /** Hears of each alert event once it is committed, in the order the changes happened. */
  onEvent(listener: AlertListener): () => void {
    return this.recorder.onEvent(listener);
  }

  /** Adds rows that belong with an alert event (notices), inside the transaction that records it. */
  onEventWrite(writer: AlertEventWriter): void {
    this.recorder.onEventWrite(writer);
  }

  /** What holds notices back (a silence; the alert is still recorded), and looking at firing alerts' holds now. */
  get holds(): Pick<AlertRecorder, "holdNoticesWhen" | "reconsiderHolds"> {
    return this.recorder;
  }

  /** Resolves once every state change and reminder so far is committed and announced. */
  idle(): Promise<void> {
    return this.recorder.idle();
  }

  /** Restores states from the metadata store and in-memory windows from InfluxDB, then starts the timer. */
  async start(): Promise<void> {
    // What another instance's engine did meanwhile is in the metadata store and InfluxDB, not here.
    if (this.startedBefore) this.forget();
    this.startedBefore = true;
    this.stopRuleWatch = this.ruleRepo.onChange(() => this.reloadRules());
    await this.loadRules(false);
    for (const stored of await this.alerts.loadSeriesStates()) {
      const s = await withSensorKey(stored, { catalog: this.catalog.current(), alerts: this.alerts, logger: this.logger, now: this.options.clock.now() });
      if (!s) continue;
      this.trackerMap(s.ruleId).set(s.seriesKey, { machine: s.machine, alertId: s.alertId, lastTime: s.lastTime });
      const rule = this.rules.find((r) => r.id === s.ruleId);
      if (rule && s.machine.state === "firing") this.causes.mark(rule, s.seriesKey, true);
    }
    if (this.store) {
      const now = this.options.clock.now();
      try {
        await this.loadHistory(now, false);
      } catch (err) {
        // InfluxDB not up yet: alerting runs on live readings and catches up in restoreHistory().
        this.historyPendingSince = now;
        this.logger.warn({ reason: (err as Error).message }, "AA windows and last-seen times not restored: InfluxDB unavailable; restoring once it answers");
      }
    }
    this.stopTimer = this.options.scheduler.every(this.options.checkIntervalMs, () => this.check());
  }

  /**
   * Loads what start() could not because InfluxDB was down, as of the start time: readings that
   * arrived live since then are already counted and are not loaded twice.
   */
  async restoreHistory(): Promise<void> {
    const since = this.historyPendingSince;
    if (since === undefined || !this.store) return;
    await this.loadHistory(since, true);
    this.historyPendingSince = undefined;
    this.logger.info("AA windows and last-seen times restored from InfluxDB");
  }

  private async loadHistory(now: number, late: boolean): Promise<void> {
    await Promise.all(this.rules.filter((r) => r.kind === "aa" && isEvaluated(r) && r.parameter !== null && r.windowMs !== null).map((r) => this.means.load(r.windowMs!, r.parameter!, now, late)));
    const lookback = Math.max(86_400_000, ...this.rules.filter((r) => r.kind === "no-data").map((r) => 2 * (r.windowMs ?? 0)));
    for (const seen of await loadLastSeen(this.store!, now, lookback, this.sensorOfPoint)) {
      const key = seriesKey(seen.station, seen.parameter, seen.sensor);
      if (late && this.lastSeen.has(key)) continue; // heard from live since the start: newer
      this.lastSeen.set(key, Math.min(seen.time, now));
    }
  }

  /**
   * A series' data was corrected: its AA windows are filled again from the corrected history. Past
   * alerts are not re-evaluated (corrected data never re-fires them); the next reading judges the
   * corrected mean.
   */
  async reloadMeans(station: string, parameter: string, sensor: string): Promise<void> {
    await this.means.reload(station, parameter, sensor, this.options.clock.now());
  }

  /** Stops the timer and waits until every change so far is recorded. */
  async stop(): Promise<void> {
    this.stopTimer?.();
    this.stopTimer = undefined;
    this.stopRuleWatch?.();
    this.stopRuleWatch = undefined;
    await this.rulesLoaded;
    await this.idle();
  }

  private forget(): void {
    this.trackers.clear();
    this.means.clear();
    this.lastSeen.clear();
    this.causes.clear();
    this.historyPendingSince = undefined;
  }

  /**
   * The ingest stream: readings already validated and QC-flagged, judged one after another in time
   * order (a silence or fault may end between two readings of other series); per-series work once
   * per batch (rule-batch.ts).
   */
  ingest(readings: readonly Reading[]): void {
    const now = this.options.clock.now();
    const catalog = this.catalog.current(); // one for the whole batch (sensor intervals and limits)
    const sorted = inTimeOrder(readings) ? readings : [...readings].sort((a, b) => a.time - b.time); // mostly no copy to sort
    const batch = judgedSeries(sorted, this.rulesByParameter, now - this.options.staleAfterMs, (id, key) => this.trackers.get(id)?.get(key)?.machine.state === "ok");
    for (const s of batch.series) this.lastSeen.set(s.key, now);
    if (!batch.anyRules) return;
    // AA rules of one window share a mean that sees each reading once (one set, emptied per reading).
    const fedMeans = new Set<string>();
    for (let i = 0; i < sorted.length; i++) {
      const r = sorted[i]!;
      const s = batch.series[batch.indexOf[i]!]!;
      const rules = batch.rulesFor(s, r);
      if (rules.length === 0) continue;
      fedMeans.clear();
      for (const rule of rules) {
        try {
          this.evaluate(rule, r, s.key, now, fedMeans, catalog);
        } catch (err) {
          this.logger.error({ err, rule: rule.id, station: r.station, parameter: r.parameter, sensor: r.sensor }, "alert rule evaluation failed");
        }
      }
      // What this reading changed, together: standards breached by it form one alert (breach-grouping.ts).
      if (this.changes.length > 0) this.recorder.record(this.changes.splice(0));
      batch.judged(s);
    }
  }

  /**
   * Judges a series on something other than a reading (lab-alerts.ts): a lab result, or a sensor's
   * latest sensor–lab pairs. A laboratory series (`labSeriesKey`) is a finding in itself: it fires at
   * once and no sensor's fault or station's silence holds it. Older than what the series last judged:
   * history, which moves nothing.
   */
  judge(rule: AlertRule, key: string, condition: Condition, at: number, value: number | null, detail: ValueDetail): void {
    const tracker = this.tracker(rule.id, key, at);
    if (tracker.lastTime !== null && at < tracker.lastTime) return;
    this.advance(rule, key, condition, at, value, detail);
    this.recorder.record(this.changes.splice(0));
  }

  /** The evaluated rules of a kind that apply to a station's parameter. */
  rulesFor(kind: AlertRule["kind"], station: string, parameter: string): AlertRule[] {
    return this.rules.filter((r) => r.kind === kind && isEvaluated(r) && (r.station === null || r.station === station) && (r.parameter === null || r.parameter === parameter));
  }

  /** No-data and reminders; runs on the scheduler, callable directly from tests. */
  check(): void {
    const now = this.options.clock.now();
    const catalog = this.catalog.current();
    for (const rule of this.rules) {
      if (rule.kind !== "no-data" || !isEvaluated(rule)) continue;
      for (const [key, seen] of silenceCandidates(this.lastSeen, rule, catalog, now)) {
        const condition: Condition = now - seen > rule.windowMs! ? "breach" : "clear";
        this.advance(rule, key, condition, now, null);
      }
    }
    this.recorder.record(this.changes.splice(0));
    this.recorder.reconsiderHolds(); // silences begun or ended since; held alerts get no reminders
    this.remind(now);
  }

  private evaluate(rule: AlertRule, r: Reading, key: string, now: number, fedMeans: Set<string>, catalog: CatalogSnapshot): void {
    if (rule.kind === "no-data") {
      this.advance(rule, rule.parameter === null ? seriesKey(r.station, null, null) : key, "clear", now, null);
      return;
    }
    const tracker = this.tracker(rule.id, key, r.time);
    const live = r.time >= now - this.options.staleAfterMs && (tracker.lastTime === null || r.time >= tracker.lastTime);
    // A maintenance reading is no finding and no fault: it never moves a machine; one that would breach is recorded as held.
    if (r.maintenance) {
      if (live && valueKindOf(rule.kind) === "single") conditionUnderMaintenance(this.options.maintenance, rule, r, key, singleValueCondition(rule, r), r.time);
      return;
    }

    if (rule.kind === "sensor-fault") {
      if (!live) return;
      tracker.fault = nextFaultRun(tracker.fault ?? emptyFaultRun(), r);
      this.advance(rule, key, faultCondition(tracker.fault, rule.runLength ?? 6), r.time, r.value);
      return;
    }
    if (!countsForContamination(r, this.options.includeSuspect)) return;

    let condition: Condition;
    let value: number | null = r.value;
    let detail: ValueDetail = NO_DETAIL;
    if (rule.kind === "aa") {
      const mean = this.means.feed(rule.windowMs!, key, r, fedMeans);
      if (!live) return;
      const aa = evaluateAa(rule, mean.mean(r.time), catalog.sensor(r.sensor));
      ({ condition, value, detail } = aa);
    } else if (rule.kind === "rate") {
      if (!live || r.value === null) return;
      const points = (tracker.ratePoints ??= []);
      points.push({ time: r.time, value: r.value });
      while (points.length > 2 && points[1]!.time <= r.time - rule.windowMs!) points.shift();
      value = ratePerHour(points);
      condition = value === null ? "unknown" : limitCondition(rule, value);
    } else {
      if (!live) return;
      condition = singleValueCondition(rule, r);
    }
    this.advance(rule, key, condition, r.time, value, detail);
  }

  private advance(rule: AlertRule, key: string, condition: Condition, at: number, value: number | null, detail: ValueDetail = NO_DETAIL): void {
    const tracker = this.tracker(rule.id, key, at);
    const lastTime = Math.max(tracker.lastTime ?? at, at);
    // The common case on the hot path: all is well and stays so (in "ok" only a breach moves the
    // machine, and suppression only ever turns a condition into "unknown").
    if (tracker.machine.state === "ok" && condition !== "breach") {
      tracker.lastTime = lastTime;
      return;
    }
    const series = seriesParts(key);
    const fromLab = series.sensor === LAB_SERIES;
    const sensor = fromLab ? null : (series.sensor ?? null);
    // Suppressed rules hold still: they neither start nor end an alert while the cause is active.
    if (!fromLab && suppressedBy(rule.kind, { ...series, sensor }, this.causes) !== null) condition = "unknown";
    if (!fromLab) condition = conditionUnderMaintenance(this.options.maintenance, rule, series, key, condition, at);
    const { next, transition } = step(tracker.machine, condition, at, { ...this.options.machine, forMs: fromLab ? 0 : rule.forMs });
    if (next === tracker.machine) {
      tracker.lastTime = lastTime;
      return;
    }
    const previous = tracker.machine;
    tracker.machine = next;
    tracker.lastTime = lastTime;
    this.causes.transition(rule, key, transition, false);
    const change: StateChange = {
      rule,
      seriesKey: key,
      station: series.station,
      parameter: series.parameter,
      sensor,
      value,
      detail,
      at,
      notifiedAt: this.options.clock.now(),
      machine: next,
      lastTime,
      notified: transition && isNotified(transition) ? transition : null,
      legalStatus: legalStatusOf(this.catalog.current(), rule),
      series: tracker,
      onFailed: () => {
        // Nothing was stored: step back, so the next reading makes (and records) the change again.
        // Unless the machine has moved on meanwhile; that later change records the state.
        if (tracker.machine !== next) return;
        tracker.machine = previous;
        this.causes.transition(rule, key, transition, true);
      },
    };
    this.changes.push(change);
  }

  private remind(now: number): void {
    if (this.options.reminderMs === null) return;
    const active = this.causes.snapshot();
    // Held too: reminders of alerts whose series is in maintenance now.
    this.recorder.remind(now, now - this.options.reminderMs, (row) => suppressedBy(row.kind, row, active) !== null || heldNow(this.options.maintenance, row, now));
  }

  private anyFiring(kind: AlertRule["kind"], key: string): boolean {
    return this.rules.some((r) => r.kind === kind && this.trackers.get(r.id)?.get(key)?.machine.state === "firing");
  }

  /**
   * Re-reads the rules: for changes this process did not make (another instance on the same
   * database). Calls while one such reload waits or runs share it.
   */
  rulesChangedElsewhere(): Promise<void> {
    this.elsewhereReload ??= this.reloadRules().finally(() => (this.elsewhereReload = undefined));
    return this.elsewhereReload;
  }

  /** Re-reads the rules after a change; the change's caller waits for it. */
  private reloadRules(): Promise<void> {
    this.rulesLoaded = this.rulesLoaded
      .then(() => this.loadRules(true))
      .catch((err: unknown) => this.logger.error({ err }, "could not reload the alert rules"));
    return this.rulesLoaded;
  }

  private async loadRules(loadWindows: boolean): Promise<void> {
    const rules = inEvaluationOrder(await this.ruleRepo.list());
    const known = new Set(rules.map((r) => r.id));
    for (const id of [...this.trackers.keys()]) if (!known.has(id)) this.trackers.delete(id);
    this.rules = rules;
    // Ingest evaluates each reading against these lists only, not against every rule.
    this.rulesByParameter = rulesByParameter(rules);
    if (!loadWindows || !this.store) return;
    const now = this.options.clock.now();
    for (const rule of rules) {
      if (rule.kind !== "aa" || !isEvaluated(rule) || rule.parameter === null || rule.windowMs === null) continue;
      // One load per window and parameter: it fills every series' mean (station-specific rules share it).
      if (this.means.loaded(rule.windowMs, rule.parameter)) continue;
      this.means.load(rule.windowMs, rule.parameter, now).catch((err: unknown) => this.logger.warn({ err, rule: rule.id }, "could not load the AA window from InfluxDB"));
    }
  }

  private trackerMap(ruleId: number): Map<string, Tracker> {
    let map = this.trackers.get(ruleId);
    if (!map) this.trackers.set(ruleId, (map = new Map()));
    return map;
  }

  private tracker(ruleId: number, key: string, at: number): Tracker {
    const map = this.trackerMap(ruleId);
    let t = map.get(key);
    if (!t) map.set(key, (t = { machine: initialSeriesState(at), alertId: null, lastTime: null }));
    return t;
  }
}
