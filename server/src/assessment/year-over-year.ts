// Year over year: the results of one station × parameter × standard lined up by calendar year, for
// the station page's comparison. Standards keep their id across versions, so a standard whose value
// changed stays on one row; a year in which it changed holds one result per version ("split").
import type { ParameterCode, StationId } from "../../../common/catalog-model.ts";
import type { SeriesAssessment, StandardAssessment } from "./types.ts";

export interface YearCell {
  year: number;
  results: StandardAssessment[];
  /** The Art. 5 mean of the year's (first) result, and its change against the previous year's cell. */
  mean: number | null;
  meanChange: number | null;
}

export interface YearOverYearRow {
  station: StationId;
  parameter: ParameterCode;
  standardId: string;
  years: YearCell[];
}

/** Rows sorted by station, parameter and standard id, years ascending. Only calendar-year assessments take part. */
export function lineUpYears(series: readonly SeriesAssessment[]): YearOverYearRow[] {
  const rows = new Map<string, { row: YearOverYearRow; byYear: Map<number, StandardAssessment[]> }>();
  for (const s of series) {
    if (s.period.kind !== "calendar-year" || s.period.year === null) continue;
    for (const a of s.assessments) {
      const key = `${s.station}\t${s.parameter}\t${a.standard.id}`;
      let entry = rows.get(key);
      if (!entry) {
        entry = { row: { station: s.station, parameter: s.parameter, standardId: a.standard.id, years: [] }, byYear: new Map() };
        rows.set(key, entry);
      }
      const list = entry.byYear.get(s.period.year) ?? [];
      list.push(a);
      entry.byYear.set(s.period.year, list);
    }
  }
  const out: YearOverYearRow[] = [];
  for (const { row, byYear } of rows.values()) {
    let previous: number | null = null;
    for (const year of [...byYear.keys()].sort((a, b) => a - b)) {
      const results = byYear.get(year)!.sort((a, b) => a.from - b.from);
      const mean = results[0]!.statistics.mean.mean;
      const meanChange = mean !== null && previous !== null && previous !== 0 ? (mean - previous) / previous : null;
      row.years.push({ year, results, mean, meanChange });
      previous = mean;
    }
    out.push(row);
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return out.sort((a, b) => cmp(a.station, b.station) || cmp(a.parameter, b.parameter) || cmp(a.standardId, b.standardId));
}
