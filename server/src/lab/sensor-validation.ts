// One sensor's validation against the lab over a period: the lab results of its station and compound
// (as they stand now), the sensor's readings over their sampling periods, and validateSensor's pairs
// and statistics. I/O only; the statistics are validation/ (pure).
import type { LabValidationResponse } from "../../../common/lab-validation.ts";
import { UnprocessableError } from "../errors.ts";
import type { ReadingStore } from "../influx/store.ts";
import type { RetentionWindows } from "../query/resolution.ts";
import type { LabQueries } from "./lab-queries.ts";
import { readSensorReadings } from "./sensor-readings.ts";
import { DEFAULT_VALIDATION, validateSensor } from "./validation/index.ts";
import { validationLabResult } from "./validation-input.ts";
import type { ValidationRequest } from "./validation-params.ts";

/**
 * Most lab results one validation takes: daily samples for five years. Passing–Bablok and Theil–Sen
 * sort all n(n − 1)/2 pairwise slopes (two million here, well under a second).
 */
export const MAX_VALIDATION_LAB_RESULTS = 2_000;

export interface SensorValidationDeps {
  store: ReadingStore;
  queries: LabQueries;
  retention: RetentionWindows;
}

export async function validateAgainstLab(deps: SensorValidationDeps, req: ValidationRequest, now: number): Promise<LabValidationResponse> {
  const { series } = req;
  const options = { ...req.options, sensorIntervalSeconds: series.sensor.intervalSeconds };
  const { results, truncated } = await deps.queries.results({
    stations: [series.station.id],
    parameters: [series.parameter.code],
    from: req.from,
    to: req.to,
    limit: MAX_VALIDATION_LAB_RESULTS,
  });
  if (truncated) {
    throw new UnprocessableError(
      "too_many_lab_results",
      `more than ${MAX_VALIDATION_LAB_RESULTS} lab results of ${series.parameter.code} at ${series.station.id} in this period: choose a shorter period`,
    );
  }
  const base = {
    station: series.station.id,
    parameter: series.parameter.code,
    sensor: series.sensor.id,
    unit: series.parameter.unit,
    from: req.from,
    to: req.to,
    lab: results,
  };
  const labResults = results.map(validationLabResult);
  if (labResults.length === 0) {
    return { ...base, readings: { rawFrom: null, raw: 0, rollup1m: 0, rollup1h: 0 }, validation: validateSensor({ labResults, readings: [] }, options) };
  }
  // Only the sampling periods (and grab windows) matter: the readings in them, nothing between.
  const halfWindowMs = (options.grabWindowMinutes ?? DEFAULT_VALIDATION.grabWindowMinutes) * 60_000;
  const windows = labResults.map((r) => (r.kind === "grab" ? { from: r.start - halfWindowMs, to: r.start + halfWindowMs } : { from: r.start, to: r.end }));
  const sensor = await readSensorReadings(deps.store, series, windows, now, deps.retention);
  return {
    ...base,
    readings: sensor.sources,
    validation: validateSensor({ labResults, readings: sensor.readings, aggregates: sensor.aggregates }, options),
  };
}
