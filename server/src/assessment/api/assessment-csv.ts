// The assessment as CSV, with the same numbers as the JSON (full precision): one row per station ×
// parameter × standard result, one row per station's GB 3838 class; and the loads export, one row
// per day and one per period. Written with the export's CSV encoder (RFC 4180, formula-safe).
import { DateTime } from "luxon";
import type { AssessmentResponse, LoadsDto, SeriesResult, StandardResult, StationResult } from "../../../../common/assessment-api.ts";
import type { CatalogSnapshot } from "../../../../common/catalog-snapshot.ts";
import { csvEncoder } from "../../export/export-encoders.ts";
import type { Cell } from "../../export/export-table.ts";

const at = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toISO() ?? new Date(ms).toISOString();
const bool = (b: boolean): string => (b ? "true" : "false");

const RESULT_COLUMNS = [
  "row_kind", "station", "station_name", "river", "river_km", "time_zone", "period_from", "period_to", "parameter", "unit",
  "basis", "approved_only", "standard_id", "standard_kind", "legal_status", "source", "valid_from", "valid_to", "limit_min", "limit_max",
  "target_class", "span_from", "span_to", "verdict", "reason", "indicative_verdict", "margin", "margin_qualifier", "exceedances", "undecided",
  "n", "n_quantified", "n_censored", "days_with_data", "days_total", "months_with_data", "months_total", "months_missing",
  "mean", "mean_reported_below", "mean_limit", "mean_substitution", "mean_lower_bound", "mean_upper_bound", "max", "p90", "p90_qualifier", "p95", "p95_qualifier",
  "gb_class_of_mean", "gb_class_of_worst_value", "exceedance_over_target", "exceedance_over_class_iii", "station_class", "determined_by",
  "rules", "notes", "sensor_days", "rollup_days", "lab_results", "load_kg", "load_lower_kg", "load_upper_kg", "load_days",
] as const;

type ResultColumn = (typeof RESULT_COLUMNS)[number];
type Row = Partial<Record<ResultColumn, Cell>>;

function stationCells(body: AssessmentResponse, s: StationResult, catalog: CatalogSnapshot): Row {
  const station = catalog.station(s.station);
  return {
    station: s.station,
    station_name: station?.name.en ?? s.station,
    river: station?.river ?? null,
    river_km: station?.riverKm ?? null,
    time_zone: s.zone,
    period_from: at(s.from, s.zone),
    period_to: at(s.to, s.zone),
    basis: body.request.basis,
    approved_only: bool(body.request.approvedOnly),
    target_class: s.targetClass,
  };
}

function loadCells(loads: LoadsDto | null | undefined): Row {
  const p = loads?.periodLoad;
  if (!p) return {};
  return { load_kg: p.kg, load_lower_kg: p.lowerKg, load_upper_kg: p.upperKg, load_days: loads!.coverage.daysWithLoad };
}

function resultRow(body: AssessmentResponse, base: Row, series: SeriesResult, r: StandardResult, zone: string): Row {
  const std = body.standards[r.standard]!;
  const st = r.statistics;
  const limit = r.limit;
  const gb = r.gb;
  const ex = gb?.exceedance?.[gb.classBasis === "period-mean" ? "periodMean" : "worstValue"] ?? null;
  return {
    ...base,
    row_kind: "result",
    parameter: series.parameter,
    unit: series.unit,
    standard_id: std.id,
    standard_kind: std.kind,
    legal_status: std.legalStatus,
    source: std.source,
    valid_from: std.validFrom,
    valid_to: std.validTo,
    limit_min: limit === null ? null : limit.kind === "range" ? limit.min : limit.kind === "min" ? limit.value : null,
    limit_max: limit === null ? null : limit.kind === "range" ? limit.max : limit.kind === "max" ? limit.value : null,
    span_from: at(r.from, zone),
    span_to: at(r.to, zone),
    verdict: r.verdict,
    reason: r.reason,
    indicative_verdict: r.indicativeVerdict,
    margin: r.margin?.ratio ?? null,
    margin_qualifier: r.margin?.qualifier ?? null,
    exceedances: r.exceedances,
    undecided: r.undecided,
    n: st.n,
    n_quantified: st.nQuantified,
    n_censored: st.nCensored,
    days_with_data: st.coverage.days.withData,
    days_total: st.coverage.days.total,
    months_with_data: st.coverage.months.withData,
    months_total: st.coverage.months.total,
    months_missing: st.coverage.months.missing.join(" "),
    mean: st.mean.mean,
    mean_reported_below: st.mean.reportedBelow,
    mean_limit: st.mean.limit,
    mean_substitution: st.mean.substitution,
    mean_lower_bound: st.mean.lowerBound,
    mean_upper_bound: st.upperBound,
    max: st.max?.value ?? null,
    p90: st.p90?.value ?? null,
    p90_qualifier: st.p90?.qualifier ?? null,
    p95: st.p95?.value ?? null,
    p95_qualifier: st.p95?.qualifier ?? null,
    gb_class_of_mean: gb?.classOfMean ?? null,
    gb_class_of_worst_value: gb?.classOfWorstValue ?? null,
    exceedance_over_target: ex?.overTarget ?? null,
    exceedance_over_class_iii: ex?.overClassIII ?? null,
    rules: r.rules.join(" "),
    notes: r.notes.join(" "),
    sensor_days: series.sources.sensorDays,
    rollup_days: series.sources.rollupDays,
    lab_results: series.sources.labResults,
    ...loadCells(series.loads),
  };
}

