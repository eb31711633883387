// Loads: how much of a compound a river carries past a station, the figure river commissions report.
// Daily load = the day's concentration × the day's mean discharge; a day's concentration is the mean
// of its counted values with censored values at half their limit (Directive 2009/90/EC Art. 5(1)),
// and the bounds with censored values at 0 and at their full limit show how much of a load rests on
// that substitution. The period load uses the flow-weighted method of OSPAR's RID study (Agreement
// 2014-04): L = Qr · Σ(Cᵢ·Qᵢ) / ΣQᵢ, Cᵢ and Qᵢ on the days with both, Qr the period's water volume
// from the mean daily discharge over the days with discharge. With a concentration every day it is
// the sum of the daily loads; with monthly lab samples it weights each sample by its day's flow
// instead of treating twelve days as the year.
import { addValue, censoredMean, emptySums } from "../../../common/statistics/censored-mean.ts";
import { QC, type QcFlag } from "../../../common/reading.ts";
import { convertUnit } from "../../../common/units.ts";
import { ValidationError } from "../errors.ts";
import { gridOf, sliceIndex, type AssessmentPeriod } from "./period.ts";
import type { AssessmentRuleId } from "../../../common/assessment-rules.ts";
import { tagValues } from "./select.ts";
import { upperBoundOf } from "./statistics.ts";
import type { AssessedValue, BasisChoice, DailyLoad, LoadResult } from "./types.ts";

export type { DailyLoad, LoadResult } from "./types.ts";

/** A discharge value (a daily mean, or readings that are averaged per local day). */
export interface DischargeValue {
  time: number;
  value: number;
  /** m³/s or L/s. */
  unit: string;
  qc: QcFlag;
}

export interface LoadInput {
  period: AssessmentPeriod;
  concentrations: readonly AssessedValue[];
  /** Unit of the concentrations (the parameter's): a mass concentration. */
  concentrationUnit: string;
  discharge: readonly DischargeValue[];
  basis: BasisChoice;
  approvedOnly: boolean;
}

/** g/d per (ng/L × m³/s): 1 ng/L × 1 m³/s = 1 ng/L × 1,000 L/s × 86,400 s/d = 8.64 × 10⁷ ng/d = 0.0864 g/d. */
export const GRAMS_PER_DAY_PER_NG_L_M3_S = 0.0864;

export function loadsOf(input: LoadInput): LoadResult {
  const toNgL = convertUnit(1, input.concentrationUnit, "ng/L");
  if (toNgL === undefined) throw new ValidationError(`loads need a mass concentration; ${input.concentrationUnit} is not one`);
  const grid = gridOf(input.period);
  const nDays = grid.days.length;

  const qSum = new Float64Array(nDays);
  const qCount = new Uint32Array(nDays);
  for (const d of input.discharge) {
    if (d.qc !== QC.pass) continue;
    const day = sliceIndex(grid.days, d.time);
    const q = convertUnit(d.value, d.unit, "m³/s");
    if (day < 0 || q === undefined) continue;
    qSum[day]! += q;
    qCount[day]!++;
  }

  const byDay = new Map<number, AssessedValue[]>();
  for (const t of tagValues(input.concentrations, grid, input.basis, input.approvedOnly)) {
    if (t.excludedBy !== null || t.day < 0) continue;
    const list = byDay.get(t.day) ?? [];
    list.push(t.value);
    byDay.set(t.day, list);
  }

  const daily: DailyLoad[] = [];
  let daysWithDischarge = 0;
  let qAll = 0;
  for (let i = 0; i < nDays; i++) {
    if (qCount[i] === 0) continue;
    daysWithDischarge++;
    qAll += qSum[i]! / qCount[i]!;
  }
  let cq = 0;
  let cqLower = 0;
  let cqUpper = 0;
  let qBoth = 0;
  let substitutedDays = 0;
  for (const [day, values] of [...byDay.entries()].sort((a, b) => a[0] - b[0])) {
    if (qCount[day] === 0) continue;
    const sums = emptySums();
    for (const v of values) addValue(sums, v);
    const m = censoredMean(sums);
    if (m.mean === null) continue;
    const q = qSum[day]! / qCount[day]!;
    const k = toNgL * q * GRAMS_PER_DAY_PER_NG_L_M3_S;
    const upper = upperBoundOf(sums)!;
    const substituted = m.nCensored > 0;
    if (substituted) substitutedDays++;
    daily.push({ day: grid.days[day]!.label, from: grid.days[day]!.from, concentration: m.mean, discharge: q, load: m.mean * k, lower: m.lowerBound! * k, upper: upper * k, substituted });
    cq += m.mean * q;
    cqLower += m.lowerBound! * q;
    cqUpper += upper * q;
    qBoth += q;
  }

  const coverage = { daysWithLoad: daily.length, daysWithConcentration: byDay.size, daysWithDischarge, totalDays: nDays, share: nDays === 0 ? 0 : daily.length / nDays };
  const rules: AssessmentRuleId[] = ["load-daily", "load-period-flow-weighted", "eu-loq-half"];
  if (daily.length === 0) return { daily, coverage, periodLoad: null, substitutedDays, rules };
  const meanDischarge = qAll / daysWithDischarge;
  // kg = C[ng/L] × Q̄[m³/s] × T[s] × 1,000 L/m³ × 10⁻¹² kg/ng
  const volumeFactor = meanDischarge * ((input.period.to - input.period.from) / 1000) * 1e-9 * toNgL;
  return {
    daily,
    coverage,
    periodLoad: {
      kg: (cq / qBoth) * volumeFactor,
      lowerKg: (cqLower / qBoth) * volumeFactor,
      upperKg: (cqUpper / qBoth) * volumeFactor,
      flowWeightedConcentration: cq / qBoth,
      meanDischarge,
      extrapolated: daily.length < nDays,
    },
    substitutedDays,
    rules,
  };
}
