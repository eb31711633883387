// How each simulated sensor differs from the true value of the water it measures. A station's
// primary instruments read the truth (plus the faults the fault model adds); research prototypes
// installed beside them read with a bias, noise and calibration drift of their own, as a sensor under
// validation does against its laboratory reference. Modelling choices, in one place: change them here,
// or per run with --sensor-bias and --sensor-drift.
import type { Sensor, SensorId, StationId } from "../../../common/catalog-model.ts";
import { MONTH_MS } from "../../../common/lab-validation.ts";

export interface SensorProfile {
  /** Relative bias: the sensor reads (1 + bias + drift) × the true value. */
  bias: number;
  /** Standard deviation of its own measurement noise, relative to the value (log-normal). */
  noise: number;
  /**
   * Calibration drift in % of the value per month (MONTH_MS, as the validation's drift trend counts
   * them), from the start of the run's history: the relative error grows by this much a month.
   */
  driftPercentPerMonth: number;
}

/** A run's own bias or drift for one sensor at one station (--sensor-bias, --sensor-drift). */
export interface SensorAdjustment {
  station: StationId;
  sensor: SensorId;
  biasPercent?: number;
  driftPercentPerMonth?: number;
}

const EXACT: SensorProfile = Object.freeze({ bias: 0, noise: 0, driftPercentPerMonth: 0 });

const PROFILES: Readonly<Record<SensorId, SensorProfile>> = {
  // KSI's second carbamazepine prototype (molecularly imprinted polymer electrode) next to Zehren's
  // primary sensor: reads about 8 % high, scatters more and drifts upwards by 3 % a month, as
  // prototypes do before recalibration — what the sensor validation view is there to find.
  "KSI-CBZ-MIP-P2": { bias: 0.08, noise: 0.06, driftPercentPerMonth: 3 },
};

/** The validation's month (common/lab-validation.ts), so a drift of x %/month shows as x there. */
export const MEAN_MONTH_MS = MONTH_MS;

export function sensorProfileFor(sensor: Pick<Sensor, "id">, station?: StationId, adjustments: readonly SensorAdjustment[] = []): SensorProfile {
  const base = PROFILES[sensor.id] ?? EXACT;
  const own = adjustments.find((a) => a.sensor === sensor.id && (station === undefined || a.station === station));
  if (!own) return base;
  return {
    ...base,
    bias: own.biasPercent !== undefined ? own.biasPercent / 100 : base.bias,
    driftPercentPerMonth: own.driftPercentPerMonth ?? base.driftPercentPerMonth,
  };
}

/** Whether the sensor reads anything but the truth: a sensor under validation. */
export function isUnderValidation(profile: SensorProfile): boolean {
  return profile.bias !== 0 || profile.noise !== 0 || profile.driftPercentPerMonth !== 0;
}

/** (1 + bias + drift) at time t, for a drift counted from `origin`. */
export function sensorFactor(profile: SensorProfile, t: number, origin: number): number {
  const months = Math.max(0, t - origin) / MEAN_MONTH_MS;
  return 1 + profile.bias + (profile.driftPercentPerMonth / 100) * months;
}
