// The API's answers from the service's outcomes. Pure. Each standard version is listed once and
// referred to by index; the rules and catalog sources the results rest on come with them, so the
// dashboard and the printable report can cite them without a second request.
import type {
  AssessmentResponse,
  DataNoteCode,
  SeriesResult,
  StandardResult,
  StatisticsDto,
  YearsResponse,
  YearsRow,
} from "../../../../common/assessment-api.ts";
import { ASSESSMENT_RULES, type AssessmentRule, type AssessmentRuleId } from "../../../../common/assessment-rules.ts";
import type { QualityStandard, Source } from "../../../../common/catalog-model.ts";
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import { lineUpYears } from "../year-over-year.ts";
import type { StandardAssessment, ValueStatistics } from "../types.ts";
import type { AssessmentQuery, YearsQuery } from "./assessment-params.ts";
import type { AssessOutcome, StationOutcome } from "./assessment-service.ts";
import type { SeriesOutcome } from "./series-outcome.ts";

/** Standards by version, in first-use order; rules and sources as they are cited. */
class Citations {
  readonly standards: QualityStandard[] = [];
  private readonly index = new Map<QualityStandard, number>();
  private readonly byContent = new Map<string, number>();
  private readonly rules = new Set<AssessmentRuleId>();

  standard(s: QualityStandard): number {
    const known = this.index.get(s);
    if (known !== undefined) return known;
    // Cached outcomes may hold equal standards from an equal catalog: list each version once.
    const key = JSON.stringify(s);
    let i = this.byContent.get(key);
    if (i === undefined) {
      i = this.standards.push(s) - 1;
      this.byContent.set(key, i);
    }
    this.index.set(s, i);
    return i;
  }

  rule(ids: Iterable<AssessmentRuleId>): void {
    for (const id of ids) this.rules.add(id);
  }

  ruleTable(): Partial<Record<AssessmentRuleId, AssessmentRule>> {
    const ids = (Object.keys(ASSESSMENT_RULES) as AssessmentRuleId[]).filter((id) => this.rules.has(id));
    return Object.fromEntries(ids.map((id) => [id, ASSESSMENT_RULES[id]]));
  }

  sources(catalog: CatalogSnapshot): Source[] {
    const ids = new Set([...this.standards.map((s) => s.source), ...[...this.rules].flatMap((r) => ASSESSMENT_RULES[r].sources)]);
    return [...ids].map((id) => catalog.source(id)).filter((s): s is Source => s !== undefined);
  }
}

function statisticsDto(s: ValueStatistics): StatisticsDto {
  return { ...s, coverage: { days: s.coverage.days, months: { ...s.coverage.months, missing: s.coverage.months.missing.map((m) => m.label) } } };
}

function resultDto(a: StandardAssessment, c: Citations): StandardResult {
  c.rule(a.rules);
  const { standard, statistics, ...rest } = a;
  return { ...rest, standard: c.standard(standard), statistics: statisticsDto(statistics) };
}

function seriesDto(o: SeriesOutcome, c: Citations): SeriesResult {
  const out: SeriesResult = {
    parameter: o.parameter,
    unit: o.unit,
    sources: o.sources,
    results: o.assessment.assessments.map((a) => resultDto(a, c)),
    superseded: o.assessment.superseded.map((s) => c.standard(s.standard)),
  };
  if (o.monthly !== null) out.monthly = o.monthly;
  if (o.loads !== undefined) {
    if (o.loads) c.rule(o.loads.rules);
    out.loads = o.loads;
  }
  if (o.values !== null) out.values = o.values;
  return out;
}

function stationDto(s: StationOutcome, c: Citations) {
  if (s.class) c.rule(["gb3838-worst-indicator"]);
  return {
    station: s.station.id,
    zone: s.period.zone,
    from: s.period.from,
    to: s.period.to,
    targetClass: s.station.targetClass,
    class: s.class,
    series: s.series.map((o) => seriesDto(o, c)),
  };
}

function periodText(q: AssessmentQuery): AssessmentResponse["request"]["period"] {
  const p = q.period;
  if (p.kind === "calendar-year") return { kind: p.kind, year: p.year, from: null, to: null };
  if (p.kind === "rolling-12-months") return { kind: p.kind, year: null, from: null, to: null };
  return { kind: p.kind, year: null, from: p.text.from, to: p.text.to };
}

export function assessmentResponse(q: AssessmentQuery, outcome: AssessOutcome, dataNotes: readonly DataNoteCode[], now: number): AssessmentResponse {
  const c = new Citations();
  const stations = outcome.stations.map((s) => stationDto(s, c));
  const notes = new Set<DataNoteCode>(dataNotes);
  if (q.basis !== "lab") notes.add("sensor-daily-means");
  if (q.basis === "both") notes.add("lab-preferred-over-sensor");
  if (outcome.stations.some((s) => s.series.some((o) => o.sources.rollupDays > 0))) notes.add("rollup-days-include-suspect");
  return {
    request: {
      period: periodText(q),
      basis: q.basis,
      approvedOnly: q.approvedOnly,
      asOf: q.asOf,
      macMode: q.macMode,
      versionRule: q.versionRule,
      sensors: [...new Set([...q.sensors.values()].map((s) => s.id))],
      include: [...q.include],
    },
    catalogVersion: q.catalog.version,
    generatedAt: now,
    parameters: q.parameters.map((p) => p.code),
    standards: c.standards,
    rules: c.ruleTable(),
    sources: c.sources(q.catalog),
    notes: [...notes],
    stations,
    cache: outcome.cache,
  };
}

export function yearsResponse(q: YearsQuery, years: ReadonlyArray<{ year: number; station: StationOutcome }>): YearsResponse {
  const c = new Citations();
  const units = new Map(q.parameters.map((p) => [p.code, p.unit]));
  const rows: YearsRow[] = lineUpYears(years.flatMap((y) => y.station.series.map((s) => s.assessment))).map((row) => ({
    parameter: row.parameter,
    unit: units.get(row.parameter) ?? "",
    standardId: row.standardId,
    years: row.years.map((cell) => ({
      year: cell.year,
      mean: cell.mean,
      meanChange: cell.meanChange,
      results: cell.results.map((a) => {
        c.rule(a.rules);
        return {
          standard: c.standard(a.standard),
          verdict: a.verdict,
          reason: a.reason,
          indicativeVerdict: a.indicativeVerdict,
          margin: a.margin,
          from: a.from,
          to: a.to,
          n: a.statistics.n,
          mean: a.statistics.mean,
        };
      }),
    })),
  }));
  // Parameters in the order asked, then standards by id (lineUpYears sorts by id).
  const order = new Map(q.parameters.map((p, i) => [p.code, i]));
  rows.sort((a, b) => order.get(a.parameter)! - order.get(b.parameter)!);
  return { station: q.station.id, fromYear: q.fromYear, toYear: q.toYear, basis: q.basis, standards: c.standards, rules: c.ruleTable(), rows };
}
