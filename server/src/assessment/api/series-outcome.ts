// One station × parameter over a period, from the values read to what the API gives: the engine's
// verdicts, and on request the monthly means, the loads and every value with what became of it.
// Pure: the service reads the values and caches what this returns.
import type { AssessmentInclude, LoadsDto, MonthlyMean, SeriesSources, ValueUsed } from "../../../../common/assessment-api.ts";
import type { Parameter, QualityStandard, Station } from "../../../../common/catalog-model.ts";
import { meanOf } from "../../../../common/statistics/censored-mean.ts";
import { convertUnit } from "../../../../common/units.ts";
import { assessSeries } from "../assess.ts";
import { loadsOf } from "../loads.ts";
import { gridOf, type AssessmentPeriod } from "../period.ts";
import { tagValues, type TaggedValue } from "../select.ts";
import type { BasisChoice, MacMode, SeriesAssessment, VersionRule } from "../types.ts";
import type { LabValue, SensorDailyMean } from "../data/data-source.ts";

export interface SeriesOptions {
  basis: BasisChoice;
  approvedOnly: boolean;
  macMode: MacMode;
  versionRule: VersionRule;
  include: ReadonlySet<AssessmentInclude>;
}

export interface SeriesInputs {
  station: Station;
  parameter: Parameter;
  period: AssessmentPeriod;
  /** The versions of the standards that apply at the station and overlap the period. */
  standards: readonly QualityStandard[];
  daily: readonly SensorDailyMean[];
  lab: readonly LabValue[];
  labRecordedAfterAsOf: number;
  /** The station's discharge daily means (loads); empty without a discharge sensor. */
  discharge: readonly SensorDailyMean[];
}

export interface SeriesOutcome {
  station: string;
  parameter: string;
  unit: string;
  assessment: SeriesAssessment;
  sources: SeriesSources;
  monthly: MonthlyMean[] | null;
  /** undefined: not asked; null: no discharge, or not a mass concentration. */
  loads: LoadsDto | null | undefined;
  values: ValueUsed[] | null;
}

function monthlyMeans(tagged: readonly TaggedValue[], period: AssessmentPeriod): MonthlyMean[] {
  return gridOf(period).months.map((m) => ({
    label: m.label,
    from: m.from,
    to: m.to,
    mean: meanOf(tagged.filter((t) => t.excludedBy === null && t.value.time >= m.from && t.value.time < m.to).map((t) => t.value)),
  }));
}

function valueUsed(t: TaggedValue): ValueUsed {
  const v = t.value as SensorDailyMean | LabValue;
  const base: ValueUsed = { time: v.time, value: v.value, qualifier: v.qualifier, limit: v.limit, basis: v.basis, counted: t.excludedBy === null, excludedBy: t.excludedBy };
  return v.basis === "lab"
    ? { ...base, sample: v.sample, labSampleId: v.labSampleId, laboratory: v.laboratory }
    : { ...base, sensor: v.sensor, n: v.n, source: v.source };
}

const isMassConcentration = (unit: string): boolean => convertUnit(1, unit, "ng/L") !== undefined;

function loadsFor(input: SeriesInputs, values: readonly (SensorDailyMean | LabValue)[], options: SeriesOptions): LoadsDto | null {
  const discharge = input.discharge.filter((d) => d.value !== null);
  if (discharge.length === 0 || !isMassConcentration(input.parameter.unit)) return null;
  const result = loadsOf({
    period: input.period,
    concentrations: values,
    concentrationUnit: input.parameter.unit,
    discharge: discharge.map((d) => ({ time: d.time, value: d.value!, unit: "m³/s", qc: d.qc })),
    basis: options.basis,
    approvedOnly: options.approvedOnly,
  });
  return { ...result, dischargeSensor: discharge[0]!.sensor };
}

export function seriesOutcome(input: SeriesInputs, options: SeriesOptions): SeriesOutcome {
  const values = [...input.daily, ...input.lab];
  const assessment = assessSeries(
    { station: input.station.id, parameter: input.parameter.code, unit: input.parameter.unit, values },
    input.standards,
    {
      period: input.period,
      basis: options.basis,
      approvedOnly: options.approvedOnly,
      macMode: options.macMode,
      versionRule: options.versionRule,
      targetClass: input.station.targetClass,
    },
  );
  const { include } = options;
  const tagged = include.has("monthly") || include.has("values") ? tagValues(values, gridOf(input.period), options.basis, options.approvedOnly) : [];
  return {
    station: input.station.id,
    parameter: input.parameter.code,
    unit: input.parameter.unit,
    assessment,
    sources: {
      sensorDays: input.daily.filter((d) => d.source === "raw").length,
      rollupDays: input.daily.filter((d) => d.source === "rollup-1h").length,
      sensors: [...new Set(input.daily.map((d) => d.sensor))],
      labResults: input.lab.length,
      labRecordedAfterAsOf: input.labRecordedAfterAsOf,
    },
    monthly: include.has("monthly") ? monthlyMeans(tagged, input.period) : null,
    loads: include.has("loads") ? loadsFor(input, values, options) : undefined,
    values: include.has("values") ? tagged.map(valueUsed) : null,
  };
}

/** Rough bytes an outcome holds, for the cache's size bound. */
export function outcomeSize(o: SeriesOutcome): number {
  return 4_000 + 400 * o.assessment.assessments.length + 120 * (o.values?.length ?? 0) + 120 * (o.loads?.daily.length ?? 0) + 150 * (o.monthly?.length ?? 0);
}
