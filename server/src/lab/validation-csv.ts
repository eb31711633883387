// The validation's pairs as CSV (GET /api/v1/lab/validation.csv): one row per lab result with the
// sensor value it was paired with, written with the export's CSV conventions (RFC 4180, formula
// neutralising; export/export-encoders.ts) so spreadsheets read both alike.
import type { LabValidationResponse } from "../../../common/lab-validation.ts";
import { csvEncoder } from "../export/export-encoders.ts";
import { column as col, type Cell, type ExportColumn } from "../export/export-table.ts";

export const VALIDATION_CSV_COLUMNS: readonly ExportColumn[] = Object.freeze([
  col("sample_id", "string", "The laboratory's sample id"),
  col("laboratory", "string", "Analysing laboratory"),
  col("method", "string", "Analytical method"),
  col("sample_type", "string", "grab, time-proportional composite or flow-proportional composite"),
  col("sampling_start", "datetime", "Sampling start (a grab sample's instant), UTC"),
  col("sampling_end", "datetime", "Sampling end, UTC"),
  col("time", "datetime", "Time on the drift axis: a composite's mid-point, a grab sample's instant"),
  col("unit", "string", "Unit of every concentration and difference in the row"),
  col("lab_value", "number", "Lab result; empty when below the LOQ"),
  col("lab_qualifier", "string", '"<LOQ" when the lab result is below its limit of quantification'),
  col("lab_loq", "number", "The lab's limit of quantification, when given"),
  col("lab_uncertainty", "number", "Expanded uncertainty (k = 2) of the lab result, in the row's unit"),
  col("sensor_value", "number", "Mean (or nearest) of the accepted sensor readings over the sampling period or grab window; empty when none or below the limit"),
  col("sensor_aggregation", "string", "mean, nearest or flow-weighted mean"),
  col("sensor_reported_below", "string", '"<LOD"/"<LOQ" when the sensor mean is below the limit its values carry (Directive 2009/90/EC Art. 5(2))'),
  col("sensor_limit", "number", "The limit sensor_reported_below refers to"),
  col("readings", "integer", "Accepted sensor readings in the period or window"),
  col("readings_from_rollups", "integer", "Of those, readings known only through 1-minute or 1-hour means (older than the raw retention)"),
  col("readings_censored", "integer", "Of the readings used, those below a limit (counted at half the limit)"),
  col("readings_expected", "number", "Readings the sensor's interval leads one to expect"),
  col("coverage", "number", "readings / readings_expected, at most 1"),
  col("difference", "number", "sensor_value − lab_value"),
  col("relative_difference_percent", "number", "100 × (sensor_value − lab_value) / lab_value"),
  col("average", "number", "(sensor_value + lab_value) / 2, the Bland–Altman x axis"),
  col("excluded", "string", "Why the pair is left out of the statistics; empty when it is in them"),
]);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function validationCsv(body: LabValidationResponse): string {
  const encoder = csvEncoder({ bom: true });
  const rows: Cell[][] = body.validation.pairs.map((p, i) => {
    const lab = body.lab[i]!;
    const u = lab.uncertainty;
    const labValue = p.labValue ?? p.lab.limit;
    const uncertainty = u === null ? null : u.kind === "absolute" ? u.value : labValue === null ? null : (u.value / 100) * labValue;
    return [
      p.sampleId,
      lab.sample.laboratory,
      lab.sample.method,
      p.kind,
      iso(p.start),
      iso(p.end),
      iso(p.time),
      body.unit,
      p.labValue,
      p.lab.qualifier,
      lab.loq,
      uncertainty,
      p.sensor.value,
      p.sensor.aggregation,
      p.sensor.reportedBelow,
      p.sensor.limit,
      p.sensor.nReadings,
      p.sensor.nFromAggregates,
      p.sensor.nCensored,
      p.sensor.nExpected,
      p.sensor.coverage,
      p.difference,
      p.relativeDifferencePercent,
      p.average,
      p.excluded,
    ];
  });
  return encoder.header(VALIDATION_CSV_COLUMNS) + encoder.rows(rows) + encoder.footer();
}

export function validationCsvName(body: LabValidationResponse): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return `validation-${body.station}-${body.parameter}-${body.sensor}-${day(body.from)}-${day(body.to)}.csv`;
}
