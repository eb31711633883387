// Alerts from laboratory results (issue #16), judged when an import is applied or undone:
// - a lab result above a MAC-EQS raises the same contamination alert a sensor reading would (the
//   station's mac rules), on the station's laboratory series, naming the sample. The MAC-EQS is a
//   maximum for any single measurement (Directive 2008/105/EC Annex I Part B point 2), a lab
//   result being one. It fires at once (one result is a finding) and the next result below the
//   limit resolves it. Undoing an import leaves its alerts as they are: an alert that was raised
//   stays on record; the next result judges the series again.
// - "sensor disagrees with lab" rules judge each sensor of the station's compound by its latest
//   sensor–lab pairs (the validation view's pairing, over the last year), after every change of the
//   station's lab results, undo included (server/src/alerts/lab-disagreement.ts), once the readings
//   acknowledged before the change are stored.
// Runs one change at a time, in order, off the request: the import has committed by then.
import type { AlertLabSample } from "../../../common/alerts.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { LabResultInfo, LabResultsChanged, LabSampleInfo } from "../../../common/lab.ts";
import type { Logger } from "../../../common/logger.ts";
import type { AlertEngine } from "../alerts/alert-engine.ts";
import { singleValueCondition } from "../alerts/conditions.ts";
import { judgeDisagreement } from "../alerts/lab-disagreement.ts";
import { labSeriesKey, seriesKey } from "../alerts/suppression.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { RetentionWindows } from "../query/resolution.ts";
import type { Clock } from "../util/clock.ts";
import { SerialQueue } from "../util/serial-queue.ts";
import type { LabQueries } from "./lab-queries.ts";
import { validateAgainstLab } from "./sensor-validation.ts";
import { VALIDATION_DEFAULT_RANGE_MS } from "./validation-params.ts";

/** Results judged per change: the largest import the benchmark makes, with room. */
const MAX_JUDGED_RESULTS = 1_000_000;

export interface LabAlertDeps {
  engine: Pick<AlertEngine, "judge" | "rulesFor" | "idle">;
  queries: LabQueries;
  readings: ReadingStore;
  /** Resolves once the readings this instance acknowledged so far are stored (BatchWriter.settledSoFar). */
  readingsSettled: () => Promise<void>;
  retention: RetentionWindows;
  catalog: () => CatalogSnapshot;
  clock: Clock;
  logger: Logger;
}

export function alertSample(s: LabSampleInfo): AlertLabSample {
  return { laboratory: s.laboratory, sampleId: s.sampleId, kind: s.kind, start: s.start, end: s.end, method: s.method };
}

export class LabAlerts {
  private readonly queue: SerialQueue;

  constructor(private readonly deps: LabAlertDeps) {
    this.queue = new SerialQueue((err) => deps.logger.error({ err }, "judging lab results for alerts failed"));
  }

  /** Lab results were imported or an import undone. */
  changed(change: LabResultsChanged): void {
    this.queue.push(() => this.judge(change));
  }

  /** Resolves once every change so far is judged and its alerts recorded. */
  async idle(): Promise<void> {
    await this.queue.idle();
    await this.deps.engine.idle();
  }

  private async judge(change: LabResultsChanged): Promise<void> {
    const catalog = this.deps.catalog();
    if (change.action === "applied") await this.judgeResults(change);
    await this.judgeSensors(change, catalog);
  }

  private async judgeResults(change: LabResultsChanged): Promise<void> {
    const { results } = await this.deps.queries.results({ stations: change.stations, parameters: change.parameters, from: change.from, to: change.to + 1, limit: MAX_JUDGED_RESULTS });
    const imported = results.filter((r) => r.importId === change.importId).sort((a, b) => a.sample.end - b.sample.end);
    for (const r of imported) {
      for (const rule of this.deps.engine.rulesFor("mac", r.sample.station, r.parameter)) {
        const detail = { windowMs: null, count: null, qualifier: r.qualifier, labSample: alertSample(r.sample) };
        this.deps.engine.judge(rule, labSeriesKey(r.sample.station, r.parameter), singleValueCondition(rule, r), r.sample.end, r.value ?? r.loq, detail);
      }
    }
  }

  private async judgeSensors(change: LabResultsChanged, catalog: CatalogSnapshot): Promise<void> {
    let now: number | undefined;
    for (const stationId of change.stations) {
      for (const code of change.parameters) {
        const rules = this.deps.engine.rulesFor("lab-disagreement", stationId, code);
        const station = catalog.station(stationId);
        const parameter = catalog.parameter(code);
        if (rules.length === 0 || !station || !parameter) continue;
        // The pairs must include every reading acknowledged before the lab results came: a sensor's
        // history sent just before its lab results may still wait in the write queue. Waited for
        // once, and only when a rule needs the pairs.
        if (now === undefined) {
          await this.deps.readingsSettled();
          now = this.deps.clock.now();
        }
        for (const sensor of catalog.sensorsOf(stationId, code)) {
          const series = { station, parameter, sensor, includeUntagged: catalog.isPrimaryAt(stationId, code, sensor.id) };
          const request = { series, from: now - VALIDATION_DEFAULT_RANGE_MS, to: now, options: {} };
          const { validation, lab } = await validateAgainstLab({ store: this.deps.readings, queries: this.deps.queries, retention: this.deps.retention }, request, now);
          for (const rule of rules) {
            const d = judgeDisagreement(validation.pairs, rule);
            if (!d.latest) continue;
            const detail = { windowMs: null, count: d.count, qualifier: null, labSample: sampleOfPair(lab, validation.pairs.indexOf(d.latest)) };
            this.deps.engine.judge(rule, seriesKey(stationId, code, sensor.id), d.condition, d.latest.end, d.value, detail);
          }
        }
      }
    }
  }
}

/** The sample of the pair at `index` (the validation's lab results and pairs are aligned). */
function sampleOfPair(lab: readonly LabResultInfo[], index: number): AlertLabSample | null {
  const result = lab[index];
  return result ? alertSample(result.sample) : null;
}
