// Laboratory results consistent with the simulator's hidden true concentrations: weekly 24-hour
// time-proportional composite samples at every simulated station, analysed for every pharmaceutical
// the station measures (the true mean over the sampling period, plus lab noise matching the method's
// expanded uncertainty; below the LOQ reported as "<LOQ"), and grab samples while a spill plume
// passes. Pure and deterministic: a sample's id and result depend only on the seed, the station, the
// compound and the sampling period, so a restarted simulator produces identical rows (a re-import
// changes nothing).
import { DateTime } from "luxon";
import type { Parameter, Station } from "../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";
import type { SampleKind } from "../../../common/lab.ts";
import { hashNormal, stringKey } from "../model/random.ts";
import { StationSignal } from "../model/signal.ts";
import { planSpill, type SpillScenario } from "../model/spill.ts";
import { labLoq, SIM_LAB } from "./lab-method.ts";

export interface LabRow {
  station: string;
  sampleId: string;
  kind: SampleKind;
  start: number;
  end: number;
  parameter: string;
  /** In the compound's catalog unit; null below the LOQ. */
  value: number | null;
  loq: number;
  unit: string;
  uncertaintyPercent: number;
  laboratory: string;
  method: string;
  analysedAt: number;
  remarks: string | null;
  /** The true concentration the result was made from (mean over the period); never written to a file. */
  truth: number;
}

export interface LabSampleOptions {
  seed: number;
  /** The reading grid the true signal is defined on. */
  intervalMs: number;
  catalog: CatalogSnapshot;
  stations: readonly Station[];
  /** Compounds the lab may analyse (the pharmaceuticals among them are). */
  parameters: readonly Parameter[];
  spill?: SpillScenario;
}

const LAB_NOISE_KEY = 0x1ab5;

/** Three significant digits, as a laboratory report gives them. */
function significant(v: number): number {
  return v === 0 ? 0 : Number(v.toPrecision(3));
}

/** Weekly composite sampling periods that start in [from, to): [start, end) epoch ms. */
export function compositePeriods(station: Pick<Station, "timezone">, from: number, to: number): Array<[number, number]> {
  const zone = station.timezone;
  let start = DateTime.fromMillis(from, { zone }).set({ weekday: SIM_LAB.compositeWeekday, hour: SIM_LAB.compositeStartHour, minute: 0, second: 0, millisecond: 0 });
  if (start.toMillis() < from) start = start.plus({ weeks: 1 });
  const out: Array<[number, number]> = [];
  for (; start.toMillis() < to; start = start.plus({ weeks: 1 })) out.push([start.toMillis(), start.plus({ hours: SIM_LAB.compositeHours }).toMillis()]);
  return out;
}

function labCompounds(catalog: CatalogSnapshot, station: Station, parameters: readonly Parameter[]): Parameter[] {
  return parameters.filter((p) => p.group === "pharmaceutical" && catalog.measures(station.id, p.code));
}

/** A lab result for one compound of a sample whose true concentration is `truth`. */
function result(seed: number, base: Omit<LabRow, "parameter" | "value" | "loq" | "unit" | "truth">, parameter: Parameter, truth: number): LabRow {
  const loq = labLoq(parameter.code);
  const sd = SIM_LAB.uncertaintyPercent / 200;
  const measured = truth * (1 + sd * hashNormal(seed, LAB_NOISE_KEY, stringKey(base.sampleId), stringKey(parameter.code)));
  return { ...base, parameter: parameter.code, value: measured < loq ? null : significant(measured), loq, unit: parameter.unit, truth };
}

function stamp(ms: number, zone: string, format: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat(format);
}

/**
 * Lab rows of every sample whose results are back by `until` (sampling ended at least the analysis
 * delay before) and whose sampling started in [from, until).
 */
export function labRows(options: LabSampleOptions, from: number, until: number): LabRow[] {
  const { seed, intervalMs, catalog } = options;
  const rows: LabRow[] = [];
  const spillPlan = options.spill ? planSpill(options.spill, catalog) : [];
  for (const station of options.stations) {
    const compounds = labCompounds(catalog, station, options.parameters);
    if (compounds.length === 0) continue;
    const signal = new StationSignal({ seed, intervalMs, spill: options.spill }, station, compounds, catalog);
    const common = { station: station.id, uncertaintyPercent: SIM_LAB.uncertaintyPercent, laboratory: SIM_LAB.laboratory, method: SIM_LAB.method };
    for (const [start, end] of compositePeriods(station, from, until)) {
      const analysedAt = end + SIM_LAB.analysisDelayMs;
      if (analysedAt > until) continue;
      // The true mean over [start, end): every grid instant of the period counts alike.
      const sums = new Array<number>(compounds.length).fill(0);
      let n = 0;
      for (let step = Math.ceil(start / intervalMs); step * intervalMs < end; step++) {
        const values = signal.valuesAt(step, step * intervalMs);
        values.forEach((v, i) => (sums[i]! += v));
        n++;
      }
      const sampleId = `SIM-${station.id}-${stamp(start, station.timezone, "kkkk-'W'WW")}`;
      const base = { ...common, sampleId, kind: "time-proportional composite" as const, start, end, analysedAt, remarks: null };
      compounds.forEach((p, i) => rows.push(result(seed, base, p, sums[i]! / n)));
    }
    const arrival = spillPlan.find((a) => a.station === station.id);
    if (!arrival || !options.spill) continue;
    for (const offset of SIM_LAB.spillGrabOffsets) {
      // On the reading grid, so the sample sees the value the sensors saw at that instant.
      const step = Math.round((arrival.peakTime + offset * arrival.widthMs) / intervalMs);
      const at = step * intervalMs;
      const analysedAt = at + SIM_LAB.urgentAnalysisDelayMs;
      if (at < from || analysedAt > until) continue;
      const values = signal.valuesAt(step, at);
      const sampleId = `SIM-${station.id}-G${stamp(at, station.timezone, "yyyyMMdd'T'HHmm")}`;
      const base = { ...common, sampleId, kind: "grab" as const, start: at, end: at, analysedAt, remarks: `grab sample during the ${options.spill.compound} spill` };
      compounds.forEach((p, i) => rows.push(result(seed, base, p, values[i]!)));
    }
  }
  return rows;
}
