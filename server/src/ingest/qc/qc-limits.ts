// Limits for the QARTOD gross-range test, per parameter.
// - Sensor range (outside → fail, 4): what the instrument can physically report. Concentrations
//   cannot be negative; the other bounds are the measuring ranges of common field probes.
// - Expected range (outside → suspect, 3): derived from the catalog's typical range. Concentrations
//   may legitimately rise far above typical during spills and overflows, so their upper expected bound
//   is generous (20 × typical maximum); physico-chemical parameters get one typical span of slack.
import { findParameter, type Parameter, type ParameterCode } from "../../../../common/catalog.ts";

export interface RangeLimits {
  sensor: readonly [number, number];
  expected: readonly [number, number];
}

/** Instrument measuring ranges (typical multiparameter sondes). */
const SENSOR_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  ph: [0, 14],
  water_temperature: [-5, 50],
  dissolved_oxygen: [0, 50],
  conductivity: [0, 200_000],
  turbidity: [0, 4_000],
};

const CONCENTRATION_HEADROOM = 20;

export function rangeLimits(parameter: Parameter): RangeLimits {
  const [typMin, typMax] = parameter.typical;
  const span = typMax - typMin;
  const sensor = SENSOR_RANGE[parameter.code] ?? ([0, Number.POSITIVE_INFINITY] as const);
  const isConcentrationLike = parameter.group !== "physico-chemical" || parameter.code === "turbidity";
  const expected: readonly [number, number] = isConcentrationLike
    ? [sensor[0], typMax * CONCENTRATION_HEADROOM]
    : [Math.max(sensor[0], typMin - span), Math.min(sensor[1], typMax + span)];
  return { sensor, expected };
}

const cache = new Map<ParameterCode, RangeLimits>();

export function rangeLimitsFor(code: ParameterCode): RangeLimits | undefined {
  let limits = cache.get(code);
  if (!limits) {
    const parameter = findParameter(code);
    if (!parameter) return undefined;
    limits = rangeLimits(parameter);
    cache.set(code, limits);
  }
  return limits;
}
