// How each simulated sensor differs from the true value of the water it measures. A station's
// primary instruments read the truth (plus the faults the fault model adds); research prototypes
// installed beside them read with a bias and noise of their own, as a sensor under validation does
// against its laboratory reference. Modelling choices, in one place: change them here.
import type { Sensor, SensorId } from "../../../common/catalog-model.ts";

export interface SensorProfile {
  /** Relative bias: the sensor reads (1 + bias) × the true value. */
  bias: number;
  /** Standard deviation of its own measurement noise, relative to the value (log-normal). */
  noise: number;
}

const EXACT: SensorProfile = Object.freeze({ bias: 0, noise: 0 });

const PROFILES: Readonly<Record<SensorId, SensorProfile>> = {
  // KSI's second carbamazepine prototype (molecularly imprinted polymer electrode) next to Zehren's
  // primary sensor: reads about 8 % high and scatters more, as prototypes do before recalibration.
  "KSI-CBZ-MIP-P2": { bias: 0.08, noise: 0.06 },
};

export function sensorProfileFor(sensor: Pick<Sensor, "id">): SensorProfile {
  return PROFILES[sensor.id] ?? EXACT;
}
