// The alert engine's per-series work on an ingest batch, done once per series rather than once per
// reading (issue #20: the engine was the largest listener on the ingest path). Which rules judge a
// series is a question of its station and parameter, so it is asked once per series and batch; a
// series no rule judges is not looked at again. A reading older than the engine's staleness limit
// (backfill, a long-buffered uplink) starts or ends nothing (alert-engine.ts `evaluate`): it is
// shown only the rules it can still move, no-data (any reading ends a silence) and AA (old readings
// still fill the rolling mean). The other rules would only have made their series' tracker, in
// state "ok" and with no reading time, which nothing can tell from no tracker (the next live
// reading makes it): a backfilled series holds no tracker per rule for that. And once a reading has
// ended a series' silences (its no-data rules' machines are "ok"), the batch's later readings of the
// series skip those rules: "clear" again at the same time leaves an "ok" machine as it is
// (alert-engine.ts `advance`), and nothing else moves it within the batch.
import type { AlertRule } from "../../../common/alerts.ts";
import type { Reading } from "../../../common/reading.ts";
import { seriesOfBatch } from "../ingest/batch-series.ts";
import { seriesKey } from "./suppression.ts";

/** One series of the batch, as the engine judges it. */
export interface JudgedSeries {
  /** The engine's series key (interned: suppression.ts). */
  readonly key: string;
  /** Rules that judge the series, in evaluation order (engine-setup.ts). */
  readonly rules: readonly AlertRule[];
  /** Of those, the rules a stale reading can move. */
  readonly staleRules: readonly AlertRule[];
  /** No-data rules with the key of the series they watch (the station's, for a rule on every parameter). */
  readonly silences: ReadonlyArray<{ rule: AlertRule; key: string }>;
  /** Whether the silences are over ("ok"): then `rules` and `staleRules` without the no-data rules. */
  heard: { rules: readonly AlertRule[]; staleRules: readonly AlertRule[] } | undefined;
}

export interface JudgedBatch {
  readonly series: readonly JudgedSeries[];
  /** `series` index of each reading. */
  readonly indexOf: Uint32Array;
  /** Whether any series has a rule. */
  readonly anyRules: boolean;
  /** The rules to evaluate for reading `r` of series `s`. */
  rulesFor(s: JudgedSeries, r: Reading): readonly AlertRule[];
  /** After a reading of `s` was judged: notes whether its silences are over. */
  judged(s: JudgedSeries): void;
}

/** Rule kinds that act on a reading too old to start or end an alert. */
const STALE_KINDS: ReadonlySet<AlertRule["kind"]> = new Set(["no-data", "aa"]);

const NONE: readonly AlertRule[] = [];

/**
 * The series of `readings` (sorted by time) with the rules that judge each, from the engine's index
 * (engine-setup.ts `rulesByParameter`). Readings before `staleBefore` are stale.
 */
export function judgedSeries(
  readings: readonly Reading[],
  index: ReadonlyMap<string, ReadonlyMap<string, readonly AlertRule[]>>,
  staleBefore: number,
  /** Whether the machine of a rule and series is in state "ok" now. */
  isOk: (ruleId: number, key: string) => boolean,
): JudgedBatch {
  const batch = seriesOfBatch(readings);
  let anyRules = false;
  const series = batch.series.map(({ station, parameter, sensor }): JudgedSeries => {
    const byStation = index.get(parameter) ?? index.get("");
    const candidates = byStation?.get(station) ?? byStation?.get("") ?? NONE;
    const applies = (rule: AlertRule) => (rule.station === null || rule.station === station) && (rule.parameter === null || rule.parameter === parameter);
    const rules = candidates.every(applies) ? candidates : candidates.filter(applies);
    if (rules.length > 0) anyRules = true;
    const key = seriesKey(station, parameter, sensor);
    const silences = rules.filter((rule) => rule.kind === "no-data").map((rule) => ({ rule, key: rule.parameter === null ? seriesKey(station, null, null) : key }));
    return { key, rules, staleRules: rules.filter((rule) => STALE_KINDS.has(rule.kind)), silences, heard: undefined };
  });
  const loud = (rule: AlertRule) => rule.kind !== "no-data";
  return {
    series,
    indexOf: batch.indexOf,
    anyRules,
    rulesFor: (s, r) => {
      const rules = s.heard ?? s;
      return r.time < staleBefore ? rules.staleRules : rules.rules;
    },
    judged: (s) => {
      if (s.heard || !s.silences.every(({ rule, key }) => isOk(rule.id, key))) return;
      s.heard = { rules: s.rules.filter(loud), staleRules: s.staleRules.filter(loud) };
    },
  };
}
