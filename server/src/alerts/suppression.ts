// Which alerts an active condition silences. A failing sensor's values say nothing about the river,
// so a sensor-fault alert holds the contamination rules of its series (that sensor's: another sensor
// of the same compound at the station still speaks); an offline station cannot be judged at all, so
// its station-wide no-data alert holds everything else about that station (per-series no-data,
// sensor faults, reminders of its open alerts).
import type { AlertRuleKind } from "../../../common/alerts.ts";
import { flatString, PairCache } from "../util/pair-cache.ts";
import { categoryOf } from "./conditions.ts";

export interface ActiveConditions {
  /** `seriesKey(station, parameter, sensor)` of series with a firing sensor-fault alert. */
  faultySeries: ReadonlySet<string>;
  /** Stations with a firing station-wide no-data alert. */
  offlineStations: ReadonlySet<string>;
}

export type SuppressionReason = "sensor-fault" | "station-offline";

const stationParameter = new PairCache((station: string, parameter: string) => flatString(`${station}\t${parameter}`));
const seriesKeys = new PairCache((stationAndParameter: string, sensor: string) => flatString(`${stationAndParameter}\t${sensor}`));

/**
 * `station<TAB>parameter<TAB>sensor` (empty parameter and sensor for station-wide). Interned: the
 * engine looks keys up several times per reading, and a string it has seen before hashes for free.
 */
export function seriesKey(station: string, parameter: string | null, sensor: string | null): string {
  return seriesKeys.get(stationParameter.get(station, parameter ?? ""), sensor ?? "");
}

/**
 * The sensor part of a laboratory series' key (a station's lab results of one compound): not a
 * catalog sensor id, which is upper case.
 */
export const LAB_SERIES = "@lab";

/** The series of a station's laboratory results of one compound. */
export function labSeriesKey(station: string, parameter: string): string {
  return seriesKey(station, parameter, LAB_SERIES);
}

export interface SeriesParts {
  station: string;
  /** null: station-wide. */
  parameter: string | null;
  sensor: string | null;
}

/**
 * The parts of a series key. Keys stored before series named their sensor have two parts
 * (`station<TAB>parameter`): their sensor comes back as undefined, for the caller to resolve.
 */
export function seriesParts(key: string): Omit<SeriesParts, "sensor"> & { sensor: string | null | undefined } {
  const [station = "", parameter = "", sensor] = key.split("\t");
  return { station, parameter: parameter || null, sensor: sensor === undefined ? undefined : sensor || null };
}

export function suppressedBy(
  kind: AlertRuleKind,
  series: SeriesParts,
  active: ActiveConditions,
): SuppressionReason | null {
  // The station-wide no-data alert is the root cause; nothing silences it.
  if (kind === "no-data" && series.parameter === null) return null;
  if (active.offlineStations.has(series.station)) return "station-offline";
  if (categoryOf(kind) === "contamination" && series.parameter !== null && active.faultySeries.has(seriesKey(series.station, series.parameter, series.sensor))) {
    return "sensor-fault";
  }
  return null;
}