function table<C extends string>(columns: readonly C[], rows: ReadonlyArray<Partial<Record<C, Cell>>>): string {
  const encoder = csvEncoder({ bom: false });
  return encoder.header(columns.map((name) => ({ name, type: "any", description: "" }))) + encoder.rows(rows.map((r) => columns.map((c) => r[c] ?? null)));
}

export function assessmentCsv(body: AssessmentResponse, catalog: CatalogSnapshot): string {
  const rows: Row[] = [];
  for (const s of body.stations) {
    const base = stationCells(body, s, catalog);
    for (const series of s.series) for (const r of series.results) rows.push(resultRow(body, base, series, r, s.zone));
    if (s.class) {
      rows.push({
        ...base,
        row_kind: "station-class",
        standard_kind: "class-limits",
        verdict: s.class.verdict,
        reason: s.class.reason,
        station_class: s.class.class,
        determined_by: s.class.determinedBy.join(" "),
        rules: "gb3838-worst-indicator",
      });
    }
  }
  return table(RESULT_COLUMNS, rows);
}

const LOAD_COLUMNS = [
  "row_kind", "station", "parameter", "unit", "day", "time_zone", "concentration", "discharge_m3_s", "load_g_per_day", "load_lower_g_per_day",
  "load_upper_g_per_day", "substituted", "period_from", "period_to", "load_kg", "load_lower_kg", "load_upper_kg", "flow_weighted_concentration",
  "mean_discharge_m3_s", "days_with_load", "days_total", "extrapolated", "discharge_sensor",
] as const;

export function loadsCsv(body: AssessmentResponse): string {
  const rows: Array<Partial<Record<(typeof LOAD_COLUMNS)[number], Cell>>> = [];
  for (const s of body.stations) {
    for (const series of s.series) {
      const loads = series.loads;
      if (!loads) continue;
      const base = { station: s.station, parameter: series.parameter, unit: series.unit, time_zone: s.zone, discharge_sensor: loads.dischargeSensor };
      for (const d of loads.daily) {
        rows.push({
          ...base,
          row_kind: "day",
          day: d.day,
          concentration: d.concentration,
          discharge_m3_s: d.discharge,
          load_g_per_day: d.load,
          load_lower_g_per_day: d.lower,
          load_upper_g_per_day: d.upper,
          substituted: bool(d.substituted),
        });
      }
      const p = loads.periodLoad;
      rows.push({
        ...base,
        row_kind: "period",
        period_from: at(s.from, s.zone),
        period_to: at(s.to, s.zone),
        load_kg: p?.kg ?? null,
        load_lower_kg: p?.lowerKg ?? null,
        load_upper_kg: p?.upperKg ?? null,
        flow_weighted_concentration: p?.flowWeightedConcentration ?? null,
        mean_discharge_m3_s: p?.meanDischarge ?? null,
        days_with_load: loads.coverage.daysWithLoad,
        days_total: loads.coverage.totalDays,
        extrapolated: p ? bool(p.extrapolated) : null,
      });
    }
  }
  return table(LOAD_COLUMNS, rows);
}
